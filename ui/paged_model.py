"""A table over an ordered list of ids whose display rows are read a page at a time, off the GUI
thread, when the view first paints them: the contact list, the trash, the account list and the
account pane's tables.

Sorting and searching happen in the data layer (indexed ORDER BY, FTS5); a model only holds ids,
so a 100k-row list costs one list of ints. Rows go into an LRU cache and are evicted when a
ChangeSet says they changed. A subclass says how to read the ids (`ids_work`) and the rows for
some ids (`rows_work`), and what each column shows (`HEADERS`, `CELLS`); this class keeps the
ids, the cache and the bookkeeping that drops answers which arrive after a newer question or a
change. `SearchablePagedModel` adds the search text and the sorted column of a list the user
searches."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar, cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView

PAGE_SIZE = 256
# Several screens' worth of rows; a page must always fit, or a fetch would evict itself.
CACHE_ROWS = 16 * PAGE_SIZE

IdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2  # the whole display row (a ContactSummary, ...)

Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[], Any]
Done = Callable[[Any], None]
# Runs `fetch` (now, or in a read task) and hands its result to `done` on the GUI thread.
QueryRunner = Callable[[Fetch, Done], None]

Row = TypeVar("Row")
Key = TypeVar("Key")


def run_now(fetch: Fetch, done: Done) -> None:
    done(fetch())


# data() and flags() run for every cell on every paint (seven roles a cell), and flags() for
# every cell on Ctrl+A: Qt's enum attributes cost a lookup each, so they are looked up once.
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_ROW_ROLES = frozenset({_DISPLAY, _TOOLTIP, RowRole})
_ANSWERED = _ROW_ROLES | {IdRole, _ALIGNMENT}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags

# Marks an id whose row vanished between the id query and the page read, so painting it again
# does not read again.
_GONE = object()


class PagedIdModel(QAbstractTableModel, Generic[Row]):
    HEADERS: ClassVar[Sequence[str]] = ()
    # What each column shows of a row, by column: looked up per painted cell, so a tuple.
    CELLS: ClassVar[Sequence[Callable[[Any], str]]] = ()
    NUMERIC: ClassVar[frozenset[int]] = frozenset()  # columns of numbers: right-aligned
    ROW_FLAGS: ClassVar[Qt.ItemFlag] = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                        | Qt.ItemFlag.ItemNeverHasChildren)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if len(cls.CELLS) != len(cls.HEADERS):
            raise TypeError(f"{cls.__name__}: {len(cls.HEADERS)} headers, {len(cls.CELLS)} cells")

    def __init__(self, parent=None, *, run_query: QueryRunner = run_now):
        super().__init__(parent)
        self._run_query = run_query
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._cache: OrderedDict[int, object] = OrderedDict()
        # Bumped by every id query; ids that come back tagged with an older one are dropped.
        self._generation = 0
        self._loaded = False
        # Pages asked for and not back yet (by first row), and a count of the changes
        # applied: a page read before a change may hold rows the change made stale.
        self._pending: set[int] = set()
        self._changes_seen = 0
        self._asking = False
        # The hot paths read these from the instance: a class attribute of a Qt object costs
        # several times an instance one to look up.
        self._cells = tuple(self.CELLS)
        self._numeric = self.NUMERIC
        self._row_flags = self.ROW_FLAGS
        self._columns = len(self.HEADERS)

    # --- what a subclass says --------------------------------------------------------------

    def ids_work(self) -> Callable[[], list[int]]:
        """The id query for the current state, built on the GUI thread, run off it."""
        raise NotImplementedError

    def rows_work(self, ids: list[int]) -> Callable[[], Sequence[Row]]:
        """The read of the display rows for `ids` (each row has an `id`), run off the GUI
        thread; ids it leaves out have vanished."""
        raise NotImplementedError

    # --- the list ------------------------------------------------------------------------------

    @property
    def ids(self) -> Sequence[int]:
        return self._ids

    @property
    def generation(self) -> int:
        """Bumped by every new list asked for: what was computed for an older one is stale."""
        return self._generation

    @property
    def loaded(self) -> bool:
        """False until the first list of ids has arrived."""
        return self._loaded

    @property
    def fetching(self) -> bool:
        return bool(self._pending)

    def refresh(self) -> None:
        """Ask for the ids again (the rows stay cached)."""
        self._generation += 1
        generation = self._generation
        self._run_query(self.ids_work(), lambda ids: self._install(generation, ids))

    def clear(self) -> None:
        """No rows, and any list still on its way dropped."""
        self._generation += 1
        self.beginResetModel()
        self._ids, self._row_of, self._loaded = [], None, False
        self.endResetModel()

    def _install(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return  # a newer list has been asked for since
        self.beginResetModel()
        self._ids = ids
        self._row_of = None
        for gone in [k for k, v in self._cache.items() if v is _GONE]:
            del self._cache[gone]
        self._loaded = True
        self.endResetModel()

    def changed(self) -> None:
        """Count a change: pages read before it are not trusted when they arrive."""
        self._changes_seen += 1

    def evict(self, ids: Iterable[int]) -> None:
        for rid in ids:
            self._cache.pop(rid, None)

    def repaint_rows(self, ids: Iterable[int]) -> None:
        """Forget `ids`' rows and have the view paint them again (which reads them)."""
        wanted = list(ids)
        self.evict(wanted)
        self._emit_rows(self.rows_of(wanted))

    def forget_rows(self, *, repaint: bool = True) -> None:
        """Every row read again as it is painted: a change the ids do not tell apart. No
        repaint when a new list is about to replace these rows anyway."""
        self._cache.clear()
        if repaint and self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, self._columns - 1))

    # --- rows by id ----------------------------------------------------------------------------

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, rid: int) -> int | None:
        if self._row_of is None:
            self._row_of = {i: row for row, i in enumerate(self._ids)}
        return self._row_of.get(rid)

    def rows_of(self, ids: Iterable[int]) -> list[int]:
        return [r for r in map(self.row_of, ids) if r is not None]

    def neighbour(self, going: set[int]) -> int | None:
        """The id to select once `going` leave the list: the next one below them, else the
        one above (as a mail reader moves on to the next message)."""
        rows = self.rows_of(going)
        if not rows:
            return None
        for row in (*range(max(rows) + 1, len(self._ids)), *range(min(rows) - 1, -1, -1)):
            if self._ids[row] not in going:
                return self._ids[row]
        return None

    def row_at(self, row: int) -> Row | None:
        """The display row for `row` if its page has been read; otherwise the page is asked
        for (off the GUI thread in the window) and the row is painted when it arrives, with
        dataChanged. None also for a row that has vanished."""
        rid = self.id_at(row)
        if rid is None:
            return None
        found = self._cache.get(rid)
        if found is None:
            self._fetch_page(row)
            found = self._cache.get(rid)  # there already when the runner runs it now
        else:
            self._cache.move_to_end(rid)
        return None if found is None or found is _GONE else cast(Row, found)

    def cell_text(self, row: int, column: int) -> str:
        """What the cell shows, read in Python (for a delegate that paints without asking
        Qt's roles); "" while its page is on its way, which is then asked for."""
        ids = self._ids
        if not 0 <= row < len(ids):
            return ""
        found = self._cache.get(ids[row])
        if found is None:
            found = self.row_at(row)
            if found is None:
                return ""
        elif found is _GONE:
            return ""
        return self._cells[column](found)

    def is_numeric(self, column: int) -> bool:
        return column in self._numeric

    def cached(self, row: int) -> bool:
        rid = self.id_at(row)
        return rid is not None and rid in self._cache

    def cached_rows(self, ids: Iterable[int]) -> list[Row]:
        """The rows of `ids` that have been read, in that order; nothing is read for the rest."""
        cache = self._cache
        return [cast(Row, found) for rid in ids
                if (found := cache.get(rid)) is not None and found is not _GONE]

    def _fetch_page(self, row: int) -> None:
        start = row - row % PAGE_SIZE
        if start in self._pending:
            return
        wanted = [i for i in self._ids[start:start + PAGE_SIZE] if i not in self._cache]
        if not wanted:
            return
        self._pending.add(start)
        generation, seen = self._generation, self._changes_seen
        self._asking = True
        try:
            self._run_query(self.rows_work(wanted), lambda rows: self._page_arrived(
                generation, seen, start, wanted, rows))
        finally:
            self._asking = False

    def _page_arrived(self, generation: int, seen: int, start: int, wanted: list[int],
                      rows: Sequence[Any]) -> None:
        self._pending.discard(start)
        if seen == self._changes_seen:
            found = {r.id: r for r in rows}
            for rid in wanted:
                self._cache[rid] = found.get(rid, _GONE)
            while len(self._cache) > CACHE_ROWS:
                self._cache.popitem(last=False)
            if self._asking:
                return  # answered at once (run_now): the caller is painting these very rows
        # else a change landed while the page was read: its rows may be older than the
        # change, so they are not kept, and painting asks again.
        repaint = self.rows_of(wanted)
        if generation != self._generation:
            # The ids were asked for again meanwhile, and the new list may have asked for
            # these very rows and been told the page was on its way: without a repaint they
            # would stay blank. Painting them reads what this page did not.
            repaint.extend(range(start, min(start + PAGE_SIZE, len(self._ids))))
        self._emit_rows(repaint)

    def _emit_rows(self, rows: Iterable[int]) -> None:
        last_column = self._columns - 1
        for first, last in runs(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column))

    # --- QAbstractTableModel -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # The hot path of every paint: most roles answer None at the first test, and a cached
        # row is read without a call. An invalid index has row -1.
        if role not in _ANSWERED:
            return None
        row = index.row()
        ids = self._ids
        if not 0 <= row < len(ids):
            return None
        if role in _ROW_ROLES:
            rid = ids[row]
            found = self._cache.get(rid)
            if found is None:
                found = self.row_at(row)  # asks for its page
                if found is None:
                    return None
            elif found is _GONE:
                return None
            else:
                self._cache.move_to_end(rid)
            if role == RowRole:
                return found
            text = self._cells[index.column()](found)
            if role == _DISPLAY:
                return text
            # Only worth a tooltip when the column is likely to cut the text off.
            return text if len(text) > 24 else None
        if role == IdRole:
            return ids[row]
        return _RIGHT if index.column() in self._numeric else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = index.row()
        ids = self._ids
        if not 0 <= row < len(ids):
            return _NO_FLAGS
        # Only the cache: Ctrl+A on 100k rows must not read 100k rows to ask their flags.
        return _NO_FLAGS if self._cache.get(ids[row]) is _GONE else self._row_flags

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == _DISPLAY:
            return self.HEADERS[section]
        if role == _ALIGNMENT and section in self.NUMERIC:
            return _RIGHT
        return None


