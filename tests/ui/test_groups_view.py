"""Groups as a user meets them: making, renaming and deleting a group (and Ctrl+Z bringing it
back), contacts dropped on a group, a drop that is not contacts, removing a member, opening
one, and the dialogs behind Contact ▸ Add to Group… and Contact ▸ Tag…. Real widgets over a
real database; reads and writes on the real ReadPool and Writer, changes over the real bus."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.changes import Entity
from app.domain.contact import Contact, Email
from app.domain.groups import Group
from app.services.registry import Services
from ui import tasks
from ui.groups import dialog_bits
from ui.groups import page as page_module
from ui.groups.dialogs import NEW_GROUP, AddToGroupDialog, GroupNameDialog, TagDialog
from ui.groups.drag import CONTACTS_MIME, contact_ids_of, contact_mime
from ui.groups.models import GroupColumn, MemberColumn
from ui.groups.page import GroupsPage
from ui.tasks import ChangeBus, ReadPool, Writer

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(autouse=True)
def errors_fail_the_test(monkeypatch):
    """An error dialog would wait for a click that never comes: fail with the error instead."""
    def shown(_parent, exc: BaseException) -> None:
        raise AssertionError(f"an error dialog was shown: {exc!r}") from exc

    for module in (page_module, dialog_bits, tasks):
        monkeypatch.setattr(module, "show_error", shown)


@dataclass
class Env:
    services: Services
    reads: ReadPool
    writer: Writer
    bus: ChangeBus
    parent: QWidget
    said: list[str]


@pytest.fixture
def env(db, qtbot) -> Env:
    parent = QWidget()
    bus = ChangeBus(parent)
    reads, writer = ReadPool(parent), Writer(bus, parent)

    def finish(_w: QWidget) -> None:
        writer.wait()  # the database closes after the test: nothing may still be using it
        reads.wait()

    qtbot.addWidget(parent, before_close_func=finish)
    return Env(Services.over(db), reads, writer, bus, parent, [])


def add_contact(env: Env, given: str, family: str, company: str = "") -> int:
    contact = Contact(given=given, family=family,
                      emails=[Email(f"{given.lower()}@example.com")])
    return env.services.contacts.save(contact, new_account=company or None).new_id(
        Entity.CONTACT)


def add_group(env: Env, name: str, members: tuple[int, ...] | list[int] = ()) -> int:
    return env.services.organize.create_group_with(Group(name), list(members)).new_id(
        Entity.GROUP)


def open_page(env: Env, qtbot) -> GroupsPage:
    page = GroupsPage(env.services, env.reads, env.writer, env.parent)
    env.bus.changed.connect(page.apply_changes)  # as the window wires it
    page.said.connect(env.said.append)
    env.parent.resize(1000, 600)
    page.resize(1000, 600)
    env.parent.show()
    qtbot.waitExposed(env.parent)
    activate(qtbot, env)
    page.load()
    settle(qtbot, env, page)
    return page


def activate(qtbot, env: Env) -> None:
    """Shortcuts need the window to be the active one, as it is again on screen once a
    question box closes (offscreen, nothing gives it back)."""
    env.parent.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is env.parent)


def settle(qtbot, env: Env, page: GroupsPage | None = None) -> None:
    qtbot.waitUntil(lambda: not env.writer.busy and not env.reads.busy
                    and (page is None or (page.loaded and not page.busy)))


def listed(page: GroupsPage) -> list[tuple[str, str]]:
    model = page.groups_model
    return [(model.index(r, GroupColumn.NAME).data(), model.index(r, GroupColumn.MEMBERS).data())
            for r in range(model.rowCount())]


def member_names(page: GroupsPage) -> list[str]:
    model = page.members_model
    return [model.index(r, MemberColumn.NAME).data() for r in range(model.rowCount())]


def shown_group(page: GroupsPage) -> str | None:
    group = page.current_group()
    return group.name if group else None


def answer_when_asked(page: GroupsPage, button_text: str) -> list[str]:
    """Click `button_text` in the delete question once it is up (it blocks the test's line)."""
    asked: list[str] = []

    def look() -> None:
        box = page.confirm_box
        if box is None or not box.isVisible():
            QTimer.singleShot(10, look)
            return
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(0, look)
    return asked


def row_centre(view, row: int) -> QPoint:
    return view.visualRect(view.model().index(row, 0)).center()


def drop(view, pos: QPoint, mime: QMimeData) -> tuple[bool, bool]:
    """A drag that enters the view, moves to `pos` and drops there, as Qt delivers one.
    Returns whether the view took the drag while over `pos`, and whether it took the drop."""
    target = view.viewport() if hasattr(view, "viewport") else view
    copy, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(target, QDragEnterEvent(pos, copy, mime, left, none))
    move = QDragMoveEvent(pos, copy, mime, left, none)
    QApplication.sendEvent(target, move)
    taken = move.isAccepted()
    dropped = QDropEvent(pos, copy, mime, left, none)
    QApplication.sendEvent(target, dropped)
    return taken, dropped.isAccepted()


# --- making, renaming, deleting --------------------------------------------------------------

def test_the_first_group_is_made_from_the_empty_state(env, qtbot):
    page = open_page(env, qtbot)
    assert page.pages.currentWidget() is page.no_groups
    assert page.first_group_button.isVisible()
    changed: list[list[Group]] = []
    page.groups_changed.connect(changed.append)
    qtbot.mouseClick(page.first_group_button, Qt.MouseButton.LeftButton)
    dialog = page.name_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "New Group"
    qtbot.keyClicks(dialog.name_field, "  Newsletter ")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: listed(page) == [("Newsletter", "0")])
    settle(qtbot, env, page)
    assert not dialog.isVisible()
    assert page.pages.currentWidget() is page.splitter
    assert shown_group(page) == "Newsletter"  # the new group is the one shown
    assert [g.name for g in changed[-1]] == ["Newsletter"]
    assert env.said[-1] == "Created the group Newsletter. Ctrl+Z undoes it."
    # An empty group says how to fill it.
    assert page.member_pane.currentWidget() is page.member_empty
    assert "Drag contacts here from the Contacts list" in page.member_empty.text.text()
    assert env.services.journal.undo_target().label == "New group 'Newsletter'"


