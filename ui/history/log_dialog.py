"""Log a call, meeting, note or e-mail, or edit one already in the history.

    LogDialog.for_contact(services, writer, contact_id, kind, parent, about="Priya Raman")
    LogDialog.for_account(services, writer, account_id, kind, parent, about="Lagos Timber")
    LogDialog.edit(services, reads, writer, history_id, parent)   # shown once read
    dialog.saved.connect(...)                                      # (history_id)

The dialog is not modal: a call timer may run while the user looks things up in the window.
The save is one Writer job (one Undo step); what is wrong is said beside the field and nothing
is saved until it is right; a save that fails keeps everything typed."""

from __future__ import annotations

import time
from dataclasses import replace

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QMessageBox, QVBoxLayout, QWidget

from app.domain.changes import ChangeSet, Entity
from app.domain.conflict import ConflictError
from app.domain.errors import NotFoundError, RolodeckError, ValidationError
from app.domain.history import HistoryItem, HistoryKind
from app.services.registry import Services
from ui.contacts.form_bits import PRIMARY, FieldMessage, chain_tabs, in_reading_order, quiet_button
from ui.errors import show_error
from ui.history.call_timer import Clock
from ui.history.labels import KIND_NOUNS, clock_text, now_local
from ui.history.log_form import LogForm
from ui.tasks import ReadPool, Writer

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")
# The domain's words when neither a subject nor details were given: said under Regarding.
ABOUT_WORDS = "was about"


