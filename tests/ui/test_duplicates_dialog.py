"""Scan for Duplicates and Merge Contacts as a user meets them, over a real database and the
real window: the scan's list and its reasons, a merge with a field picked from the other
record that keeps every phone and e-mail, Edit ▸ Undo taking it back, Not a Duplicate
(and its Undo), the plain empty result, and Cancel."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact, Email, Phone
from app.services.registry import Services
from tests.ui.test_window_writes import settle
from ui.duplicates import open_scan
from ui.duplicates.merge import MergeDialog
from ui.duplicates.scan import DuplicatesDialog, PairsModel
from ui.main_window import MainWindow


def add(s: Services, given: str, family: str, **kw) -> int:
    return s.contacts.create(Contact(given=given, family=family, **kw)).new_id(Entity.CONTACT)


@pytest.fixture
def ids(db) -> dict[str, int]:
    s = Services.over(db)
    engines = s.accounts.create(Account(name="Analytical Engines")).new_id(Entity.ACCOUNT)
    return {
        "ada": add(s, "Ada", "Lovelace", title="Countess", emails=[Email("ada@example.com")],
                   phones=[Phone("+44 20 7946 0000", "work", True)], notes="Met in 1833."),
        "king": add(s, "Ada", "Lovelace-King", title="Mathematician", account_id=engines,
                    emails=[Email("ADA@example.com"), Email("countess@lovelace.example")],
                    phones=[Phone("+44 7700 900123", "mobile")], notes="Prefers letters."),
        "alan": add(s, "Alan", "Turing", phones=[Phone("+44 161 496 0123")]),
        "alan2": add(s, "Alan", "Turing", phones=[Phone("0161 496 0123")]),
        "grace": add(s, "Grace", "Hopper", emails=[Email("grace@navy.example")]),
    }


@pytest.fixture
def services(db, ids) -> Services:
    return Services.over(db)


@pytest.fixture
def window(services, qtbot):
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    return w


def scanned(qtbot, window: MainWindow) -> DuplicatesDialog:
    dialog = open_scan(window, window.services, window.writer, reads=window.reads,
                       region="GB")
    qtbot.waitUntil(lambda: dialog.report is not None and not window.writer.busy)
    return dialog


def cell(model: PairsModel, row: int, col: int) -> str:
    return model.index(row, col).data()


def merge_dialog(qtbot, scan: DuplicatesDialog) -> MergeDialog:
    qtbot.mouseClick(scan.merge_button, Qt.MouseButton.LeftButton)
    dialog = scan.merge_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.merge_button.isEnabled())
    return dialog


def list_values(dialog: MergeDialog) -> dict[str, str]:
    """Each value of the merged lists, and under which record it is shown."""
    out = {}
    for widget in dialog.list_cells:
        row, col, _rows, cols = dialog.grid.getItemPosition(dialog.grid.indexOf(widget))
        if col > 0:
            out[widget.text()] = "both" if cols == 2 else ("this", "that")[col - 1]
    return out


def test_the_scan_lists_each_pair_and_why_then_a_merge_keeps_every_value_and_undoes(
        qtbot, services, ids, window):
    scan = scanned(qtbot, window)
    model = scan.model
    assert scan.summary.text() == ("2 likely duplicate pairs among 5 contacts, most certain "
                                   "first. Merge… shows both side by side.")
    assert [(cell(model, r, 1), cell(model, r, 2)) for r in range(2)] == [
        ("Ada Lovelace", "Ada Lovelace-King (Analytical Engines)"), ("Alan Turing", "Alan Turing")]
    assert cell(model, 0, 3) == "same e-mail ada@example.com"
    assert cell(model, 1, 3) == "same phone +44 161 496 0123; same name"
    assert cell(model, 0, 0) == "95%"
    qtbot.wait(50)
    scan.grab().save("/tmp/dup_scan.png")

    dialog = merge_dialog(qtbot, scan)
    assert "Ada Lovelace and Ada Lovelace-King look like one person" in dialog.heading.text()
    # Where they differ each has a pick, the record kept by default; the rest is shown once.
    assert set(dialog.picks) == {"family", "title", "notes"}
    assert dialog.picks["family"][0].isChecked()
    qtbot.mouseClick(dialog.picks["family"][1], Qt.MouseButton.LeftButton)  # "Lovelace-King"
    assert dialog.prefer() == {"family": "other", "title": "keep", "notes": "both"}
    assert list_values(dialog) == {
        "+44 20 7946 0000 (work)": "this", "+44 7700 900123 (mobile)": "that",
        "ada@example.com (work)  · in both": "both",
        "countess@lovelace.example (work)": "that"}
    assert "Ada Lovelace-King goes to the Trash" in dialog.footer.text()
    qtbot.wait(50)
    dialog.grab().save("/tmp/dup_merge.png")

    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Merge is the default button
    qtbot.waitUntil(lambda: model.rowCount() == 1 and not window.writer.busy)
    merged = services.contacts.get(ids["ada"])
    assert (merged.given, merged.family, merged.title) == ("Ada", "Lovelace-King", "Countess")
    assert merged.account_name == "Analytical Engines"
    assert [p.value for p in merged.phones] == ["+44 20 7946 0000", "+44 7700 900123"]
    assert [e.value for e in merged.emails] == ["ada@example.com",
                                                "countess@lovelace.example"]
    assert merged.notes == "Met in 1833.\n\nPrefers letters."
    assert services.contacts.get(ids["king"], include_deleted=True).deleted_at is not None
    assert "Merged Ada Lovelace-King into Ada Lovelace" in scan.status.text()
    assert cell(model, 0, 1) == "Alan Turing"

    settle(qtbot, window)
    assert window.edit.undo.text() == "&Undo Merge Ada Lovelace-King into Ada Lovelace"
    window.edit.undo.trigger()
    qtbot.waitUntil(lambda: not window.writer.busy and window.edit.idle)
    back = services.contacts.get(ids["ada"])
    assert (back.family, [e.value for e in back.emails]) == ("Lovelace", ["ada@example.com"])
    assert services.contacts.get(ids["king"]).deleted_at is None


def test_keeping_that_record_takes_its_values_unless_picked(qtbot, services, ids, window):
    scan = scanned(qtbot, window)
    dialog = merge_dialog(qtbot, scan)
    qtbot.mouseClick(dialog.picks["title"][0], Qt.MouseButton.LeftButton)  # "Countess"
    dialog.survivors.button(1).click()  # keep Ada Lovelace-King
    assert dialog.picks["family"][1].isChecked()  # untouched: follows the record kept
    assert dialog.prefer() == {"family": "keep", "title": "other", "notes": "both"}
    assert "Ada Lovelace goes to the Trash" in dialog.footer.text()
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: scan.model.rowCount() == 1 and not window.writer.busy)
    kept = services.contacts.get(ids["king"])
    assert (kept.family, kept.title) == ("Lovelace-King", "Countess")
    assert len(kept.emails) == 2 and len(kept.phones) == 2
    assert services.contacts.get(ids["ada"], include_deleted=True).deleted_at is not None


def test_not_a_duplicate_stays_put_away_and_undo_brings_it_back(qtbot, services, window):
    scan = scanned(qtbot, window)
    scan.table.selectRow(1)
    qtbot.mouseClick(scan.dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: scan.model.rowCount() == 1)
    assert scan.status.text() == "Alan Turing and Alan Turing will not be suggested again."
    qtbot.mouseClick(scan.rescan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.writer.busy and scan.rescan_button.isEnabled())
    assert [cell(scan.model, r, 1) for r in range(scan.model.rowCount())] == ["Ada Lovelace"]
    scan.table.selectRow(0)
    qtbot.keyClick(scan.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: scan.model.rowCount() == 0)
    assert scan.summary.text() == "No likely duplicates among 5 contacts."
    assert "2 pairs you marked as not duplicates are left out." in scan.empty_note.text()
    assert not scan.merge_button.isEnabled()
    qtbot.mouseClick(scan.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: scan.model.rowCount() == 1)
    assert cell(scan.model, 0, 1) == "Ada Lovelace"


def test_an_address_book_without_duplicates_says_so(qtbot, db):
    s = Services.over(db)
    for given, family in (("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper")):
        add(s, given, family)
    w = MainWindow(s)
    qtbot.addWidget(w)
    w.show()
    settle(qtbot, w)
    scan = scanned(qtbot, w)
    assert scan.summary.text() == "No likely duplicates among 3 contacts."
    assert scan.empty_note.isVisible() and not scan.table.isVisible()
    assert not scan.merge_button.isEnabled()
    assert open_scan(w, s, w.writer) is scan  # asked again: the one already open


def test_cancel_stops_the_scan_and_says_so(qtbot, services, window):
    window.writer.run(lambda: time.sleep(0.4))  # the scan waits its turn behind this
    scan = DuplicatesDialog(services, window.writer, window, region="GB")
    qtbot.addWidget(scan)
    scan.show()
    scan.scan()
    assert scan.task is not None
    scan.task.dialog.canceled.emit()  # what the progress dialog's Cancel button sends
    qtbot.waitUntil(lambda: scan.task is not None and scan.task.finished)
    assert scan.report is None
    assert scan.summary.text().startswith("The scan was cancelled")
    assert scan.rescan_button.isEnabled()


def test_the_pairs_model_is_a_sound_item_model(qtbot, qtmodeltester, services, window):
    scan = scanned(qtbot, window)
    qtmodeltester.check(scan.model)


def test_return_in_the_list_opens_the_selected_pair_once(qtbot, services, window):
    scan = scanned(qtbot, window)
    scan.table.selectRow(1)
    scan.table.setFocus()
    qtbot.keyClick(scan.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: scan.merge_dialog is not None
                    and scan.merge_dialog.merge_button.isEnabled())
    (dialog,) = scan.findChildren(MergeDialog)
    assert "Alan Turing and Alan Turing look like one person" in dialog.heading.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
