"""The account list's model, and the account pane's two lists (its people, its sub-accounts):
ordered ids from the Directory, rows read a page at a time (paged.py). Sorting and the
filter run in the data layer; the models only hold ids."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt

from app.domain.changes import ChangeSet, Entity
from app.domain.summaries import ContactSummary
from app.services.directory import AccountListing, AccountSort, ContactSort, Directory
from ui.accounts.paged import PagedIdModel
from ui.contacts.table_model import QueryRunner, run_now


class Column(enum.IntEnum):
    NAME = 0
    INDUSTRY = 1
    PHONE = 2
    CITY = 3
    CONTACTS = 4


HEADERS = ("Name", "Industry", "Phone", "City", "Contacts")
# A phone number sorts nothing useful; every other column has its ORDER BY.
SORTABLE = {Column.NAME: AccountSort.NAME, Column.INDUSTRY: AccountSort.INDUSTRY,
            Column.CITY: AccountSort.CITY, Column.CONTACTS: AccountSort.CONTACTS}

_CELL: dict[Column, Callable[[AccountListing], str]] = {
    Column.NAME: lambda a: a.name,
    Column.INDUSTRY: lambda a: a.industry,
    Column.PHONE: lambda a: a.main_phone,
    Column.CITY: lambda a: a.city,
    Column.CONTACTS: lambda a: f"{a.contact_count:,}",
}


def count_of(n: int, word: str) -> str:
    """`1 account`, `1,204 accounts`."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


class AccountTableModel(PagedIdModel):
    """Every live account, or those the filter finds, in the order of the sorted column."""

    HEADERS = HEADERS
    NUMERIC = frozenset({Column.CONTACTS})

    def __init__(self, directory: Directory, parent=None, *,
                 run_query: QueryRunner = run_now):
        super().__init__(parent, run_query=run_query)
        self._directory = directory
        self._text = ""
        self._sort = AccountSort.NAME
        self._order = Qt.SortOrder.AscendingOrder

    @property
    def query(self) -> str:
        return self._text

    @property
    def searching(self) -> bool:
        return bool(self._text.strip())

    @property
    def sort_key(self) -> AccountSort:
        return self._sort

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._order

    def sort_column(self) -> int:
        return next(col for col, key in SORTABLE.items() if key == self._sort)

    def set_query(self, text: str) -> None:
        if self.loaded and text.strip() == self._text.strip():
            self._text = text
            return
        self._text = text
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORTABLE.get(Column(column)) if 0 <= column < len(Column) else None
        if key is None or (key, order) == (self._sort, self._order):
            return
        self._sort, self._order = key, order
        self.refresh()  # a filtered list keeps the sort too: it is a filter, not a ranking

    def ids_work(self) -> Callable[[], list[int]]:
        directory, text, sort = self._directory, self._text, self._sort
        descending = self._order == Qt.SortOrder.DescendingOrder
        return lambda: directory.account_ids(text, sort, descending=descending)

    def rows_work(self, ids: list[int]) -> Callable[[], Sequence[Any]]:
        directory = self._directory
        return lambda: directory.account_listings(ids)

    def cell(self, row: AccountListing, column: int) -> str:
        return _CELL[Column(column)](row)

    def listing(self, row: int) -> AccountListing | None:
        found = self.row_at(row)
        return found if isinstance(found, AccountListing) else None

    def named(self, ids: Sequence[int]) -> str:
        """How a status message names `ids`: the account's name for one, else a count."""
        if len(ids) == 1:
            found = [a for a in map(self.listing, self.rows_of(ids)) if a]
            if found:
                return found[0].name
        return count_of(len(ids), "account")

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(Column)):
            column = Column(section)
            return (f"Sort by {HEADERS[column].lower()}" if column in SORTABLE
                    else "The list cannot be sorted by phone number")
        return super().headerData(section, orientation, role)

    def apply_changes(self, changes: ChangeSet) -> None:
        """Up to date after an operation. A row shows counts of other records (its people,
        its sub-accounts), so a change to any account or contact forgets the cached rows:
        the few on screen are read again, one query."""
        self.changed()
        account, contact = Entity.ACCOUNT, Entity.CONTACT
        if changes.everything or account in changes.inserted or account in changes.deleted:
            self.forget_rows()
            self.refresh()
            return
        if changes.touches(account) or changes.touches(contact):
            self.forget_rows()
            # An edit that moves a row in the sort stays put, as in the contact list; but a
            # count that the list is sorted by is re-sorted, there is no telling where.
            if changes.touches(contact) and self._sort == AccountSort.CONTACTS:
                self.refresh()


class SubAccountsModel(PagedIdModel):
    """The accounts that are part of one account, by name."""

    HEADERS = ("Name", "Industry", "City", "Contacts")
    NUMERIC = frozenset({3})

    def __init__(self, directory: Directory, parent=None, *,
                 run_query: QueryRunner = run_now):
        super().__init__(parent, run_query=run_query)
        self._directory = directory
        self.account_id: int | None = None

    def set_account(self, account_id: int | None) -> None:
        if account_id == self.account_id and self.loaded:
            return
        self.account_id = account_id
        if account_id is None:
            self.clear()
        else:
            self.refresh()

    def ids_work(self) -> Callable[[], list[int]]:
        directory, parent = self._directory, self.account_id
        return lambda: directory.account_ids(parent_id=parent) if parent is not None else []

    def rows_work(self, ids: list[int]) -> Callable[[], Sequence[Any]]:
        directory = self._directory
        return lambda: directory.account_listings(ids)

    def cell(self, row: AccountListing, column: int) -> str:
        return (row.name, row.industry, row.city, f"{row.contact_count:,}")[column]

    def apply_changes(self, changes: ChangeSet) -> None:
        self.changed()
        if self.account_id is None:
            return
        if changes.touches(Entity.ACCOUNT):  # one may have joined, left or been renamed
            self.forget_rows()
            self.refresh()
        elif changes.touches(Entity.CONTACT):
            self.forget_rows()  # the counts


class AccountContactsModel(PagedIdModel):
    """The live contacts whose company is one account, by name."""

    HEADERS = ("Name", "Title", "E-mail", "Phone")

    def __init__(self, directory: Directory, parent=None, *,
                 run_query: QueryRunner = run_now):
        super().__init__(parent, run_query=run_query)
        self._directory = directory
        self.account_id: int | None = None

    def set_account(self, account_id: int | None) -> None:
        if account_id == self.account_id and self.loaded:
            return
        self.account_id = account_id
        if account_id is None:
            self.clear()
        else:
            self.refresh()

    def ids_work(self) -> Callable[[], list[int]]:
        directory, account = self._directory, self.account_id
        if account is None:
            return list
        return lambda: directory.contact_ids(sort=ContactSort.NAME, account_id=account)

    def rows_work(self, ids: list[int]) -> Callable[[], Sequence[Any]]:
        directory = self._directory
        return lambda: directory.contact_summaries(ids)

    def cell(self, row: ContactSummary, column: int) -> str:
        return (row.display_name, row.title, row.email, row.phone)[column]

    def apply_changes(self, changes: ChangeSet) -> None:
        self.changed()
        if self.account_id is None or not changes.touches(Entity.CONTACT):
            return
        if changes.everything:
            self.forget_rows()
        else:
            self.evict(changes.deleted.get(Entity.CONTACT, ()))
            self.repaint_rows(changes.updated.get(Entity.CONTACT, ()))
        # Any contact may have joined this account or left it: the ids are one indexed query.
        self.refresh()
