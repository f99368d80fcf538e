"""Reads run off the GUI thread and their results come back on it."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QWidget

from app.domain.errors import NotFoundError
from ui import tasks
from ui.tasks import ReadPool


def test_fetch_runs_in_a_worker_and_done_on_the_gui_thread(qtbot, qapp):
    parent = QWidget()
    qtbot.addWidget(parent)
    pool = ReadPool(parent)
    where = {}

    def fetch():
        where["fetch"] = threading.get_ident()
        return [3, 1, 2]

    def done(result):
        where["done"] = QThread.currentThread() is qapp.thread()
        where["result"] = result

    pool.run(fetch, done)
    qtbot.waitUntil(lambda: "result" in where)
    assert where["fetch"] != threading.get_ident()
    assert where["done"] is True and where["result"] == [3, 1, 2]
    assert not pool.busy


def test_a_failing_read_is_shown_to_the_user_not_swallowed(qtbot, monkeypatch):
    shown = []
    # The real one opens a modal dialog; record what it would show instead.
    monkeypatch.setattr(tasks, "show_error", lambda parent, exc: shown.append(exc))
    parent = QWidget()
    qtbot.addWidget(parent)
    pool = ReadPool(parent)
    called = []

    def fetch():
        raise NotFoundError("No contact with id 7")

    pool.run(fetch, called.append)
    qtbot.waitUntil(lambda: bool(shown))
    assert str(shown[0]) == "No contact with id 7" and called == [] and not pool.busy
