"""Pieces of the Accounts page: what the list area shows when it has no rows, the filter box's
keys, and the page's actions with their shortcuts."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def undo_key() -> str:
    """The Undo shortcut as this platform writes it ("Ctrl+Z")."""
    return QKeySequence(QKeySequence.StandardKey.Undo).toString(
        QKeySequence.SequenceFormat.NativeText) or "Ctrl+Z"


class EmptyList(QWidget):
    """No accounts yet (with a New Account button), or none that match the filter (with one
    that clears it)."""

    def __init__(self, text: str, button_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text = QLabel(text)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMaximumWidth(self.fontMetrics().horizontalAdvance("m") * 40)
        self.button = QPushButton(button_text)
        self.button.setObjectName("primaryButton")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        buttons.addStretch(1)
        # Centred between stretches, not by alignment: an aligned label gets its one-line
        # size hint and a wrapped sentence would be cut to its first line.
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(self.text, 100)
        line.addStretch(1)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addLayout(line)
        column.addSpacing(12)
        column.addLayout(buttons)
        column.addStretch(2)


class FilterKeys(QObject):
    """The filter box's keys: Esc clears it (and a second Esc is the window's), Down and
    Return go to the list, as in a mail reader's quick filter."""

    to_list = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  Qt's name
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QLineEdit):
            return False
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if key == Qt.Key.Key_Escape and watched.text():
            watched.clear()
            return True
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.to_list.emit()
            return True
        return False


def action(parent: QWidget, text: str, *keys: str | QKeySequence.StandardKey,
           context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
           tip: str = "") -> QAction:
    made = QAction(text, parent)
    made.setShortcuts([QKeySequence(k) for k in keys])
    made.setShortcutContext(context)
    if tip:
        made.setToolTip(tip)
    return made


class OpenEditors:
    """The editors the page opened (account and contact ones), so closing the window can ask
    each about unsaved changes, and an account already being edited is brought up rather
    than opened twice."""

    def __init__(self) -> None:
        self._all: list[QDialog] = []
        self._by_account: dict[int, QDialog] = {}

    def add(self, editor: QDialog, account_id: int | None = None) -> None:
        self._all.append(editor)
        if account_id is not None:
            self._by_account[account_id] = editor

        def gone(*_args: object) -> None:
            if editor in self._all:
                self._all.remove(editor)
            for aid, e in list(self._by_account.items()):
                if e is editor:
                    del self._by_account[aid]
        editor.finished.connect(gone)
        editor.destroyed.connect(gone)

    def editing(self, account_id: int) -> QDialog | None:
        return self._by_account.get(account_id)

    def all(self) -> list[QDialog]:
        return list(self._all)

    def close_all(self) -> bool:
        """Ask each to close; False (and that one brought up) when one stays open."""
        for editor in list(self._all):
            if editor.isVisible():
                editor.reject()
            if editor.isVisible():
                editor.raise_()
                editor.activateWindow()
                return False
        return True
