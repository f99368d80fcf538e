"""The account list's model, and the account pane's two lists (its people, its sub-accounts):
ordered ids from the Directory, rows read a page at a time (ui/paged_model.py). Sorting and the
filter run in the data layer; the models only hold ids."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from PySide6.QtCore import Qt

from app.domain.changes import ChangeSet, Entity
from app.domain.summaries import ContactSummary
from app.services.directory import AccountListing, AccountSort, ContactSort, Directory
from ui.paged_model import PagedIdModel, QueryRunner, Row, SearchablePagedModel, run_now


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


def count_of(n: int, word: str) -> str:
    """`1 account`, `1,204 accounts`."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _contact_count(account: AccountListing) -> str:
    return f"{account.contact_count:,}"


def _listings(directory: Directory, ids: list[int]) -> Callable[[], Sequence[AccountListing]]:
    return lambda: directory.account_listings(ids)


class AccountTableModel(SearchablePagedModel[AccountSort, AccountListing]):
    """Every live account, or those the filter finds, in the order of the sorted column."""

    HEADERS = HEADERS
    CELLS = (*map(attrgetter, ("name", "industry", "main_phone", "city")), _contact_count)
    NUMERIC = frozenset({Column.CONTACTS})
    SORTABLE = SORTABLE  # a filtered list keeps the sort too: it is a filter, not a ranking

    def __init__(self, directory: Directory, parent=None, *,
                 run_query: QueryRunner = run_now):
        super().__init__(AccountSort.NAME, parent, run_query=run_query)
        self._directory = directory

    def ids_work(self) -> Callable[[], list[int]]:
        directory, text, sort, descending = (self._directory, self._text, self._sort,
                                             self.descending)
        return lambda: directory.account_ids(text, sort, descending=descending)

    def rows_work(self, ids: list[int]) -> Callable[[], Sequence[AccountListing]]:
        return _listings(self._directory, ids)

    def listing(self, row: int) -> AccountListing | None:
        return self.row_at(row)

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
                and section == Column.PHONE):
            return "The list cannot be sorted by phone number"
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


class _AccountPartModel(PagedIdModel[Row]):
    """A list of what belongs to one account (`account_id`), or nothing without one."""

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


class SubAccountsModel(_AccountPartModel[AccountListing]):
    """The accounts that are part of one account, by name."""

    HEADERS = ("Name", "Industry", "City", "Contacts")
    CELLS = (*map(attrgetter, ("name", "industry", "city")), _contact_count)
    NUMERIC = frozenset({3})

    def ids_work(self) -> Callable[[], list[int]]:
        directory, parent = self._directory, self.account_id
        return lambda: directory.account_ids(parent_id=parent) if parent is not None else []

    def rows_work(self, ids: list[int]) -> Callable[[], Sequence[AccountListing]]:
        return _listings(self._directory, ids)

    def apply_changes(self, changes: ChangeSet) -> None:
        self.changed()
        if self.account_id is None:
            return
        if changes.touches(Entity.ACCOUNT):  # one may have joined, left or been renamed
            self.forget_rows()
            self.refresh()
        elif changes.touches(Entity.CONTACT):
            self.forget_rows()  # the counts


class AccountContactsModel(_AccountPartModel[ContactSummary]):
    """The live contacts whose company is one account, by name."""

    HEADERS = ("Name", "Title", "E-mail", "Phone")
    CELLS = tuple(map(attrgetter, ("display_name", "title", "email", "phone")))

    def ids_work(self) -> Callable[[], list[int]]:
        directory, account = self._directory, self.account_id
        if account is None:
            return list
        return lambda: directory.contact_ids(sort=ContactSort.NAME, account_id=account)

    def rows_work(self, ids: list[int]) -> Callable[[], Sequence[ContactSummary]]:
        directory = self._directory
        return lambda: directory.contact_summaries(ids)

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
