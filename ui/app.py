"""Starting the Qt shell: the application object, its look, and the main window."""

from __future__ import annotations

import gc
import sys
from importlib import resources
from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.domain.errors import RolodeckError
from app.services.registry import Services
from ui import icons, theme
from ui.errors import error_box, install_excepthook
from ui.main_window import MainWindow, version
from ui.settings.preferences import THEME, Preferences

__all__ = ["application", "follow_preferences", "install_excepthook", "named_application",
           "run_gui", "show_startup_error", "stylesheet"]


def stylesheet() -> str:
    """resources/style/app.qss, or "" when it is missing (Qt's own look is still usable)."""
    try:
        return (resources.files("resources") / "style" / "app.qss").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return ""


def named_application() -> QApplication:
    """The QApplication, named: the names say where QSettings keeps the preferences, so this
    comes before any Preferences() is made."""
    # instance() is typed as the QCoreApplication base; in this process it is a QApplication.
    app = cast("QApplication | None", QApplication.instance()) or QApplication(sys.argv)
    app.setApplicationName("Rolodeck")
    app.setOrganizationName("Rolodeck")
    app.setApplicationVersion(version())
    return app


def application(prefs: Preferences | None = None, *, styled: bool = True) -> QApplication:
    """The QApplication with Rolodeck's names, style sheet and theme (from `prefs`, by default
    the user's own preferences, followed as they change). With `styled=False` the style sheet
    waits for style(): see there."""
    app = named_application()
    app.setStyle("Fusion")
    if styled:
        style(app)
    follow_preferences(app, prefs if prefs is not None else Preferences(parent=app))
    return app


def style(app: QApplication) -> None:
    """Put the style sheet on. Under a sheet every widget put into a layout is polished
    against it there and then; building the main window first and styling it once after is
    four times quicker (170 + 90 ms against 780 ms), most of the window's start."""
    if not app.styleSheet():
        app.setStyleSheet(stylesheet())
        app.setWindowIcon(icons.app_icon())


def follow_preferences(app: QApplication, prefs: Preferences) -> None:
    """Light or dark as `prefs` says, now and whenever the user chooses another theme. The
    style sheet takes every colour from the palette, so one sheet serves both."""
    theme.apply(app, prefs.theme)

    def on_changed(key: str) -> None:
        if key == THEME:
            theme.apply(app, prefs.theme)

    prefs.changed.connect(on_changed)


def run_gui(services: Services, title: str = "Rolodeck") -> int:
    """Show the main window over `services` and run until it closes; returns the exit code.
    `title` is the window title as shown, e.g. "Rolodeck — /path/to/rolodeck.db".

    Settings can switch to another database: the window closes and a new one opens over
    that file. The caller closes the `services` it passed; any opened here are closed here."""
    prefs = Preferences(parent=named_application())
    app = application(prefs, styled=False)
    current = services
    try:
        while True:
            window = MainWindow(current, title=title, settings=QSettings(), prefs=prefs)
            chosen: list[tuple[Path, bool]] = []

            def on_reopen(path: Path, create: bool, w: MainWindow = window,
                          into: list[tuple[Path, bool]] = chosen) -> None:
                into.append((path, create))
                w.close()

            window.reopen.connect(on_reopen)
            # What start-up built lives until exit: out of the collector's way, so a full
            # collection does not pause the window for what it can never free.
            window.contacts.first_rows_painted.connect(gc.freeze)
            style(app)
            previous = install_excepthook(window)
            try:
                window.show()
                code = app.exec()
            finally:
                sys.excepthook = previous
            if not chosen or window.isVisible():  # quit, or the switch was called off
                return code
            path, create = chosen[0]
            try:
                opened = Services.open(path, create=create)
            except RolodeckError as exc:
                # The file could not be opened: say why, and go back to the one that was.
                error_box(None, exc).exec()
                continue
            if current is not services:
                current.close()
            current = opened
            prefs.last_database = path
            title = f"Rolodeck — {path}"
    finally:
        if current is not services:
            current.close()


def show_startup_error(exc: BaseException) -> None:
    """The database could not be opened (damaged, newer, locked...): someone who started
    Rolodeck from a desktop icon has no terminal to read stderr, so say it in a dialog."""
    application()
    box = error_box(None, exc)
    box.setWindowTitle("Rolodeck cannot open its database")
    box.exec()