def test_ctrl_shift_n_opens_a_new_group_and_f2_renames_the_chosen_one(env, qtbot):
    add_group(env, "Clients")
    gid = add_group(env, "Suppliers")
    page = open_page(env, qtbot)
    page.select_group(gid)
    settle(qtbot, env, page)
    page.group_table.setFocus()
    qtbot.keyClick(page.group_table, Qt.Key.Key_N, CTRL_SHIFT)
    assert page.name_dialog is not None and page.name_dialog.windowTitle() == "New Group"
    page.name_dialog.reject()

    qtbot.keyClick(page.group_table, Qt.Key.Key_F2)
    dialog = page.name_dialog
    assert dialog.windowTitle() == "Rename Group" and dialog.name_field.text() == "Suppliers"
    dialog.name_field.selectAll()
    qtbot.keyClicks(dialog.name_field, "Vendors")
    qtbot.keyClick(dialog.name_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ("Vendors", "0") in listed(page))
    settle(qtbot, env, page)
    assert [name for name, _count in listed(page)] == ["Clients", "Vendors"]
    assert shown_group(page) == "Vendors" and page.group_title.full_text == "Vendors"
    assert env.said[-1] == "Renamed Suppliers to Vendors. Ctrl+Z undoes it."


def test_a_duplicate_or_empty_name_is_refused_beside_the_field_and_nothing_is_saved(env, qtbot):
    add_group(env, "Clients")
    before = env.services.journal.undo_target()
    dialog = GroupNameDialog(env.services, env.writer, parent=env.parent)
    dialog.show()
    qtbot.keyClicks(dialog.name_field, "  clients ")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    settle(qtbot, env)
    assert dialog.message.text() == "A group called 'clients' already exists"
    assert dialog.isVisible() and dialog.name_field.text() == "  clients "  # kept as typed
    assert [g.name for g in env.services.organize.groups()] == ["Clients"]

    dialog.name_field.clear()
    qtbot.keyClicks(dialog.name_field, "   ")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "A group needs a name" and dialog.isVisible()
    qtbot.keyClick(dialog.name_field, Qt.Key.Key_A)
    assert not dialog.message.isVisible()  # typing again clears the complaint
    settle(qtbot, env)
    assert env.services.journal.undo_target() == before


