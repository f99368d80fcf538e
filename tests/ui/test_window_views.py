"""The views working together as a user meets them: contacts dragged onto a group in the
sidebar, bulk status and undo, logging a call from the list and seeing it on the timeline,
the quick search opening an account, and searching the list by phone digits and company."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact, ContactStatus, Phone
from app.domain.groups import Group
from app.domain.history import HistoryItem, HistoryKind
from app.services.registry import Services
from tests.ui.test_timeline import titles
from tests.ui.test_window_writes import names, select, settle
from ui.history.log_dialog import LogDialog
from ui.main_window import MainWindow, View


@pytest.fixture
def services(db) -> Services:
    s = Services.over(db)
    acme = s.accounts.create(Account("Acme Widgets")).new_id(Entity.ACCOUNT)
    s.contacts.create(Contact(given="Grace", family="Hopper", account_id=acme,
                              phones=[Phone("+1 202 555 0147")]))
    s.contacts.create(Contact(given="Alan", family="Turing"))
    s.contacts.create(Contact(given="Ada", family="Lovelace"))
    s.organize.create_group(Group("Pioneers"))
    return s


@pytest.fixture
def window(services, qtbot):
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.sidebar.group_names() == ["Pioneers"])
    return w


def test_contacts_dragged_onto_a_sidebar_group_join_it_and_undo_takes_them_out(
        qtbot, services, window):
    select(qtbot, window, "Alan Turing")
    window.table.selectAll()
    rows = window.table.selectionModel().selectedRows()
    mime = window.model.mimeData(rows)
    sidebar = window.sidebar
    target = next(sidebar.item(r) for r in range(sidebar.count())
                  if sidebar.item(r).text() == "Pioneers")
    at = QPointF(sidebar.visualItemRect(target).center())
    drop = QDropEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    sidebar.dropEvent(drop)
    assert drop.isAccepted()
    gid = services.organize.groups()[0].id
    qtbot.waitUntil(lambda: len(services.organize.group_members(gid)[0]) == 3)
    settle(qtbot, window)
    window.edit.undo.trigger()
    qtbot.waitUntil(lambda: services.organize.group_members(gid)[0] == [])


def test_a_drop_off_any_group_adds_nothing(qtbot, services, window):
    select(qtbot, window, "Alan Turing")
    mime = window.model.mimeData(window.table.selectionModel().selectedRows())
    contacts_item = window.sidebar.item(0)
    drop = QDropEvent(QPointF(window.sidebar.visualItemRect(contacts_item).center()),
                      Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.sidebar.dropEvent(drop)
    assert not drop.isAccepted()
    assert services.organize.groups()[0].contact_count == 0


def test_choosing_a_sidebar_group_shows_it_in_the_groups_view(qtbot, window):
    sidebar = window.sidebar
    item = next(sidebar.item(r) for r in range(sidebar.count())
                if sidebar.item(r).text() == "Pioneers")
    sidebar.setCurrentItem(item)
    assert window.current_view() == View.GROUPS
    qtbot.waitUntil(lambda: window.groups.current_group() is not None
                    and window.groups.current_group().name == "Pioneers")


def test_bulk_status_change_is_one_undo(qtbot, services, window):
    window.table.setFocus()
    window.table.selectAll()
    qtbot.waitUntil(lambda: window.contacts.bulk.status_actions[2].isEnabled())
    window.contacts.bulk.status_actions[2].trigger()  # Customer
    qtbot.waitUntil(lambda: all(s.status == ContactStatus.CUSTOMER
                                for s in services.directory.contacts()))
    settle(qtbot, window)
    assert window.edit.undo.text() == "&Undo Mark 3 contacts as Customer"
    assert "Marked 3 contacts as Customer" in window.statusBar().currentMessage()
    window.edit.undo.trigger()
    qtbot.waitUntil(lambda: all(s.status == ContactStatus.LEAD
                                for s in services.directory.contacts()))


def test_ctrl_l_logs_a_call_and_it_shows_on_the_timeline(qtbot, services, window):
    select(qtbot, window, "Grace Hopper")
    record = window.contacts.record
    record.tabs.setCurrentWidget(window.contacts.history_tab)
    before = set(window.findChildren(LogDialog))
    qtbot.keyClick(window.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(set(window.findChildren(LogDialog)) - before) == 1)
    (dialog,) = set(window.findChildren(LogDialog)) - before
    dialog.form.regarding.setText("Spoke about COBOL")
    dialog.save()
    cid = services.directory.contact_ids("hopper")[0]
    qtbot.waitUntil(lambda: any(e.regarding == "Spoke about COBOL"
                                for e in services.timeline.for_contact(cid)))
    timeline = window.contacts.history_tab
    qtbot.waitUntil(lambda: "Spoke about COBOL" in titles(timeline))


def test_quick_search_opens_an_account(qtbot, window):
    window.quick.open()
    qtbot.keyClicks(window.quick.field, "acme")
    qtbot.waitUntil(lambda: window.quick.shown_text == "acme")
    qtbot.keyClick(window.quick.field, Qt.Key.Key_Down)
    qtbot.keyClick(window.quick.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_view() == View.ACCOUNTS
                    and window.accounts.current_id() is not None)


def test_the_list_search_finds_by_phone_digits_and_by_company(qtbot, window):
    field = window.contacts.search_field
    field.setText("5550147")
    qtbot.waitUntil(lambda: window.model.searching and names(window) == ["Grace Hopper"])
    field.setText("acme")
    qtbot.waitUntil(lambda: names(window) == ["Grace Hopper"])


def test_an_account_shows_its_contacts_history_rolled_up(qtbot, services, window):
    cid = services.directory.contact_ids("hopper")[0]
    services.timeline.log(HistoryItem(kind=HistoryKind.MEETING,
                                      occurred_at=datetime(2026, 11, 30, 10, tzinfo=UTC),
                                      regarding="Quarterly review", contact_ids=[cid]))
    window.show_view(View.ACCOUNTS)
    qtbot.waitUntil(lambda: window.accounts.model.loaded and window.accounts.model.rowCount())
    window.accounts.select_first()
    window.accounts.detail.tabs.setCurrentWidget(window.account_history)
    timeline = window.account_history
    qtbot.waitUntil(lambda: "Quarterly review" in titles(timeline))


def test_a_saved_search_sits_in_the_sidebar_and_opens_what_it_finds(qtbot, services, window):
    from app.domain.filters import ContactFilter
    from ui.contacts.page_actions import save_search
    from ui.sidebar import SAVED_ROLE

    page = window.contacts
    assert not page.save_search_action.isEnabled()  # nothing to keep yet
    page.filters.set_filter(ContactFilter(status="lead"))
    page.search_field.setText("hopper")
    qtbot.waitUntil(lambda: page.model.searching and names(window) == ["Grace Hopper"])
    settle(qtbot, window)
    assert page.save_search_action.isEnabled()
    save_search(page, "Leads called Hopper")
    qtbot.waitUntil(lambda: window.sidebar.saved_names() == ["Leads called Hopper"])
    assert window.sidebar.group_names() == ["Pioneers"]  # not among the listed groups
    assert "under Groups" in window.statusBar().currentMessage()

    page.filters.set_filter(ContactFilter())
    page.search_field.clear()
    qtbot.waitUntil(lambda: not page.model.searching and len(names(window)) == 3)
    item = next(window.sidebar.item(r) for r in range(window.sidebar.count())
                if window.sidebar.item(r).data(SAVED_ROLE) is not None)
    window.sidebar.setCurrentItem(item)
    assert window.current_view() == View.CONTACTS
    qtbot.waitUntil(lambda: page.model.searching and names(window) == ["Grace Hopper"])
    assert page.search_field.text() == "hopper"
    assert page.filters.chip_texts() == ["Status: Lead"]
    # Nothing can be dropped on a saved search: its members are whoever it finds.
    mime = window.model.mimeData(window.table.selectionModel().selectedRows()
                                 or [window.model.index(0, 0)])
    drop = QDropEvent(QPointF(window.sidebar.visualItemRect(item).center()),
                      Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.sidebar.dropEvent(drop)
    assert not drop.isAccepted()

    gid = services.organize.saved_searches()[0].id
    window._delete_search(gid, "Leads called Hopper")
    qtbot.waitUntil(lambda: window.sidebar.saved_names() == [])
    window.edit.undo.trigger()
    qtbot.waitUntil(lambda: window.sidebar.saved_names() == ["Leads called Hopper"])
