"""The quick search's rows as a Qt list model: a handful of rows, replaced whole per result."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from ui.search.rows import Row

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the Row itself, for the delegate and the widget

Index = QModelIndex | QPersistentModelIndex


class QuickSearchModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Row] = []

    @property
    def rows(self) -> list[Row]:
        return self._rows

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def next_selectable(self, row: int, step: int) -> int | None:
        """The nearest selectable row from `row` (itself excluded) in direction `step`."""
        row += step
        while 0 <= row < len(self._rows):
            if self._rows[row].selectable:
                return row
            row += step
        return None

    def first_selectable(self) -> int | None:
        return self.next_selectable(-1, 1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802  Qt's API
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and row.selectable:
            # Long names and notes are elided in the row; the whole text is one hover away.
            return "\n".join(t for t in (row.title, row.subtitle) if t)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return ", ".join(t for t in (row.title, row.subtitle, row.hint) if t)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not row.selectable:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
