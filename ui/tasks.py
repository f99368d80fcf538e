"""Read queries off the GUI thread. A search over 100k contacts is quick, but not always a
frame's worth of quick; the list must never stutter while the user types.

Workers put their results on a thread-safe queue that a timer on the GUI thread drains (as
Anki's task manager does), so the callbacks given to `run` always execute on the GUI thread,
with no reliance on cross-thread signal delivery.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer
from PySide6.QtWidgets import QWidget

from ui.errors import show_error

READ_THREADS = 2
POLL_MS = 5  # how soon a finished read reaches the screen


class ReadTask(QRunnable):
    def __init__(self, key: int, fetch: Callable[[], Any], results: queue.SimpleQueue):
        super().__init__()
        self._key, self._fetch, self._results = key, fetch, results

    def run(self) -> None:
        try:
            self._results.put((self._key, True, self._fetch()))
        except Exception as exc:  # noqa: BLE001  handed to the GUI thread, which shows it
            self._results.put((self._key, False, exc))


class ReadPool(QObject):
    """Runs read-only service calls in worker threads; WAL lets them read while a write runs.
    Each worker thread gets its own database connection from the engine's pool."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(READ_THREADS)
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._waiting: dict[int, Callable[[Any], None]] = {}
        self._next = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._drain)

    def run(self, fetch: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self._next += 1
        self._waiting[self._next] = done
        self._pool.start(ReadTask(self._next, fetch, self._results))
        self._timer.start()

    @property
    def busy(self) -> bool:
        return bool(self._waiting)

    def wait(self) -> None:
        """Block until running reads end (before the database closes)."""
        self._pool.waitForDone()

    def _drain(self) -> None:
        while True:
            try:
                key, ok, value = self._results.get_nowait()
            except queue.Empty:
                break
            done = self._waiting.pop(key, None)
            if not ok:
                parent = self.parent()
                show_error(parent if isinstance(parent, QWidget) else None, value)
            elif done is not None:
                done(value)
        if not self._waiting:
            self._timer.stop()
