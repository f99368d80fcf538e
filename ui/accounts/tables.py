"""The tables of the Accounts view: columns that share the width until the user drags one (so
nothing needs a sideways scroll bar), optional ones hidden when narrow, fixed row heights
(Qt never measures rows), and sorting only by the columns the data layer can sort."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.accounts.table_model import SORTABLE, AccountTableModel, Column
from ui.fast_delegate import FastTextDelegate
from ui.header import SortableHeader
from ui.paged_model import PagedIdModel

MIN_COLUMN_WIDTH = 56


class FittedTable(QTableView):
    def __init__(self, model: PagedIdModel, shares: Mapping[int, int], *,
                 typical: Mapping[int, str] | None = None,
                 optional: Mapping[int, int] | None = None, name: str = ""):
        """`shares` split what the `typical` columns (as wide as their typical text) leave;
        an `optional` column is hidden while the table is narrower than its width."""
        super().__init__()
        self._shares, self._typical = dict(shares), dict(typical or {})
        self._optional = dict(optional or {})
        self._fitting = False
        self._dragged = False
        self.setObjectName(name)
        self.setModel(model)
        self.setItemDelegate(FastTextDelegate(model, self))
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 12)
        self._header_setup()
        self.viewport().installEventFilter(self)

    def _header_setup(self) -> None:
        """The column header's manners (again after a subclass puts in its own header)."""
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(MIN_COLUMN_WIDTH)
        header.setSectionsClickable(False)
        header.sectionResized.connect(self._on_resized)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  Qt's name
        if (event.type() == QEvent.Type.Resize and watched is self.viewport()
                and not self._dragged):
            self.fit_columns(self.viewport().width())
        return super().eventFilter(watched, event)

    def fit_columns(self, width: int) -> None:
        hidden = {c for c, least in self._optional.items() if width < least}
        metrics = self.fontMetrics()
        fixed = {c: metrics.horizontalAdvance(t) + 28 for c, t in self._typical.items()
                 if c not in hidden}
        shown = {c: s for c, s in self._shares.items() if c not in hidden}
        rest = max(0, width - sum(fixed.values()) - 2)  # rounding must not add a scroll bar
        total = sum(shown.values()) or 1
        sizes = fixed | {c: rest * s // total for c, s in shown.items()}
        self._fitting = True  # hiding and sizing columns is not the user dragging one
        try:
            for column in self._optional:
                self.setColumnHidden(column, column in hidden)
            header = self.horizontalHeader()
            for column, size in sizes.items():
                header.resizeSection(column, max(MIN_COLUMN_WIDTH, size))
        finally:
            self._fitting = False

    def _on_resized(self, *_args: object) -> None:
        if not self._fitting:
            self._dragged = True
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)


class AccountTable(FittedTable):
    """The account list: several may be selected (to delete them), sorted by a click on any
    column but the phone's."""

    def __init__(self, model: AccountTableModel):
        super().__init__(model, {Column.NAME: 50, Column.INDUSTRY: 26, Column.CITY: 24},
                         typical={Column.PHONE: "+44 20 7946 0958", Column.CONTACTS: "Contacts"},
                         optional={Column.PHONE: 620, Column.INDUSTRY: 430},
                         name="accountTable")
        self._model = model
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # The phone column has no index to sort by: its header does not look clickable.
        self.setHorizontalHeader(SortableHeader(
            lambda s: 0 <= s < len(Column) and Column(s) in SORTABLE, self))
        self._header_setup()
        header = self.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort_clicked)

    def _on_sort_clicked(self, column: int, order: Qt.SortOrder) -> None:
        if not 0 <= column < len(Column) or Column(column) not in SORTABLE:
            header = self.horizontalHeader()  # the arrow goes back where the list is sorted
            header.blockSignals(True)
            header.setSortIndicator(self._model.sort_column(), self._model.sort_order)
            header.blockSignals(False)
            return
        self._model.sort(column, order)
