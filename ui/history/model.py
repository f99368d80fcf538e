"""The timeline's rows: a record's history read a page at a time, newest first, with the kind
filter and the journal's field changes merged in by time.

The first page is one small read; the view asks for the next (fetchMore) as it scrolls to the end.
A filter is applied to the rows already read and, when it leaves too few to fill a screen,
the next pages are read until it does. Field changes older than the oldest item read so far
wait until the pages that reach back that far are in, so scrolling never shows a change out
of its place in time."""

from __future__ import annotations

import heapq
import html
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ui.history.labels import full_when, local, now_local, when_label
from ui.history.rows import TimelineRow

# A few screens' worth first (the read costs by the row, and the first paint waits on it),
# then bigger pages as the view scrolls towards the end.
FIRST_PAGE = 60
PAGE = 200
FILL = 40  # rows a filter should leave on screen before the model stops reading ahead

RowRole = Qt.ItemDataRole.UserRole + 1
WhenRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
Work = Callable[[], Any]
# reads.run(work, done, failed): work on a read thread, done/failed on the GUI thread.
RunRead = Callable[[Work, Callable[[Any], None], Callable[[BaseException], None]], None]
# (offset, limit) -> rows of history items, newest first.
FetchPage = Callable[[int, int], list[TimelineRow]]
FetchChanges = Callable[[], list[TimelineRow]]

_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
          | Qt.ItemFlag.ItemNeverHasChildren)


@dataclass(frozen=True)
class Source:
    """Where one record's timeline comes from: both callables run on a read thread."""

    page: FetchPage
    changes: FetchChanges


