"""Small pieces the contact editor's fields share: the message beside a field, captions,
tooltips for values wider than their box, and the tab chain in reading order."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QWidget,
)


def error_colour(palette: QPalette) -> QColor:
    """Qt's palette has no role for errors: a red that reads on the window's own background,
    darker on a light window and lighter on a dark one."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#b3261e")


def secondary_colour(palette: QPalette) -> QColor:
    """Text that explains rather than states: the text colour halfway to the background."""
    text, window = (palette.color(QPalette.ColorRole.WindowText),
                    palette.color(QPalette.ColorRole.Window))
    return QColor((text.red() + window.red()) // 2, (text.green() + window.green()) // 2,
                  (text.blue() + window.blue()) // 2)


class _Tinted(QLabel):
    """A label whose colour is worked out from the palette, again whenever the palette moves
    (a switch to dark mode while the editor is open)."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self._tint()

    def colour(self, palette: QPalette) -> QColor:
        return secondary_colour(palette)

    def _tint(self) -> None:
        # From the parent's palette: ours is the one being changed here.
        parent = self.parentWidget()
        source = parent.palette() if parent is not None else self.palette()
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, self.colour(source))
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802  Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.ParentChange:
            self._tint()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._tint()
        return super().event(event)


class Caption(_Tinted):
    """The small name above a field that has no room for a label beside it."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(text, parent)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)


class Note(_Tinted):
    """A quiet sentence under a field: what will happen, not what is wrong."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setVisible(bool(text))

    def say(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class FieldMessage(_Tinted):
    """What is wrong with the field beside it, in words; hidden while nothing is."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", parent)
        self.setObjectName("fieldMessage")
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hide()

    def colour(self, palette: QPalette) -> QColor:
        return error_colour(palette)

    @property
    def message(self) -> str:
        return self.text() if not self.isHidden() else ""

    def show_message(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))


def mark(field: QLineEdit, message: str | None) -> None:
    """A warning sign inside the box too: the message under it may be scrolled away."""
    action = field.findChild(QAction, "invalidMark")
    if message and action is None:
        icon = field.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        action = field.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
        action.setObjectName("invalidMark")
    if action is not None:
        action.setVisible(bool(message))
        action.setToolTip(message or "")


class _OverflowTips(QObject):
    """Shows a line edit's whole value as its tooltip while the value is wider than the box."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show) and isinstance(
                watched, QLineEdit):
            update_tip(watched)
        return False


_tips = _OverflowTips()


def update_tip(field: QLineEdit) -> None:
    room = field.contentsRect().width() - 16
    text = field.text()
    field.setToolTip(text if field.fontMetrics().horizontalAdvance(text) > room else "")


def tip_when_too_long(field: QLineEdit) -> QLineEdit:
    field.installEventFilter(_tips)
    field.textChanged.connect(lambda _text: update_tip(field))
    return field


def combo_line(combo: QComboBox) -> QLineEdit:
    """The line edit of an editable combo box, drawn as part of the box: a style sheet's
    frame for line edits would otherwise draw a box inside the box."""
    line = QLineEdit()
    line.setStyleSheet("QLineEdit { border: none; padding: 0px; background: transparent; }")
    combo.setEditable(True)
    combo.setLineEdit(line)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    return line


PRIMARY = (
    "QPushButton { background: palette(highlight); color: palette(highlighted-text);"
    " border: 1px solid palette(highlight); border-radius: 6px; padding: 5px 16px; }"
    "QPushButton:disabled { background: palette(button); color: palette(mid);"
    " border-color: palette(mid); }")


def quiet_button(text: str, parent: QWidget | None = None) -> QPushButton:
    """A button Return does not press: in a form of line edits, Return is not "save"."""
    button = QPushButton(text, parent)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


def in_reading_order(root: QWidget) -> list[QWidget]:
    """Every widget Tab can reach under `root`, in the order its layouts place them (rows
    added later sit where they are shown, not at the end of the chain)."""
    return list(_walk_widget(root, top=True))


def _walk_widget(widget: QWidget, top: bool = False) -> Iterator[QWidget]:
    if isinstance(widget, QScrollArea):
        inner = widget.widget()
        if inner is not None:
            yield from _walk_widget(inner)
        return
    if not top and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        yield widget  # a leaf: a combo box's own line edit is not a stop of its own
        return
    layout = widget.layout()
    if layout is not None:
        yield from _walk_layout(layout)


def _walk_layout(layout: QLayout) -> Iterator[QWidget]:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None:
            continue
        child, sub = item.widget(), item.layout()
        if child is not None:
            yield from _walk_widget(child)
        elif sub is not None:
            yield from _walk_layout(sub)


def chain_tabs(widgets: list[QWidget]) -> None:
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)
