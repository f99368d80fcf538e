"""Guards against a Qt binding that would crash the app after a few thousand calls."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer


def test_calls_returning_nothing_keep_none_alive(qapp):
    # PySide6 6.12.0 released a reference to None on every such call; on Python 3.11 the
    # interpreter then aborts ("deallocating None") once a few thousand calls have been made.
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(2000):
        timer.stop()
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 50
