"""Cancellation and progress for long work, in plain Python so the core knows nothing of Qt.
The UI adapts these to a progress bar and a Cancel button."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


@contextmanager
def paused_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector for big work (an import, its undo, the sample data):
    hundreds of thousands of short-lived rows trigger it over and over, and each full pass
    walks the whole growing heap, a tenth to a fifth of the run. The rows form no cycles
    (reference counting frees them), and the previous state comes back however it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
