"""Painting one timeline row: the date in a column of its own, a small pill for the kind, the
title, a quiet line of outcome / duration / who else, and the first lines of the details.
Every colour is worked out from the view's palette, so dark mode needs nothing of its own.

Rows are as tall as their lines and no taller; the height comes from counting lines, never
from laying text out, so a page of 200 rows is measured in microseconds."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ui.history.labels import CHANGE_LABEL, KIND_LABELS
from ui.history.model import RowRole, WhenRole
from ui.history.rows import TimelineRow

H_PAD, V_PAD, LINE_GAP, COLUMN_GAP = 12, 8, 2, 12
PILL_PAD = 6
RESTORE_TEXT = "Restore this value"
RESTORE_SHORT = "Restore"  # in a row too narrow for the whole words
WIDE_ROW = 420
DATE_SAMPLES = ("Yesterday 00:00", "Tomorrow 00:00", "28 Nov 2024", "Today 00:00")

Index = QModelIndex | QPersistentModelIndex


def blend(a: QColor, b: QColor, share: float) -> QColor:
    """`share` of a over b: tints that follow the palette instead of fixed colours."""
    return QColor(round(a.red() * share + b.red() * (1 - share)),
                  round(a.green() * share + b.green() * (1 - share)),
                  round(a.blue() * share + b.blue() * (1 - share)))


def restore_text(rect: QRect) -> str:
    return RESTORE_TEXT if rect.width() >= WIDE_ROW else RESTORE_SHORT


class TimelineDelegate(QStyledItemDelegate):
    restore_clicked = Signal(int)  # the row whose "Restore this value" was clicked

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._metrics_for: QFont | None = None
        self._bold = QFont()
        self._small = QFont()
        self._line = 0
        self._date_width = 0
        self._pill_width = 0
        self._metrics: tuple[QFontMetrics, QFontMetrics, QFontMetrics] | None = None

    # --- measuring ----------------------------------------------------------------------------

    def _measure(self, font: QFont) -> None:
        if self._metrics_for is not None and self._metrics_for == font:
            return
        self._metrics_for = QFont(font)
        self._bold = QFont(font)
        self._bold.setWeight(QFont.Weight.DemiBold)
        self._small = QFont(font)
        self._small.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))
        plain, bold, small = QFontMetrics(font), QFontMetrics(self._bold), QFontMetrics(
            self._small)
        self._metrics = (plain, bold, small)
        self._line = max(plain.height(), bold.height())
        self._date_width = max(plain.horizontalAdvance(s) for s in DATE_SAMPLES)
        self._pill_width = max(small.horizontalAdvance(s) for s in (*KIND_LABELS.values(),
                                                                    CHANGE_LABEL))
        self._pill_width += 2 * PILL_PAD

    def _fonts(self) -> tuple[QFontMetrics, QFontMetrics, QFontMetrics]:
        assert self._metrics is not None, "measured before use"
        return self._metrics

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        self._measure(option.font)
        row: TimelineRow | None = index.data(RowRole)
        lines = row.lines if row is not None else 1
        if row is not None and row.restorable and not row.meta:
            lines += 1  # the restore link has a line of its own
        height = 2 * V_PAD + lines * self._line + (lines - 1) * LINE_GAP
        return QSize(self._date_width + COLUMN_GAP + 200, height)

    def _text_left(self, rect: QRect) -> int:
        return rect.left() + H_PAD + self._date_width + COLUMN_GAP

    def restore_rect(self, rect: QRect, font: QFont) -> QRect:
        """Where "Restore this value" is drawn in a change row laid out in `rect`."""
        self._measure(font)
        width = self._fonts()[0].horizontalAdvance(restore_text(rect))
        top = rect.top() + V_PAD + self._line + LINE_GAP
        return QRect(rect.right() - H_PAD - width, top, width, self._line)

    # --- painting -----------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row: TimelineRow | None = index.data(RowRole)
        # The style draws the row's ground (selection, hover, focus) from the state alone;
        # initStyleOption would only fetch the display text this paints itself.
        opt = QStyleOptionViewItem(option)
        if isinstance(index, QModelIndex):
            opt.index = index  # for style sheets' ::item rules
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if row is None:
            return
        self._measure(option.font)
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        base = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.HighlightedText if selected
                             else QPalette.ColorRole.Text)
        quiet = blend(text, base, 0.62)
        rect: QRect = option.rect
        painter.save()
        try:
            self._paint_row(painter, row, rect, option.font, text, quiet, base, palette,
                            selected, index.data(WhenRole) or "")
            painter.setPen(blend(text, base, 0.12))
            painter.drawLine(rect.left() + H_PAD, rect.bottom(), rect.right() - H_PAD,
                             rect.bottom())
        finally:
            painter.restore()

    def _paint_row(self, painter: QPainter, row: TimelineRow, rect: QRect, font: QFont,
                   text: QColor, quiet: QColor, base: QColor, palette: QPalette,
                   selected: bool, when: str) -> None:
        line, flags = self._line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        top = rect.top() + V_PAD
        # The date, in its own column.
        painter.setFont(font)
        painter.setPen(quiet)
        date_rect = QRect(rect.left() + H_PAD, top, self._date_width, line)
        painter.drawText(date_rect, flags, when)
        left = self._text_left(rect)
        right = rect.right() - H_PAD
        plain, bold, small = self._fonts()
        # The kind, as a small pill.
        pill = QRect(left, top + (line - small.height() - 2) // 2, self._pill_width,
                     small.height() + 2)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        accent = palette.color(QPalette.ColorRole.Highlight)
        fill = blend(accent, base, 0.16) if row.is_change and not selected \
            else blend(text, base, 0.10)
        painter.setBrush(fill)
        painter.drawRoundedRect(pill, 4, 4)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setFont(self._small)
        painter.setPen(blend(text, base, 0.80))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, row.pill)
        # The title.
        title_left = pill.right() + 1 + 8
        painter.setFont(self._bold if not row.is_change else font)
        painter.setPen(text)
        metrics = plain if row.is_change else bold
        width = max(right - title_left, 0)
        painter.drawText(QRect(title_left, top, width, line), flags,
                         metrics.elidedText(row.title, Qt.TextElideMode.ElideRight, width))
        top += line + LINE_GAP
        # The quiet lines under it.
        painter.setFont(font)
        metrics = plain
        width = max(right - left, 0)
        if row.meta or row.restorable:
            meta_width = width
            if row.restorable:
                link = self.restore_rect(rect, font)
                painter.setPen(text if selected else palette.color(QPalette.ColorRole.Link))
                painter.drawText(link, flags, restore_text(rect))
                meta_width = max(link.left() - 12 - left, 0)
            painter.setPen(quiet)
            painter.drawText(QRect(left, top, meta_width, line), flags,
                             metrics.elidedText(row.meta, Qt.TextElideMode.ElideRight,
                                                meta_width))
            top += line + LINE_GAP
        for n, detail in enumerate(row.details):
            last = n == len(row.details) - 1
            shown = detail + (" …" if last and row.more else "")
            painter.drawText(QRect(left, top, width, line), flags,
                             metrics.elidedText(shown, Qt.TextElideMode.ElideRight, width))
            top += line + LINE_GAP

    # --- the restore link ---------------------------------------------------------------------

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,  # noqa: N802  Qt's name
                    option: QStyleOptionViewItem, index: Index) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent) \
                and event.button() == Qt.MouseButton.LeftButton:
            row: TimelineRow | None = index.data(RowRole)
            if row is not None and row.restorable and self.over_restore(
                    option.rect, option.font, event.position().toPoint()):
                self.restore_clicked.emit(index.row())
                return True
        return super().editorEvent(event, model, option, index)

    def over_restore(self, rect: QRect, font: QFont, point: QPoint) -> bool:
        return self.restore_rect(rect, font).adjusted(-4, -2, 4, 2).contains(point)
