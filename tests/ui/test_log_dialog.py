"""Logging a call, meeting, note or e-mail as a user meets it: the call timer filling the
duration, what is wrong said beside the field with nothing saved, Ctrl+Return and Esc, a
dialog closed while the timer runs, and editing an item already in the history. Real widgets
over a real database, saves on the real Writer; time for the timer from a clock the test
moves on, so a minute takes no minute."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.history import HistoryItem, HistoryKind, Outcome
from app.services.registry import Services
from ui import tasks
from ui.history import log_dialog as log_dialog_module
from ui.history.log_dialog import LogDialog
from ui.tasks import ChangeBus, ReadPool, Writer

CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass
class Env:
    services: Services
    reads: ReadPool
    writer: Writer
    parent: QWidget
    contact: int


class FakeClock:
    """Seconds that pass when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += seconds


def fail_on_error_dialogs(monkeypatch) -> None:
    """An error dialog would wait for a click that never comes: fail with the error instead."""
    def shown(_parent, exc: BaseException) -> None:
        raise AssertionError(f"an error dialog was shown: {exc!r}") from exc

    monkeypatch.setattr(log_dialog_module, "show_error", shown)
    monkeypatch.setattr(tasks, "show_error", shown)


@pytest.fixture(autouse=True)
def errors_fail_the_test(monkeypatch):
    fail_on_error_dialogs(monkeypatch)


@pytest.fixture
def env(db, qtbot) -> Env:
    return make_env(db, qtbot)


def make_env(db, qtbot) -> Env:
    """Services over the test's database, the read pool and the writer, and one contact."""
    parent = QWidget()
    bus = ChangeBus(parent)
    reads, writer = ReadPool(parent), Writer(bus, parent)

    def finish(_w: QWidget) -> None:
        writer.wait()  # the database closes after the test: nothing may still be using it
        reads.wait()

    qtbot.addWidget(parent, before_close_func=finish)
    services = Services.over(db)
    contact = services.contacts.create(Contact(given="Priya", family="Raman")).new_id(
        Entity.CONTACT)
    return Env(services, reads, writer, parent, contact)


def when_shown(kind: type, act: Callable[[QWidget], None]) -> list[Any]:
    """Run `act` on the `kind` window once it is up: a modal question blocks the test's own
    line until it closes, so the test answers it from a timer. Gives up after two seconds,
    so a question that never came cannot be answered in a later test."""
    seen: list[Any] = []
    tries = iter(range(100))

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible():
                seen.append(widget)
                act(widget)
                return
        if next(tries, None) is not None:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return seen


