"""One progress bar across every kind of record, and the cancel check between chunks."""

from __future__ import annotations

from app.services.progress import CancelToken, Progress


class Meter:
    def __init__(self, total: int, progress: Progress, cancel: CancelToken | None):
        self.total = max(total, 1)
        self.done = 0
        self._progress = progress
        self._cancel = cancel

    def check(self) -> None:
        if self._cancel is not None:
            self._cancel.raise_if_set()

    def advance(self, n: int) -> None:
        # Never past the end: the plan's total is an estimate for the small extras.
        self.done = min(self.done + n, self.total)
        self._progress(self.done, self.total)
