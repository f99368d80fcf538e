"""Painting a paged list's cells without Qt's general item delegate.

QStyledItemDelegate asks the model for eight roles per cell through Qt's C++ to Python
bridge, then draws through the style sheet: over a screen of rows that is most of a frame
(about 15 ms of a 20 ms repaint of the contact list). This one reads each cell's text in
Python, straight from the model's row cache, and draws the band, the selection and the
elided text itself, in the palette's colours, so a scroll stays within a frame."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.paged_model import PagedIdModel

PADDING = 8  # px of text inset each side (what the style sheet's item padding gave)
# Flags as plain ints: a PySide enum's & is a Python call, three per cell.
_SELECTED = QStyle.StateFlag.State_Selected.value
_ALTERNATE = QStyleOptionViewItem.ViewItemFeature.Alternate.value
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ELIDE = Qt.TextElideMode.ElideRight
_TEXT = QPalette.ColorRole.Text
_BAND = QPalette.ColorRole.AlternateBase
WIDTHS_KEPT = 20_000  # texts whose width is remembered: most cells fit and need no eliding
# The style sheet's selection: the highlight at 28% over the row, which reads on both themes.
SELECTION_ALPHA = 72

Index = QModelIndex | QPersistentModelIndex


class FastTextDelegate(QStyledItemDelegate):
    def __init__(self, model: PagedIdModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self._selected: QColor | None = None
        self._palette_key: int | None = None
        self._widths: dict[str, int] = {}
        self._font_key: str | None = None

    def _selection(self, palette: QPalette) -> QColor:
        key = palette.cacheKey()
        if self._selected is None or key != self._palette_key:
            colour = QColor(palette.color(QPalette.ColorRole.Highlight))
            colour.setAlpha(SELECTION_ALPHA)
            self._selected, self._palette_key = colour, key
        return self._selected

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        if option.state.value & _SELECTED:
            painter.fillRect(rect, self._selection(palette))
        elif option.features.value & _ALTERNATE:
            painter.fillRect(rect, palette.color(_BAND))
        column = index.column()
        text = self._model.cell_text(index.row(), column)
        if not text:
            return
        metrics = option.fontMetrics
        inner = rect.adjusted(PADDING, 0, -PADDING, 0)
        room = inner.width()
        if self._width(metrics, option.font, text) > room:
            text = metrics.elidedText(text, _ELIDE, room)
        painter.setPen(palette.color(_TEXT))
        painter.drawText(inner, _RIGHT if self._model.is_numeric(column) else _LEFT, text)

    def _width(self, metrics, font, text: str) -> int:
        key = font.key()
        if key != self._font_key:
            self._widths.clear()
            self._font_key = key
        width = self._widths.get(text)
        if width is None:
            if len(self._widths) >= WIDTHS_KEPT:
                self._widths.clear()
            width = self._widths[text] = metrics.horizontalAdvance(text)
        return width

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        # Rows are of fixed height (the views say so); the width is the columns' fit.
        metrics = option.fontMetrics
        text = self._model.cell_text(index.row(), index.column())
        return QSize(metrics.horizontalAdvance(text) + 2 * PADDING, metrics.height() + 12)
