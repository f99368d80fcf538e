"""The Groups page's two lists as widgets: the group list, which takes dropped contacts on a
row (lit up while the drag is over it), and the member list, whose rows drag out to another
group; and the members pane, which takes a drop for the group it shows."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.groups.drag import carries_contacts, contact_ids_of
from ui.groups.models import GroupColumn, GroupListModel, MemberColumn, MemberModel

EDGE = 16  # px from the top or bottom of the list where a drag scrolls it
TYPICAL_PHONE = "+234 801 555 0192"
NARROW_MEMBERS = 560  # px of member list below which the company column gives way


def drop_fill(palette: QPalette) -> tuple[QColor, QColor]:
    """The outline and the wash a drop target is drawn with: the palette's accent."""
    line = palette.color(QPalette.ColorRole.Highlight)
    wash = QColor(line)
    wash.setAlpha(40)
    return line, wash


def paint_target(widget: QWidget, rect: QRect) -> None:
    line, wash = drop_fill(widget.palette())
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(rect, wash)
    pen = QPen(line)
    pen.setWidth(2)
    painter.setPen(pen)
    painter.drawRoundedRect(rect.adjusted(1, 1, -2, -2), 4, 4)
    painter.end()


def _list_look(view: QTableView) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setCornerButtonEnabled(False)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 12)
    header = view.horizontalHeader()
    header.setSectionsClickable(False)  # both lists come in name order only
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class GroupTable(QTableView):
    """The group list. Contacts dropped on a row are for that group."""

    dropped = Signal(int, list)  # group id, contact ids ([] when the drop was not contacts)

    def __init__(self, model: GroupListModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self.drop_row: int | None = None  # the row a drag is over, drawn lit up
        self.setObjectName("groupList")
        self.setModel(model)
        _list_look(self)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(False)  # the row is lit up instead, see paintEvent
        header = self.horizontalHeader()
        header.setSectionResizeMode(GroupColumn.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(GroupColumn.MEMBERS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(GroupColumn.MEMBERS,
                             self.fontMetrics().horizontalAdvance("Contacts") + 28)

    def _row_at(self, pos: QPoint) -> int | None:
        index = self.indexAt(pos)
        return index.row() if index.isValid() else None

    def _light(self, row: int | None) -> None:
        if row != self.drop_row:
            self.drop_row = row
            self.viewport().update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802  Qt's name
        if carries_contacts(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self._light(self._row_at(event.position().toPoint()))
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        pos = event.position().toPoint()
        self._scroll_near_edge(pos)
        row = self._row_at(pos)
        self._light(row)
        if row is not None and carries_contacts(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        self._light(None)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self._light(None)
        row = self._row_at(event.position().toPoint())
        group = self._model.group_at(row) if row is not None else None
        if group is None or group.id is None or not carries_contacts(event.mimeData()):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.dropped.emit(group.id, contact_ids_of(event.mimeData()))

    def _scroll_near_edge(self, pos: QPoint) -> None:
        bar = self.verticalScrollBar()
        if pos.y() < EDGE:
            bar.setValue(bar.value() - bar.singleStep())
        elif pos.y() > self.viewport().height() - EDGE:
            bar.setValue(bar.value() + bar.singleStep())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.drop_row is None:
            return
        first = self.visualRect(self._model.index(self.drop_row, 0))
        last = self.visualRect(self._model.index(self.drop_row, len(GroupColumn) - 1))
        if first.isValid():
            paint_target(self.viewport(), first.united(last))


class MemberTable(QTableView):
    """The members of one group; selected rows drag out as contacts."""

    def __init__(self, model: MemberModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("groupMembers")
        self.setModel(model)
        _list_look(self)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        header = self.horizontalHeader()
        for column in (MemberColumn.NAME, MemberColumn.COMPANY, MemberColumn.EMAIL):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MemberColumn.PHONE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(MemberColumn.PHONE,
                             self.fontMetrics().horizontalAdvance(TYPICAL_PHONE) + 28)
        self.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and watched is self.viewport():
            # In a narrow window the company gives way, so names and addresses stay readable.
            self.setColumnHidden(MemberColumn.COMPANY,
                                 self.viewport().width() < NARROW_MEMBERS)
        return super().eventFilter(watched, event)


class _Outline(QWidget):
    """Drawn over the members pane while contacts are dragged over it."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        paint_target(self, self.rect().adjusted(2, 2, -2, -2))


class MemberPane(QStackedWidget):
    """The selected group's members (or its empty state). Contacts dropped anywhere on it go
    into that group; a drag of its own rows is not a drop on it."""

    dropped = Signal(list)  # contact ids ([] when the drop was not contacts)

    def __init__(self, own_rows: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self._own_rows = own_rows
        self.taking = False  # whether a group is shown, so there is somewhere to drop
        self.setAcceptDrops(True)
        self._outline = _Outline(self)

    def _wanted(self, event: QDropEvent) -> bool:
        return (self.taking and carries_contacts(event.mimeData())
                and event.source() is not self._own_rows)

    def _outlined(self, on: bool) -> None:
        self._outline.setGeometry(self.rect())
        self._outline.setVisible(on)
        if on:
            self._outline.raise_()

    @property
    def lit(self) -> bool:
        return self._outline.isVisible()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802  Qt's name
        self.dragMoveEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._wanted(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self._outlined(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        self._outlined(False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self._outlined(False)
        if not self._wanted(event):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.dropped.emit(contact_ids_of(event.mimeData()))


class ElidedLabel(QLabel):
    """One line that ends in … when the room runs out, with the whole text as its tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._full = text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802  Qt's name
        self._full = text
        self._fit()

    @property
    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                              max(0, self.width()))
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


class EmptyState(QWidget):
    """What a pane shows with nothing in it: a heading, a sentence, and a button that does
    the thing."""

    def __init__(self, button_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setMaximumWidth(self.text.fontMetrics().horizontalAdvance("m") * 40)
        for label in (self.heading, self.text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton(button_text)
        # Centred by stretches, not an alignment flag: a wrapping label placed with one is
        # given the height of a single line.
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(self.text, 4)
        middle.addStretch(1)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addWidget(self.heading)
        column.addLayout(middle)
        column.addSpacing(12)
        column.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)

    def say(self, heading: str, text: str) -> None:
        """`heading` is rich text (escape what it quotes); `text` is plain."""
        self.heading.setText(heading)
        self.text.setText(text)
