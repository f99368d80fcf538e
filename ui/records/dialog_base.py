"""The frame of a dialog that edits one record (the contact and account editors, the history
log form): its body over a rule, then the banner that says what is wrong beside Cancel and
Save; the save keys; the save as one Writer job and what a failed one says; and the question
asked before closing with something unsaved.

A subclass lays out its body (`_frame`), says how to save (`save`, then `_write` with the
job), titles itself (`_update_title`) and answers a few hooks: `_explain_failure` for the
failures only it can explain, `_ask` for the question and `_report` for the error dialog
(both through the functions its own module imports: the tests replace those)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.domain.changes import ChangeSet, Entity
from app.domain.errors import RolodeckError
from app.domain.record import HasId
from ui.contacts.form_bits import FieldMessage, quiet_button
from ui.contacts.unsaved import Answer
from ui.tasks import Writer

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


def cancel_and_save(dialog: QDialog, save: Callable[[], None]) -> tuple[QPushButton, QPushButton]:
    """Cancel, which rejects `dialog`, and the accent-filled Save, which runs `save`; Return
    presses neither (it belongs to the fields)."""
    cancel = quiet_button("Cancel")
    cancel.setToolTip("Close without saving (Esc)")
    cancel.clicked.connect(dialog.reject)
    save_button = quiet_button("Save")
    save_button.setObjectName("primaryButton")
    save_button.setToolTip("Save (Ctrl+Return)")
    save_button.clicked.connect(save)
    return cancel, save_button


class Stateful(Protocol):
    def state(self) -> tuple: ...


F = TypeVar("F", bound=Stateful)


class RecordDialog(QDialog, Generic[F]):
    saved = Signal(int)  # the record's id, once the save went through
    ENTITY: Entity  # what a new record's id is read from in the save's ChangeSet

    def __init__(self, writer: Writer, form: F, parent: QWidget | None, *, name: str,
                 banner: str):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName(name)
        self.setSizeGripEnabled(True)
        self._writer = writer
        self.form = form
        self._clean: tuple = ()  # the form's state when loaded or saved: dirty if it differs
        self._ready = False
        self._saving = False
        self._finished = False

        self.banner = FieldMessage()
        self.banner.setObjectName(banner)
        self.cancel_button, self.save_button = cancel_and_save(self, self.save)
        for keys in (QKeySequence(QKeySequence.StandardKey.Save), *map(QKeySequence, SAVE_KEYS)):
            QShortcut(keys, self, self.save)

    def _frame(self, body: QWidget) -> None:
        """`body` above a rule, and under it the banner and the buttons."""
        buttons = QHBoxLayout()
        buttons.setContentsMargins(20, 8, 20, 14)
        buttons.addWidget(self.banner, 1)
        buttons.addStretch(0)  # the buttons keep their place while the banner is hidden
        buttons.addSpacing(12)
        buttons.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Plain)
        rule.setForegroundRole(QPalette.ColorRole.Mid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(body, 1)
        layout.addWidget(rule)
        layout.addLayout(buttons)

    # --- what subclasses say ----------------------------------------------------------------

    def save(self) -> None:
        raise NotImplementedError

    def _update_title(self) -> None:
        raise NotImplementedError

    def _report(self, parent: QWidget | None, error: BaseException) -> None:
        """The error dialog, through the show_error of the subclass's own module."""
        raise NotImplementedError

    def _ask(self) -> Answer:
        """Save, discard or keep editing, asked when closing would lose something."""
        raise NotImplementedError

    def _explain_failure(self, error: BaseException, attempted: Any) -> bool:
        """Say what went wrong when the subclass knows better than "Not saved: …"."""
        return False

    def _can_save(self) -> bool:
        return not self._saving

    def _fields_show_problems(self) -> bool:
        """A field says what is wrong with it: the banner's "fix the field" stays."""
        return False

    def _would_lose(self) -> bool:
        return self.is_dirty()

    def _discard(self) -> None:
        """What closing without saving stops, besides the dialog."""

    # --- state ------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Loaded, and what Save checks against read (the companies a contact may work for,
        the accounts one may be part of): Save can go through."""
        return self._ready

    def is_dirty(self) -> bool:
        return self.form.state() != self._clean

    def _alive(self) -> bool:
        # Reads and saves finish after the user may have closed (and Qt deleted) the dialog.
        return shiboken6.isValid(self) and not self._finished

    def _set_title(self, title: str) -> None:
        self.setWindowTitle(f"{title}[*]")
        self.setWindowModified(self.is_dirty())

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self._can_save())
        self.save_button.setText("Saving…" if self._saving else "Save")

    def _on_changed(self) -> None:
        self._update_title()
        self._update_buttons()
        if self.banner.message and self.banner.property("kind") == "fix" \
                and not self._fields_show_problems():
            self._say("")

    def _say(self, text: str, kind: str = "") -> None:
        self.banner.setProperty("kind", kind)
        self.banner.show_message(text)

    def _show_loaded(self, first: QWidget) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load_failed(self, error: BaseException) -> None:
        """A record that could not be read is said in a dialog, and no editor opens."""
        if not self._alive():
            return
        self._report(self.parentWidget(), error)
        self._finished = True
        self.deleteLater()

    # --- saving -----------------------------------------------------------------------------

    def _write(self, record: HasId, work: Callable[[], ChangeSet],
               then: Callable[[ChangeSet], None] | None = None) -> None:
        """Run `work` (saving `record`) on the Writer; `then` sees its ChangeSet first."""
        self._saving = True
        self._say("")
        self._update_buttons()
        self._writer.run(work, lambda changes: self._written(record, changes, then),
                         lambda error: self._write_failed(error, record))

    def _written(self, record: HasId, changes: ChangeSet,
                 then: Callable[[ChangeSet], None] | None) -> None:
        if not self._alive():
            return
        self._saving = False
        if then is not None:
            then(changes)
        record_id = record.id if record.id is not None else changes.new_id(self.ENTITY)
        self._clean = self.form.state()
        self.saved.emit(record_id)
        self.accept()

    def _write_failed(self, error: BaseException, attempted: Any) -> None:
        if not self._alive():
            return
        self._saving = False
        self._update_buttons()
        if self._explain_failure(error, attempted):
            return
        if isinstance(error, RolodeckError):
            self._say(f"Not saved: {error}")
        else:
            self._say("Not saved: something went wrong. What you typed is still here.")
            self._report(self, error)

    # --- closing ----------------------------------------------------------------------------

    def reject(self) -> None:
        """Esc, Cancel and the window's close button: asks first when something would be
        lost."""
        if self._saving:
            return  # the save under way ends in a moment, closing or saying why not
        if not self._would_lose():
            super().reject()
            return
        answer = self._ask()
        if answer is Answer.SAVE:
            self.save()
        elif answer is Answer.DISCARD:
            self._discard()
            super().reject()

    def done(self, result: int) -> None:
        self._finished = True
        super().done(result)