class TimelineModel(QAbstractListModel):
    loaded = Signal()  # a read (first page, reload or next page) has been applied
    failed = Signal(object)  # the error a read ended in

    def __init__(self, run_read: RunRead, parent=None, *,
                 now: Callable[[], datetime] = now_local):
        super().__init__(parent)
        self._run_read = run_read
        self._now = now
        self._source: Source | None = None
        self._history: list[TimelineRow] = []  # every item read so far, unfiltered
        self._seen: set[int] = set()
        self._changes: list[TimelineRow] = []
        self._rows: list[TimelineRow] = []  # what is shown
        self._exhausted = False
        self._kinds: frozenset | None = None
        self._with_changes = False
        self._changes_read = False
        self._generation = 0
        self._paging = False
        self._reloading = False
        self._ready = False

    # --- what is shown ------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """The first read for the current record is in (rowCount() is what it has)."""
        return self._ready

    @property
    def busy(self) -> bool:
        return self._source is not None and (not self._ready or self._paging
                                             or self._reloading)

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    @property
    def filtered(self) -> bool:
        return self._kinds is not None

    @property
    def history_read(self) -> int:
        return len(self._history)

    def set_source(self, source: Source | None) -> None:
        """Show another record's timeline (None: nothing)."""
        self._generation += 1
        self.beginResetModel()
        self._source = source
        self._history, self._seen, self._changes, self._rows = [], set(), [], []
        self._exhausted = source is None
        self._changes_read = False
        self._paging = self._reloading = False
        self._ready = source is None
        self.endResetModel()
        if source is not None:
            self._read(FIRST_PAGE)

    def set_kinds(self, kinds: Collection | None) -> None:
        """Only these kinds of history items (None: every kind)."""
        self._kinds = frozenset(kinds) if kinds is not None else None
        self._show(reset=True)
        self._fill()

    def set_with_changes(self, on: bool) -> None:
        if on == self._with_changes:
            return
        self._with_changes = on
        if on and not self._changes_read and self._source is not None:
            self.reload()
        else:
            self._show(reset=True)

    def reload(self) -> None:
        """Read again what is shown (as many items as were read), after a change."""
        if self._source is not None:
            self._generation += 1
            self._paging, self._reloading = False, True
            self._read(max(FIRST_PAGE, len(self._history)))

    def row(self, row: int) -> TimelineRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: tuple) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.key == key), None)

    # --- reading ------------------------------------------------------------------------------

    def _read(self, limit: int) -> None:
        source, generation = self._source, self._generation
        assert source is not None
        with_changes = self._with_changes

        def work() -> tuple[list[TimelineRow], list[TimelineRow] | None]:
            return source.page(0, limit), source.changes() if with_changes else None

        self._run_read(work, lambda found: self._arrived(generation, limit, *found),
                       lambda error: self._read_failed(generation, error))

    def _arrived(self, generation: int, limit: int, history: list[TimelineRow],
                 changes: list[TimelineRow] | None) -> None:
        if generation != self._generation:
            return  # a newer record or reload was asked for meanwhile
        self._reloading = False
        self._history = history
        self._seen = {r.history_id for r in history if r.history_id is not None}
        self._exhausted = len(history) < limit
        # Changes not asked for are not known now: turning them on reads them afresh.
        self._changes, self._changes_read = changes or [], changes is not None
        self._ready = True
        self._show(reset=True)
        self.loaded.emit()
        self._fill()

    def _read_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._paging = self._reloading = False
        self._ready = True
        self.failed.emit(error)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        # Not while a reload is out: the next page's offset must count the reloaded rows.
        return (not parent.isValid() and self._source is not None and self._ready
                and not self._exhausted and not self._paging and not self._reloading)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        source, generation, offset = self._source, self._generation, len(self._history)
        assert source is not None
        self._paging = True
        self._run_read(lambda: source.page(offset, PAGE),
                       lambda found: self._page_arrived(generation, found),
                       lambda error: self._read_failed(generation, error))

    def _page_arrived(self, generation: int, page: list[TimelineRow]) -> None:
        if generation != self._generation:
            return
        self._paging = False
        self._exhausted = len(page) < PAGE
        # An item logged between two pages moves the offsets by one: never show it twice.
        fresh = [r for r in page if r.history_id not in self._seen]
        self._history.extend(fresh)
        self._seen.update(r.history_id for r in fresh if r.history_id is not None)
        self._show(reset=False)
        self.loaded.emit()
        self._fill()

    def _fill(self) -> None:
        """A filter that leaves too few rows to fill a screen reads on until it does."""
        if self._kinds is not None and len(self._rows) < FILL and self.canFetchMore():
            self.fetchMore()

    # --- merging ------------------------------------------------------------------------------

    def _visible(self) -> list[TimelineRow]:
        kinds = self._kinds
        items = self._history if kinds is None else [r for r in self._history
                                                     if r.kind in kinds]
        if not self._with_changes or not self._changes:
            return list(items)
        changes: Sequence[TimelineRow] = self._changes
        if not self._exhausted:
            if not self._history:
                changes = ()
            else:
                oldest = self._history[-1].when
                changes = [c for c in changes if c.when >= oldest]
        # Both newest first; an item and a change at the same instant: the item first.
        return list(heapq.merge(items, changes, key=lambda r: (r.when, not r.is_change),
                                reverse=True))

    def _show(self, reset: bool) -> None:
        rows = self._visible()
        old = self._rows
        if (not reset and len(rows) >= len(old)
                and all(a.key == b.key for a, b in zip(old, rows, strict=False))):
            if len(rows) > len(old):
                self.beginInsertRows(QModelIndex(), len(old), len(rows) - 1)
                self._rows = rows
                self.endInsertRows()
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    # --- Qt's side ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{self.when_text(row)}  {row.pill}: {row.title}"
        if role == WhenRole:
            return self.when_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return "; ".join(x for x in (row.meta, *row.details) if x)
        return None

    def when_text(self, row: TimelineRow) -> str:
        return when_label(row.when, self._now())

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags


def _tooltip(row: TimelineRow) -> str:
    text = row.tooltip or row.title
    # A change's tooltip already says when.
    body = text if row.is_change else f"{text}\n\n{full_when(local(row.when))}"
    # Rich text: Qt wraps it at a readable width instead of one line as wide as the note.
    return "<p>" + html.escape(body).replace("\n", "<br>") + "</p>"
