"""The Relationships tab as a user meets it: both directions in each person's own words, the
other person's name opening them, the empty state's button, the Add Relationship dialog
(finding the person by typing, saying what is wrong without closing), edit and remove from
the keyboard, Undo, and the tab of the other person following along. Real widgets over a real
database, reads and writes on the real ReadPool and Writer."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.relationship import Relationship, RelationshipKind
from app.services.registry import Services
from ui.contacts import relationship_dialog as dialog_module
from ui.contacts.relationship_dialog import RelationshipDialog
from ui.contacts.relationships_tab import NARROW_ROW, RelationshipsTab
from ui.tasks import ChangeBus, ReadPool, Writer

K = RelationshipKind
CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass
class Env:
    services: Services
    reads: ReadPool
    writer: Writer
    parent: QWidget
    alice: int
    bob: int
    carol: int


@pytest.fixture(autouse=True)
def errors_fail_the_test(monkeypatch):
    """An error dialog would wait for a click that never comes: fail with the error instead."""
    def shown(_parent, exc: BaseException) -> None:
        raise AssertionError(f"an error dialog was shown: {exc!r}") from exc

    monkeypatch.setattr(dialog_module, "show_error", shown)


@pytest.fixture
def env(db, qtbot) -> Env:
    s = Services.over(db)
    alice, bob, carol = (s.contacts.create(Contact(given=g, family=f)).new_id(Entity.CONTACT)
                         for g, f in (("Alice", "Jones"), ("Bob", "Smith"), ("Carol", "Wu")))
    parent = QWidget()
    bus = ChangeBus(parent)
    reads, writer = ReadPool(parent), Writer(bus, parent)

    def finish(_w: QWidget) -> None:
        writer.wait()  # the database closes after the test: nothing may still be using it
        reads.wait()

    qtbot.addWidget(parent, before_close_func=finish)
    return Env(s, reads, writer, parent, alice, bob, carol)


def open_tab(env: Env, qtbot, cid: int, width: int = 520) -> RelationshipsTab:
    tab = RelationshipsTab(env.services, env.reads, env.writer)
    qtbot.addWidget(tab)
    env.writer.bus.changed.connect(tab.apply_changes)  # what the record pane does
    tab.resize(width, 320)
    tab.show()
    qtbot.waitExposed(tab)
    tab.show_contact(cid)
    settle(qtbot, env, tab)
    return tab


def settle(qtbot, env: Env, tab: RelationshipsTab) -> None:
    qtbot.waitUntil(lambda: tab.loaded and not env.reads.busy and not env.writer.busy)


def shown(tab: RelationshipsTab) -> list[str]:
    """Each row as a user reads it: the phrase and name, then the note if there is one."""
    return [" ".join(x for x in (row.text.text().split("<")[0]
                                 + row.summary.other_name, row.note.full) if x)
            for row in tab.rows]


def relate(env: Env, kind: K, a: int, b: int, **kw) -> None:
    env.services.relationships.add(Relationship(kind, a, b, **kw))


def undo(qtbot, env: Env, tab: RelationshipsTab) -> None:
    env.writer.run(env.services.journal.undo)
    settle(qtbot, env, tab)


def focus_row(qtbot, tab: RelationshipsTab, at: int) -> None:
    tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab)
    tab.rows[at].setFocus()
    qtbot.waitUntil(tab.rows[at].hasFocus)


def open_dialog(qtbot, tab: RelationshipsTab, act) -> RelationshipDialog:
    act()
    dialog = tab.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def pick_person(qtbot, env: Env, dialog: RelationshipDialog, typed: str) -> None:
    activate(qtbot, dialog)
    dialog.person.setFocus()
    qtbot.keyClicks(dialog.person, typed)
    popup = dialog.person.finder.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.person.chosen is not None)


def activate(qtbot, dialog: RelationshipDialog) -> None:
    """Shortcuts need the dialog to be the active window, as it is on screen."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def save(qtbot, env: Env, tab: RelationshipsTab, dialog: RelationshipDialog) -> None:
    activate(qtbot, dialog)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return, CTRL)
    settle(qtbot, env, tab)


# --- reading -----------------------------------------------------------------------------------

def test_each_person_reads_the_relationship_in_their_own_words(env, qtbot):
    relate(env, K.REPORTS_TO, env.alice, env.bob, note="since May\nweekly one-to-one")
    relate(env, K.SPOUSE_OF, env.carol, env.bob)
    relate(env, K.REFERRED_BY, env.carol, env.alice)
    bobs = open_tab(env, qtbot, env.bob)
    assert shown(bobs) == ["Manages Alice Jones since May · weekly one-to-one",
                           "Spouse of Carol Wu"]
    assert "Alice Jones reports to Bob Smith" in bobs.rows[0].toolTip()
    alices = open_tab(env, qtbot, env.alice)
    assert shown(alices) == ["Reports to Bob Smith since May · weekly one-to-one",
                             "Referred Carol Wu"]


