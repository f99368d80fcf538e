"""The company a contact works for: a searchable combo box over the accounts, which offers to
create the account when the typed name matches none (the editor creates it in the same save,
before the contact)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QVBoxLayout, QWidget

from ui.contacts.form_bits import Note, combo_line, tip_when_too_long

# What the completer matches and puts in the box: the bare name, also for the "Create" entry,
# whose shown text is a sentence.
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class AccountChoice:
    account_id: int | None  # an existing account
    new_name: str | None  # an account to create first

    @property
    def empty(self) -> bool:
        return self.account_id is None and self.new_name is None


def create_text(name: str) -> str:
    return f"Create account “{name}”"


class AccountPicker(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._accounts: list[tuple[int, str]] = []
        self._by_key: dict[str, int] = {}
        # The contact's own account, as read with it: kept while its name is in the box, even
        # when it is not listed (in the trash) or shares its name with another.
        self._own: tuple[int, str] | None = None
        self.loaded = False
        self.box = QComboBox()
        line = combo_line(self.box)
        self.box.setAccessibleName("Company")
        self.box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.box.setMinimumContentsLength(12)
        line.setPlaceholderText("Type to find a company, or a new name")
        line.setClearButtonEnabled(True)
        tip_when_too_long(line)
        # Its own completer on the line edit, not QComboBox.setCompleter: the combo would map a
        # chosen "Create" entry onto its own rows, find none and clear the box.
        self._matches = QStandardItemModel(self)
        self._create = QStandardItem()
        self._create.setData("", NAME_ROLE)
        self.completer = QCompleter(self._matches, self)
        self.completer.setCompletionRole(NAME_ROLE)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setMaxVisibleItems(12)
        line.setCompleter(self.completer)
        self.note = Note()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.box)
        layout.addWidget(self.note)
        self.setFocusProxy(self.box)
        line.textChanged.connect(self._on_text)

    def set_accounts(self, accounts: list[tuple[int, str]]) -> None:
        """(id, name) of every live account, in the order to list them."""
        text = self.text()
        self._accounts = list(accounts)
        self._by_key = {}
        for account_id, name in self._accounts:
            self._by_key.setdefault(name.casefold(), account_id)
        self.box.blockSignals(True)
        self.box.clear()
        self._matches.clear()
        for account_id, name in self._accounts:
            self.box.addItem(name, account_id)
            # A long name is cut short in the list; the tooltip has all of it.
            self.box.setItemData(self.box.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
            item = QStandardItem(name)
            item.setToolTip(name)
            item.setData(name, NAME_ROLE)
            item.setData(account_id, ID_ROLE)
            self._matches.appendRow(item)
        self._create = QStandardItem()
        self._matches.appendRow(self._create)
        own = self.box.findData(self._own[0]) if self._own and self._own[1] == text else -1
        self.box.setCurrentIndex(own)
        if own < 0:
            self.box.setEditText(text)
        self.box.blockSignals(False)
        self.loaded = True
        self._on_text(text)

    def add_account(self, account_id: int, name: str) -> None:
        """One just created (by this editor's save): chosen, so a retry does not create it
        twice."""
        if all(a != account_id for a, _ in self._accounts):
            self.set_accounts([*self._accounts, (account_id, name)])
        self.set_current(account_id, name)

    def set_current(self, account_id: int | None, name: str | None) -> None:
        self._own = (account_id, name) if account_id is not None and name else None
        at = self.box.findData(account_id) if account_id is not None else -1
        if at >= 0:
            self.box.setCurrentIndex(at)
        else:
            self.box.setCurrentIndex(-1)
            self.box.setEditText(name or "")
        self._on_text(self.text())

    def text(self) -> str:
        return " ".join(self.box.currentText().split())

    def choice(self) -> AccountChoice:
        text = self.text()
        if not text:
            return AccountChoice(None, None)
        at = self.box.currentIndex()
        # Two accounts may share a name: the one picked from the list is the one meant.
        if at >= 0 and self.box.itemText(at) == self.box.currentText():
            return AccountChoice(self.box.itemData(at), None)
        if self._own is not None and " ".join(self._own[1].split()) == text:
            return AccountChoice(self._own[0], None)
        found = self._by_key.get(text.casefold())
        return AccountChoice(found, None) if found is not None else AccountChoice(None, text)

    def _on_text(self, _text: str) -> None:
        choice = self.choice()
        name = choice.new_name
        # An entry that matches whatever is typed, so the list always ends with it.
        self._create.setText(create_text(name) if name else "")
        self._create.setData(name or "", NAME_ROLE)
        if name and self.loaded:
            self.note.say(f"“{name}” is not an account yet: saving creates it.")
        else:
            self.note.say("")
        self.changed.emit()
