"""A table over an ordered list of ids whose display rows are read a page at a time, off the
GUI thread, when the view first paints them: the shape of the contact list
(ui/contacts/table_model.py), shared here by the account list and the account pane's tables.

A subclass says how to read the ids (`ids_work`), how to read rows for some ids
(`rows_work`) and what each cell shows (`cell`); this class keeps the ids, the row cache and
the bookkeeping that drops answers which arrive after a newer question or a change."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView

from ui.contacts.table_model import QueryRunner, run_now

PAGE_SIZE = 256
CACHE_ROWS = 16 * PAGE_SIZE  # several screens; a page must always fit

IdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex

_ROW_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
              | Qt.ItemFlag.ItemNeverHasChildren)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
# An id whose row vanished between the id query and the page read: painting it again does
# not read again.
_GONE = object()
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class PagedIdModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()
    NUMERIC: frozenset[int] = frozenset()  # columns of numbers: right-aligned

    def __init__(self, parent=None, *, run_query: QueryRunner = run_now):
        super().__init__(parent)
        self._run_query = run_query
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._cache: OrderedDict[int, object] = OrderedDict()
        self._generation = 0  # bumped by every id query; older answers are dropped
        self._loaded = False
        self._pending: set[int] = set()  # first rows of pages asked for, not back yet
        self._changes_seen = 0  # a page read before a change may hold stale rows
        self._asking = False

    # --- what a subclass says --------------------------------------------------------------

    def ids_work(self) -> Callable[[], list[int]]:
        """The id query for the current state, built on the GUI thread, run off it."""
        raise NotImplementedError

    def rows_work(self, ids: list[int]) -> Callable[[], Sequence[Any]]:
        raise NotImplementedError

    def cell(self, row: Any, column: int) -> str:
        raise NotImplementedError

    # --- the list ------------------------------------------------------------------------------

    @property
    def ids(self) -> Sequence[int]:
        return self._ids

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
        """No rows, and any answer still on its way dropped."""
        self._generation += 1
        self.beginResetModel()
        self._ids, self._row_of, self._loaded = [], None, False
        self.endResetModel()

    def _install(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return
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
        self._emit_rows(wanted)

    def forget_rows(self) -> None:
        """Every row read again as it is painted: a change the ids do not tell apart."""
        self._cache.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, self.columnCount() - 1))

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
        """The id to select once `going` leave: the next one below them, else above."""
        rows = self.rows_of(going)
        if not rows:
            return None
        for row in (*range(max(rows) + 1, len(self._ids)), *range(min(rows) - 1, -1, -1)):
            if self._ids[row] not in going:
                return self._ids[row]
        return None

    def row_at(self, row: int) -> Any | None:
        """The display row if its page has been read; otherwise the page is asked for and
        the row painted when it arrives. None also for a row that has vanished."""
        rid = self.id_at(row)
        if rid is None:
            return None
        found = self._cache.get(rid)
        if found is None:
            self._fetch_page(row)
            found = self._cache.get(rid)  # there already when the runner runs it now
        else:
            self._cache.move_to_end(rid)
        return None if found is None or found is _GONE else found

    def cached(self, row: int) -> bool:
        rid = self.id_at(row)
        return rid is not None and rid in self._cache

    def _fetch_page(self, row: int) -> None:
        start = row - row % PAGE_SIZE
        if start in self._pending:
            return
        wanted = [i for i in self._ids[start:start + PAGE_SIZE] if i not in self._cache]
        if not wanted:
            return
        self._pending.add(start)
        seen = self._changes_seen
        self._asking = True
        try:
            self._run_query(self.rows_work(wanted),
                            lambda rows: self._page_arrived(seen, start, wanted, rows))
        finally:
            self._asking = False

    def _page_arrived(self, seen: int, start: int, wanted: list[int],
                      rows: Sequence[Any]) -> None:
        self._pending.discard(start)
        if seen != self._changes_seen:
            self._emit_rows(wanted)  # maybe older than the change: painting asks again
            return
        found = {r.id: r for r in rows}
        for rid in wanted:
            self._cache[rid] = found.get(rid, _GONE)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        # Answered at once (run_now): the caller is painting these very rows, no signal.
        # Otherwise they are painted even when the ids were asked for again meanwhile: the
        # new list, which holds most of them, may have asked for this very page and been
        # told it was on its way.
        if not self._asking:
            self._emit_rows(wanted)

    def _emit_rows(self, ids: list[int]) -> None:
        last_column = self.columnCount() - 1
        for first, last in runs(self.rows_of(ids)):
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column))

    # --- QAbstractTableModel -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == IdRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if index.column() in self.NUMERIC else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, RowRole):
            return None
        found = self.row_at(index.row())
        if found is None:
            return None
        if role == RowRole:
            return found
        text = self.cell(found, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if len(text) > 24 else None  # only where the column may cut it
        return text

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = index.row()
        if not 0 <= row < len(self._ids):
            return _NO_FLAGS
        # The cache only: Ctrl+A must not read every row to ask its flags.
        return _NO_FLAGS if self._cache.get(self._ids[row]) is _GONE else _ROW_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.NUMERIC:
            return _RIGHT
        return None


def runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous (first, last) ranges of `rows`: one dataChanged per run."""
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