def test_following_a_name_opens_that_person(env, qtbot):
    relate(env, K.ASSISTANT_OF, env.carol, env.alice)
    tab = open_tab(env, qtbot, env.alice)
    with qtbot.waitSignal(tab.open_contact) as opened:
        tab.rows[0].text.linkActivated.emit(str(env.carol))  # a click on the name
    assert opened.args == [env.carol]
    focus_row(qtbot, tab, 0)
    with qtbot.waitSignal(tab.open_contact) as opened:
        qtbot.keyClick(tab.rows[0], Qt.Key.Key_Return)
    assert opened.args == [env.carol]


def test_the_empty_state_says_what_the_tab_is_for_and_its_button_adds_one(env, qtbot):
    tab = open_tab(env, qtbot, env.alice)
    assert tab.rows == [] and not tab.bar.isVisible()
    assert "No relationships for Alice Jones yet" in tab.empty_text.text()
    assert tab.empty_add_button.isVisible()
    qtbot.mouseClick(tab.empty_add_button, Qt.MouseButton.LeftButton)
    assert tab.dialog is not None and tab.dialog.isVisible()
    assert tab.dialog.windowTitle() == "Add Relationship: Alice Jones"
    tab.dialog.reject()  # nothing typed: closes without asking


def test_with_no_contact_the_tab_says_so_and_offers_nothing_to_add(env, qtbot):
    tab = open_tab(env, qtbot, env.alice)
    tab.clear()
    assert "Choose a contact" in tab.empty_text.text()
    assert not tab.empty_add_button.isVisible() and not tab.add_action.isEnabled()


# --- adding ------------------------------------------------------------------------------------

def test_a_relationship_added_by_typing_a_name_shows_on_both_peoples_tabs(env, qtbot):
    bobs = open_tab(env, qtbot, env.bob)
    tab = open_tab(env, qtbot, env.alice)
    tab.activateWindow()
    dialog = open_dialog(qtbot, tab, lambda: qtbot.keyClick(
        tab, Qt.Key.Key_R, CTRL | Qt.KeyboardModifier.ShiftModifier))
    dialog.role.setCurrentIndex(dialog.role.findText("Manages"))
    pick_person(qtbot, env, dialog, "Bob")
    assert dialog.person.text() == "Bob Smith"
    assert dialog.preview.text() == "Bob Smith reports to Alice Jones."
    qtbot.keyClicks(dialog.note, "Since the reorganisation")
    with qtbot.waitSignal(tab.said) as said:
        save(qtbot, env, tab, dialog)
    assert not any(isinstance(w, RelationshipDialog) and w.isVisible()
                   for w in QApplication.topLevelWidgets())
    assert said.args == ["Added: Bob Smith reports to Alice Jones. Ctrl+Z undoes it."]
    assert shown(tab) == ["Manages Bob Smith Since the reorganisation"]
    settle(qtbot, env, bobs)
    assert shown(bobs) == ["Reports to Alice Jones Since the reorganisation"]
    assert env.services.journal.undo_target().label == (
        "Add relationship: Bob Smith reports to Alice Jones")


def test_a_relationship_of_ones_own_naming(env, qtbot):
    tab = open_tab(env, qtbot, env.alice)
    dialog = open_dialog(qtbot, tab, tab.add_relationship)
    assert not dialog.label.isVisible()
    dialog.role.setCurrentIndex(dialog.role.findText("Other…"))
    assert dialog.label.isVisible() and dialog.reverse.isVisible()
    qtbot.keyClicks(dialog.label, "Mentor of")
    qtbot.keyClicks(dialog.reverse, "Mentored by")
    pick_person(qtbot, env, dialog, "Carol")
    save(qtbot, env, tab, dialog)
    assert shown(tab) == ["Mentor of Carol Wu"]
    assert shown(open_tab(env, qtbot, env.carol)) == ["Mentored by Alice Jones"]


def test_a_refused_save_keeps_the_dialog_open_and_says_why(env, qtbot):
    relate(env, K.SPOUSE_OF, env.bob, env.alice)
    tab = open_tab(env, qtbot, env.alice)
    dialog = open_dialog(qtbot, tab, tab.add_relationship)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.message.message == "Type the other person's name."
    dialog.role.setCurrentIndex(dialog.role.findText("Spouse of"))
    pick_person(qtbot, env, dialog, "Bob")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.message.message))
    assert dialog.isVisible()
    assert "“Bob Smith and Alice Jones are married” is already recorded" in (
        dialog.message.message)
    assert shown(tab) == ["Spouse of Bob Smith"]


def test_the_person_list_never_offers_the_contact_themselves(env, qtbot):
    tab = open_tab(env, qtbot, env.alice)
    dialog = open_dialog(qtbot, tab, tab.add_relationship)
    dialog.person.setFocus()
    qtbot.keyClicks(dialog.person, "Jones")
    assert dialog.person.busy
    qtbot.waitUntil(lambda: not dialog.person.busy)
    assert dialog.person.matches.rowCount() == 0 and dialog.person.chosen is None
    dialog.person.clear()
    qtbot.keyClicks(dialog.person, "Smith")
    qtbot.waitUntil(lambda: not dialog.person.busy)
    assert dialog.person.matches.rowCount() == 1


