"""Cancellation and progress for long work, in plain Python so the core knows nothing of Qt.
The UI adapts these to a progress bar and a Cancel button."""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.domain.errors import RolodeckError

# progress(done, total): total is 0 when unknown.
Progress = Callable[[int, int], None]


class Cancelled(RolodeckError):
    """The user cancelled; whatever was under way was rolled back. Not shown as an error."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_set(self) -> None:
        if self._event.is_set():
            raise Cancelled("Cancelled; nothing was changed")


def no_progress(done: int, total: int) -> None:
    """The default sink."""
