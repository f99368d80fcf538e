"""`main.py --screenshot PATH`: the window on the current database, drawn to a PNG.

Used by the tests and for the README's pictures: each view as a user would find it, after
every read it started has arrived (no half-loaded list, no empty record pane)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.errors import ValidationError
from app.services.registry import Services

VIEWS = ("contacts", "contact", "accounts", "account", "groups", "trash", "editor")
MIN_SIZE, MAX_SIZE = QSize(640, 400), QSize(7680, 4320)
SETTLE_SECONDS = 20.0


def parse_size(text: str) -> QSize:
    """"1280x800" as a size within what a screen can be; anything else is refused in words."""
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 5 for p in parts):
        raise ValidationError(f"--size wants WIDTHxHEIGHT in pixels, such as 1280x800, "
                              f"not {text!r}")
    size = QSize(int(parts[0]), int(parts[1]))
    if not (MIN_SIZE.width() <= size.width() <= MAX_SIZE.width()
            and MIN_SIZE.height() <= size.height() <= MAX_SIZE.height()):
        raise ValidationError(
            f"--size {text} is outside {MIN_SIZE.width()}x{MIN_SIZE.height()} to "
            f"{MAX_SIZE.width()}x{MAX_SIZE.height()}")
    return size


def _quiet_offscreen(mode, context, message: str) -> None:
    # The offscreen platform says so for every window it cannot raise or size to its hints;
    # a screenshot has no screen to do those on, and the lines would bury the one that
    # says where the picture went.
    if "This plugin does not support" not in message:
        sys.stderr.write(message + "\n")


def wait_until(ready: Callable[[], bool], seconds: float = SETTLE_SECONDS) -> bool:
    app = QApplication.instance()
    assert app is not None
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if ready():
            # One more round: what the last result made visible asks for its own reads.
            app.processEvents()
            if ready():
                return True
        time.sleep(0.005)
    return False


def shoot(services: Services, path: Path, view: str = "contacts",
          size: QSize | None = None) -> QImage:
    """Render `view` of a new main window over `services` and save it to `path` as PNG."""
    from ui.main_window import MainWindow
    from ui.sidebar import View

    if view not in VIEWS:
        raise ValidationError(f"--view is one of {', '.join(VIEWS)}, not {view!r}")
    size = size or QSize(1280, 800)
    if QGuiApplication.platformName() == "offscreen":
        qInstallMessageHandler(_quiet_offscreen)
    window = MainWindow(services, title=f"Rolodeck — {view}")
    app = QApplication.instance()
    if isinstance(app, QApplication):
        from ui.app import style

        style(app)  # after the window is built: see ui.app.style
    window.resize(size)
    window.show()
    target: QWidget = window
    try:
        settled = window.settled
        wait_until(settled)
        if view == "trash":
            window.show_view(View.TRASH)
        elif view in ("accounts", "account"):
            window.show_view(View.ACCOUNTS)
            wait_until(lambda: window.accounts.settled() and settled())
            if view == "account":
                window.accounts.select_first()
        elif view == "groups":
            window.show_view(View.GROUPS)
            wait_until(lambda: window.groups.loaded and not window.groups.busy and settled())
        elif view in ("contact", "editor") and window.model.rowCount():
            window.contacts.table.selectRow(0)
        wait_until(lambda: settled() and not window.groups.busy)
        if view == "editor":
            if window.model.rowCount():
                window.contacts.edit_current()
            else:
                window.contacts.new_contact()
            # An editor of a contact shows once the contact has been read.
            wait_until(lambda: bool(window.contacts.open_editors()) and all(
                e.ready for e in window.contacts.open_editors()) and settled())
            editors = window.contacts.open_editors()
            if not editors:
                raise ValidationError("The contact editor did not open within "
                                      f"{SETTLE_SECONDS:g} s")
            target = editors[0]
        image = target.grab().toImage()
        writer = QImageWriter(str(path), QByteArray(b"png"))
        if not writer.write(image):
            raise ValidationError(f"Could not write the screenshot to {path} "
                                  f"({writer.errorString()}): check that its folder exists "
                                  "and can be written to")
        return image
    finally:
        for editor in window.contacts.open_editors():
            editor.reject()  # nothing was typed into it: closes without asking
        window.close()
