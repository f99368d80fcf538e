"""The icons in resources/icons: each one readable, drawn sharp at 2x, in the palette's colour
(light and dark), and carried by the package."""

from __future__ import annotations

import fnmatch
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSize
from PySide6.QtGui import QColor, QIcon, QImage, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

from ui import icons, theme

LINE_ICONS = {"contacts", "accounts", "groups", "trash", "saved-search", "call", "meeting",
              "note", "email", "edit", "new", "filter", "settings", "backup"}
Role, Group = QPalette.ColorRole, QPalette.ColorGroup
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fresh_cache():
    icons.forget()
    yield
    icons.forget()


def themed(qtbot, dark: bool) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setPalette(theme.palette(dark))
    return widget


def image(qicon: QIcon, size: int, mode: QIcon.Mode = QIcon.Mode.Normal) -> QImage:
    pixmap = qicon.pixmap(QSize(size, size), 2.0, mode)
    assert pixmap.devicePixelRatio() == 2.0
    assert (pixmap.width(), pixmap.height()) == (2 * size, 2 * size)  # drawn, not scaled up
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)


def inked(img: QImage) -> int:
    return sum(1 for y in range(img.height()) for x in range(img.width())
               if img.pixelColor(x, y).alpha() > 0)


def test_the_icons_are_the_ones_the_window_needs():
    assert set(icons.names()) == LINE_ICONS


@pytest.mark.parametrize("name", [*sorted(LINE_ICONS), icons.APP_ICON])
def test_every_svg_is_small_clean_and_readable(name):
    text = icons.svg(name).decode("utf-8")
    assert QSvgRenderer(QByteArray(text.encode("utf-8"))).isValid()
    assert "<image" not in text and "<metadata" not in text and "base64" not in text
    assert len(text) < 2000
    if name != icons.APP_ICON:
        assert 'viewBox="0 0 24 24"' in text
        assert 'stroke="currentColor"' in text
        assert 'stroke-linejoin="round"' in text


@pytest.mark.parametrize("name", sorted(LINE_ICONS))
def test_every_icon_is_drawn_at_16_and_32_px_at_2x(qtbot, name):
    qicon = icons.icon(name, themed(qtbot, dark=False))
    for size in (16, 32):
        img = image(qicon, size)
        # Lines, not a blot and not nothing: between 5 % and 60 % of the square inked.
        assert 0.05 < inked(img) / (img.width() * img.height()) < 0.6


@pytest.mark.parametrize("dark", [False, True])
def test_the_colour_follows_the_palette(qtbot, dark):
    widget = themed(qtbot, dark)
    qicon = icons.icon("new", widget)  # a plus: its middle is solid stroke at any size
    img = image(qicon, 32)
    middle = img.pixelColor(32, 32)
    assert middle.name() == widget.palette().color(Role.WindowText).name()
    disabled = image(qicon, 32, QIcon.Mode.Disabled).pixelColor(32, 32)
    assert disabled.name() == widget.palette().color(Group.Disabled, Role.PlaceholderText).name()
    # The corners stay clear: the icon sits on whatever the widget paints.
    assert img.pixelColor(0, 0).alpha() == 0


def test_light_and_dark_give_different_icons_and_the_same_palette_the_same_one(qtbot):
    light, dark = themed(qtbot, dark=False), themed(qtbot, dark=True)
    light_icon = icons.icon("contacts", light)
    assert icons.icon("contacts", light).cacheKey() == light_icon.cacheKey()
    assert icons.icon("contacts", dark).cacheKey() != light_icon.cacheKey()


def test_button_text_is_used_when_asked(qtbot):
    widget = themed(qtbot, dark=True)
    pal = widget.palette()
    pal.setColor(Role.ButtonText, QColor("#ff8800"))
    widget.setPalette(pal)
    img = image(icons.icon("new", widget, role=Role.ButtonText), 16)
    assert img.pixelColor(16, 16).name() == "#ff8800"


def test_without_a_widget_the_application_palette_is_used(qapp):
    before = qapp.palette()
    try:
        qapp.setPalette(theme.palette(dark=True))
        img = image(icons.icon("new"), 16)
        assert img.pixelColor(16, 16).name() == qapp.palette().color(Role.WindowText).name()
    finally:
        qapp.setPalette(before)


def test_forget_redraws_in_the_new_palette(qapp):
    before = qapp.palette()
    try:
        qapp.setPalette(theme.palette(dark=False))
        first = icons.icon("trash")
        icons.forget()
        assert icons.icon("trash").cacheKey() != first.cacheKey()
    finally:
        qapp.setPalette(before)


def test_an_unknown_name_says_which_names_there_are(qtbot):
    with pytest.raises(KeyError) as raised:
        icons.icon("contact", themed(qtbot, dark=False))
    message = str(raised.value)
    assert "'contact'" in message
    assert all(name in message for name in LINE_ICONS)
    assert isinstance(raised.value, icons.UnknownIcon)


def test_the_app_icon_is_drawn_in_its_own_colours(qapp):
    qicon = icons.app_icon()
    assert not qicon.isNull()
    assert QSize(256, 256) in qicon.availableSizes()
    for size in (16, 256):
        img = qicon.pixmap(QSize(size, size), 2.0).toImage()
        assert img.width() == 2 * size
        colours = {img.pixelColor(x, y).name()
                   for y in range(0, img.height(), max(1, size // 16))
                   for x in range(0, img.width(), max(1, size // 16))
                   if img.pixelColor(x, y).alpha() == 255}
        assert {"#ffffff", "#2f6fde"} <= colours  # the white card and the blue ones


def test_the_package_carries_the_icons():
    folder = resources.files("resources") / "icons"
    files = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".svg"))
    assert files == sorted(f"{name}.svg" for name in {*LINE_ICONS, icons.APP_ICON})
    # resources/icons is a plain folder, not a package: only the resources entry of the
    # package data puts its files in a wheel.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["resources"]
    for name in files:
        assert any(fnmatch.fnmatch(f"icons/{name}", pattern) for pattern in patterns), name
