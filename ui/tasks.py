"""Work off the GUI thread: reads in a small pool, every write on one writer thread, and the
bus that carries each write's ChangeSet to every open view.

Work runs on plain Python threads (a ThreadPoolExecutor, as Anki's task manager does), which
need no QObject per task. A timer on the GUI thread collects finished work, so the callbacks
always run on the GUI thread, in the order the work was asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.domain.changes import ChangeSet
from ui.errors import show_error

READ_THREADS = 2
POLL_MS = 5  # how soon finished work reaches the screen

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Pool(QObject):
    THREADS = 1
    NAME = "rolodeck-work"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._executor = self._new_executor()
        self._waiting: list[tuple[Future, Done | None, Failed | None]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._collect)

    def _new_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(self.THREADS, thread_name_prefix=self.NAME)

    def run(self, work: Callable[[], Any], done: Done | None = None,
            failed: Failed | None = None) -> None:
        """Run `work` off the GUI thread; then `done(result)`, or `failed(error)` (by default
        the error dialog), on the GUI thread."""
        self._waiting.append((self._executor.submit(work), done, failed))
        self._timer.start()

    @property
    def busy(self) -> bool:
        return bool(self._waiting)

    def wait(self) -> None:
        """Block until running work ends (before the database closes), then deliver it."""
        self._executor.shutdown(wait=True)
        self._executor = self._new_executor()
        self._collect()

    def _collect(self) -> None:
        # One look at each future: one that finished between two looks would be in neither
        # list, and its result (and the view waiting for it) lost.
        finished: list[tuple[Future, Done | None, Failed | None]] = []
        waiting: list[tuple[Future, Done | None, Failed | None]] = []
        for item in self._waiting:
            (finished if item[0].done() else waiting).append(item)
        self._waiting = waiting
        for future, done, failed in finished:  # in the order they were asked for
            error = future.exception()
            if error is not None:
                if failed is not None:
                    failed(error)
                else:
                    parent = self.parent()
                    show_error(parent if isinstance(parent, QWidget) else None, error)
            else:
                self._deliver(future.result(), done)
        if not self._waiting:
            self._timer.stop()

    def _deliver(self, result: Any, done: Done | None) -> None:
        if done is not None:
            done(result)


class ReadPool(_Pool):
    """Read-only service calls in worker threads; WAL lets them read while a write runs.
    Each worker thread gets its own database connection from the engine's pool."""

    THREADS = READ_THREADS
    NAME = "rolodeck-read"


class ChangeBus(QObject):
    """What changed in the database, whoever changed it (this window's writes, the command
    line, another Rolodeck on the same file): views refresh from this alone."""

    changed = Signal(object)  # a ChangeSet


class Writer(_Pool):
    """The one thread every mutation runs on, in the order asked: two edits can never race
    each other, and the GUI thread never waits on the write lock. A ChangeSet a write
    returns goes to the bus before `done` runs."""

    NAME = "rolodeck-write"

    def __init__(self, bus: ChangeBus, parent: QWidget | None = None):
        super().__init__(parent)
        self.bus = bus

    def _deliver(self, result: Any, done: Done | None) -> None:
        if isinstance(result, ChangeSet):
            self.bus.changed.emit(result)
        super()._deliver(result, done)
