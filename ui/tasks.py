"""Read queries off the GUI thread. A search over 100k contacts is quick, but not always a
frame's worth of quick; the list must never stutter while the user types.

Work runs on plain Python threads (a ThreadPoolExecutor, as Anki's task manager does), which
need no QObject per task. A timer on the GUI thread collects finished work, so the callbacks
given to `run` always run on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from ui.errors import show_error

READ_THREADS = 2
POLL_MS = 5  # how soon a finished read reaches the screen


class ReadPool(QObject):
    """Runs read-only service calls in worker threads; WAL lets them read while a write runs.
    Each worker thread gets its own database connection from the engine's pool."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="rolodeck-read")
        self._waiting: list[tuple[Future, Callable[[Any], None]]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._collect)

    def run(self, fetch: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self._waiting.append((self._executor.submit(fetch), done))
        self._timer.start()

    @property
    def busy(self) -> bool:
        return bool(self._waiting)

    def wait(self) -> None:
        """Block until running reads end (before the database closes)."""
        self._executor.shutdown(wait=True)
        self._executor = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="rolodeck-read")

    def _collect(self) -> None:
        finished = [(f, done) for f, done in self._waiting if f.done()]
        self._waiting = [(f, done) for f, done in self._waiting if not f.done()]
        for future, done in finished:  # in the order they were asked for
            error = future.exception()
            if error is not None:
                parent = self.parent()
                show_error(parent if isinstance(parent, QWidget) else None, error)
            else:
                done(future.result())
        if not self._waiting:
            self._timer.stop()
