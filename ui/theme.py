"""Light and dark: one palette each, under Fusion, and a style sheet that takes every colour
from the palette (resources/style/app.qss uses palette(window), palette(highlight)...), so the
same widgets and the same sheet serve both.

"system" follows the desktop's colour scheme (QStyleHints.colorScheme), also when it changes
while Rolodeck runs; "light" and "dark" hold whatever the desktop does.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

Role, Group = QPalette.ColorRole, QPalette.ColorGroup


class Theme(enum.StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


THEME_NAMES = {Theme.SYSTEM: "Follow the system", Theme.LIGHT: "Light", Theme.DARK: "Dark"}

# Calm greys and one blue; the dark set keeps the same relations (text on base well above
# WCAG AA, secondary text readable, borders visible without shouting).
_LIGHT = {
    Role.Window: "#f6f7f9", Role.WindowText: "#1f2328", Role.Base: "#ffffff",
    Role.AlternateBase: "#f8f9fb", Role.Text: "#1f2328", Role.Button: "#ffffff",
    Role.ButtonText: "#1f2328", Role.BrightText: "#b3261e", Role.Light: "#ffffff",
    Role.Midlight: "#e3e6ea", Role.Mid: "#cfd4db", Role.Dark: "#a0a6ae",
    Role.Shadow: "#6b7280", Role.Highlight: "#2f6fde", Role.HighlightedText: "#ffffff",
    Role.Link: "#2a5db0", Role.LinkVisited: "#6b46c1", Role.ToolTipBase: "#ffffff",
    Role.ToolTipText: "#1f2328", Role.PlaceholderText: "#6b7280", Role.Accent: "#2f6fde",
}
_DARK = {
    Role.Window: "#1d1f23", Role.WindowText: "#e4e6ea", Role.Base: "#24272c",
    Role.AlternateBase: "#282b31", Role.Text: "#e4e6ea", Role.Button: "#2c3036",
    Role.ButtonText: "#e4e6ea", Role.BrightText: "#ff8a80", Role.Light: "#3a3f47",
    Role.Midlight: "#33373e", Role.Mid: "#4a5059", Role.Dark: "#15171a",
    Role.Shadow: "#000000", Role.Highlight: "#3b7be8", Role.HighlightedText: "#ffffff",
    Role.Link: "#80aaf7", Role.LinkVisited: "#b9a3f7", Role.ToolTipBase: "#2c3036",
    Role.ToolTipText: "#e4e6ea", Role.PlaceholderText: "#9aa1ab", Role.Accent: "#3b7be8",
}
_DISABLED = {"light": "#a0a6ae", "dark": "#6c737d"}


def palette(dark: bool) -> QPalette:
    """The whole palette of one theme, the disabled group included."""
    colours = _DARK if dark else _LIGHT
    pal = QPalette()
    for role, colour in colours.items():
        pal.setColor(role, QColor(colour))
    faint = QColor(_DISABLED["dark" if dark else "light"])
    for role in (Role.WindowText, Role.Text, Role.ButtonText, Role.HighlightedText,
                 Role.PlaceholderText):
        pal.setColor(Group.Disabled, role, faint)
    pal.setColor(Group.Disabled, Role.Highlight, QColor(colours[Role.Mid]))
    # An inactive window keeps its selection's colour: Fusion would grey it out, and then a
    # selected row in a window behind a dialog looks unselected.
    pal.setColor(Group.Inactive, Role.Highlight, QColor(colours[Role.Highlight]))
    pal.setColor(Group.Inactive, Role.HighlightedText, QColor(colours[Role.HighlightedText]))
    return pal


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def is_dark(app: QApplication | None = None) -> bool:
    """Whether the palette in use is a dark one (what a view that draws must know)."""
    pal = app.palette() if app is not None else QGuiApplication.palette()
    return pal.color(Role.Window).lightness() < 128


class _Follower(QObject):
    """Keeps the palette in step with the desktop while the theme is "system"."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.app = app
        self.theme = Theme.SYSTEM
        self._applying = False
        app.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)

    def _on_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.theme == Theme.SYSTEM and not self._applying:
            self.install()

    def install(self) -> None:
        self._applying = True  # our own setColorScheme() signals a change too
        try:
            hints = self.app.styleHints()
            if self.theme == Theme.SYSTEM:
                hints.unsetColorScheme()  # so colorScheme() says the desktop's again
                dark = system_is_dark()
            else:
                dark = self.theme == Theme.DARK
                # The platform's own parts (title bars, native file dialogs) follow too.
                hints.setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
            self.app.setPalette(palette(dark))
            # The sheet's palette(...) colours are looked up when it is applied: apply it
            # again so it takes the new palette's.
            self.app.setStyleSheet(self.app.styleSheet())
        finally:
            self._applying = False


def apply(app: QApplication, theme: Theme | str = Theme.SYSTEM) -> None:
    """Fusion with the light or dark palette `theme` calls for, now and (for "system") as the
    desktop changes."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    follower = app.findChild(_Follower)
    if follower is None:
        follower = _Follower(app)
    try:
        follower.theme = Theme(theme)
    except ValueError:
        follower.theme = Theme.SYSTEM
    follower.install()


def current(app: QApplication) -> Theme:
    """The theme apply() last installed (system until then)."""
    follower = app.findChild(_Follower)
    return follower.theme if follower is not None else Theme.SYSTEM


def forget(app: QApplication) -> None:
    """Stop following the desktop and hand the colour scheme back to it (a test that applied
    a theme leaves the application as it found it)."""
    follower = app.findChild(_Follower)
    if follower is not None:
        app.styleHints().colorSchemeChanged.disconnect(follower._on_scheme_changed)
        follower.setParent(None)
        follower.deleteLater()
    app.styleHints().unsetColorScheme()
