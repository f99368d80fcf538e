"""The export dialog as a user meets it: choose whose contacts, a format and what to include,
export, and read what was written only once it is there; an existing file is replaced only
after asking, a Cancel and a mistake leave nothing, and the next export starts in the folder
the last one went to."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QPushButton

from app.domain.changes import Entity
from app.domain.contact import Contact, Email, ImHandle, Phone
from app.domain.groups import Group
from app.services.export_files import ExportExists
from app.services.registry import Services
from importers.vcard import ParsedCard, read_vcards
from tests.ui.test_window_writes import settle
from ui.exports import ExportDialog, open_export
from ui.main_window import MainWindow


class Picks:
    """The user's answers to the file and folder choosers."""

    def __init__(self, file: Path | None = None, folder: Path | None = None):
        self.file, self.chosen_folder = file, folder
        self.asked: list[Path] = []

    def save_path(self, parent, suggested: Path, file_filter: str) -> Path | None:
        self.asked.append(suggested)
        return self.file

    def folder(self, parent, start: Path) -> Path | None:
        self.asked.append(start)
        return self.chosen_folder


@pytest.fixture
def services(db) -> Services:
    s = Services.over(db)
    ids = [s.contacts.create(c).new_id(Entity.CONTACT) for c in (
        Contact(given="Ada", family="Lovelace", emails=[Email("ada@example.org")],
                phones=[Phone("+44 20 7946 0001")], notes="Wrote the first program"),
        Contact(given="Grace", family="Hopper", ims=[ImHandle("grace", "skype")]),
        Contact(given="Alan", family="Turing"))]
    s.organize.create_group_with(Group("Key accounts"), ids[:2])
    return s


@pytest.fixture
def window(services, qtbot):
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    return w


def opened(qtbot, window: MainWindow, picks: Picks, selection=(), group_id=None,
           answers: list[bool] | None = None) -> ExportDialog:
    def ask(_parent, exists: ExportExists) -> bool:
        picks.asked.extend(exists.paths)
        return answers.pop(0) if answers else False

    dialog = open_export(window, window.services, list(selection), group_id, picker=picks,
                         ask=ask)
    qtbot.waitUntil(lambda: dialog.choices is not None)
    return dialog


