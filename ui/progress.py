"""Long work (loading sample data today; import, export and sync later) on the writer thread,
with a progress bar and a Cancel button, never freezing the window.

The work gets a CancelToken and a progress callback. The callback is called on the worker
thread, so it only records the latest figures; a timer on the GUI thread shows them. Cancel
sets the token; the work stops at its next check and, being one unit of work, leaves nothing
behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.services.progress import Cancelled, CancelToken, Progress
from ui.errors import show_error
from ui.tasks import Writer

Work = Callable[[CancelToken, Progress], Any]
SHOW_AFTER_MS = 300  # quicker work finishes without a dialog flashing up


class Task(QObject):
    """One piece of long work and its progress dialog."""

    def __init__(self, writer: Writer, parent: QWidget, title: str, work: Work,
                 done: Callable[[Any], None], cancelled: Callable[[], None] | None = None,
                 failed: Callable[[BaseException], None] | None = None):
        super().__init__(parent)
        self.token = CancelToken()
        self._figures: tuple[int, int] = (0, 0)
        self._lock = threading.Lock()
        self._finished = False
        self.dialog = QProgressDialog(title, "Cancel", 0, 100, parent)
        self.dialog.setWindowTitle("Rolodeck")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self._on_cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._show)
        self._timer.start()
        self._done, self._cancelled, self._failed = done, cancelled, failed

        def run() -> Any:
            return work(self.token, self._record)

        writer.run(run, self._on_done, self._on_failed)

    @property
    def finished(self) -> bool:
        return self._finished

    def _record(self, done: int, total: int) -> None:  # on the worker thread
        with self._lock:
            self._figures = (done, total)

    def _show(self) -> None:
        with self._lock:
            done, total = self._figures
        if total > 0:
            self.dialog.setValue(min(100, done * 100 // total))

    def _on_cancel(self) -> None:
        self.token.cancel()
        self.dialog.setLabelText("Cancelling… nothing will be kept.")

    def _close(self) -> None:
        self._finished = True
        self._timer.stop()
        self.dialog.close()
        self.deleteLater()

    def _on_done(self, result: Any) -> None:
        self._close()
        self._done(result)

    def _on_failed(self, error: BaseException) -> None:
        self._close()
        if isinstance(error, Cancelled):
            if self._cancelled is not None:
                self._cancelled()
            return
        if self._failed is not None:
            self._failed(error)
            return
        parent = self.parent()
        show_error(parent if isinstance(parent, QWidget) else None, error)
