"""The account pane beside the list: the header card (card.py) and tabs under it: the
account's contacts, its sub-accounts and its notes, and whatever the window adds with
add_tab (the rolled-up history of all its contacts). With nothing selected it says what to
do; a tab with nothing in it offers to add the first one."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.account import Account
from app.domain.changes import ChangeSet, Entity
from app.domain.errors import NotFoundError
from app.services.accounts import AccountService
from app.services.directory import AccountListing
from app.services.registry import Services
from ui.accounts.card import AccountCard
from ui.accounts.table_model import AccountContactsModel, SubAccountsModel
from ui.accounts.tables import FittedTable
from ui.paged_model import PagedIdModel, QueryRunner, run_now

PLACEHOLDER = "Select an account to see its people, its sub-accounts and their history."


class EmptyTab(QWidget):
    """What a tab with nothing in it shows: a sentence and the button that adds the first."""

    def __init__(self, button_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton(button_text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addStretch(1)
        layout.addWidget(self.text)
        layout.addSpacing(8)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class _ListTab(QStackedWidget):
    """A table, or the empty state when its model has no rows."""

    def __init__(self, table: FittedTable, empty: EmptyTab):
        super().__init__()
        self.table, self.empty = table, empty
        self.addWidget(table)
        self.addWidget(empty)

    def follow(self, model: PagedIdModel) -> None:
        self.setCurrentWidget(self.table if model.rowCount() else self.empty)


class AccountDetail(QFrame):
    account_shown = Signal(int)  # a different account is now shown (the history follows it)
    contact_activated = Signal(int)  # a contact in the Contacts tab, double-clicked or Enter
    account_activated = Signal(int)  # a sub-account, or the parent link in the card
    edit_clicked = Signal()
    new_contact_clicked = Signal(int, str)  # at this account (id, name)
    new_sub_account_clicked = Signal(int, str)  # part of this account (id, name)

    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 run_query: QueryRunner = run_now):
        super().__init__(parent)
        self.setObjectName("detailPanel")
        self.setMinimumWidth(260)
        self._services, self._run_query = services, run_query
        self._name = ""
        self._generation = 0  # reads of an account that arrive after the user moved on drop
        self.account: Account | None = None
        self.contacts_model = AccountContactsModel(services.directory, self,
                                                   run_query=run_query)
        self.sub_accounts_model = SubAccountsModel(services.directory, self,
                                                   run_query=run_query)

        self.placeholder = QLabel(PLACEHOLDER)
        self.placeholder.setObjectName("detailPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        self.card = AccountCard()
        self.card.parent_clicked.connect(self.account_activated)
        self.card.edit_clicked.connect(self.edit_clicked)

        self.contacts_table = FittedTable(
            self.contacts_model, {0: 40, 1: 22, 2: 38}, typical={3: "+44 20 7946 0958"},
            optional={1: 440, 3: 400}, name="accountContacts")
        self.contacts_table.activated.connect(self._on_contact_activated)
        self.contacts_empty = EmptyTab("New Contact…")
        self.contacts_empty.button.clicked.connect(
            lambda: self.new_contact_clicked.emit(self.current_id or 0, self._name))
        self.contacts_tab = _ListTab(self.contacts_table, self.contacts_empty)

        self.sub_accounts_table = FittedTable(
            self.sub_accounts_model, {0: 48, 1: 28, 2: 24}, typical={3: "Contacts"},
            optional={1: 380}, name="subAccounts")
        self.sub_accounts_table.activated.connect(self._on_sub_account_activated)
        self.sub_accounts_empty = EmptyTab("New Sub-account…")
        self.sub_accounts_empty.button.clicked.connect(
            lambda: self.new_sub_account_clicked.emit(self.current_id or 0, self._name))
        self.sub_accounts_tab = _ListTab(self.sub_accounts_table, self.sub_accounts_empty)

        self.notes = QLabel()
        self.notes.setObjectName("detailValue")
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setWordWrap(True)
        self.notes.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setContentsMargins(16, 12, 16, 12)
        notes_scroll = QScrollArea()
        notes_scroll.setWidgetResizable(True)
        notes_scroll.setFrameShape(QFrame.Shape.NoFrame)
        notes_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        notes_scroll.setWidget(self.notes)
        self.notes_empty = EmptyTab("Edit Account…")
        self.notes_empty.button.clicked.connect(self.edit_clicked)
        self.notes_tab = QStackedWidget()
        self.notes_tab.addWidget(notes_scroll)
        self.notes_tab.addWidget(self.notes_empty)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("accountTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.contacts_tab, "Contacts")
        self.tabs.addTab(self.sub_accounts_tab, "Sub-accounts")
        self.tabs.addTab(self.notes_tab, "Notes")

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.card)
        column.addWidget(self.tabs, 1)
        self._pages = QStackedWidget()
        self._pages.addWidget(self.placeholder)
        self._pages.addWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._pages)

        self.contacts_model.modelReset.connect(self._on_contacts_reset)
        self.sub_accounts_model.modelReset.connect(self._on_sub_accounts_reset)
        self.show_listing(None)

    # --- what the window plugs in --------------------------------------------------------------

    def add_tab(self, widget: QWidget, title: str, at: int | None = None) -> int:
        """Another tab under the card (the history): its index. It is shown for whichever
        account account_shown last named."""
        if at is None:
            return self.tabs.addTab(widget, title)
        return self.tabs.insertTab(at, widget, title)

    @property
    def current_id(self) -> int | None:
        return self.card.account_id if self._pages.currentIndex() == 1 else None

    # --- showing an account --------------------------------------------------------------------

    def show_listing(self, row: AccountListing | None) -> None:
        """The account of a list row: what the row knows at once, the rest once read off the
        GUI thread (a read that arrives after the user moved on is dropped)."""
        if row is None:
            self._generation += 1
            self.account = None
            self.card.account_id = None
            self.contacts_model.set_account(None)
            self.sub_accounts_model.set_account(None)
            self._pages.setCurrentWidget(self.placeholder)
            return
        changed = row.id != self.current_id
        self._pages.setCurrentIndex(1)
        self._name = row.name
        self.card.show_listing(row)
        if changed:
            self.account = None
            self.tabs.setTabText(0, "Contacts")
            self.tabs.setTabText(1, "Sub-accounts")
            self._show_notes("")
            self.contacts_model.set_account(row.id)
            self.sub_accounts_model.set_account(row.id)
            self.reload()
            self.account_shown.emit(row.id)

    def reload(self) -> None:
        """Read the shown account again (it, or the account it is part of, changed)."""
        account_id = self.current_id
        if account_id is None:
            return
        self._generation += 1
        generation, accounts = self._generation, self._services.accounts
        self._run_query(lambda: _read(accounts, account_id),
                        lambda found: self._arrived(generation, found))

    def _arrived(self, generation: int, account: Account | None) -> None:
        if generation != self._generation or account is None:
            return  # moved on, or deleted meanwhile (the list moves on by itself)
        self.account = account
        self._name = account.name
        self.card.show_account(account)
        self._show_notes(account.notes)
        self._update_empty_texts()

    def _show_notes(self, notes: str) -> None:
        self.notes.setText(notes)
        self.notes_tab.setCurrentIndex(0 if notes.strip() else 1)
        self.notes_empty.text.setText(
            f"No notes about {self._name} yet." if self._name else "No notes yet.")

    def apply_changes(self, changes: ChangeSet) -> None:
        self.contacts_model.apply_changes(changes)
        self.sub_accounts_model.apply_changes(changes)
        if self.current_id is not None and changes.touches(Entity.ACCOUNT):
            self.reload()  # it, or its parent's name, may have changed

    # --- the tabs ------------------------------------------------------------------------------

    def _on_contacts_reset(self) -> None:
        rows = self.contacts_model.rowCount()
        self.tabs.setTabText(0, f"Contacts ({rows:,})" if rows else "Contacts")
        self.contacts_tab.follow(self.contacts_model)
        self._update_empty_texts()

    def _on_sub_accounts_reset(self) -> None:
        rows = self.sub_accounts_model.rowCount()
        self.tabs.setTabText(1, f"Sub-accounts ({rows:,})" if rows else "Sub-accounts")
        self.sub_accounts_tab.follow(self.sub_accounts_model)
        self._update_empty_texts()

    def _update_empty_texts(self) -> None:
        name = self._name
        self.contacts_empty.text.setText(
            f"No contacts at {name} yet. People who work there are listed here.")
        self.contacts_empty.button.setText(
            f"New Contact at {self._elided(self._name)}…".replace("&", "&&"))
        # "Acme Ltd." ends the sentence itself: no second full stop after it.
        stop = "" if name.endswith(".") else "."
        self.sub_accounts_empty.text.setText(
            f"No accounts are part of {name}{stop} Branches and subsidiaries are listed here.")

    def _elided(self, text: str) -> str:
        return self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, 180)

    def _on_contact_activated(self, index: QModelIndex) -> None:
        cid = self.contacts_model.id_at(index.row())
        if cid is not None:
            self.contact_activated.emit(cid)

    def _on_sub_account_activated(self, index: QModelIndex) -> None:
        aid = self.sub_accounts_model.id_at(index.row())
        if aid is not None:
            self.account_activated.emit(aid)


def _read(accounts: AccountService, account_id: int) -> Account | None:
    try:
        return accounts.get(account_id)
    except NotFoundError:
        return None
