"""A table header whose sortable columns look and act clickable and whose others do not:
Qt can only make every section clickable or none, and a header that lights up and takes a
click it then ignores tells the user something untrue."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QWidget


class SortableHeader(QHeaderView):
    """`sortable(section)` says which sections sort; the others neither highlight under the
    mouse, nor press, nor show the pointing hand, and a click on one does nothing."""

    def __init__(self, sortable: Callable[[int], bool], parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._sortable = sortable
        self.setMouseTracking(True)

    def sorts(self, section: int) -> bool:
        return section >= 0 and self.sectionsClickable() and self._sortable(section)

    def initStyleOptionForIndex(self, option: QStyleOptionHeader,  # noqa: N802  Qt's name
                                logicalIndex: int) -> None:  # noqa: N803
        super().initStyleOptionForIndex(option, logicalIndex)
        if not self.sorts(logicalIndex):
            option.state &= ~(QStyle.StateFlag.State_MouseOver | QStyle.StateFlag.State_Sunken)

    def mousePressEvent(self, event) -> None:  # noqa: N802  Qt's name
        section = self.logicalIndexAt(event.position().toPoint())
        if (event.button() == Qt.MouseButton.LeftButton and section >= 0
                and not self.sorts(section) and not self._on_edge(event)):
            event.accept()  # not a sort; dragging a section's edge still resizes it
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802  Qt's name
        section = self.logicalIndexAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and section >= 0 and not self.sorts(
                section) and self.cursor().shape() != Qt.CursorShape.SplitHCursor:
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().mouseMoveEvent(event)
        if event.buttons() != Qt.MouseButton.NoButton or self._on_edge(event):
            return
        section = self.logicalIndexAt(event.position().toPoint())
        if self.sorts(section):
            self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        else:
            self.unsetCursor()

    def _on_edge(self, event) -> bool:
        """Within a few pixels of a section's edge, where a drag resizes the column."""
        x = event.position().toPoint().x()
        section = self.logicalIndexAt(x)
        if section < 0:
            return False
        left = self.sectionViewportPosition(section)
        right = left + self.sectionSize(section)
        grip = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderGripMargin, None, self)
        return x - left <= grip or right - x <= grip
