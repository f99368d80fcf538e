"""Paints a quick-search row: a title and a secondary line with what was typed in bold and
the accent colour, a hint at the right (a command's shortcut), and group headers. Every
colour comes from the palette, so a dark palette needs nothing more."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.search.matching import Span
from ui.search.model import ROW_ROLE
from ui.search.rows import Row, RowKind

PAD_X = 14  # text inset from the row's edge
GAP = 12  # between the text and the hint
Index = QModelIndex | QPersistentModelIndex
Colours = tuple[QColor, QColor, QColor, QColor, QColor]


def blend(a: QColor, b: QColor, share_of_a: float) -> QColor:
    def mix(x: int, y: int) -> int:
        return round(x * share_of_a + y * (1 - share_of_a))
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()))


class Fonts:
    """The row fonts, derived from the view's font once (not per painted row)."""

    def __init__(self, base: QFont):
        self.title = QFont(base)
        self.title_mark = QFont(base)
        self.title_mark.setWeight(QFont.Weight.Bold)
        self.sub = QFont(base)
        if base.pointSizeF() > 0:
            self.sub.setPointSizeF(base.pointSizeF() * 0.92)
        self.sub_mark = QFont(self.sub)
        self.sub_mark.setWeight(QFont.Weight.Bold)
        self.header = QFont(self.sub)
        self.header.setWeight(QFont.Weight.DemiBold)
        self.title_metrics = QFontMetricsF(self.title)
        self.title_mark_metrics = QFontMetricsF(self.title_mark)
        self.sub_metrics = QFontMetricsF(self.sub)
        self.sub_mark_metrics = QFontMetricsF(self.sub_mark)
        self.header_metrics = QFontMetricsF(self.header)


def draw_marked(painter: QPainter, at: QPointF, width: float, text: str, marks: tuple[Span, ...],
                fonts: tuple[QFont, QFont], colours: tuple[QColor, QColor],
                metrics: tuple[QFontMetricsF, QFontMetricsF]) -> None:
    """`text` from `at` (its baseline), the marked spans in the second font and colour,
    elided with "…" where it would pass `width`."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for start, end in marks:
        if start > last:
            pieces.append((text[last:start], False))
        pieces.append((text[start:end], True))
        last = end
    if last < len(text):
        pieces.append((text[last:], False))
    x, right = at.x(), at.x() + width
    for piece, marked in pieces:
        advance = metrics[marked].horizontalAdvance(piece)
        painter.setFont(fonts[marked])
        painter.setPen(colours[marked])
        if x + advance > right:
            shown = metrics[marked].elidedText(piece, Qt.TextElideMode.ElideRight, right - x)
            painter.drawText(QPointF(x, at.y()), shown or "…")
            return
        painter.drawText(QPointF(x, at.y()), piece)
        x += advance


class ResultDelegate(QStyledItemDelegate):
    def __init__(self, view: QWidget):
        super().__init__(view)
        self._view = view
        self._fonts = Fonts(view.font())
        self._colour_cache: tuple[int, Colours] | None = None

    def refresh_fonts(self) -> None:
        self._fonts = Fonts(self._view.font())

    def _colours(self, palette: QPalette) -> Colours:
        """(text, secondary text, marked text, current row band, accent), worked out once
        per palette rather than per painted row."""
        key = palette.cacheKey()
        if self._colour_cache is None or self._colour_cache[0] != key:
            text = palette.color(QPalette.ColorRole.Text)
            base = palette.color(QPalette.ColorRole.Base)
            accent = palette.color(QPalette.ColorRole.Highlight)
            self._colour_cache = key, (text, blend(text, base, 0.55), blend(accent, text, 0.75),
                                       blend(accent, base, 0.2), accent)
        return self._colour_cache[1]

    def _message_height(self, text: str, width: int) -> int:
        box = self._fonts.title_metrics.boundingRect(
            QRectF(0, 0, max(width - 2 * PAD_X, 50), 10_000), Qt.TextFlag.TextWordWrap, text)
        return int(box.height()) + 28

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        row: Row | None = index.data(ROW_ROLE)
        f = self._fonts
        # No wider than what shows: the row is elided to the view, never scrolled sideways.
        viewport = getattr(self._view, "viewport", None)
        width = viewport().width() if viewport is not None else self._view.width()
        if row is None:
            return QSize(width, 0)
        if row.kind == RowKind.HEADER:
            return QSize(width, int(f.header_metrics.height()) + 14)
        if row.kind == RowKind.MESSAGE:
            return QSize(width, self._message_height(row.title, width))
        lines = f.title_metrics.height() + (f.sub_metrics.height() + 2 if row.subtitle else 0)
        return QSize(width, int(lines) + 16)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row: Row | None = index.data(ROW_ROLE)
        if row is None:
            return
        palette: QPalette = option.palette
        rect: QRect = option.rect
        f = self._fonts
        text, quiet, mark, band_colour, accent = self._colours(palette)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if row.kind == RowKind.HEADER:
            painter.setFont(f.header)
            painter.setPen(quiet)
            baseline = rect.bottom() - 4 - f.header_metrics.descent()
            painter.drawText(QPointF(rect.left() + PAD_X, baseline), row.title)
            painter.restore()
            return
        if row.kind == RowKind.MESSAGE:
            painter.setFont(f.title)
            painter.setPen(quiet)
            painter.drawText(rect.adjusted(PAD_X, 14, -PAD_X, -14),
                             int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft), row.title)
            painter.restore()
            return
        current = bool(option.state & QStyle.StateFlag.State_Selected)
        if current:
            band = QRectF(rect.adjusted(6, 1, -6, -1))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(band_colour)
            painter.drawRoundedRect(band, 6, 6)
            painter.setBrush(accent)
            painter.drawRoundedRect(QRectF(band.left(), band.top() + 6, 3, band.height() - 12),
                                    1.5, 1.5)
        left = rect.left() + PAD_X
        width = rect.width() - 2 * PAD_X
        if row.hint:
            painter.setFont(f.sub)
            painter.setPen(quiet)
            hint_width = f.sub_metrics.horizontalAdvance(row.hint)
            hint_box = QRectF(rect.right() - PAD_X - hint_width, rect.top(), hint_width,
                              rect.height())
            painter.drawText(hint_box, int(Qt.AlignmentFlag.AlignVCenter), row.hint)
            width -= int(hint_width) + GAP
        title_height = f.title_metrics.height()
        lines = title_height + (f.sub_metrics.height() + 2 if row.subtitle else 0)
        top = rect.top() + (rect.height() - lines) / 2
        draw_marked(painter, QPointF(left, top + f.title_metrics.ascent()), width, row.title,
                    row.title_marks, (f.title, f.title_mark), (text, mark),
                    (f.title_metrics, f.title_mark_metrics))
        if row.subtitle:
            baseline = top + title_height + 2 + f.sub_metrics.ascent()
            draw_marked(painter, QPointF(left, baseline), width, row.subtitle,
                        row.subtitle_marks, (f.sub, f.sub_mark), (quiet, mark),
                        (f.sub_metrics, f.sub_mark_metrics))
        painter.restore()
