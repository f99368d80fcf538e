"""The window's write side as a user meets it: delete and undo from the keyboard, the Edit
menu naming what it would undo, and changes made outside the window showing up without a
restart (the command line, a restore from the shell)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain.changes import Entity
from app.domain.contact import Contact
from app.services.registry import Services
from tests.reliability.storage import scalar
from tests.ui.test_main_window import on_screen_rows_read
from ui.contacts.table_model import Column
from ui.main_window import MainWindow, View

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(db, qtbot):
    s = Services.over(db)
    for given, family in (("Grace", "Hopper"), ("Alan", "Turing"), ("Ada", "Lovelace")):
        s.contacts.create(Contact(given=given, family=family))
    w = MainWindow(s, title="Rolodeck")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    return w


def settle(qtbot, w: MainWindow) -> None:
    qtbot.waitUntil(lambda: w.model.loaded and not w.reads.busy and not w.writer.busy
                    and w.edit.idle and on_screen_rows_read(w) and (w.ready or not w.isVisible()))


def names(w: MainWindow) -> list[str]:
    return [w.model.index(r, Column.NAME).data() for r in range(w.model.rowCount())]


def select(qtbot, w: MainWindow, name: str) -> None:
    row = names(w).index(name)
    w.table.setFocus()
    w.table.selectRow(row)
    qtbot.waitUntil(lambda: w.contacts.delete_action.isEnabled())


def rolodeck(db_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ROLODECK_DB"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=True)


def test_delete_key_moves_the_contact_away_and_ctrl_z_brings_it_back(qtbot, window):
    select(qtbot, window, "Alan Turing")
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "Alan Turing" not in names(window))
    settle(qtbot, window)
    assert "Deleted Alan Turing" in window.statusBar().currentMessage()
    # The next contact is chosen, as a mail reader moves on to the next message.
    current = window.table.currentIndex()
    assert window.model.index(current.row(), Column.NAME).data() == "Grace Hopper"
    assert window.selected_ids() == [window.model.id_at(current.row())]
    assert window.edit.undo.text() == "&Undo Delete Alan Turing"
    assert window.undo_hint.text() == "Undo: Delete Alan Turing"
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Alan Turing" in names(window))
    settle(qtbot, window)
    assert window.edit.redo.text() == "&Redo Delete Alan Turing"
    window.edit.redo.trigger()
    qtbot.waitUntil(lambda: "Alan Turing" not in names(window))


def test_delete_in_the_search_box_edits_the_text_and_deletes_no_contact(qtbot, window):
    window.contacts.search_field.setFocus()
    window.contacts.search_field.setText("Ada")
    window.contacts.search_field.setCursorPosition(0)
    qtbot.keyClick(window.contacts.search_field, Qt.Key.Key_Delete)
    assert window.contacts.search_field.text() == "da"
    settle(qtbot, window)
    assert len(window.services.directory.contact_ids()) == 3
    assert window.services.journal.undo_target().label == "Add Ada Lovelace"


def test_undo_after_the_window_was_closed_and_opened_again(qtbot, db, window):
    select(qtbot, window, "Grace Hopper")
    window.delete_selected()
    qtbot.waitUntil(lambda: "Grace Hopper" not in names(window))
    settle(qtbot, window)
    window.close()
    again = MainWindow(Services.over(db), title="Rolodeck")
    qtbot.addWidget(again)
    again.show()
    settle(qtbot, again)
    assert again.edit.undo.text() == "&Undo Delete Grace Hopper"
    again.edit.undo.trigger()
    qtbot.waitUntil(lambda: "Grace Hopper" in names(again))


def test_a_contact_added_from_the_command_line_shows_up_within_two_seconds(
        qtbot, window, db_path):
    rolodeck(db_path, "contacts", "add", "--given", "Katherine", "--family", "Johnson")
    qtbot.waitUntil(lambda: "Katherine Johnson" in names(window), timeout=2500)
    settle(qtbot, window)
    # The Edit menu follows too: Ctrl+Z now undoes what the command line did.
    assert window.edit.undo.text().startswith("&Undo Add Katherine Johnson")


def test_a_restore_from_the_shell_reloads_the_window(qtbot, window, db_path, tmp_path):
    backup = tmp_path / "before.rolodeck-backup"
    rolodeck(db_path, "backup", str(backup))
    rolodeck(db_path, "contacts", "add", "--given", "Dorothy", "--family", "Vaughan")
    qtbot.waitUntil(lambda: "Dorothy Vaughan" in names(window), timeout=2500)
    rolodeck(db_path, "restore", str(backup))
    qtbot.waitUntil(lambda: names(window) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
                    timeout=2500)


def test_the_windows_own_delete_is_applied_once_not_again_from_the_journal(qtbot, window):
    seen = []
    window.bus.changed.connect(seen.append)
    select(qtbot, window, "Ada Lovelace")
    window.delete_selected()
    qtbot.waitUntil(lambda: bool(seen))
    window.watch.check()
    qtbot.wait(300)
    settle(qtbot, window)
    assert [c.deleted.get(Entity.CONTACT) is not None for c in seen] == [True]


# --- the Trash ------------------------------------------------------------------------------

def trash_names(w: MainWindow) -> list[str]:
    m = w.trash.model
    return [m.index(r, Column.NAME).data() for r in range(m.rowCount())]


def test_a_deleted_contact_waits_in_the_trash_and_restore_brings_it_back(qtbot, window):
    select(qtbot, window, "Alan Turing")
    window.delete_selected()
    qtbot.waitUntil(lambda: "Alan Turing" not in names(window))
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentWidget() is window.trash
    qtbot.waitUntil(lambda: trash_names(window) == ["Alan Turing"])
    assert window.count_label.text() == "1 contact in the Trash"
    window.trash.table.selectRow(0)
    qtbot.keyClick(window.trash.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: trash_names(window) == [])
    assert window.trash.empty_state.isVisible()
    assert "The Trash is empty" in window.trash.empty_state.text()
    assert window.count_label.text() == "The Trash is empty"
    assert "Restored Alan Turing" in window.statusBar().currentMessage()
    window.show_view(View.CONTACTS)
    qtbot.waitUntil(lambda: "Alan Turing" in names(window))
    assert window.count_label.text() == "3 contacts"


def test_delete_for_good_from_the_trash_and_undo_of_it(qtbot, window, db_path):
    select(qtbot, window, "Grace Hopper")
    window.delete_selected()
    qtbot.waitUntil(lambda: "Grace Hopper" not in names(window))
    window.show_view(View.TRASH)
    qtbot.waitUntil(lambda: trash_names(window) == ["Grace Hopper"])
    window.trash.table.setFocus()
    window.trash.table.selectRow(0)
    qtbot.keyClick(window.trash.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: trash_names(window) == [])
    settle(qtbot, window)
    assert scalar(db_path, "SELECT count(*) FROM contacts") == 2
    assert window.edit.undo.text() == "&Undo Delete Grace Hopper for good"
    window.edit.undo.trigger()
    qtbot.waitUntil(lambda: trash_names(window) == ["Grace Hopper"])


def test_empty_trash_asks_first_and_a_no_leaves_everything(qtbot, window, monkeypatch,
                                                          db_path):
    window.services.contacts.delete(window.services.directory.contact_ids())
    window.show_view(View.TRASH)
    qtbot.waitUntil(lambda: len(trash_names(window)) == 3)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (
        asked.append(a[2]), QMessageBox.StandardButton.Cancel)[1])
    window.trash.empty_button.click()
    assert "Delete all 3 contacts in the Trash for good?" in asked[0]
    settle(qtbot, window)
    assert scalar(db_path, "SELECT count(*) FROM contacts") == 3
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.trash.empty_button.click()
    qtbot.waitUntil(lambda: trash_names(window) == [])
    assert scalar(db_path, "SELECT count(*) FROM contacts") == 0


def test_the_trash_search_finds_by_name(qtbot, window):
    window.services.contacts.delete(window.services.directory.contact_ids())
    window.show_view(View.TRASH)
    qtbot.waitUntil(lambda: len(trash_names(window)) == 3)
    qtbot.keyClicks(window.trash.search_field, "lovel")
    qtbot.waitUntil(lambda: trash_names(window) == ["Ada Lovelace"])
    assert window.count_label.text() == "1 in the Trash match “lovel”"


# --- the editor, from the window -----------------------------------------------------------

def open_editors(w: MainWindow) -> list:
    return [e for e in w.contacts._editors if e.isVisible()]


def test_new_contact_from_the_window_is_in_the_list_and_selected(qtbot, window):
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(open_editors(window)) == 1)
    editor = open_editors(window)[0]
    qtbot.waitUntil(lambda: editor.ready)
    qtbot.keyClicks(editor.form.given, "Katherine")
    qtbot.keyClicks(editor.form.family, "Johnson")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Katherine Johnson" in names(window))
    settle(qtbot, window)
    current = window.table.currentIndex()
    assert window.model.index(current.row(), Column.NAME).data() == "Katherine Johnson"
    assert window.edit.undo.text() == "&Undo Add Katherine Johnson"


def test_enter_on_the_list_opens_the_contact_and_an_edit_shows_in_the_row(qtbot, window):
    select(qtbot, window, "Grace Hopper")
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(open_editors(window)) == 1)
    editor = open_editors(window)[0]
    qtbot.waitUntil(lambda: editor.ready and editor.form.given.text() == "Grace")
    qtbot.keyClicks(editor.form.title, "Rear Admiral")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    row = window.model.row_of(editor.contact_id)
    qtbot.waitUntil(lambda: window.model.index(row, Column.TITLE).data() == "Rear Admiral")
    # Enter again on the same contact brings up one editor, not a second.
    window.activateWindow()
    window.table.setFocus()
    qtbot.waitUntil(lambda: window.table.hasFocus())
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(open_editors(window)) == 1)
    qtbot.wait(200)
    assert len(open_editors(window)) == 1


def test_quitting_with_unsaved_typing_in_an_editor_asks_and_keeps_it(qtbot, window,
                                                                       monkeypatch):
    import ui.contacts.editor as editor_module
    from ui.contacts import unsaved

    window.new_contact()
    editor = open_editors(window)[0]
    qtbot.waitUntil(lambda: editor.ready)
    qtbot.keyClicks(editor.form.given, "Half-typed")
    asked = []
    monkeypatch.setattr(editor_module, "ask_about_changes", lambda _parent, name: (
        asked.append(name), unsaved.Answer.KEEP_EDITING)[1])
    window.close()
    assert asked == ["Half-typed"]
    assert window.isVisible() and editor.isVisible()
    assert editor.form.given.text() == "Half-typed"
