"""The contact table: an ordered list of ids from the Directory, and display rows fetched lazily.

Sorting and searching happen in the data layer (indexed ORDER BY, FTS5); the model only holds
ids, so a 100k-row list costs one list of ints. Display rows are fetched a page at a time into an
LRU cache when the view first paints them, and evicted when a ChangeSet says they changed.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView

from app.domain.changes import ChangeSet, Entity
from app.domain.filters import ContactFilter
from app.domain.summaries import ContactSummary
from app.services.directory import ContactSort, Directory
from ui.groups.drag import CONTACTS_MIME, contact_mime

PAGE_SIZE = 256
# Several screens' worth of rows; a page must always fit, or a fetch would evict itself.
CACHE_ROWS = 16 * PAGE_SIZE

IdRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[], Any]
Done = Callable[[Any], None]
# Runs `fetch` (now, or in a read task) and hands its result to `done` on the GUI thread.
QueryRunner = Callable[[Fetch, Done], None]


def run_now(fetch: Fetch, done: Done) -> None:
    done(fetch())


class Column(enum.IntEnum):
    NAME = 0
    COMPANY = 1
    TITLE = 2
    EMAIL = 3
    PHONE = 4
    STATUS = 5


HEADERS = {
    Column.NAME: "Name",
    Column.COMPANY: "Company",
    Column.TITLE: "Title",
    Column.EMAIL: "E-mail",
    Column.PHONE: "Phone",
    Column.STATUS: "Status",
}

# Only columns with an index behind them sort; anything else would be a full scan per click.
SORTABLE = {Column.NAME: ContactSort.NAME, Column.COMPANY: ContactSort.COMPANY}

_CELL: dict[Column, Callable[[ContactSummary], str]] = {
    Column.NAME: lambda c: c.display_name,
    Column.COMPANY: lambda c: c.account_name,
    Column.TITLE: lambda c: c.title,
    Column.EMAIL: lambda c: c.email,
    Column.PHONE: lambda c: c.phone,
    Column.STATUS: lambda c: status_label(c.status),
}

# Built once: Qt asks flags() for every cell on Ctrl+A, 600k calls over 100k rows.
_ROW_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
              | Qt.ItemFlag.ItemNeverHasChildren | Qt.ItemFlag.ItemIsDragEnabled)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_COLUMNS = len(Column)

# Marks an id whose row vanished between the id query and the page fetch, so painting it again
# does not query again.
_GONE = object()


def status_label(status: str) -> str:
    return str(status or "").replace("_", " ").capitalize()


class ContactTableModel(QAbstractTableModel):
    def __init__(self, directory: Directory, parent=None, *,
                 run_query: QueryRunner = run_now, trash: bool = False):
        super().__init__(parent)
        self._directory = directory
        self._trash = trash  # the contacts in the trash instead of the live ones
        self._run_query = run_query
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._cache: OrderedDict[int, object] = OrderedDict()
        self._text = ""
        self._filters = ContactFilter()
        self._sort = ContactSort.NAME
        self._order = Qt.SortOrder.AscendingOrder
        # Bumped by every query; results that come back tagged with an older one are dropped.
        self._generation = 0
        self._loaded = False
        # Pages asked for and not back yet (by first row), and a count of the changes
        # applied: a page read before a change may hold rows the change made stale.
        self._pending: set[int] = set()
        self._changes_seen = 0
        self._asking = False

    # --- the current list ---------------------------------------------------------------------

    @property
    def ids(self) -> Sequence[int]:
        return self._ids

    @property
    def query(self) -> str:
        return self._text

    @property
    def searching(self) -> bool:
        return bool(self._text.strip())

    @property
    def sort_key(self) -> ContactSort:
        return self._sort

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._order

    @property
    def generation(self) -> int:
        """Bumped by every new list asked for: what was computed for an older one is stale."""
        return self._generation

    @property
    def loaded(self) -> bool:
        """False until the first list of ids has arrived."""
        return self._loaded

    def set_query(self, text: str) -> None:
        if self._loaded and text.strip() == self._text.strip():
            self._text = text
            return
        self._text = text
        self.refresh()

    @property
    def filters(self) -> ContactFilter:
        return self._filters

    def set_filters(self, filters: ContactFilter) -> None:
        if filters != self._filters:
            self._filters = filters
            self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORTABLE.get(Column(column)) if 0 <= column < len(Column) else None
        if key is None or (key, order) == (self._sort, self._order):
            return
        self._sort, self._order = key, order
        if not self.searching:  # search results keep their ranking
            self.refresh()

    def sort_column(self) -> int:
        return next(col for col, key in SORTABLE.items() if key == self._sort)

    def refresh(self) -> None:
        """Ask the Directory for the ids again (the rows' text stays cached)."""
        self._generation += 1
        generation = self._generation
        text, sort, descending = self._text, self._sort, \
            self._order == Qt.SortOrder.DescendingOrder
        trash, filters = self._trash, self._filters

        def fetch() -> list[int]:
            ids = self._directory.contact_ids(text, sort, trash=trash, filters=filters)
            # The data layer sorts ascending only; the reverse of that order is just as indexed.
            if descending and not text.strip():
                ids.reverse()
            return ids

        self._run_query(fetch, lambda ids: self._install(generation, ids))

    def _install(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return  # a newer query has been asked for since
        self.beginResetModel()
        self._ids = ids
        self._row_of = None
        for cid in [k for k, v in self._cache.items() if v is _GONE]:
            del self._cache[cid]
        self._loaded = True
        self.endResetModel()

    def apply_changes(self, changes: ChangeSet) -> None:
        """Bring the list up to date after an operation, touching as little as possible."""
        self._changes_seen += 1
        contact = Entity.CONTACT
        if changes.everything:  # a restore, or more changed elsewhere than is worth listing
            self._cache.clear()
            self.refresh()
            return
        if contact in changes.inserted or contact in changes.deleted:
            self._evict(changes.inserted.get(contact, ()))
            self._evict(changes.deleted.get(contact, ()))
            self._evict(changes.updated.get(contact, ()))
            self.refresh()
            return
        if not self._filters.empty and (changes.touches(Entity.GROUP) or changes.touches(
                Entity.TAG) or contact in changes.updated):
            # A change of membership, tag, status or owner may move a contact in or out
            # of the filtered list.
            self._evict(changes.updated.get(contact, ()))
            self.refresh()
            return
        if changes.touches(Entity.ACCOUNT):
            # Rows show their company's name, and the change does not say which contacts
            # work there: forget every row.
            self._cache.clear()
            if self._sort == ContactSort.COMPANY and not self.searching:
                self.refresh()
            elif self._ids:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self._ids) - 1, len(Column) - 1))
            return
        updated = changes.updated.get(contact, frozenset())
        self._evict(updated)
        # Rows stay where they are even if a rename changed their sort position: a row that
        # jumps away while the user looks at it is worse than a list that is briefly unsorted.
        for first, last in _runs(r for r in map(self.row_of, updated) if r is not None):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))

    def _evict(self, ids: Iterable[int]) -> None:
        for cid in ids:
            self._cache.pop(cid, None)

    # --- rows by id ---------------------------------------------------------------------------

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, contact_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {cid: row for row, cid in enumerate(self._ids)}
        return self._row_of.get(contact_id)

    def rows_of(self, ids: Iterable[int]) -> list[int]:
        return [r for r in map(self.row_of, ids) if r is not None]

    def neighbour(self, going: set[int]) -> int | None:
        """The contact to select once `going` leave the list: the next one below them, else
        the one above (as a mail reader moves on to the next message)."""
        rows = self.rows_of(going)
        if not rows:
            return None
        for row in (*range(max(rows) + 1, len(self._ids)), *range(min(rows) - 1, -1, -1)):
            cid = self._ids[row]
            if cid not in going:
                return cid
        return None

    def named(self, ids: Sequence[int]) -> str:
        """How a status message names `ids`: the contact's name for one, else a count."""
        if len(ids) == 1:
            found = [s for s in map(self.summary, self.rows_of(ids)) if s]
            if found:
                return found[0].display_name
        return f"{len(ids):,} contacts"

    def summary(self, row: int) -> ContactSummary | None:
        """The display row for `row` if its page has been read; otherwise the page is asked
        for (off the GUI thread in the window) and the row is painted when it arrives, with
        dataChanged. None also for a row that has vanished."""
        cid = self.id_at(row)
        if cid is None:
            return None
        found = self._cache.get(cid)
        if found is None:
            self._fetch_page(row)
            found = self._cache.get(cid)  # there already when the runner runs it now
        else:
            self._cache.move_to_end(cid)
        return found if isinstance(found, ContactSummary) else None

    def cached(self, row: int) -> bool:
        cid = self.id_at(row)
        return cid is not None and cid in self._cache

    @property
    def fetching(self) -> bool:
        return bool(self._pending)

    def _fetch_page(self, row: int) -> None:
        start = row - row % PAGE_SIZE
        if start in self._pending:
            return
        wanted = [cid for cid in self._ids[start:start + PAGE_SIZE] if cid not in self._cache]
        if not wanted:
            return
        self._pending.add(start)
        generation, seen, directory = self._generation, self._changes_seen, self._directory
        self._asking = True
        try:
            self._run_query(lambda: directory.contact_summaries(wanted),
                            lambda rows: self._page_arrived(generation, seen, start, wanted,
                                                            rows))
        finally:
            self._asking = False

    def _page_arrived(self, generation: int, seen: int, start: int, wanted: list[int],
                      rows: list[ContactSummary]) -> None:
        self._pending.discard(start)
        if seen != self._changes_seen:
            # A change landed while the page was read: its rows may be older than the
            # change. Painting asks again.
            self._emit_rows(wanted)
            return
        found = {s.id: s for s in rows}
        for cid in wanted:
            self._cache[cid] = found.get(cid, _GONE)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        # Answered at once (run_now): the caller is painting these very rows, no signal.
        if generation == self._generation and not self._asking:
            self._emit_rows(wanted)
        # else the list was asked for again meanwhile; the rows are still worth keeping

    def _emit_rows(self, ids: list[int]) -> None:
        for first, last in _runs(r for r in map(self.row_of, ids) if r is not None):
            self.dataChanged.emit(self.index(first, 0), self.index(last, _COLUMNS - 1))

    # --- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == IdRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SummaryRole):
            return None
        summary = self.summary(index.row())
        if summary is None:
            return None
        if role == SummaryRole:
            return summary
        text = _CELL[Column(index.column())](summary)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Only worth a tooltip when the column is likely to cut the text off.
            return text if len(text) > 24 else None
        return text

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = index.row()
        if not 0 <= row < len(self._ids):
            return _NO_FLAGS
        # Only the cache: Ctrl+A on 100k rows must not fetch 100k rows to ask their flags.
        return _NO_FLAGS if self._cache.get(self._ids[row]) is _GONE else _ROW_FLAGS

    def mimeTypes(self) -> list[str]:  # noqa: N802  Qt's name
        return [CONTACTS_MIME]

    def mimeData(self, indexes) -> QMimeData:  # noqa: N802  Qt's name
        """The dragged rows' contacts (for dropping on a group), with the names that are
        already read as text; nothing is fetched to start a drag."""
        ids = [cid for cid in dict.fromkeys(map(self.id_at, sorted({i.row() for i in indexes})))
               if cid is not None]
        names = [c.display_name for cid in ids
                 if isinstance(c := self._cache.get(cid), ContactSummary)]
        return contact_mime(ids, names)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole and Column(section) in SORTABLE:
            return f"Sort by {HEADERS[Column(section)].lower()}"
        return None


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous (first, last) ranges of `rows`, so a change emits one dataChanged per run."""
    out: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if out and row == out[-1][1] + 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


def selected_ids(view: QAbstractItemView) -> list[int]:
    """The ids of the rows selected in `view` (over a ContactTableModel), top to bottom."""
    model = view.model()
    assert isinstance(model, ContactTableModel)
    rows = sorted(i.row() for i in view.selectionModel().selectedRows())
    return [cid for cid in map(model.id_at, rows) if cid is not None]
