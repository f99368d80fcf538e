"""Icons drawn from the SVGs in resources/icons, in the palette's colours.

The line icons are drawn with `currentColor`; icon() puts the text colour of the palette in
use there, so one set of files serves light and dark. Each icon is rendered at the sizes
widgets ask for, at 1x and 2x, so Qt never scales a bitmap on a high-DPI screen.

The palette is read when icon() is called: after the theme changes call forget() and set the
icons again (a widget's changeEvent sees QEvent.PaletteChange).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

__all__ = ["APP_ICON", "SIZES", "UnknownIcon", "app_icon", "forget", "icon", "names", "svg"]

APP_ICON = "rolodeck"
SIZES = (16, 20, 24, 32)  # what menus, item views, tool bars and buttons ask for
_APP_SIZES = (16, 20, 24, 32, 48, 64, 128, 256)
_RATIOS = (1.0, 2.0)
_Role, _Group, _Mode = QPalette.ColorRole, QPalette.ColorGroup, QIcon.Mode

_cache: dict[tuple[str, str, str], QIcon] = {}


class UnknownIcon(KeyError):
    """No SVG of that name in resources/icons."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"No icon named {name!r}; the icons are: {', '.join(names())}")

    def __str__(self) -> str:
        # KeyError's own __str__ is the repr of its argument, quotes and escapes included.
        return str(self.args[0])


def _folder() -> Traversable:
    return resources.files("resources") / "icons"


@cache
def names() -> tuple[str, ...]:
    """The names icon() knows: one per line icon in resources/icons, the app icon aside."""
    found = (entry.name.removesuffix(".svg") for entry in _folder().iterdir()
             if entry.name.endswith(".svg"))
    return tuple(sorted(name for name in found if name != APP_ICON))


@cache
def svg(name: str) -> bytes:
    """The text of resources/icons/<name>.svg."""
    if name not in names() and name != APP_ICON:
        raise UnknownIcon(name)
    return (_folder() / f"{name}.svg").read_bytes()


def _palette(widget: QWidget | None) -> QPalette:
    return widget.palette() if widget is not None else QGuiApplication.palette()


def icon(name: str, widget: QWidget | None = None, *,
         role: QPalette.ColorRole = _Role.WindowText) -> QIcon:
    """The line icon `name` in the `role` colour (WindowText; ButtonText for buttons) of
    `widget`'s palette, or the application's. Disabled, it takes the palette's disabled
    PlaceholderText colour. Raises UnknownIcon (a KeyError) for a name with no SVG."""
    source = svg(name)
    pal = _palette(widget)
    normal = pal.color(_Group.Active, role)
    disabled = pal.color(_Group.Disabled, _Role.PlaceholderText)
    key = (name, normal.name(QColor.NameFormat.HexArgb), disabled.name(QColor.NameFormat.HexArgb))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    result = QIcon()
    # Selected and Active keep the normal colour: the style sheet's selected and hovered rows
    # keep palette(text) on a light tint, where Qt's own Selected tint would turn a line icon
    # blue-grey.
    for colour, modes in ((normal, (_Mode.Normal, _Mode.Active, _Mode.Selected)),
                          (disabled, (_Mode.Disabled,))):
        renderer = _renderer(source, colour)
        for size in SIZES:
            for ratio in _RATIOS:
                pixmap = _render(renderer, size, ratio, colour.alphaF())
                for mode in modes:
                    result.addPixmap(pixmap, mode, QIcon.State.Off)
    _cache[key] = result
    return result


def app_icon() -> QIcon:
    """Rolodeck's own icon, in its colours, from 16 to 256 px (window, task bar, About)."""
    cached = _cache.get((APP_ICON, "", ""))
    if cached is not None:
        return cached
    renderer = QSvgRenderer(QByteArray(svg(APP_ICON)))
    result = QIcon()
    for size in _APP_SIZES:
        for ratio in _RATIOS:
            result.addPixmap(_render(renderer, size, ratio))
    _cache[(APP_ICON, "", "")] = result
    return result


def forget() -> None:
    """Drop the rendered icons, so the next icon() call draws in the palette of now (after a
    theme change; icons already set on widgets keep their colours until set again)."""
    _cache.clear()


def _renderer(source: bytes, colour: QColor) -> QSvgRenderer:
    # #rrggbb: SVG Tiny's colour syntax has no alpha; _render() paints the alpha.
    text = source.decode("utf-8").replace("currentColor", colour.name(QColor.NameFormat.HexRgb))
    renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("resources/icons holds an SVG Qt cannot read")
    return renderer


def _render(renderer: QSvgRenderer, size: int, ratio: float, opacity: float = 1.0) -> QPixmap:
    side = round(size * ratio)
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setOpacity(opacity)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap
