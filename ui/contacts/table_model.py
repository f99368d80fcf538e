"""The contact table (and the trash's): the Directory's ordered list of contact ids, with display
rows read a page at a time as the view paints them (ui/paged_model.py)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from operator import attrgetter

from PySide6.QtCore import QMimeData, Qt

from app.domain.changes import ChangeSet, Entity
from app.domain.filters import ContactFilter
from app.domain.summaries import ContactSummary
from app.services.directory import ContactSort, Directory
from ui.groups.drag import CONTACTS_MIME, contact_mime
from ui.paged_model import CACHE_ROWS as CACHE_ROWS
from ui.paged_model import PAGE_SIZE as PAGE_SIZE
from ui.paged_model import IdRole as IdRole
from ui.paged_model import QueryRunner as QueryRunner
from ui.paged_model import RowRole, SearchablePagedModel
from ui.paged_model import run_now as run_now
from ui.paged_model import selected_ids as selected_ids

SummaryRole = RowRole  # a row's ContactSummary


class Column(enum.IntEnum):
    NAME = 0
    COMPANY = 1
    TITLE = 2
    EMAIL = 3
    PHONE = 4
    STATUS = 5


HEADERS = ("Name", "Company", "Title", "E-mail", "Phone", "Status")

# Only columns with an index behind them sort; anything else would be a full scan per click.
SORTABLE = {Column.NAME: ContactSort.NAME, Column.COMPANY: ContactSort.COMPANY}


def status_label(status: str) -> str:
    return str(status or "").replace("_", " ").capitalize()


# What each column shows, in Column order.
_CELLS: tuple[Callable[[ContactSummary], str], ...] = (
    *map(attrgetter, ("display_name", "account_name", "title", "email", "phone")),
    lambda c: status_label(c.status),
)


_FAMILY_FIRST: Callable[[ContactSummary], str] = attrgetter("family_first")


class ContactTableModel(SearchablePagedModel[ContactSort, ContactSummary]):
    HEADERS = HEADERS
    CELLS = _CELLS
    SORTABLE = SORTABLE
    RANKED_SEARCH = True  # search results keep their ranking
    # Dragged onto a group in the sidebar.
    ROW_FLAGS = SearchablePagedModel.ROW_FLAGS | Qt.ItemFlag.ItemIsDragEnabled

    def __init__(self, directory: Directory, parent=None, *,
                 run_query: QueryRunner = run_now, trash: bool = False):
        super().__init__(ContactSort.NAME, parent, run_query=run_query)
        self._directory = directory
        self._trash = trash  # the contacts in the trash instead of the live ones
        self._filters = ContactFilter()
        self._family_first = False

    @property
    def family_first(self) -> bool:
        return self._family_first

    def set_family_first(self, family_first: bool) -> None:
        """Names as "Lovelace, Ada", filed by family name, or as "Ada Lovelace"."""
        if family_first == self._family_first:
            return
        self._family_first = family_first
        self._cells = (_FAMILY_FIRST if family_first else _CELLS[0], *self._cells[1:])
        self._sortable[Column.NAME] = ContactSort.FAMILY if family_first else ContactSort.NAME
        if self._sort in (ContactSort.NAME, ContactSort.FAMILY):
            self._sort = ContactSort.FAMILY if family_first else ContactSort.NAME
            if not self.searching:
                self.refresh()
                return
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    @property
    def filters(self) -> ContactFilter:
        return self._filters

    def set_filters(self, filters: ContactFilter) -> None:
        if filters != self._filters:
            self._filters = filters
            self.refresh()

    def ids_work(self) -> Callable[[], list[int]]:
        directory, text, sort, descending = (self._directory, self._text, self._sort,
                                             self.descending)
        trash, filters = self._trash, self._filters

        def fetch() -> list[int]:
            ids = directory.contact_ids(text, sort, trash=trash, filters=filters)
            # The data layer sorts ascending only; the reverse of that order is just as indexed.
            if descending and not text.strip():
                ids.reverse()
            return ids

        return fetch

    def rows_work(self, ids: list[int]) -> Callable[[], Sequence[ContactSummary]]:
        directory = self._directory
        return lambda: directory.contact_summaries(ids)

    def apply_changes(self, changes: ChangeSet) -> None:
        """Bring the list up to date after an operation, touching as little as possible."""
        self.changed()
        contact = Entity.CONTACT
        if changes.everything:  # a restore, or more changed elsewhere than is worth listing
            self.forget_rows(repaint=False)
            self.refresh()
            return
        if contact in changes.inserted or contact in changes.deleted:
            self.evict(changes.inserted.get(contact, ()))
            self.evict(changes.deleted.get(contact, ()))
            self.evict(changes.updated.get(contact, ()))
            self.refresh()
            return
        if not self._filters.empty and (changes.touches(Entity.GROUP) or changes.touches(
                Entity.TAG) or contact in changes.updated):
            # A change of membership, tag, status or owner may move a contact in or out
            # of the filtered list.
            self.evict(changes.updated.get(contact, ()))
            self.refresh()
            return
        if changes.touches(Entity.ACCOUNT):
            # Rows show their company's name, and the change does not say which contacts
            # work there: forget every row.
            if self._sort == ContactSort.COMPANY and not self.searching:
                self.forget_rows(repaint=False)
                self.refresh()
            else:
                self.forget_rows()
            return
        # Rows stay where they are even if a rename changed their sort position: a row that
        # jumps away while the user looks at it is worse than a list that is briefly unsorted.
        self.repaint_rows(changes.updated.get(contact, ()))

    def summary(self, row: int) -> ContactSummary | None:
        """The display row for `row` if its page has been read; otherwise the page is asked
        for and the row is painted when it arrives. None also for a row that has vanished."""
        return self.row_at(row)

    def named(self, ids: Sequence[int]) -> str:
        """How a status message names `ids`: the contact's name for one, else a count."""
        if len(ids) == 1:
            found = [s for s in map(self.summary, self.rows_of(ids)) if s]
            if found:
                return found[0].display_name
        return f"{len(ids):,} contacts"

    def mimeTypes(self) -> list[str]:  # noqa: N802  Qt's name
        return [CONTACTS_MIME]

    def mimeData(self, indexes) -> QMimeData:  # noqa: N802  Qt's name
        """The dragged rows' contacts (for dropping on a group), with the names that are
        already read as text; nothing is fetched to start a drag."""
        ids = [cid for cid in dict.fromkeys(map(self.id_at, sorted({i.row() for i in indexes})))
               if cid is not None]
        return contact_mime(ids, [c.display_name for c in self.cached_rows(ids)])
