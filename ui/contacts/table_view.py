"""The contact list's table: the columns fitted to the width until the user drags one, the
optional ones hidden in a narrow window, and sorting by the columns that have an index."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from app.domain.collation import fold
from app.domain.contact import ContactStatus
from ui.contacts.table_model import HEADERS, SORTABLE, Column, ContactTableModel, status_label
from ui.fast_delegate import FastTextDelegate
from ui.header import SortableHeader

# Until the user drags a column, the columns share the table's width, so all six fit without
# a horizontal scroll bar. Phone and status get what a typical value needs (from the font, not
# from measuring rows); the rest is split in these shares.
COLUMN_SHARES = {Column.NAME: 27, Column.COMPANY: 24, Column.TITLE: 20, Column.EMAIL: 29}
TYPICAL_TEXT = {Column.PHONE: ("+44 20 7946 0958",),
                Column.STATUS: tuple(status_label(s) for s in ContactStatus)}
MIN_COLUMN_WIDTH = 70
NARROW_LIST = 600  # px of list below which the optional columns are hidden
OPTIONAL_COLUMNS = (Column.TITLE, Column.STATUS)
NARROWER_LIST = 480  # and below which the e-mail goes too (the record pane shows it)
NARROWER_COLUMNS = (Column.EMAIL,)


class ContactTable(QTableView):
    """Signal `letter_typed(str)`: a letter ("a".."z", "#" for a digit) typed in the list."""

    letter_typed = Signal(str)

    def __init__(self, model: ContactTableModel):
        super().__init__()
        self._model = model
        self._fitting_columns = False
        self._columns_dragged = False
        self._user_hidden: set[Column] = set()  # columns taken off with the column chooser
        self.setHorizontalHeader(SortableHeader(self._sorts, self))
        self.setItemDelegate(FastTextDelegate(model, self))
        self.setObjectName("contactTable")
        self.setModel(model)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Rows drag onto a group in the sidebar; the list itself takes no drops.
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        # Fixed: Qt never measures 100k rows, it multiplies.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(MIN_COLUMN_WIDTH)
        header.sectionResized.connect(self._on_column_resized)
        # Fitted columns fill the width exactly; a scroll bar for a pixel of rounding (or for
        # the vertical bar arriving after the fit) would only get in the way.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().installEventFilter(self)
        # The view's own sorting would sort any column; ours asks the Directory, and only for
        # the columns it has an index for.
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort_clicked)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._choose_columns)

    def _sorts(self, section: int) -> bool:
        return 0 <= section < len(Column) and Column(section) in SORTABLE

    def _choose_columns(self, at) -> None:
        """The column chooser: a right-click on the header ticks columns on and off."""
        menu = QMenu(self)
        for column in Column:
            if column == Column.NAME:
                continue  # the one column a row is known by
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(column not in self._user_hidden)
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
        menu.exec(self.horizontalHeader().mapToGlobal(at))

    def show_column(self, column: Column, shown: bool) -> None:
        if shown:
            self._user_hidden.discard(column)
        else:
            self._user_hidden.add(column)
        if self._columns_dragged:
            self.setColumnHidden(column, not shown)
        else:
            self._fit_columns(self.viewport().width())

    def user_hidden(self) -> set[Column]:
        return set(self._user_hidden)

    def restore_hidden(self, names: list[str]) -> None:
        """Columns the user took off in an earlier session, by name."""
        for name in names:
            if name in Column.__members__ and name != Column.NAME.name:
                self.show_column(Column[name], False)

    def keyboardSearch(self, search: str) -> None:  # noqa: N802  Qt's name
        # Qt's own search reads every row's text to match it, and the rows are fetched in
        # pages: over 100,000 contacts that is the whole file. A typed letter jumps as the
        # rolodex strip does, by one count in the database.
        letter = fold(search[:1])[:1]
        if "a" <= letter <= "z":
            self.letter_typed.emit(letter)
        elif letter.isdigit():
            self.letter_typed.emit("#")

    def saved_columns(self) -> QByteArray | None:
        """The widths and order the user gave the columns, or None while they are fitted."""
        return self.horizontalHeader().saveState() if self._columns_dragged else None

    def restore_columns(self, state: QByteArray) -> None:
        header = self.horizontalHeader()
        sort_column, sort_order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        header.blockSignals(True)  # the list's sort is its own; a saved arrow must not move it
        try:
            if not header.restoreState(state):
                return
            header.setSortIndicator(sort_column, sort_order)
        finally:
            header.blockSignals(False)
        self._user_hidden = {c for c in Column if c != Column.NAME and header.isSectionHidden(c)}
        self.setColumnHidden(Column.NAME, False)
        self._columns_dragged = True
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def eventFilter(self, watched, event) -> bool:
        if (event.type() == QEvent.Type.Resize and watched is self.viewport()
                and not self._columns_dragged):
            self._fit_columns(event.size().width())
        return super().eventFilter(watched, event)

    def _fit_columns(self, width: int) -> None:
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        # In a narrow window title and status give way, so names stay readable.
        hidden = set(OPTIONAL_COLUMNS) if width < NARROW_LIST else set()
        hidden |= self._user_hidden
        if width < NARROWER_LIST:
            hidden.update(NARROWER_COLUMNS)
        shown = {c: s for c, s in COLUMN_SHARES.items() if c not in hidden}
        fixed = {column: max(map(metrics.horizontalAdvance, texts)) + 28
                 for column, texts in TYPICAL_TEXT.items() if column not in hidden}
        rest = max(0, width - sum(fixed.values()) - 2)  # rounding must not add a scroll bar
        total = sum(shown.values())
        sizes = fixed | {column: rest * share // total for column, share in shown.items()}
        self._fitting_columns = True  # hiding and sizing columns is not the user dragging
        try:
            for column in Column:
                self.setColumnHidden(column, column in hidden)
            for column, size in sizes.items():
                header.resizeSection(column, max(MIN_COLUMN_WIDTH, size))
        finally:
            self._fitting_columns = False

    def _on_column_resized(self, *_args) -> None:
        if not self._fitting_columns:
            self._columns_dragged = True
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def _on_sort_clicked(self, column: int, order: Qt.SortOrder) -> None:
        if Column(column) not in SORTABLE:
            # Put the arrow back where the list really is sorted.
            header = self.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self._model.sort_column(), self._model.sort_order)
            header.blockSignals(False)
            return
        self._model.sort(column, order)