def test_delete_asks_then_ctrl_z_brings_the_group_back_with_its_members(env, qtbot):
    ada, alan = add_contact(env, "Ada", "Lovelace"), add_contact(env, "Alan", "Turing")
    add_group(env, "Clients")
    gid = add_group(env, "Key accounts", [ada, alan])
    page = open_page(env, qtbot)
    page.select_group(gid)
    settle(qtbot, env, page)
    page.group_table.setFocus()

    asked = answer_when_asked(page, "Cancel")
    qtbot.keyClick(page.group_table, Qt.Key.Key_Delete)
    assert asked == ["Delete the group “Key accounts”?"]
    settle(qtbot, env, page)
    assert len(env.services.organize.groups()) == 2  # Cancel deleted nothing

    activate(qtbot, env)
    page.group_table.setFocus()
    answer_when_asked(page, "Delete Group")
    qtbot.keyClick(page.group_table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: listed(page) == [("Clients", "0")])
    settle(qtbot, env, page)
    assert env.said[-1] == "Deleted group Key accounts. Ctrl+Z undoes it."
    assert shown_group(page) == "Clients"  # the one left takes its place
    assert len(env.services.directory.contact_ids()) == 2  # its contacts stay

    env.writer.run(env.services.journal.undo)  # what Edit ▸ Undo does
    qtbot.waitUntil(lambda: ("Key accounts", "2") in listed(page))
    page.select_group(gid)
    settle(qtbot, env, page)
    assert member_names(page) == ["Ada Lovelace", "Alan Turing"]


# --- membership ------------------------------------------------------------------------------

def test_contacts_dropped_on_a_group_join_it_in_one_undoable_step(env, qtbot):
    ada, alan = add_contact(env, "Ada", "Lovelace"), add_contact(env, "Alan", "Turing")
    add_group(env, "Clients")
    gid = add_group(env, "Newsletter")
    page = open_page(env, qtbot)
    assert shown_group(page) == "Clients"
    table, row = page.group_table, page.groups_model.row_of(gid)
    assert row is not None
    mime = contact_mime([ada, alan], ["Ada Lovelace", "Alan Turing"])
    assert mime.text() == "Ada Lovelace\nAlan Turing"

    pos = row_centre(table, row)
    copy, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    QApplication.sendEvent(table.viewport(), QDragEnterEvent(
        pos, copy, mime, left, Qt.KeyboardModifier.NoModifier))
    lit = table.drop_row
    assert lit == row  # the target row is lit while the drag is over it
    taken, dropped = drop(table, pos, mime)
    assert taken and dropped
    assert table.drop_row is None  # and dark again once it is dropped
    qtbot.waitUntil(lambda: ("Newsletter", "2") in listed(page))
    settle(qtbot, env, page)
    assert env.services.organize.group_members(gid) == ([ada, alan], [])
    assert env.said[-1] == "Added 2 contacts to Newsletter. Ctrl+Z undoes it."

    env.writer.run(env.services.journal.undo)
    qtbot.waitUntil(lambda: ("Newsletter", "0") in listed(page))
    assert env.services.organize.group_members(gid) == ([], [])


def test_a_drop_on_the_shown_groups_members_adds_to_that_group(env, qtbot):
    ada = add_contact(env, "Ada", "Lovelace", "Analytical Engines")
    gid = add_group(env, "Newsletter")
    page = open_page(env, qtbot)
    assert page.member_pane.currentWidget() is page.member_empty
    taken, dropped = drop(page.member_pane, page.member_pane.rect().center(),
                          contact_mime([ada]))
    assert taken and dropped
    qtbot.waitUntil(lambda: member_names(page) == ["Ada Lovelace"])
    settle(qtbot, env, page)
    assert page.member_pane.currentWidget() is page.member_table
    company = page.members_model.index(0, MemberColumn.COMPANY).data()
    assert company == "Analytical Engines"
    assert env.services.organize.group_members(gid) == ([ada], [])


@pytest.mark.parametrize("payload", [
    b"not json", b'{"ids": [1]}', b'[1, "2"]', b"[-1]", b"[true]", b"[1.0]",
    json.dumps([2**63]).encode(), b"\xff\xfe[1]", b"[[1]]", b"[" * 100_000,
])
def test_malformed_contact_payloads_read_as_no_contacts(payload):
    mime = QMimeData()
    mime.setData(CONTACTS_MIME, payload)
    assert contact_ids_of(mime) == []


def test_a_payload_of_more_than_a_million_ids_reads_as_none_and_a_million_is_fine():
    mime = QMimeData()
    mime.setData(CONTACTS_MIME, json.dumps([0] * 1_000_001).encode())
    assert contact_ids_of(mime) == []
    mime.setData(CONTACTS_MIME, json.dumps(list(range(1_000_000))).encode())
    assert len(contact_ids_of(mime)) == 1_000_000
    assert contact_ids_of(contact_mime([5, 3, 5, 2**63 - 1])) == [5, 3, 2**63 - 1]
    assert contact_ids_of(None) == [] and contact_ids_of(QMimeData()) == []


