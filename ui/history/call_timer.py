"""A stopwatch for a call in progress. Time comes from a clock it is given (time.monotonic by
default), so it does not jump with the wall clock and a test can move it on by a minute
without waiting one."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

TICK_MS = 250  # a quarter second: the seconds on show never lag by more than that

Clock = Callable[[], float]


class CallTimer(QObject):
    ticked = Signal(float)  # seconds timed so far, while it runs
    started = Signal()
    stopped = Signal(float)  # seconds timed in all

    def __init__(self, parent: QObject | None = None, *, clock: Clock = time.monotonic):
        super().__init__(parent)
        self._clock = clock
        self._since: float | None = None  # when the running stretch began
        self._banked = 0.0  # seconds of stretches already stopped
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.tick)

    @property
    def running(self) -> bool:
        return self._since is not None

    def elapsed(self) -> float:
        """Seconds timed, the stretch under way included."""
        running = self._clock() - self._since if self._since is not None else 0.0
        return self._banked + max(running, 0.0)

    def minutes(self) -> int:
        """Whole minutes, rounded up: a call of 10 seconds took a minute of someone's day."""
        seconds = self.elapsed()
        return math.ceil(seconds / 60) if seconds > 0 else 0

    def start(self) -> None:
        """Start, or go on from where the last stop left off."""
        if self._since is not None:
            return
        self._since = self._clock()
        self._ticker.start()
        self.started.emit()
        self.ticked.emit(self.elapsed())

    def stop(self) -> float:
        if self._since is not None:
            self._banked = self.elapsed()
            self._since = None
            self._ticker.stop()
            self.stopped.emit(self._banked)
        return self._banked

    def tick(self) -> None:
        """Say the time now (the ticker does this four times a second while it runs)."""
        if self._since is not None:
            self.ticked.emit(self.elapsed())
