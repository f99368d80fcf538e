"""What the group and tag dialogs share: a heading, the message beside the field, Cancel and
a primary button, and a write that keeps the dialog open (with the message) when it fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import NotFoundError, ValidationError
from app.services.wording import plural
from ui.contacts.form_bits import PRIMARY, FieldMessage, mark
from ui.errors import show_error
from ui.tasks import Writer

# A readable line for a dialog's field, in average character widths.
FIELD_CHARS = 56


def undo_key() -> str:
    """The undo shortcut as this platform writes it ("Ctrl+Z", "⌘Z")."""
    return QKeySequence(QKeySequence.StandardKey.Undo).toString(
        QKeySequence.SequenceFormat.NativeText)


def said_with_undo(text: str) -> str:
    return f"{text} {undo_key()} undoes it."


def contacts_named(count: int, name: str | None) -> str:
    """'Ada Lovelace' for one contact whose name is known, else '3 contacts'."""
    return name if count == 1 and name else plural(count, "contact")


def joined(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def added_report(who: str, total: int, new: int, group: str) -> str:
    """What adding `total` contacts (`who`) to a group did, `new` of them not in it before."""
    if new == 0:
        return f"{who} is already in {group}." if total == 1 else \
            f"All {who} are already in {group}."
    if new == total:
        return said_with_undo(f"Added {who} to {group}.")
    already = total - new
    return said_with_undo(f"Added {plural(new, 'contact')} to {group}; "
                          f"{already:,} {'was' if already == 1 else 'were'} already in it.")


class WriteDialog(QDialog):
    """A small dialog that saves through the writer. A refusal the user can fix (a duplicate
    name, a contact trashed meanwhile) is shown beside the field and nothing is saved; a
    storage failure gets the error dialog; either way what was typed stays."""

    def __init__(self, writer: Writer, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._writer = writer
        self.setWindowTitle(title)
        self.heading = QLabel()
        self.heading.setObjectName("dialogHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.message = FieldMessage()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button = QPushButton()
        self.ok_button.setDefault(True)
        self.ok_button.setStyleSheet(PRIMARY)
        self.ok_button.clicked.connect(self.submit)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(20, 16, 20, 14)
        self.body.setSpacing(8)
        self.body.addWidget(self.heading)
        self._saving = False
        self._field: Any = None

    def finish_layout(self) -> None:
        """The buttons, last: called once the dialog's own rows are in."""
        row = QHBoxLayout()
        row.setContentsMargins(0, 8, 0, 0)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.ok_button)
        self.body.addLayout(row)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * (FIELD_CHARS + 8))

    @property
    def saving(self) -> bool:
        return self._saving

    def submit(self) -> None:
        """What the primary button does."""
        raise NotImplementedError

    def refuse(self, text: str, field: Any = None) -> None:
        """Say what is wrong beside the field and leave everything as typed."""
        self._field = field
        self.message.show_message(text)
        self._fit_height()
        if field is not None:
            mark(field, text)
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit_height(self) -> None:
        # A message that wraps to a second line must not push the buttons out of sight.
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        wanted = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else self.sizeHint().height()
        if wanted > self.height():
            self.resize(self.width(), wanted)

    def clear_message(self) -> None:
        self.message.show_message(None)
        if self._field is not None:
            mark(self._field, None)

    def write(self, work: Callable[[], Any], done: Callable[[Any], None],
              field: Any = None) -> None:
        self.clear_message()
        self._saving = True
        self.ok_button.setEnabled(False)

        def finished(result: Any) -> None:
            self._saving = False
            self.ok_button.setEnabled(True)
            done(result)

        def failed(error: BaseException) -> None:
            self._saving = False
            self.ok_button.setEnabled(True)
            if isinstance(error, ValidationError | NotFoundError):
                self.refuse(str(error), field)
            else:
                show_error(self, error)

        self._writer.run(work, finished, failed)