def test_a_malformed_drop_adds_nothing_and_says_so(env, qtbot):
    ada = add_contact(env, "Ada", "Lovelace")
    gid = add_group(env, "Newsletter")
    before = env.services.journal.undo_target()
    page = open_page(env, qtbot)
    mime = QMimeData()
    mime.setData(CONTACTS_MIME, json.dumps([ada, "DROP TABLE"]).encode())
    drop(page.group_table, row_centre(page.group_table, 0), mime)
    settle(qtbot, env, page)
    assert env.said == ["Nothing was added: what was dropped is not a list of contacts."]
    assert env.services.organize.group_members(gid) == ([], [])
    assert env.services.journal.undo_target() == before
    # Text from another program is not contacts: the list does not even take the drag.
    text = QMimeData()
    text.setText(str(ada))
    assert drop(page.group_table, row_centre(page.group_table, 0), text) == (False, False)


def test_delete_in_the_member_list_removes_the_member_and_moves_to_the_next(env, qtbot):
    ids = [add_contact(env, g, f) for g, f in (("Ada", "Lovelace"), ("Alan", "Turing"),
                                               ("Grace", "Hopper"))]
    gid = add_group(env, "Newsletter", ids)
    page = open_page(env, qtbot)
    assert member_names(page) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    page.member_table.setFocus()
    page.member_table.selectRow(1)
    assert page.remove_button.isEnabled()
    qtbot.keyClick(page.member_table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: member_names(page) == ["Ada Lovelace", "Grace Hopper"])
    settle(qtbot, env, page)
    assert env.said[-1] == "Removed Alan Turing from Newsletter. Ctrl+Z undoes it."
    assert page.selected_member_ids() == [ids[2]]  # Grace, who was below Alan
    assert listed(page) == [("Newsletter", "2")]
    assert len(env.services.organize.groups()) == 1  # the group itself stays
    assert env.services.organize.group_members(gid)[0] == [ids[0], ids[2]]

    env.writer.run(env.services.journal.undo)
    qtbot.waitUntil(lambda: len(member_names(page)) == 3)


