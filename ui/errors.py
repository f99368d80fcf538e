"""The one place an exception becomes a dialog.

Our own errors (RolodeckError) carry a message written for the user, so that is all they show.
Anything else is a bug: the user gets a short apology and the traceback under "Show Details",
so it can be copied into a report. A user's cancel is not an error and shows nothing.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.domain.errors import RolodeckError
from app.services.progress import Cancelled

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def error_box(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """The dialog show_error would show, not yet shown."""
    box = QMessageBox(parent)
    box.setWindowTitle("Rolodeck")
    if isinstance(exc, RolodeckError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(str(exc) or type(exc).__name__)
    else:
        box.setIcon(QMessageBox.Icon.Critical)
        box.setText("Something went wrong, and Rolodeck could not finish what it was doing.")
        box.setInformativeText(
            f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        box.setDetailedText("".join(traceback.format_exception(exc)))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if isinstance(exc, Cancelled):
        return
    error_box(parent, exc).exec()


def install_excepthook(parent: QWidget | None) -> ExceptHook:
    """Show exceptions nobody caught (in slots, timers, event handlers) instead of only printing
    them to a terminal the user may not have. Returns the previous hook, to restore it."""
    previous = sys.excepthook
    showing = False

    def hook(kind: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        nonlocal showing
        previous(kind, exc, tb)  # still printed, for whoever runs us from a terminal
        if not issubclass(kind, Exception) or QApplication.instance() is None:
            return
        if showing:  # an error while the dialog is up must not stack dialogs on dialogs
            return
        showing = True
        try:
            show_error(parent, exc.with_traceback(tb))
        finally:
            showing = False

    sys.excepthook = hook
    return previous
