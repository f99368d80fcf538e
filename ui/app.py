"""Starting the Qt shell: the application object, its look, and the main window."""

from __future__ import annotations

import sys
from importlib import resources
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services.registry import Services
from ui.errors import error_box, install_excepthook
from ui.main_window import MainWindow, version

__all__ = ["install_excepthook", "run_gui", "show_startup_error", "stylesheet"]


def stylesheet() -> str:
    """resources/style/app.qss, or "" when it is missing (Qt's own look is still usable)."""
    try:
        return (resources.files("resources") / "style" / "app.qss").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return ""


def application() -> QApplication:
    # instance() is typed as the QCoreApplication base; in this process it is a QApplication.
    app = cast("QApplication | None", QApplication.instance()) or QApplication(sys.argv)
    app.setApplicationName("Rolodeck")
    app.setOrganizationName("Rolodeck")
    app.setApplicationVersion(version())
    # The stylesheet is a light one; a dark system palette under it would give dark text on
    # dark or light on light wherever the sheet does not set both.
    if hasattr(app.styleHints(), "setColorScheme"):  # Qt 6.8+
        app.styleHints().setColorScheme(Qt.ColorScheme.Light)
    app.setStyle("Fusion")
    app.setStyleSheet(stylesheet())
    return app


def run_gui(services: Services, title: str = "Rolodeck") -> int:
    """Show the main window over `services` and run until it closes; returns the exit code.
    `title` is the window title as shown, e.g. "Rolodeck — /path/to/rolodeck.db"."""
    app = application()
    window = MainWindow(services, title=title)
    previous = install_excepthook(window)
    try:
        window.show()
        return app.exec()
    finally:
        sys.excepthook = previous


def show_startup_error(exc: BaseException) -> None:
    """The database could not be opened (damaged, newer, locked...): someone who started
    Rolodeck from a desktop icon has no terminal to read stderr, so say it in a dialog."""
    application()
    box = error_box(None, exc)
    box.setWindowTitle("Rolodeck cannot open its database")
    box.exec()
