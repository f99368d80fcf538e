"""The rows of one kind of contact detail (editor_fields.py) and the button that adds one:
the editor's Phone, E-mail, Address, Web site and Messaging blocks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from ui.contacts.editor_fields import DetailRow
from ui.contacts.form_bits import quiet_button


class DetailSection(QWidget):
    """The rows of one kind of detail and the button that adds one."""

    changed = Signal()
    rows_changed = Signal()  # a row came or went: the tab chain is laid again

    def __init__(self, row_type: type[DetailRow], add_text: str,
                 parent: QWidget | None = None, **row_options: Any):
        super().__init__(parent)
        self._row_type = row_type
        self._options = row_options
        self.rows: list[DetailRow] = []
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(6)
        self.add_button = quiet_button(f"+ {add_text}")
        self.add_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(self._rows_box)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def set_items(self, items: list[Any], *, blank_row: bool = False) -> None:
        for row in list(self.rows):
            self._drop(row)
        for item in items:
            self.add_row(item)
        if blank_row and not self.rows:
            self.add_row()
        self.rows_changed.emit()

    def add_row(self, original: Any = None, *, focus: bool = False) -> DetailRow:
        row = self._row_type(original, **self._options)
        row.changed.connect(self.changed)
        row.remove_clicked.connect(self.remove_row)
        row.preferred_clicked.connect(self._only_one_preferred)
        self.rows.append(row)
        self._rows_box.addWidget(row)
        # Now, not when the layout gets round to it: the focus is about to go into it.
        row.show()
        if focus:
            self.rows_changed.emit()
            row.first_box().setFocus(Qt.FocusReason.OtherFocusReason)
            self.changed.emit()
        return row

    def remove_row(self, row: DetailRow) -> None:
        at = self.rows.index(row)
        had_focus = row.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
        self._drop(row)
        self.rows_changed.emit()
        self.changed.emit()
        if had_focus:  # focus stays in the section rather than jumping to the dialog's start
            target = self.rows[min(at, len(self.rows) - 1)].first_box() if self.rows \
                else self.add_button
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _drop(self, row: DetailRow) -> None:
        self.rows.remove(row)
        self._rows_box.removeWidget(row)
        row.hide()
        row.deleteLater()

    def _only_one_preferred(self, chosen: DetailRow) -> None:
        for row in self.rows:
            if row is not chosen and row.preferred:
                row.set_preferred(False)
        self.changed.emit()

    def items(self) -> list[Any]:
        return [item for item in (row.item() for row in self.rows) if item is not None]

    def tidy(self) -> None:
        for row in self.rows:
            row.tidy()

    def validate(self, show: bool = True) -> list[QWidget]:
        """The first box of each row with something wrong, in order."""
        return [row.first_box() for row in self.rows if row.validate(show)]
