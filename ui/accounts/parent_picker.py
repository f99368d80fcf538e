"""The account an account is part of: a searchable combo box over the other accounts, and the
sentence beside it when the choice cannot be saved (no such account, the account itself, or
one of its own sub-accounts, which would make a loop)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QVBoxLayout, QWidget

from ui.contacts.form_bits import FieldMessage, combo_line, mark, tip_when_too_long

Outline = list[tuple[int, str, int | None]]  # (id, name, parent id) of every live account
CLEAR = "Choose another account, or clear the box if it is part of none."


class ParentPicker(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._own_id: int | None = None
        self._names: dict[int, str] = {}
        self._parents: dict[int, int | None] = {}
        self._by_key: dict[str, int] = {}
        self._current: tuple[int, str] | None = None  # as loaded: kept while its name is typed
        self.own_name = ""  # the name typed for the account being edited, for the messages
        self.loaded = False
        self.box = QComboBox()
        self.line = combo_line(self.box)
        self.box.setAccessibleName("Part of")
        self.box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.box.setMinimumContentsLength(12)
        self.box.setMaxVisibleItems(14)
        self.line.setPlaceholderText("None: type to find the account this one belongs to")
        self.line.setClearButtonEnabled(True)
        tip_when_too_long(self.line)
        completer = QCompleter(self.box.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.box.setCompleter(completer)
        self.message = FieldMessage()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.box)
        layout.addWidget(self.message)
        self.setFocusProxy(self.box)
        self.line.textChanged.connect(self._on_text)
        # Picked from the list, or typed and left: a choice that cannot be saved is said now.
        self.box.activated.connect(lambda _at: self.validate())
        self.line.editingFinished.connect(self._on_left)

    def set_accounts(self, outline: Outline, own_id: int | None) -> None:
        """Every live account; `own_id` is the account being edited (not listed: it cannot
        be its own parent)."""
        text = self.text()
        self._own_id = own_id
        self._names = {aid: name for aid, name, _p in outline}
        self._parents = {aid: parent for aid, _n, parent in outline}
        self._by_key = {}
        for aid, name, _p in outline:
            self._by_key.setdefault(" ".join(name.split()).casefold(), aid)
        self.box.blockSignals(True)
        self.box.clear()
        for aid, name, _p in outline:
            if aid != own_id:
                self.box.addItem(name, aid)
                self.box.setItemData(self.box.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
        at = self.box.findData(self._current[0]) if self._current is not None \
            and self._current[1] == text else -1
        self.box.setCurrentIndex(at)
        if at < 0:
            self.box.setEditText(text)
        self.box.blockSignals(False)
        self.loaded = True
        self._on_text(text)

    def set_current(self, account_id: int | None, name: str | None) -> None:
        self._current = (account_id, name) if account_id is not None and name else None
        at = self.box.findData(account_id) if account_id is not None else -1
        if at >= 0:
            self.box.setCurrentIndex(at)
        else:
            self.box.setCurrentIndex(-1)
            self.box.setEditText(name or "")
        self._on_text(self.text())

    def text(self) -> str:
        return " ".join(self.box.currentText().split())

    def chosen_id(self) -> int | None:
        """The account named in the box; None when it is empty or names none."""
        text = self.text()
        if not text:
            return None
        at = self.box.currentIndex()
        # Two accounts may share a name: the one picked from the list is the one meant.
        if at >= 0 and self.box.itemText(at) == self.box.currentText():
            return self.box.itemData(at)
        if self._current is not None and " ".join(self._current[1].split()) == text:
            return self._current[0]
        return self._by_key.get(text.casefold())

    def problem(self) -> str | None:
        """Why the choice cannot be saved, in words; None when it can."""
        text = self.text()
        if not text or not self.loaded:
            return None
        chosen = self.chosen_id()
        own = self.own_name.strip() or "this account"
        if chosen is None:
            return f"There is no account called “{text}”. {CLEAR}"
        if chosen == self._own_id:
            return f"An account cannot be part of itself. {CLEAR}"
        chain = self._chain_to_own(chosen)
        if chain is None:
            return None
        name = self._names.get(chosen, text)
        through = f" (through {', '.join(chain)})" if chain else ""
        return f"{name} is already part of {own}{through}: {own} cannot also be part of it. {CLEAR}"

    def _chain_to_own(self, chosen: int) -> list[str] | None:
        """The accounts between `chosen` and the account being edited when `chosen` is
        under it (a loop if saved), nearest first; None when it is not under it."""
        if self._own_id is None:
            return None
        between: list[str] = []
        seen: set[int] = set()
        current = self._parents.get(chosen)
        while current is not None and current not in seen:
            if current == self._own_id:
                return between
            seen.add(current)
            between.append(self._names.get(current, "another account"))
            current = self._parents.get(current)
        return None

    def validate(self, show: bool = True) -> str | None:
        found = self.problem()
        if show or self.message.message:
            self.message.show_message(found)
            mark(self.line, found)
        return found

    def _on_left(self) -> None:
        if self.line.isModified():
            self.line.setModified(False)
            self.validate()
            self.changed.emit()  # the Save button follows what is shown

    def _on_text(self, _text: str) -> None:
        if self.message.message:  # once told what is wrong, see it go as it is fixed
            self.validate(show=False)
        self.changed.emit()
