"""The small pieces the import wizard's pages share: read-only tables, a row of buttons."""

from __future__ import annotations

from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

ROWS_SHOWN = 1000  # lines of a preview or report table; the rest are counted


def alive(obj: QObject) -> bool:
    """Whether a widget is still there: a file read in the pool may come back after the
    dialog was closed (and deleted, WA_DeleteOnClose)."""
    return shiboken6.isValid(obj)


def n_of(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def table(headers: Sequence[str], fit: int = 2) -> QTableWidget:
    """A read-only table whose first `fit` columns fit their text and whose last one takes
    the rest of the width."""
    out = QTableWidget(0, len(headers))
    out.setHorizontalHeaderLabels(list(headers))
    out.verticalHeader().hide()
    out.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    out.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    out.setWordWrap(False)
    header = out.horizontalHeader()
    for column in range(min(fit, len(headers))):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return out


def fill(view: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Put `rows` in the table (at most ROWS_SHOWN, then "and N more"); an empty table is
    hidden."""
    shown = rows[:ROWS_SHOWN]
    extra = len(rows) - len(shown)
    view.setRowCount(len(shown) + (1 if extra else 0))
    for r, cells in enumerate(shown):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            view.setItem(r, c, item)
    if extra:
        view.setItem(len(shown), 0, QTableWidgetItem(f"and {extra:,} more"))
    view.setVisible(bool(rows))


def buttons(*pushes: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in pushes:
        row.addWidget(button)
    return row