# --- editing and removing ------------------------------------------------------------------------

def test_f2_edits_the_focused_relationship_and_its_note_changes(env, qtbot):
    relate(env, K.REPORTS_TO, env.alice, env.bob, note="old note")
    tab = open_tab(env, qtbot, env.bob)
    focus_row(qtbot, tab, 0)
    dialog = open_dialog(qtbot, tab, lambda: qtbot.keyClick(tab.rows[0], Qt.Key.Key_F2))
    assert dialog.windowTitle() == "Edit Relationship: Bob Smith"
    assert dialog.role.currentText() == "Manages"
    assert (dialog.person.text(), dialog.note.toPlainText()) == ("Alice Jones", "old note")
    dialog.note.selectAll()
    qtbot.keyClicks(dialog.note, "new note")
    save(qtbot, env, tab, dialog)
    assert shown(tab) == ["Manages Alice Jones new note"]


def test_an_edit_of_a_relationship_changed_elsewhere_meanwhile_is_refused_in_words(env, qtbot):
    relate(env, K.REPORTS_TO, env.alice, env.bob)
    tab = open_tab(env, qtbot, env.alice)
    dialog = open_dialog(qtbot, tab, lambda: tab.edit_relationship(tab.summaries[0]))
    stored = env.services.relationships.get(tab.summaries[0].id)
    env.services.relationships.update(replace(stored, note="from the other window"))
    qtbot.keyClicks(dialog.note, "mine")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.message.message))
    assert "was changed elsewhere after you started editing it" in dialog.message.message
    assert dialog.isVisible()


def test_delete_removes_the_focused_row_and_undo_brings_it_back(env, qtbot):
    relate(env, K.REPORTS_TO, env.alice, env.bob)
    relate(env, K.SPOUSE_OF, env.alice, env.carol)
    tab = open_tab(env, qtbot, env.alice)
    focus_row(qtbot, tab, 0)
    with qtbot.waitSignal(tab.said) as said:
        qtbot.keyClick(tab.rows[0], Qt.Key.Key_Delete)
    settle(qtbot, env, tab)
    assert said.args == ["Removed: Alice Jones reports to Bob Smith. Ctrl+Z brings it back."]
    assert shown(tab) == ["Spouse of Carol Wu"]
    assert tab.rows[0].hasFocus()  # the next row, so Delete again goes on down the list
    undo(qtbot, env, tab)
    assert shown(tab) == ["Reports to Bob Smith", "Spouse of Carol Wu"]


def test_arrow_keys_move_between_rows(env, qtbot):
    relate(env, K.REPORTS_TO, env.alice, env.bob)
    relate(env, K.SPOUSE_OF, env.alice, env.carol)
    tab = open_tab(env, qtbot, env.alice)
    focus_row(qtbot, tab, 0)
    qtbot.keyClick(tab.rows[0], Qt.Key.Key_Down)
    assert tab.rows[1].hasFocus()
    qtbot.keyClick(tab.rows[1], Qt.Key.Key_Up)
    assert tab.rows[0].hasFocus()


# --- following the rest of the data --------------------------------------------------------------

def test_someone_moved_to_the_trash_leaves_the_list_and_comes_back_on_restore(env, qtbot):
    relate(env, K.REFERRED_BY, env.alice, env.bob)
    tab = open_tab(env, qtbot, env.alice)
    env.writer.run(lambda: env.services.contacts.delete([env.bob]))
    settle(qtbot, env, tab)
    assert tab.rows == [] and tab.empty_add_button.isVisible()
    undo(qtbot, env, tab)
    assert shown(tab) == ["Referred by Bob Smith"]


def test_a_renamed_person_is_shown_by_their_new_name(env, qtbot):
    relate(env, K.ASSISTANT_OF, env.carol, env.alice)
    tab = open_tab(env, qtbot, env.alice)
    carol = env.services.contacts.get(env.carol)
    env.writer.run(lambda: env.services.contacts.update(replace(carol, family="Okafor")))
    qtbot.waitUntil(lambda: shown(tab) == ["Assisted by Carol Okafor"])


def test_a_narrow_tab_folds_edit_and_remove_into_one_button(env, qtbot):
    relate(env, K.REPORTS_TO, env.alice, env.bob, note="a long note " * 12)
    tab = open_tab(env, qtbot, env.alice, width=NARROW_ROW - 60)
    row = tab.rows[0]
    qtbot.waitUntil(row.more_button.isVisible)
    assert not row.edit_button.isVisible() and not row.remove_button.isVisible()
    assert row.note.text().endswith("…") and "a long note" in row.toolTip()
    assert [a.text() for a in row.actions_menu().actions()] == [
        "Open Bob Smith", "Edit…", "Remove"]
    tab.resize(NARROW_ROW + 200, 320)
    qtbot.waitUntil(row.edit_button.isVisible)
