"""Changes made outside this window (the command line, a sync, another Rolodeck on the same
file) reach the views within a second or two, through the same bus as the window's own.

Once a second a read task asks the journal for its newest unit; only when that moved does it
read what the new units changed. Units this window's writer made are already on the bus and
are skipped, so a save does not refresh the views twice.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.domain.changes import ChangeSet
from app.services.feed import ChangeFeed, Head
from ui.tasks import ChangeBus, ReadPool

POLL_MS = 1000


class ExternalChanges(QObject):
    def __init__(self, feed: ChangeFeed, reads: ReadPool, bus: ChangeBus,
                 parent: QWidget | None = None, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self._feed, self._reads, self._bus = feed, reads, bus
        self._seen: Head | None = None
        self._asking = False
        self._own: set[int] = set()
        bus.changed.connect(self._note_own)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._reads.run(self._feed.head, self._start)

    def _start(self, head: Head) -> None:
        self._seen = head
        self._timer.start()

    def _note_own(self, changes: ChangeSet) -> None:
        if changes.seq is not None:
            self._own.add(changes.seq)

    def check(self) -> None:
        """Look now (the timer does this every second)."""
        if self._seen is None or self._asking:
            return
        self._asking = True
        seen = self._seen
        self._reads.run(lambda: self._feed.since(seen), self._arrived, self._failed)

    def stop(self) -> None:
        self._timer.stop()

    def _failed(self, _error: BaseException) -> None:
        # A busy or briefly unreadable file (a restore under way) is asked again next tick;
        # a dialog every second would be worse than a view a second late.
        self._asking = False

    def _arrived(self, found: tuple[Head, list[tuple[int, ChangeSet]]]) -> None:
        self._asking = False
        head, units = found
        self._seen = head
        theirs = [changes for seq, changes in units if seq not in self._own]
        self._own = {s for s in self._own if s > head.seq}
        if not theirs:
            return
        merged = ChangeSet()
        for changes in theirs:
            merged = merged.merge(changes)
        # Emitted with no seq: nobody may take it for one of this window's own units.
        self._bus.changed.emit(merged)
