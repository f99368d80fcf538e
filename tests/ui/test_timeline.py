"""A record's History as a user meets it: logging a call and seeing it, newest first with
relative dates, the kind filter, field changes with "Restore this value", deleting an item,
editing one, a company's rolled-up history, and a contact with thousands of items read a page
at a time. Real widgets over a real database, on the real ReadPool and Writer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from app.domain.account import Account
from app.domain.changes import ChangeSet, Entity
from app.domain.contact import Contact, Phone
from app.domain.history import HistoryItem, HistoryKind, Outcome
from db.repositories import bulk
from tests.ui.test_log_dialog import Env, fail_on_error_dialogs, make_env, when_shown
from ui.history.labels import when_label
from ui.history.log_dialog import LogDialog
from ui.history.model import FIRST_PAGE, RowRole
from ui.history.rows import TimelineRow
from ui.history.timeline import TimelineView

CTRL = Qt.KeyboardModifier.ControlModifier
ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


@pytest.fixture(autouse=True)
def errors_fail_the_test(monkeypatch):
    fail_on_error_dialogs(monkeypatch)


@pytest.fixture
def env(db, qtbot) -> Env:
    return make_env(db, qtbot)


@pytest.fixture
def view(env: Env, qtbot) -> TimelineView:
    v = TimelineView(env.services, env.reads, env.writer, env.parent)
    env.writer.bus.changed.connect(v.apply_changes)
    v.setWindowFlag(Qt.WindowType.Window)
    v.resize(560, 520)
    v.show()
    qtbot.waitExposed(v)
    return v


def settle(qtbot, env: Env, view: TimelineView) -> None:
    qtbot.waitUntil(lambda: view.loaded and not env.reads.busy and not env.writer.busy)


def to_the_end(qtbot, view: TimelineView) -> None:
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_End)


def rows(view: TimelineView) -> list[TimelineRow]:
    return [view.model.index(r).data(RowRole) for r in range(view.model.rowCount())]


def titles(view: TimelineView) -> list[str]:
    return [r.title for r in rows(view)]


def log(env: Env, kind: HistoryKind, when: datetime, regarding: str, details: str = "",
        outcome: Outcome = Outcome.COMPLETED, minutes: int | None = None,
        contacts: list[int] | None = None, account: int | None = None) -> int:
    return env.services.timeline.log(HistoryItem(
        kind, when, regarding, details, outcome, minutes,
        contacts if contacts is not None else [env.contact], account)).new_id(Entity.HISTORY)


def test_log_a_call_from_the_empty_timeline_and_see_it_there(env, view, qtbot):
    view.log_requested.connect(view.open_log_dialog)
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    assert view.empty.title.isVisible() and view.empty.title.text() == "No history yet"
    assert view.empty.button.text() == "Log a call"
    qtbot.mouseClick(view.empty.button, Qt.MouseButton.LeftButton)
    (dialog,) = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, LogDialog) and w.isVisible()]
    assert dialog.windowTitle() == "Log a call with Priya Raman[*]"
    qtbot.keyClicks(dialog.form.regarding, "Spring order")
    qtbot.keyClicks(dialog.form.details, "Left a message with her assistant")
    dialog.form.outcome.setCurrentIndex(dialog.form.outcome.findData(Outcome.LEFT_MESSAGE))
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.keyClick(dialog.form.regarding, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    settle(qtbot, env, view)
    assert view.list.isVisible()
    (row,) = rows(view)
    assert (row.pill, row.title, row.meta) == ("Call", "Spring order", "Left message")
    assert row.details == ("Left a message with her assistant",)
    assert view.model.index(0).data().startswith("Today ")


def test_newest_first_with_what_a_user_needs_to_see(env, view, qtbot):
    now = datetime.now(UTC)
    ann = env.services.contacts.create(Contact(given="Ann", family="Smith")).new_id(
        Entity.CONTACT)
    log(env, HistoryKind.NOTE, now - timedelta(days=3), "", "First line\nSecond line\n"
        "Third line\nFourth line")
    log(env, HistoryKind.MEETING, now - timedelta(hours=5), "Quarterly review", minutes=90,
        contacts=[env.contact, ann])
    log(env, HistoryKind.CALL, now - timedelta(minutes=5), "Spring order", minutes=12)
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    call, meeting, note = rows(view)
    # A completed call says no outcome; its duration and nobody else, as it was one-to-one.
    assert (call.title, call.meta) == ("Spring order", "12 min")
    assert (meeting.title, meeting.meta) == ("Quarterly review", "1 h 30 min · with Ann Smith")
    # A note without a subject is titled by its first line; the rest is in its tooltip.
    assert note.title == "First line"
    assert note.details == ("Second line", "Third line") and note.more
    tip = view.model.index(2).data(Qt.ItemDataRole.ToolTipRole)
    assert "Fourth line" in tip


def test_relative_date_labels_at_the_edges_of_a_day():
    now = datetime(2025, 11, 28, 0, 0, 30).astimezone()
    at = lambda *a: datetime(*a).astimezone()  # noqa: E731  local times
    assert when_label(at(2025, 11, 28, 0, 0), now, ENGLISH) == "Today 00:00"
    assert when_label(at(2025, 11, 27, 23, 59), now, ENGLISH) == "Yesterday 23:59"
    assert when_label(at(2025, 11, 27, 0, 0), now, ENGLISH) == "Yesterday 00:00"
    assert when_label(at(2025, 11, 26, 23, 59), now, ENGLISH) == "26 Nov"
    assert when_label(at(2025, 1, 1, 0, 0), now, ENGLISH) == "1 Jan"
    assert when_label(at(2024, 12, 31, 23, 59), now, ENGLISH) == "31 Dec 2024"
    late = datetime(2025, 11, 28, 23, 59, 59).astimezone()
    assert when_label(at(2025, 11, 28, 0, 0), late, ENGLISH) == "Today 00:00"
    assert when_label(at(2025, 11, 29, 0, 0), late, ENGLISH) == "Tomorrow 00:00"
    # Stored instants are UTC; the label is in the machine's own zone.
    stored = at(2025, 11, 27, 23, 59).astimezone(UTC)
    assert when_label(stored, now, ENGLISH) == "Yesterday 23:59"


def test_the_timeline_labels_follow_its_clock(env, qtbot):
    noon = datetime(2025, 11, 28, 12, 0).astimezone()
    v = TimelineView(env.services, env.reads, env.writer, env.parent, now=lambda: noon)
    log(env, HistoryKind.CALL, datetime(2025, 11, 28, 9, 5).astimezone(), "This morning")
    log(env, HistoryKind.CALL, datetime(2025, 11, 27, 16, 40).astimezone(), "Yesterday")
    log(env, HistoryKind.CALL, datetime(2023, 5, 2, 10, 0).astimezone(), "Long ago")
    v.show_contact(env.contact)
    qtbot.waitUntil(lambda: v.loaded and v.model.rowCount() == 3)
    labels = [v.model.when_text(r) for r in rows(v)]
    assert labels[:2] == ["Today 09:05", "Yesterday 16:40"]
    assert labels[2].endswith("2023")


def test_the_kind_filter_shows_one_kind_and_says_when_there_is_none(env, view, qtbot):
    now = datetime.now(UTC)
    log(env, HistoryKind.CALL, now - timedelta(hours=1), "A call")
    log(env, HistoryKind.MEETING, now - timedelta(hours=2), "A meeting")
    log(env, HistoryKind.NOTE, now - timedelta(hours=3), "A note")
    log(env, HistoryKind.EMAIL, now - timedelta(hours=4), "An e-mail")
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    assert titles(view) == ["A call", "A meeting", "A note", "An e-mail"]
    assert [view.filter_box.itemText(i) for i in range(view.filter_box.count())] == [
        "All", "Calls", "Meetings", "Notes", "E-mails", "Cleared activities"]
    view.filter_box.setCurrentIndex(view.filter_box.findText("Meetings"))
    settle(qtbot, env, view)
    assert titles(view) == ["A meeting"]
    view.filter_box.setCurrentIndex(view.filter_box.findText("E-mails"))
    settle(qtbot, env, view)
    assert titles(view) == ["An e-mail"]
    view.filter_box.setCurrentIndex(view.filter_box.findText("Cleared activities"))
    settle(qtbot, env, view)
    assert view.empty.title.isVisible()
    assert view.empty.title.text() == "No cleared activities here yet"
    assert view.empty.button.text() == "Show all history"
    qtbot.mouseClick(view.empty.button, Qt.MouseButton.LeftButton)
    settle(qtbot, env, view)
    assert view.filter_box.currentText() == "All" and len(titles(view)) == 4


def test_a_filter_reads_on_past_the_first_page_to_find_its_kind(env, view, qtbot):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with env.services.db.unit("Log many calls") as tx:
        bulk.add_history(tx.session, [
            HistoryItem(HistoryKind.CALL, start + timedelta(hours=n), f"Call {n}",
                        contact_ids=[env.contact]) for n in range(3, 600)] + [
            HistoryItem(HistoryKind.MEETING, start + timedelta(hours=n), f"Meeting {n}",
                        contact_ids=[env.contact]) for n in range(3)])
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    assert view.model.rowCount() == FIRST_PAGE
    view.filter_box.setCurrentIndex(view.filter_box.findText("Meetings"))
    qtbot.waitUntil(lambda: titles(view) == ["Meeting 2", "Meeting 1", "Meeting 0"])
    settle(qtbot, env, view)
    assert view.list.isVisible()


def test_five_thousand_items_are_read_a_page_at_a_time(env, view, qtbot):
    start = datetime(2020, 1, 1, tzinfo=UTC)
    with env.services.db.unit("Log many calls") as tx:
        bulk.add_history(tx.session, [
            HistoryItem(HistoryKind.CALL, start + timedelta(hours=n), f"Call {n}",
                        contact_ids=[env.contact]) for n in range(5000)])
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    assert view.model.rowCount() == FIRST_PAGE
    assert titles(view)[:2] == ["Call 4999", "Call 4998"]
    # Going to the end (End, or the scroll bar) reads the next page, and so on.
    to_the_end(qtbot, view)
    qtbot.waitUntil(lambda: view.model.rowCount() > FIRST_PAGE)
    settle(qtbot, env, view)
    assert titles(view)[FIRST_PAGE] == f"Call {4999 - FIRST_PAGE}"
    assert len(set(titles(view))) == view.model.rowCount()  # nothing twice


def test_passes_qt_model_checks_through_every_page(env, view, qtbot, qtmodeltester):
    start = datetime(2020, 1, 1, tzinfo=UTC)
    with env.services.db.unit("Log many calls") as tx:
        bulk.add_history(tx.session, [
            HistoryItem(HistoryKind.CALL, start + timedelta(hours=n), f"Call {n}",
                        contact_ids=[env.contact]) for n in range(450)])
    view.changes_box.setChecked(True)
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    # The checks ask for more rows (fetchMore) as they go: every page, read as it comes.
    qtmodeltester.check(view.model, force_py=True)
    qtbot.waitUntil(lambda: view.model.exhausted and not view.model.busy)
    assert view.model.rowCount() == 451  # and the contact's creation, merged in by time
    assert titles(view)[0] == "This contact was added"
    assert titles(view)[-1] == "Call 0"


def test_a_field_change_older_than_the_page_waits_for_the_page_that_reaches_it(
        env, view, qtbot):
    soon = datetime.now(UTC) + timedelta(days=2)  # every item after the contact was added
    with env.services.db.unit("Log many calls") as tx:
        bulk.add_history(tx.session, [
            HistoryItem(HistoryKind.CALL, soon + timedelta(hours=n), f"Call {n}",
                        contact_ids=[env.contact]) for n in range(250)])
    view.changes_box.setChecked(True)
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    assert view.model.rowCount() == FIRST_PAGE
    assert not any(r.is_change for r in rows(view))  # not shown out of its place in time
    to_the_end(qtbot, view)
    qtbot.waitUntil(lambda: view.model.rowCount() > FIRST_PAGE)
    to_the_end(qtbot, view)
    qtbot.waitUntil(lambda: view.model.exhausted)
    settle(qtbot, env, view)
    assert titles(view)[-2:] == ["Call 0", "This contact was added"]


def test_field_changes_show_after_an_edit_and_restore_this_value_puts_it_back(
        env, view, qtbot):
    contacts = env.services.contacts
    c = contacts.get(env.contact)
    c.title, c.phones = "Buyer", [Phone("+44 20 7946 0001")]
    contacts.update(c)
    log(env, HistoryKind.CALL, datetime.now(UTC) - timedelta(hours=1), "Spring order")
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    assert titles(view) == ["Spring order"]
    # The edit is made in the window (on the writer), as the editor would.
    c = contacts.get(env.contact)
    c.title, c.phones = "Head of Purchasing", [Phone("+44 20 7946 0002", "mobile")]
    env.writer.run(lambda: contacts.update(c))
    qtbot.keyClick(view.changes_box, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: any(r.is_change for r in rows(view)))
    settle(qtbot, env, view)
    shown = titles(view)
    assert "Job title changed from Buyer to Head of Purchasing" in shown
    assert ("Phones changed from +44 20 7946 0001 (work) to +44 20 7946 0002 (mobile)"
            in shown)
    # Merged by time: the contact was added today, the call was logged for an hour ago.
    assert shown.index("This contact was added") < shown.index("Spring order")
    row = view.model.row_of(next(r.key for r in rows(view) if r.title.startswith("Job title")))
    assert row is not None and rows(view)[row].restorable
    # Click "Restore this value" on the row.
    index = view.model.index(row)
    view.list.scrollTo(index)
    rect = view.list.visualRect(index)
    link = view.delegate.restore_rect(rect, view.list.font())
    with qtbot.waitSignal(view.said, timeout=5000) as said:
        qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=link.center())
    assert said.args[0] == "Restored the earlier job title."
    assert contacts.get(env.contact).title == "Buyer"
    qtbot.waitUntil(lambda: titles(view)[0] == "Job title changed from Head of Purchasing "
                    "to Buyer")
    settle(qtbot, env, view)
    # The restore is a change like any other: Undo takes it back.
    env.services.journal.undo()
    assert contacts.get(env.contact).title == "Head of Purchasing"
    # Off again: only the history.
    qtbot.keyClick(view.changes_box, Qt.Key.Key_Space)
    assert titles(view) == ["Spring order"]


def test_restore_this_value_from_the_keyboard(env, view, qtbot):
    contacts = env.services.contacts
    c = contacts.get(env.contact)
    c.title = "Buyer"
    contacts.update(c)
    view.changes_box.setChecked(True)
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    view.list.setFocus()
    view.select_row(0)
    assert titles(view)[0] == "Job title set to Buyer"
    menu = view.menu_for(0)
    assert menu is not None
    assert [a.text() for a in menu.actions() if a.text()] == ["&Restore this value", "&Copy"]
    with qtbot.waitSignal(view.said, timeout=5000):
        qtbot.keyClick(view.list, Qt.Key.Key_R, CTRL)
    assert contacts.get(env.contact).title == ""


def test_delete_an_item_from_the_timeline_and_it_is_gone(env, view, qtbot):
    now = datetime.now(UTC)
    keep = log(env, HistoryKind.CALL, now - timedelta(hours=2), "Keep me")
    gone = log(env, HistoryKind.NOTE, now - timedelta(hours=1), "Delete me")
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    # Right-click the item: its menu, and Delete from it.
    seen: list[list[str]] = []

    def choose_delete(menu: QWidget) -> None:
        assert isinstance(menu, QMenu)
        seen.append([a.text() for a in menu.actions() if a.text()])
        (delete,) = [a for a in menu.actions() if a.text() == "&Delete"]
        menu.close()
        delete.trigger()

    when_shown(QMenu, choose_delete)
    point = view.list.visualRect(view.model.index(0)).center()
    with qtbot.waitSignal(view.said, timeout=5000) as said:
        QApplication.sendEvent(view.list.viewport(), QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, point, view.list.viewport().mapToGlobal(point)))
    assert seen == [["&Edit…", "&Delete", "&Copy"]]
    assert said.args[0].startswith("Deleted 1 history item.")
    qtbot.waitUntil(lambda: titles(view) == ["Keep me"])
    assert [e.id for e in env.services.timeline.for_contact(env.contact)] == [keep]
    assert env.services.timeline.get(gone).deleted_at is not None
    # The item after it is the current one now, ready for the next key.
    assert view.current_row() is not None and view.current_row().history_id == keep
    # Undo (the window's Edit > Undo) brings it back to the timeline.
    env.writer.run(env.services.journal.undo)
    qtbot.waitUntil(lambda: titles(view) == ["Delete me", "Keep me"])
    # The Delete key does the same.
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.list.setFocus()
    view.select_row(0)
    with qtbot.waitSignal(view.said, timeout=5000):
        qtbot.keyClick(view.list, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: titles(view) == ["Keep me"])


def test_enter_opens_the_item_to_edit_and_the_timeline_shows_the_edit(env, view, qtbot):
    log(env, HistoryKind.CALL, datetime.now(UTC) - timedelta(hours=1), "Spring order")
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    view.list.setFocus()
    view.select_row(0)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(isinstance(w, LogDialog) and w.isVisible() and w.ready
                                for w in QApplication.topLevelWidgets()))
    (dialog,) = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, LogDialog) and w.isVisible()]
    assert dialog.form.regarding.text() == "Spring order"
    dialog.form.regarding.selectAll()
    qtbot.keyClicks(dialog.form.regarding, "Spring order, confirmed")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: titles(view) == ["Spring order, confirmed"])


def test_a_company_shows_the_rolled_up_history_of_its_people(env, view, qtbot):
    services = env.services
    aid = services.accounts.create(Account(name="Lagos Timber")).new_id(Entity.ACCOUNT)
    c = services.contacts.get(env.contact)
    c.account_id = aid
    services.contacts.update(c)
    now = datetime.now(UTC)
    log(env, HistoryKind.CALL, now - timedelta(hours=1), "With Priya")
    log(env, HistoryKind.MEETING, now - timedelta(hours=2), "With the company", contacts=[],
        account=aid)
    stranger = services.contacts.create(Contact(given="Zed", family="Other")).new_id(
        Entity.CONTACT)
    log(env, HistoryKind.CALL, now, "Not theirs", contacts=[stranger])
    view.show_account(aid)
    settle(qtbot, env, view)
    assert titles(view) == ["With Priya", "With the company"]
    assert rows(view)[0].meta == "with Priya Raman"
    # Someone else joining the company brings their history with them.
    z = services.contacts.get(stranger)
    z.account_id = aid
    env.writer.run(lambda: services.contacts.update(z))
    qtbot.waitUntil(lambda: titles(view)[0] == "Not theirs")


def test_a_change_made_elsewhere_shows_without_losing_the_place(env, view, qtbot):
    now = datetime.now(UTC)
    for n in range(5):
        log(env, HistoryKind.CALL, now - timedelta(hours=n + 1), f"Call {n}")
    view.show_contact(env.contact)
    settle(qtbot, env, view)
    view.select_row(2)
    hid = log(env, HistoryKind.NOTE, now, "Logged on the command line")
    view.apply_changes(ChangeSet.of(inserted={Entity.HISTORY: [hid]}))
    qtbot.waitUntil(lambda: titles(view)[0] == "Logged on the command line")
    assert view.current_row() is not None and view.current_row().title == "Call 2"


def test_clicking_off_the_rows_and_an_unknown_contact_say_so(env, view, qtbot):
    view.clear()
    assert view.empty.title.text() == "No record chosen"
    assert not view.empty.button.isVisible()
    assert view.menu_for(0) is None
    view.show_contact(987654)
    qtbot.waitUntil(lambda: view.empty.title.text() == "The history could not be read")
    assert "987654" in view.empty.text.text()
    assert view.empty.button.text() == "Try again"