class LogDialog(QDialog):
    saved = Signal(int)  # the history item's id, once the save went through

    def __init__(self, services: Services, writer: Writer, parent: QWidget | None = None, *,
                 about: str = "", clock: Clock = time.monotonic):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("logDialog")
        self.setSizeGripEnabled(True)
        self._services, self._writer = services, writer
        self._about = about
        self._base = HistoryItem(HistoryKind.CALL, now_local())
        self._saving = False
        self._finished = False
        self._ready = True

        self.form = LogForm(clock)
        self.banner = FieldMessage()
        self.banner.setObjectName("logBanner")
        self.cancel_button = quiet_button("Cancel")
        self.cancel_button.setToolTip("Close without saving (Esc)")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = quiet_button("Save")
        self.save_button.setToolTip("Save (Ctrl+Return)")
        self.save_button.setStyleSheet(PRIMARY)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(20, 8, 20, 14)
        buttons.addWidget(self.banner, 1)
        buttons.addStretch(0)  # holds the buttons right while the banner is hidden
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
        layout.addWidget(self.form, 1)
        layout.addWidget(rule)
        layout.addLayout(buttons)

        for keys in (QKeySequence(QKeySequence.StandardKey.Save), *map(QKeySequence, SAVE_KEYS)):
            QShortcut(keys, self, self.save)
        QShortcut(QKeySequence("Ctrl+T"), self, self.form.toggle_timer)
        self.form.changed.connect(self._on_changed)
        self.form.timer.started.connect(self._update_title)
        self.form.timer.stopped.connect(lambda _s: self._update_title())
        chain_tabs([*in_reading_order(self.form), self.cancel_button, self.save_button])
        self.setMinimumWidth(360)  # and as tall as the fields need, from the layout
        self.resize(520, 480)
        self._clean = self.form.state()
        self._update_title()

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def for_contact(cls, services: Services, writer: Writer, contact_id: int,
                    kind: HistoryKind = HistoryKind.CALL, parent: QWidget | None = None, *,
                    about: str = "", clock: Clock = time.monotonic) -> LogDialog:
        """A new item linked to one contact, shown at once. `about` (their name) titles it."""
        return cls._new(services, writer, kind, parent, about, clock, contact_ids=[contact_id])

    @classmethod
    def for_account(cls, services: Services, writer: Writer, account_id: int,
                    kind: HistoryKind = HistoryKind.CALL, parent: QWidget | None = None, *,
                    about: str = "", clock: Clock = time.monotonic) -> LogDialog:
        """A new item linked to a company (account), shown at once."""
        return cls._new(services, writer, kind, parent, about, clock, account_id=account_id)

    @classmethod
    def _new(cls, services: Services, writer: Writer, kind: HistoryKind,
             parent: QWidget | None, about: str, clock: Clock, *,
             contact_ids: list[int] | None = None, account_id: int | None = None) -> LogDialog:
        dialog = cls(services, writer, parent, about=about, clock=clock)
        dialog._base = HistoryItem(kind, dialog.form.occurred_at(),
                                   contact_ids=list(contact_ids or []), account_id=account_id)
        dialog.form.set_kind(kind)
        dialog._clean = dialog.form.state()
        dialog._update_title()
        dialog.show()
        dialog.form.regarding.setFocus(Qt.FocusReason.OtherFocusReason)
        return dialog

    @classmethod
    def edit(cls, services: Services, reads: ReadPool, writer: Writer, history_id: int,
             parent: QWidget | None = None, *, about: str = "",
             clock: Clock = time.monotonic) -> LogDialog:
        """The form for a stored item; it shows itself once the item is read (a read that
        fails is said in a dialog and no form opens)."""
        dialog = cls(services, writer, parent, about=about, clock=clock)
        dialog._ready = False
        reads.run(lambda: services.timeline.get(history_id), dialog._loaded,
                  dialog._load_failed)
        return dialog

    def _loaded(self, item: HistoryItem) -> None:
        if not self._alive():
            return
        self._base = item
        self.form.load(item)
        self._clean = self.form.state()
        self._ready = True
        self._update_title()
        self.show()
        self.raise_()
        self.activateWindow()
        self.form.regarding.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        show_error(self.parentWidget(), error)
        self._finished = True
        self.deleteLater()

    # --- state --------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Loaded (an edit reads its item first) and not saving."""
        return self._ready and not self._saving

    @property
    def history_id(self) -> int | None:
        return self._base.id

    def is_dirty(self) -> bool:
        return self.form.state() != self._clean

    def _alive(self) -> bool:
        return shiboken6.isValid(self) and not self._finished

    def _on_changed(self) -> None:
        self._update_title()
        if self.banner.message and self.banner.property("kind") == "fix":
            self._say("")

    def _update_title(self) -> None:
        noun = KIND_NOUNS[self.form.current_kind()]
        if self._base.id is not None:
            title = f"Edit {noun}"
        else:
            article = "an" if noun[0] in "aeiou" else "a"
            title = f"Log {article} {noun}" + (f" with {self._about}" if self._about else "")
        if self.form.timer.running:
            title += " (timer running)"
        self.setWindowTitle(f"{title}[*]")
        self.setWindowModified(self.is_dirty())

    def _say(self, text: str, kind: str = "") -> None:
        self.banner.setProperty("kind", kind)
        self.banner.show_message(text)

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        """Check the item, say beside the field what is wrong, and save only when nothing is."""
        if self._saving or not self._ready:
            return
        if self.form.timer.running:
            self.form.timer.stop()  # the duration is what was timed, up to now
        item = self.form.fill(replace(self._base, contact_ids=list(self._base.contact_ids)))
        try:
            item.validate()
        except ValidationError as exc:
            self._refuse(str(exc))
            return
        self._write(item)

    def _refuse(self, message: str) -> None:
        if ABOUT_WORDS in message:
            self.form.about_message.show_message(f"{message}: give it a subject or details.")
            self.form.regarding.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._say(message, "fix")

    def _write(self, item: HistoryItem) -> None:
        timeline = self._services.timeline
        editing = item.id is not None

        def work() -> ChangeSet:
            return timeline.edit(item) if editing else timeline.log(item)

        self._saving = True
        self._say("")
        self.save_button.setEnabled(False)
        self.save_button.setText("Saving…")
        self._writer.run(work, lambda changes: self._written(item, changes),
                         self._write_failed)

    def _written(self, item: HistoryItem, changes: ChangeSet) -> None:
        if not self._alive():
            return
        self._saving = False
        history_id = item.id if item.id is not None else changes.new_id(Entity.HISTORY)
        self._clean = self.form.state()
        self.saved.emit(history_id)
        self.accept()

    def _write_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_button.setText("Save")
        if isinstance(error, ConflictError) and isinstance(error.stored, HistoryItem):
            # Theirs is kept unless the user saves again: then ours replaces it, as they chose.
            self._base = replace(self._base, version=error.stored.version)
            self._say("This item was changed elsewhere after you opened it. Save again to "
                      "replace that version with yours, or Cancel to keep it.", "conflict")
        elif isinstance(error, NotFoundError):
            self._say("Not saved: this item was deleted elsewhere meanwhile. Copy what you "
                      "need, then Cancel.")
        elif isinstance(error, ValidationError):
            self._refuse(str(error))
        elif isinstance(error, RolodeckError):
            self._say(f"Not saved: {error}")
        else:
            self._say("Not saved: something went wrong. What you typed is still here.")
            show_error(self, error)

    # --- closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        """Esc, Cancel and the close button: asks first when something would be lost."""
        if self._saving:
            return  # the save under way ends in a moment, closing or saying why not
        running = self.form.timer.running
        if not running and not self.is_dirty():
            super().reject()
            return
        answer = self._ask(running)
        if answer == "save":
            self.save()
        elif answer == "discard":
            self.form.timer.stop()
            super().reject()

    def _ask(self, running: bool) -> str:
        noun = KIND_NOUNS[self.form.current_kind()]
        box = QMessageBox(self)
        box.setObjectName("logUnsaved")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved " + noun)
        if running:
            box.setText(f"The call timer is still running "
                        f"({clock_text(self.form.timer.elapsed())}).")
            box.setInformativeText(f"Save the {noun} with the time so far, or discard it?")
        else:
            box.setText(f"Save this {noun}?")
            box.setInformativeText("If you don't, what you typed is lost.")
        save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep open" if running else "Keep editing",
                             QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.setEscapeButton(keep)
        box.exec()
        clicked = box.clickedButton()
        return "save" if clicked is save else "discard" if clicked is discard else "keep"

    def done(self, result: int) -> None:
        self._finished = True
        self.form.timer.stop()
        super().done(result)