class SearchablePagedModel(PagedIdModel[Row], Generic[Key, Row]):
    """A list the user searches (a text the data layer matches) and sorts by a column (one of
    `SORTABLE`, each an indexed ORDER BY)."""

    # Only columns with an index behind them sort; anything else would be a full scan per click.
    SORTABLE: ClassVar[Mapping[Any, Any]] = {}  # column (an IntEnum) -> sort key
    # Whether search results come ranked (FTS5): then the sort waits until the search ends.
    RANKED_SEARCH: ClassVar[bool] = False

    def __init__(self, sort: Key, parent=None, *, run_query: QueryRunner = run_now):
        super().__init__(parent, run_query=run_query)
        self._text = ""
        self._sort = sort
        self._order = Qt.SortOrder.AscendingOrder
        # Per model: a column may sort by another key as a preference changes (a contact
        # list's names filed by family name).
        self._sortable: dict[Any, Any] = dict(self.SORTABLE)

    @property
    def query(self) -> str:
        return self._text

    @property
    def searching(self) -> bool:
        return bool(self._text.strip())

    @property
    def sort_key(self) -> Key:
        return self._sort

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._order

    @property
    def descending(self) -> bool:
        return self._order == Qt.SortOrder.DescendingOrder

    def sort_column(self) -> int:
        return next(col for col, key in self._sortable.items() if key == self._sort)

    def set_query(self, text: str) -> None:
        if self._loaded and text.strip() == self._text.strip():
            self._text = text  # the same search: no new query
            return
        self._text = text
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self._sortable.get(column)
        if key is None or (key, order) == (self._sort, self._order):
            return
        self._sort, self._order = key, order
        if not (self.RANKED_SEARCH and self.searching):
            self.refresh()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = _DISPLAY) -> Any:
        if (role == _TOOLTIP and orientation == Qt.Orientation.Horizontal
                and section in self._sortable):
            return f"Sort by {self.HEADERS[section].lower()}"
        return super().headerData(section, orientation, role)


def runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous (first, last) ranges of `rows`, so a change emits one dataChanged per run."""
    out: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if out and row == out[-1][1] + 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


def selected_ids(view: QAbstractItemView) -> list[int]:
    """The ids of the rows selected in `view` (over a PagedIdModel), top to bottom."""
    model = view.model()
    assert isinstance(model, PagedIdModel)
    rows = sorted(i.row() for i in view.selectionModel().selectedRows())
    return [rid for rid in map(model.id_at, rows) if rid is not None]