def answer(text: str) -> Callable[[QWidget], None]:
    def click(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        (button,) = [b for b in box.buttons() if b.text() == text]
        assert isinstance(button, QPushButton)
        button.click()

    return click


def activate(qtbot, dialog: QWidget) -> None:
    """Shortcuts need the dialog to be the active window, as it is on screen."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def open_call(env: Env, qtbot, clock: FakeClock | None = None,
              kind: HistoryKind = HistoryKind.CALL) -> LogDialog:
    dialog = LogDialog.for_contact(env.services, env.writer, env.contact, kind, env.parent,
                                   about="Priya Raman", clock=clock or FakeClock())
    qtbot.waitExposed(dialog)
    return dialog


def saved_items(env: Env) -> list:
    return env.services.timeline.for_contact(env.contact)


def save_and_wait(qtbot, dialog: LogDialog) -> int:
    with qtbot.waitSignal(dialog.saved, timeout=5000) as signal:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return signal.args[0]


def test_the_dialog_says_what_it_logs_and_with_whom(env, qtbot):
    dialog = open_call(env, qtbot)
    assert dialog.windowTitle() == "Log a call with Priya Raman[*]"
    activate(qtbot, dialog)
    qtbot.waitUntil(dialog.form.regarding.hasFocus)  # ready to type what it was about
    dialog.form.set_kind(HistoryKind.EMAIL)
    assert dialog.windowTitle().startswith("Log an e-mail with Priya Raman")
    # A note or an e-mail has no outcome and no duration to fill in.
    assert not dialog.form.outcome.isVisible()
    assert not dialog.form.duration.isVisible()
    dialog.form.set_kind(HistoryKind.MEETING)
    assert dialog.form.outcome.isVisible() and dialog.form.duration.isVisible()
    assert not dialog.form.timer_button.isVisible()  # meetings are not timed by the minute


def test_the_call_timer_shows_the_time_and_fills_the_duration_rounding_up(env, qtbot):
    clock = FakeClock()
    dialog = open_call(env, qtbot, clock)
    qtbot.mouseClick(dialog.form.timer_button, Qt.MouseButton.LeftButton)
    assert dialog.form.timer_button.text() == "Stop"
    assert "timer running" in dialog.windowTitle()
    clock.wait(61)
    qtbot.waitUntil(lambda: dialog.form.timer_label.text() == "01:01", timeout=2000)
    clock.wait(3 * 60 + 5)
    qtbot.waitUntil(lambda: dialog.form.timer_label.text() == "04:06", timeout=2000)
    qtbot.mouseClick(dialog.form.timer_button, Qt.MouseButton.LeftButton)
    assert dialog.form.duration.value() == 5  # 4 min 6 s is five minutes of someone's day
    assert dialog.form.timer_button.text() == "Resume timer"
    clock.wait(600)  # stopped: time passing is not counted
    assert dialog.form.timer_label.text() == "04:06"
    qtbot.keyClicks(dialog.form.regarding, "Spring order")
    hid = save_and_wait(qtbot, dialog)
    item = env.services.timeline.get(hid)
    assert (item.kind, item.regarding, item.duration_minutes) == (HistoryKind.CALL,
                                                                   "Spring order", 5)
    assert item.contact_ids == [env.contact]


def test_a_resumed_timer_adds_on_to_what_was_timed(env, qtbot):
    clock = FakeClock()
    dialog = open_call(env, qtbot, clock)
    dialog.form.toggle_timer()
    clock.wait(30)
    dialog.form.toggle_timer()
    assert dialog.form.duration.value() == 1
    dialog.form.toggle_timer()
    clock.wait(90)
    dialog.form.toggle_timer()
    assert dialog.form.duration.value() == 2  # two minutes in all


def test_nothing_about_it_says_so_beside_the_field_and_saves_nothing(env, qtbot):
    dialog = open_call(env, qtbot)
    activate(qtbot, dialog)
    qtbot.keyClick(dialog.form.regarding, Qt.Key.Key_Return, CTRL)
    message = dialog.form.about_message
    assert message.isVisible()
    assert message.text().startswith("Say what the call, meeting or note was about")
    # Beside the field: just under Regarding, not at the far end of the dialog.
    below = message.mapTo(dialog, message.rect().topLeft()).y()
    field = dialog.form.regarding
    assert 0 <= below - field.mapTo(dialog, field.rect().bottomLeft()).y() < 20
    assert dialog.isVisible()
    qtbot.wait(50)
    assert not env.writer.busy and saved_items(env) == []
    # Typing something takes the message away, and then it saves.
    qtbot.keyClicks(dialog.form.details, "Asked for the catalogue")
    assert not message.isVisible()
    hid = save_and_wait(qtbot, dialog)
    assert env.services.timeline.get(hid).details == "Asked for the catalogue"


def test_ctrl_return_in_the_details_saves_rather_than_making_a_new_line(env, qtbot):
    dialog = open_call(env, qtbot, kind=HistoryKind.NOTE)
    activate(qtbot, dialog)
    dialog.form.details.setFocus()
    qtbot.keyClicks(dialog.form.details, "Prefers e-mail in the mornings")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.keyClick(dialog.form.details, Qt.Key.Key_Return, CTRL)
    (entry,) = saved_items(env)
    assert (entry.kind, entry.details) == (HistoryKind.NOTE, "Prefers e-mail in the mornings")
    assert entry.outcome is Outcome.COMPLETED and entry.duration_minutes is None
    assert not dialog.isVisible()


def test_the_time_defaults_to_now_in_the_local_zone_and_can_be_set(env, qtbot):
    before = datetime.now(UTC)
    dialog = open_call(env, qtbot)
    qtbot.keyClicks(dialog.form.regarding, "Called back")
    hid = save_and_wait(qtbot, dialog)
    when = env.services.timeline.get(hid).occurred_at
    assert before <= when <= datetime.now(UTC)

    dialog = open_call(env, qtbot)
    local = datetime(2024, 11, 28, 9, 12).astimezone()
    dialog.form.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(local.timestamp())))
    qtbot.keyClicks(dialog.form.regarding, "Old call")
    hid = save_and_wait(qtbot, dialog)
    assert env.services.timeline.get(hid).occurred_at == local.astimezone(UTC)


def test_esc_on_an_untouched_dialog_closes_it_without_asking(env, qtbot):
    dialog = open_call(env, qtbot)
    activate(qtbot, dialog)
    asked = when_shown(QMessageBox, answer("Discard"))
    qtbot.keyClick(dialog.form.regarding, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.wait(60)
    assert asked == []


def test_esc_after_typing_asks_and_keep_editing_keeps_it(env, qtbot):
    dialog = open_call(env, qtbot)
    activate(qtbot, dialog)
    qtbot.keyClicks(dialog.form.regarding, "Half a thought")
    asked = when_shown(QMessageBox, answer("Keep editing"))
    qtbot.keyClick(dialog.form.regarding, Qt.Key.Key_Escape)
    assert len(asked) == 1 and asked[0].text() == "Save this call?"
    assert dialog.isVisible() and dialog.form.regarding.text() == "Half a thought"
    when_shown(QMessageBox, answer("Discard"))
    dialog.reject()
    assert not dialog.isVisible()
    assert saved_items(env) == []


def test_closing_while_the_timer_runs_asks_and_save_keeps_the_time(env, qtbot):
    clock = FakeClock()
    dialog = open_call(env, qtbot, clock)
    dialog.form.toggle_timer()
    clock.wait(125)
    asked = when_shown(QMessageBox, answer("Save"))
    dialog.close()
    assert asked[0].text() == "The call timer is still running (02:05)."
    # Nothing says what the call was about yet: the dialog stays, saying so, and the time
    # timed so far is in the duration.
    assert dialog.isVisible() and dialog.form.about_message.isVisible()
    assert dialog.form.duration.value() == 3 and not dialog.form.timer.running
    qtbot.keyClicks(dialog.form.regarding, "Spring order")
    hid = save_and_wait(qtbot, dialog)
    assert env.services.timeline.get(hid).duration_minutes == 3


def test_closing_while_the_timer_runs_and_discarding_saves_nothing(env, qtbot):
    clock = FakeClock()
    dialog = open_call(env, qtbot, clock)
    qtbot.keyClicks(dialog.form.regarding, "Spring order")
    dialog.form.toggle_timer()
    clock.wait(10)
    when_shown(QMessageBox, answer("Discard"))
    dialog.close()
    assert not dialog.isVisible()
    qtbot.wait(50)
    assert saved_items(env) == []


def test_a_call_is_logged_against_a_company(env, qtbot):
    aid = env.services.accounts.create(Account(name="Lagos Timber")).new_id(Entity.ACCOUNT)
    dialog = LogDialog.for_account(env.services, env.writer, aid, HistoryKind.MEETING,
                                   env.parent, about="Lagos Timber")
    assert dialog.windowTitle() == "Log a meeting with Lagos Timber[*]"
    qtbot.keyClicks(dialog.form.regarding, "Site visit")
    dialog.form.duration.setValue(90)
    dialog.form.outcome.setCurrentIndex(dialog.form.outcome.findData(Outcome.RESCHEDULED))
    hid = save_and_wait(qtbot, dialog)
    (entry,) = env.services.timeline.for_account(aid)
    assert (entry.id, entry.regarding, entry.duration_minutes, entry.outcome) == (
        hid, "Site visit", 90, Outcome.RESCHEDULED)


def test_editing_an_item_shows_it_and_keeps_who_it_was_with(env, qtbot):
    other = env.services.contacts.create(Contact(given="Ann", family="Smith")).new_id(
        Entity.CONTACT)
    hid = env.services.timeline.log(HistoryItem(
        HistoryKind.MEETING, datetime(2025, 3, 4, 10, 30, 15, tzinfo=UTC), "Review",
        "Line one\nLine two", Outcome.COMPLETED, 45, [env.contact, other])).new_id(
        Entity.HISTORY)
    dialog = LogDialog.edit(env.services, env.reads, env.writer, hid, env.parent)
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.ready)
    assert dialog.windowTitle() == "Edit meeting[*]"
    assert dialog.form.regarding.text() == "Review"
    assert dialog.form.details.toPlainText() == "Line one\nLine two"
    assert dialog.form.duration.value() == 45
    assert not dialog.is_dirty()
    dialog.form.regarding.selectAll()
    qtbot.keyClicks(dialog.form.regarding, "Quarterly review")
    assert save_and_wait(qtbot, dialog) == hid
    item = env.services.timeline.get(hid)
    assert item.regarding == "Quarterly review"
    assert item.contact_ids == sorted([env.contact, other])
    # The time was not touched: it is kept to the second, not rounded to the minute shown.
    assert item.occurred_at == datetime(2025, 3, 4, 10, 30, 15, tzinfo=UTC)


def test_an_edit_that_meets_a_change_made_elsewhere_says_so_and_keeps_what_was_typed(
        env, qtbot):
    hid = env.services.timeline.log(HistoryItem(
        HistoryKind.CALL, datetime(2025, 3, 4, 10, 30, tzinfo=UTC), "Call",
        contact_ids=[env.contact])).new_id(Entity.HISTORY)
    dialog = LogDialog.edit(env.services, env.reads, env.writer, hid, env.parent)
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.ready)
    theirs = env.services.timeline.get(hid)
    theirs.details = "Written elsewhere"
    env.services.timeline.edit(theirs)
    dialog.form.regarding.selectAll()
    qtbot.keyClicks(dialog.form.regarding, "Mine")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner.isVisible())
    assert "changed elsewhere" in dialog.banner.text()
    assert dialog.isVisible() and dialog.form.regarding.text() == "Mine"
    assert env.services.timeline.get(hid).details == "Written elsewhere"
    save_and_wait(qtbot, dialog)  # saving again: the user chose theirs to be replaced
    assert env.services.timeline.get(hid).regarding == "Mine"