def click(qtbot, button: QAbstractButton) -> None:
    """A click on a radio button's or check box's own mark, as a user aims it (the widget may
    be wider than its text)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def finished(qtbot, dialog: ExportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=10000)


def card_names(path: Path) -> list[str]:
    with open(path, "rb") as f:
        return [p.contact.display_name for p in read_vcards(f, name=path.name)
                if isinstance(p, ParsedCard)]


def test_export_a_group_to_one_file_and_be_told_once_it_is_there(qtbot, window, tmp_path):
    picks = Picks(file=tmp_path / "key.vcf")
    dialog = opened(qtbot, window, picks)
    assert dialog.all_button.text() == "&All contacts (3)"
    assert not dialog.selected_button.isEnabled()  # nothing selected
    assert dialog.group_combo.currentText() == "Key accounts (2)"
    assert dialog.format_combo.currentData() == "vcard3"
    assert [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())] == [
        "vcard3", "vcard4", "csv-google", "csv-outlook", "csv", "ldif", "ics"]
    click(qtbot, dialog.group_button)
    assert dialog.destination.text().endswith("Key accounts.vcf")  # named for what goes
    assert dialog.export_button.text() == "Export 2 contacts"
    dialog.choose_destination()
    assert dialog.destination.text() == str(tmp_path / "key.vcf")
    button = dialog.export_button
    qtbot.waitUntil(lambda: button.width() >= button.sizeHint().width())  # laid out again
    dialog.grab().save("/tmp/export_dialog.png")
    qtbot.keyClick(dialog.destination, Qt.Key.Key_Return)  # Export is the default button
    finished(qtbot, dialog)
    assert dialog.pages.currentIndex() == 1
    assert dialog.summary.text() == "Exported 2 contacts to key.vcf."
    assert card_names(tmp_path / "key.vcf") == ["Ada Lovelace", "Grace Hopper"]
    assert dialog.show_folder.isVisible()
    dialog.grab().save("/tmp/export_dialog_done.png")
    dialog.accept()
    # The next export starts where this one went.
    again = opened(qtbot, window, Picks())
    assert Path(again.destination.text()).parent == tmp_path
    assert again.format_combo.currentData() == "vcard3"


def test_a_file_per_contact_into_a_folder(qtbot, window, services, tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    ids = services.directory.contact_ids()
    dialog = opened(qtbot, window, Picks(folder=folder), selection=ids[:2])
    assert dialog.selected_button.isChecked()  # several selected: they are what goes
    assert dialog.selected_button.text() == "The 2 &selected contacts"
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("vcard4"))
    click(qtbot, dialog.all_button)
    click(qtbot, dialog.per_contact)
    assert dialog.destination_label.text() == "Save &into:"
    dialog.choose_destination()
    assert dialog.destination.text() == str(folder)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    finished(qtbot, dialog)
    assert dialog.summary.text() == "Exported 3 contacts to 3 files in cards."
    assert sorted(os.listdir(folder)) == ["Ada Lovelace.vcf", "Alan Turing.vcf",
                                          "Grace Hopper.vcf"]
    assert card_names(folder / "Alan Turing.vcf") == ["Alan Turing"]


def test_the_fields_a_format_cannot_leave_out_or_hold_are_not_offered(qtbot, window, tmp_path):
    dialog = opened(qtbot, window, Picks())
    photo, chat = dialog.part_boxes[dialog_part("photo")], dialog.part_boxes[dialog_part("chat")]
    notes = dialog.part_boxes[dialog_part("notes")]
    assert photo.isEnabled() and photo.isChecked() and dialog.per_contact.isEnabled()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("csv-outlook"))
    assert not photo.isEnabled() and not photo.isChecked()
    assert not chat.isEnabled() and not dialog.per_contact.isEnabled()
    assert dialog.destination.text().endswith("contacts.csv")  # the extension followed
    click(qtbot, notes)
    assert not notes.isChecked()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("vcard3"))
    assert photo.isEnabled() and photo.isChecked()  # the user's choice, back again
    assert chat.isChecked() and not notes.isChecked()
    path = tmp_path / "no-notes.vcf"
    dialog.destination.setText(str(path))
    dialog._destination_typed(str(path))
    dialog.export()
    finished(qtbot, dialog)
    text = path.read_text(encoding="utf-8")
    assert "ada@example.org" in text and "Wrote the first program" not in text


def dialog_part(name: str):
    from app.services.imports_export import Part

    return Part(name)


def test_an_existing_file_is_replaced_only_after_asking(qtbot, window, tmp_path):
    path = tmp_path / "mine.vcf"
    path.write_bytes(b"\x00mine")
    picks = Picks(file=path)
    answers = [False, True]
    dialog = opened(qtbot, window, picks, answers=answers)
    dialog.choose_destination()
    dialog.export()
    finished(qtbot, dialog)
    assert picks.asked[-1] == path and path.read_bytes() == b"\x00mine"
    assert dialog.pages.currentIndex() == 0
    assert "Nothing was written" in dialog.message.text() and dialog.message.isVisible()
    dialog.export()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    assert card_names(path) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert dialog.summary.text() == "Exported 3 contacts to mine.vcf."


def test_a_cancel_leaves_nothing_and_the_dialog_open(qtbot, window, tmp_path):
    path = tmp_path / "all.vcf"
    dialog = opened(qtbot, window, Picks(file=path))
    dialog.choose_destination()
    gate = threading.Event()
    window.writer.run(gate.wait)  # the writer is busy: the export waits behind it
    dialog.export()
    assert dialog.task is not None
    dialog.task.dialog.findChild(QPushButton).click()  # the progress dialog's Cancel
    gate.set()
    finished(qtbot, dialog)
    assert dialog.pages.currentIndex() == 0
    assert dialog.message.text() == "The export was cancelled; nothing was written."
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("rolodeck")
                  ) == []


def test_a_folder_that_is_not_there_is_said_in_words(qtbot, window, tmp_path):
    dialog = opened(qtbot, window, Picks())
    dialog.destination.clear()
    qtbot.keyClicks(dialog.destination, str(tmp_path / "no such" / "x.vcf"))
    dialog.export()
    finished(qtbot, dialog)
    assert dialog.pages.currentIndex() == 0
    assert dialog.message.property("kind") == "error"
    assert "There is no folder" in dialog.message.text() and "no such" in dialog.message.text()
    assert not (tmp_path / "no such").exists()


def test_opened_on_a_group_it_starts_there(qtbot, window, services):
    gid = services.organize.groups()[0].id
    dialog = opened(qtbot, window, Picks(), group_id=gid)
    assert dialog.group_button.isChecked() and dialog.scope()[1] == 2
    assert not dialog.search_button.isEnabled()  # no saved searches yet
    assert dialog.search_combo.currentText() == "No saved searches yet"


def test_a_saved_search_is_offered_with_what_it_finds_and_named_safely(
        qtbot, window, services, tmp_path):
    from app.domain.filters import SavedSearch

    services.organize.save_search("Skype: ../../people", SavedSearch(text="grace"))
    dialog = opened(qtbot, window, Picks())
    assert dialog.search_combo.currentText() == "Skype: ../../people (1)"
    dialog.search_combo.activated.emit(0)  # chosen from the list: its button goes on
    assert dialog.search_button.isChecked()
    suggested = Path(dialog.destination.text())
    assert suggested.name == "Skype_ .._.._people.vcf"  # a name, not a way out of the folder
    path = tmp_path / "skype.vcf"
    dialog.destination.setText(str(path))
    dialog._destination_typed(str(path))
    dialog.export()
    finished(qtbot, dialog)
    assert card_names(path) == ["Grace Hopper"]


def test_a_calendar_of_the_selected_contacts(qtbot, window, services, tmp_path):
    from datetime import datetime, timedelta

    from app.domain.activity import Activity, ActivityKind

    ada, _alan, grace = services.directory.contact_ids()  # in name order
    start = (datetime.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0,
                                                         microsecond=0)
    for who, what in ((ada, "Engine review"), (grace, "Compiler demo")):
        services.activities.schedule(Activity(ActivityKind.MEETING, what, start,
                                              tz="Europe/London", attendee_ids=[who]))
    picks = Picks(file=tmp_path / "ada.ics")
    dialog = opened(qtbot, window, picks, selection=[ada])
    click(qtbot, dialog.selected_button)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("ics"))
    assert dialog.include_box.isHidden(), "a calendar holds no contact fields to choose"
    assert dialog.export_button.text() == "Export Their Activities"
    dialog.choose_destination()
    dialog.export_button.click()
    finished(qtbot, dialog)
    text = (tmp_path / "ada.ics").read_text(encoding="utf-8")
    assert "SUMMARY:Engine review" in text and "Compiler demo" not in text
    assert dialog.summary.text() == "Exported 1 activity to ada.ics."