def test_double_clicking_a_member_asks_to_open_the_contact(env, qtbot):
    ada = add_contact(env, "Ada", "Lovelace")
    add_group(env, "Newsletter", [ada])
    page = open_page(env, qtbot)
    spot = row_centre(page.member_table, 0)
    with qtbot.waitSignal(page.open_contact) as opened:
        qtbot.mouseClick(page.member_table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
        qtbot.mouseDClick(page.member_table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert opened.args == [ada]


# --- Add to Group… and Tag… ------------------------------------------------------------------

def open_add(env: Env, qtbot, ids: list[int]) -> AddToGroupDialog:
    dialog = AddToGroupDialog(env.services, env.reads, env.writer, ids, env.parent)
    dialog.said.connect(env.said.append)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    return dialog


def test_add_to_a_new_group_creates_it_and_adds_in_one_undo_step(env, qtbot):
    ids = [add_contact(env, g, "Smith") for g in ("Ann", "Bob", "Cy")]
    partners = add_group(env, "Partners of Smith")
    page = open_page(env, qtbot)
    dialog = open_add(env, qtbot, ids)
    assert dialog.heading.text() == "Add 3 contacts to a group"
    qtbot.keyClicks(dialog.filter_field, "Partners")
    # Typing part of a name finds the group; the new one is offered after it.
    assert dialog.chosen() == (partners, "Partners of Smith")
    qtbot.keyClick(dialog.filter_field, Qt.Key.Key_Down)
    assert dialog.chosen() == (NEW_GROUP, "Partners")
    assert dialog.ok_button.text() == "Create and Add"
    qtbot.keyClick(dialog.filter_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: ("Partners", "3") in listed(page))
    settle(qtbot, env, page)
    assert env.said[-1] == ("Created the group Partners and added 3 contacts to it. "
                            "Ctrl+Z undoes it.")

    env.services.journal.undo()  # one step takes back the group and its members
    assert [g.name for g in env.services.organize.groups()] == ["Partners of Smith"]
    assert all(env.services.organize.groups_of_contact(i) == [] for i in ids)


def test_add_to_an_existing_group_names_the_contact_and_the_ones_already_in(env, qtbot):
    ada, alan = add_contact(env, "Ada", "Lovelace"), add_contact(env, "Alan", "Turing")
    gid = add_group(env, "Key accounts", [ada])
    page = open_page(env, qtbot)
    one = open_add(env, qtbot, [alan])
    assert one.heading.text() == "Add Alan Turing to a group"
    qtbot.keyClicks(one.filter_field, "KEY ACC")
    assert one.chosen() == (gid, "Key accounts")
    qtbot.mouseClick(one.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: member_names(page) == ["Ada Lovelace", "Alan Turing"])
    assert env.said[-1] == "Added Alan Turing to Key accounts. Ctrl+Z undoes it."
    both = open_add(env, qtbot, [ada, alan])
    qtbot.keyClicks(both.filter_field, "key accounts")
    qtbot.mouseClick(both.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not both.isVisible())
    assert env.said[-1] == "All 2 contacts are already in Key accounts."


def test_a_contact_trashed_meanwhile_is_said_beside_the_field(env, qtbot):
    ada = add_contact(env, "Ada", "Lovelace")
    dialog = open_add(env, qtbot, [ada])
    env.services.contacts.delete([ada])
    qtbot.keyClicks(dialog.filter_field, "Lovers of maths")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    assert "in the trash" in dialog.message.text() and dialog.isVisible()
    assert env.services.organize.groups() == []  # no empty group left behind


def test_tag_dialog_tags_three_contacts_offering_the_tags_in_use(env, qtbot):
    ids = [add_contact(env, g, "Smith") for g in ("Ann", "Bob", "Cy")]
    env.services.organize.tag_contacts(ids[:1], ["VIP"])
    dialog = TagDialog(env.services, env.reads, env.writer, ids, env.parent)
    dialog.said.connect(env.said.append)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.heading.text() == "Tag 3 contacts"
    assert dialog.tags_in_use() == ["VIP"]
    # The tag after the last comma completes to one in use; the ones before it stay.
    qtbot.keyClicks(dialog.tags_field, "Newsletter, newsletter, v")
    popup = dialog.completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().index(0, 0).data() == "VIP"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.tags_field.text() == "Newsletter, newsletter, VIP, "
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    settle(qtbot, env)
    organize = env.services.organize
    assert organize.contacts_tagged("VIP") == ids
    assert organize.contacts_tagged("Newsletter") == ids
    assert env.said[-1] == "Tagged 3 contacts with Newsletter and VIP. Ctrl+Z undoes it."
    env.services.journal.undo()
    assert organize.contacts_tagged("Newsletter") == [] and organize.contacts_tagged(
        "VIP") == ids[:1]


def test_removing_a_tag_nobody_has_is_refused_and_a_real_one_comes_off(env, qtbot):
    ids = [add_contact(env, g, "Smith") for g in ("Ann", "Bob")]
    env.services.organize.tag_contacts(ids, ["vip"])
    before = env.services.journal.undo_target()
    dialog = TagDialog(env.services, env.reads, env.writer, ids, env.parent, removing=True)
    dialog.said.connect(env.said.append)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.ok_button.text() == "Remove Tags"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Type at least one tag, or several separated by commas."
    qtbot.keyClicks(dialog.tags_field, "vpi")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "There is no tag called “vpi”: check the spelling."
    settle(qtbot, env)
    assert env.services.journal.undo_target() == before
    dialog.tags_field.clear()
    qtbot.keyClicks(dialog.tags_field, "VIP")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert env.services.organize.contacts_tagged("vip") == []
    assert env.said[-1] == "Removed vip from 2 contacts. Ctrl+Z undoes it."


def test_a_change_made_elsewhere_shows_in_the_open_page(env, qtbot):
    ada = add_contact(env, "Ada", "Lovelace")
    gid = add_group(env, "Newsletter", [ada])
    page = open_page(env, qtbot)
    counts: list[str] = []
    page.counted.connect(counts.append)
    contacts = env.services.contacts
    env.writer.run(lambda: contacts.update(replace(contacts.get(ada), given="Augusta Ada")))
    qtbot.waitUntil(lambda: member_names(page) == ["Augusta Ada Lovelace"])
    env.writer.run(lambda: contacts.delete([ada]))  # trashed: no longer a member one sees
    qtbot.waitUntil(lambda: listed(page) == [("Newsletter", "0")])
    settle(qtbot, env, page)
    assert page.member_pane.currentWidget() is page.member_empty
    assert counts[-1] == "1 group · Newsletter: 0 contacts"
    assert env.services.organize.group_members(gid) == ([], [])
