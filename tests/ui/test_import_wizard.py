"""The import wizard as a user meets it: choose a file, see what importing it would do,
import the good records, read what was refused with its line, and undo the import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QTableWidget

from app.domain.contact import Contact, Email
from app.services.registry import Services
from tests.ui.test_window_writes import settle
from ui.imports.mapping import MappingPage
from ui.imports.wizard import ImportDialog
from ui.main_window import MainWindow

CARDS = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
         "EMAIL:ada@example.org\r\nTEL;TYPE=CELL:+44 20 7946 0001\r\nEND:VCARD\r\n"
         "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\nN:Turing;Alan;;;\r\n"
         "TEL;TYPE=CELL:+44 20 7946 0000\r\nEND:VCARD\r\n")
CUT_SHORT = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Broken;Card;;;\r\n"


@pytest.fixture
def services(db) -> Services:
    s = Services.over(db)
    s.contacts.create(Contact(given="Ada", family="Lovelace",
                              emails=[Email("ADA@example.org")]))
    return s


@pytest.fixture
def window(services, qtbot):
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    return w


def book(tmp_path: Path, text: str, name: str = "book #1 %.vcf") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def open_wizard(qtbot, window: MainWindow, path: Path) -> ImportDialog:
    dialog = ImportDialog(window.services, window.reads, window.writer, window,
                          pick_files=lambda _parent: [str(path)])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog._add_files()
    assert dialog.paths() == [path]
    return dialog


def test_preview_then_import_merges_the_known_person_and_undo_takes_it_back(
        qtbot, services, window, tmp_path):
    dialog = open_wizard(qtbot, window, book(tmp_path, CARDS))
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    assert "1 new contact," in dialog.plan_summary.text()
    assert "1 record merged into contacts already here" in dialog.plan_summary.text()
    assert len(services.directory.contact_ids()) == 1  # nothing written by a preview
    assert dialog.import_button.isEnabled()
    dialog.commit()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=10000)
    assert dialog.report_summary.text().startswith("Imported: 1 new")
    qtbot.waitUntil(lambda: len(window.model.ids) == 2)  # the list followed
    ada = services.contacts.get(services.directory.contact_ids("lovelace")[0])
    assert [p.value for p in ada.phones] == ["+44 20 7946 0001"]  # merged in, kept
    dialog.undo_import()
    qtbot.waitUntil(lambda: len(services.directory.contact_ids()) == 1, timeout=10000)
    ada = services.contacts.get(services.directory.contact_ids("lovelace")[0])
    assert ada.phones == []
    # The write is done before the dialog hears of it (the writer delivers on a timer).
    qtbot.waitUntil(lambda: "undone" in dialog.report_summary.text(), timeout=10000)


def test_a_refused_record_is_named_and_nothing_is_saved_until_asked(
        qtbot, services, window, tmp_path):
    dialog = open_wizard(qtbot, window, book(tmp_path, CARDS + CUT_SHORT))
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    assert "1 record cannot be imported" in dialog.plan_summary.text()
    where = cell(dialog.plan_table, 0, 0)
    assert where.startswith("book #1 %.vcf line 14")  # its BEGIN:VCARD
    assert "END:VCARD" in cell(dialog.plan_table, 0, 2)
    assert not dialog.import_button.isEnabled()  # not until the user says so
    dialog.good_only.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.commit()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=10000)
    assert "1 refused" in dialog.report_summary.text()
    assert len(services.directory.contact_ids()) == 2


def test_a_file_that_is_no_address_book_is_said_and_leaves_everything(
        qtbot, services, window, tmp_path):
    junk = tmp_path / "photo.vcf"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    before = junk.read_bytes()
    dialog = open_wizard(qtbot, window, junk)
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    assert not dialog.import_button.isEnabled()
    assert dialog.plan_table.rowCount() >= 1
    assert "photo.vcf" in cell(dialog.plan_table, 0, 0)
    assert junk.read_bytes() == before  # a refused file is left byte for byte
    assert len(services.directory.contact_ids()) == 1


# --- CSV files: what each is, and what its columns hold ----------------------------------------

UNKNOWN = ("Who,Mail,Org,Misc\r\n"
           "Grace Hopper,grace@navy.example,US Navy,compiler\r\n"
           "Alan Turing,alan@example.org,Bletchley Park,\r\n")
SEMICOLON = ("Vorname;Nachname;E-Mail;Telefon;Firma\r\n"
             "Jürgen;Müller;jm@example.de;+49 30 1234567;Müller GmbH\r\n"
             "Renée;Çelik;renee@example.fr;;\r\n")
HEADERLESS = ("Grace Hopper,grace@navy.example,+1 202 555 0199\r\n"
              "Alan Turing,alan@example.org,+44 20 7946 0000\r\n")
GOOGLE = ("First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Organization Name\r\n"
          "Grace,Hopper,* Work,grace@navy.example,US Navy\r\n")


@pytest.fixture
def columns_file(tmp_path) -> QSettings:
    """The user's settings, in a file of this test's own."""
    return QSettings(str(tmp_path / "rolodeck.ini"), QSettings.Format.IniFormat)


def csv_file(tmp_path: Path, text: str, name: str = "people.csv",
             encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def wizard(qtbot, window: MainWindow, settings: QSettings, *paths: Path) -> ImportDialog:
    dialog = ImportDialog(window.services, window.reads, window.writer, window,
                          pick_files=lambda _parent: [str(p) for p in paths],
                          settings=settings)
    qtbot.addWidget(dialog)
    dialog.resize(800, 600)
    dialog.show()
    dialog._add_files()
    qtbot.waitUntil(lambda: not dialog._looking, timeout=10000)
    return dialog


def file_lines(dialog: ImportDialog) -> list[str]:
    return [dialog.files.item(i).text() for i in range(dialog.files.count())]


def cell(view: QTableWidget, row: int, column: int) -> str:
    item = view.item(row, column)
    return item.text() if item is not None else ""


def preview_cells(page: MappingPage) -> list[tuple[str, ...]]:
    view = page.preview_table
    return [tuple(cell(view, r, c) for c in range(view.columnCount()))
            for r in range(view.rowCount())]


def open_columns(qtbot, dialog: ImportDialog) -> MappingPage:
    dialog.preview()
    page = dialog.mapping_page
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is page, timeout=10000)
    qtbot.waitUntil(lambda: page.preview_label.text().startswith("The first"), timeout=10000)
    return page


def choose(qtbot, page: MappingPage, column: int, target: str) -> None:
    """Pick in the column's combo, as a user does, and wait for the preview to follow."""
    with qtbot.waitSignal(page.previewed, timeout=10000):
        combo = page.combos[column]
        combo.setCurrentIndex(combo.findData(target))


def test_an_unknown_csv_asks_for_its_columns_and_imports_what_they_were_said_to_hold(
        qtbot, services, window, tmp_path, columns_file):
    path = csv_file(tmp_path, UNKNOWN)
    dialog = wizard(qtbot, window, columns_file, path)
    assert file_lines(dialog) == ["people.csv — CSV with 4 columns, not a known export, "
                                  "UTF-8, comma-delimited · you choose what its columns "
                                  "hold next"]
    assert dialog.preview_button.text() == "&Next"
    page = open_columns(qtbot, dialog)
    assert [cell(page.columns, r, 0) for r in range(4)] == ["Who", "Mail", "Org", "Misc"]
    assert cell(page.columns, 0, 1) == "Grace Hopper · Alan Turing"
    assert [page.target(c) for c in range(4)] == ["extra", "email:other", "company", "extra"]
    # The guess names people by their address; saying what "Who" holds names them.
    assert [row[1] for row in preview_cells(page)] == ["grace@navy.example", "alan@example.org"]
    choose(qtbot, page, 0, "full_name")
    assert [row[1:4] for row in preview_cells(page)] == [
        ("Grace Hopper", "US Navy", "grace@navy.example"),
        ("Alan Turing", "Bletchley Park", "alan@example.org")]
    choose(qtbot, page, 3, "notes")
    assert preview_cells(page)[0][5] == "compiler"
    # At 800x600 every column of both tables is in view: nothing to scroll sideways for.
    qtbot.waitUntil(lambda: page.columns.viewport().width() > 0)
    for view in (page.columns, page.preview_table):
        shown = sum(view.columnWidth(c) for c in range(view.columnCount()))
        assert shown <= view.viewport().width() + 1
        assert not view.horizontalScrollBar().isVisible()
    page.next_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    assert "2 new contacts" in dialog.plan_summary.text()
    dialog.commit()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=10000)
    grace = services.contacts.get(services.directory.contact_ids("hopper")[0])
    assert (grace.given, grace.family, grace.account_name, grace.notes) == (
        "Grace", "Hopper", "US Navy", "compiler")
    assert [(e.value, e.label) for e in grace.emails] == [("grace@navy.example", "other")]


def test_next_waits_for_a_column_that_holds_a_name_or_an_e_mail_address(
        qtbot, services, window, tmp_path, columns_file):
    dialog = wizard(qtbot, window, columns_file, csv_file(tmp_path, UNKNOWN))
    page = open_columns(qtbot, dialog)
    assert page.next_button.isEnabled() and page.reason.text() == ""
    choose(qtbot, page, 1, "ignore")
    assert not page.next_button.isEnabled()
    assert "name or an e-mail address" in page.reason.text()
    assert page.reason.isVisible()
    # Every row would be refused, and the preview says so and why.
    assert all(row[1].startswith("Not imported: A contact needs a name")
               for row in preview_cells(page))
    page.next_button.click()
    assert dialog.pages.currentWidget() is page  # still here
    choose(qtbot, page, 0, "full_name")
    assert page.next_button.isEnabled()
    assert len(services.directory.contact_ids()) == 1  # nothing imported by choosing


def test_the_columns_chosen_come_back_for_the_next_file_with_the_same_column_names(
        qtbot, services, window, tmp_path, columns_file):
    dialog = wizard(qtbot, window, columns_file, csv_file(tmp_path, UNKNOWN))
    page = open_columns(qtbot, dialog)
    choose(qtbot, page, 0, "full_name")
    choose(qtbot, page, 3, "ignore")
    page.next_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    dialog.commit()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=10000)
    # Next month's export: other people, the same columns (spelt in other case).
    later = csv_file(tmp_path, "WHO,mail,Org,MISC\r\nEdsger Dijkstra,ewd@example.nl,UT,x\r\n",
                     "people-march.csv")
    again = wizard(qtbot, window, QSettings(columns_file.fileName(),
                                            QSettings.Format.IniFormat), later)
    page = open_columns(qtbot, again)
    assert [page.target(c) for c in range(4)] == ["full_name", "email:other", "company",
                                                  "ignore"]
    assert "you chose last time" in page.note.text()
    assert preview_cells(page)[0][1] == "Edsger Dijkstra"
    # A file with other columns is not given them.
    other = wizard(qtbot, window, columns_file,
                   csv_file(tmp_path, "Name,Mail\r\nBarbara Liskov,bl@example.org\r\n",
                            "other.csv"))
    page = open_columns(qtbot, other)
    assert page.target(0) == "full_name" and page.note.isHidden()


def test_a_semicolon_windows_1252_file_shows_its_letters(qtbot, window, tmp_path,
                                                         columns_file):
    path = csv_file(tmp_path, SEMICOLON, "kontakte.csv", "cp1252")
    dialog = wizard(qtbot, window, columns_file, path)
    assert "Windows-1252, semicolon-delimited" in file_lines(dialog)[0]
    page = open_columns(qtbot, dialog)
    assert "Windows-1252, semicolon-delimited" in page.about.text()
    assert [page.target(c) for c in range(5)] == ["given", "family", "email:other",
                                                  "phone:other", "company"]
    assert [row[1:5] for row in preview_cells(page)] == [
        ("Jürgen Müller", "Müller GmbH", "jm@example.de", "+49 30 1234567"),
        ("Renée Çelik", "", "renee@example.fr", "")]


def test_a_file_with_no_header_row_imports_its_first_row_too(
        qtbot, services, window, tmp_path, columns_file):
    dialog = wizard(qtbot, window, columns_file, csv_file(tmp_path, HEADERLESS))
    page = open_columns(qtbot, dialog)
    assert not page.has_header.isChecked()  # its first row is a person, not names
    assert cell(page.columns, 0, 0) == "Column 1"
    assert [row[:2] for row in preview_cells(page)] == [("1", "Grace Hopper"),
                                                       ("2", "Alan Turing")]
    with qtbot.waitSignal(page.previewed, timeout=10000):
        page.has_header.setChecked(True)  # wrong: Grace becomes the column names
    assert cell(page.columns, 0, 0) == "Grace Hopper"
    assert [row[1] for row in preview_cells(page)] == ["Alan Turing"]
    with qtbot.waitSignal(page.previewed, timeout=10000):
        page.has_header.setChecked(False)
    page.next_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    dialog.commit()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=10000)
    grace = services.contacts.get(services.directory.contact_ids("hopper")[0])
    assert [p.value for p in grace.phones] == ["+1 202 555 0199"]
    assert len(services.directory.contact_ids()) == 3


def test_a_known_export_goes_straight_to_the_preview_and_its_columns_can_be_changed(
        qtbot, services, window, tmp_path, columns_file):
    path = csv_file(tmp_path, GOOGLE, "google.csv")
    dialog = wizard(qtbot, window, columns_file, path)
    assert file_lines(dialog) == ["google.csv — Google Contacts CSV, UTF-8, comma-delimited"]
    assert dialog.preview_button.text() == "&Preview"
    dialog.files.setCurrentRow(0)
    assert dialog.columns_button.isEnabled()
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    assert "1 new contact" in dialog.plan_summary.text()
    # Asked for, the column step shows Google's own reading, to change.
    dialog.pages.setCurrentIndex(0)
    dialog.change_columns()
    page = dialog.mapping_page
    assert dialog.pages.currentWidget() is page
    assert page.target(3) == "email#1:value"
    assert "Google Contacts export" in page.note.text()
    assert page.next_button.text() == "&Done"
    qtbot.waitUntil(lambda: page.preview_label.text().startswith("The first"), timeout=10000)
    choose(qtbot, page, 4, "ignore")
    page.next_button.click()
    assert dialog.pages.currentIndex() == 0
    assert file_lines(dialog)[0].endswith("· columns as you chose them")
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    assert "new company" not in dialog.plan_summary.text()  # US Navy left out


def test_a_calendar_asks_whether_past_events_become_history(qtbot, window, tmp_path,
                                                            columns_file):
    cal = tmp_path / "calendar.ics"
    cal.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    cards = book(tmp_path, CARDS, "people.vcf")
    dialog = wizard(qtbot, window, columns_file, cards)
    assert file_lines(dialog) == ["people.vcf — vCard 3.0"]
    assert dialog.past_history.isHidden()
    dialog._pick = lambda _parent: [str(cal)]
    dialog._add_files()
    qtbot.waitUntil(lambda: not dialog._looking, timeout=10000)
    assert file_lines(dialog)[1].startswith("calendar.ics — calendar")
    assert not dialog.past_history.isHidden() and dialog.past_history.isChecked()
    assert dialog.options().past_as_history
    dialog.past_history.setChecked(False)
    assert not dialog.options().past_as_history
    dialog.files.setCurrentRow(1)
    dialog._remove_file()
    assert dialog.past_history.isHidden()


def test_files_dropped_on_the_window_are_looked_at_before_the_preview_begins(
        qtbot, services, window, tmp_path):
    path = csv_file(tmp_path, UNKNOWN)
    window.import_files([path])  # what a drop does: the wizard and at once the preview
    dialog = window.import_dialog
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.mapping_page,
                    timeout=10000)
    assert dialog.mapping_page.title.text() == "What do the columns of people.csv hold?"
    # Closed while its first rows are still being read: the answer finds no dialog, and
    # nothing is raised.
    dialog.mapping_page.choose(0, "full_name")
    dialog.mapping_page._read_preview()
    dialog.close()
    qtbot.waitUntil(lambda: not window.reads.busy, timeout=10000)


def test_the_columns_are_chosen_from_the_keyboard(qtbot, window, tmp_path, columns_file):
    dialog = wizard(qtbot, window, columns_file, csv_file(tmp_path, UNKNOWN))
    page = open_columns(qtbot, dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: page.combos[0].hasFocus())
    qtbot.keyClick(page.combos[0], Qt.Key.Key_Tab)
    assert page.combos[1].hasFocus()  # down the columns, in reading order
    before = page.target(1)
    with qtbot.waitSignal(page.previewed, timeout=10000):
        qtbot.keyClick(page.combos[1], Qt.Key.Key_Down)
    assert page.target(1) != before
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert page.has_header.hasFocus()  # then the check boxes under them


def test_a_known_export_read_with_changed_columns_is_read_so_again_until_put_back(
        qtbot, services, window, tmp_path, columns_file):
    dialog = wizard(qtbot, window, columns_file, csv_file(tmp_path, GOOGLE, "google.csv"))
    dialog.files.setCurrentRow(0)
    dialog.change_columns()
    page = dialog.mapping_page
    qtbot.waitUntil(lambda: page.preview_label.text().startswith("The first"), timeout=10000)
    choose(qtbot, page, 4, "ignore")  # not the companies, thank you
    page.next_button.click()
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    dialog.commit()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=10000)
    # The next export from Google: read as it was last time, with no step to go through.
    later = csv_file(tmp_path, GOOGLE.replace("Grace,Hopper", "Ada,Lovelace")
                     .replace("grace@navy", "ada@navy"), "google-2.csv")
    again = wizard(qtbot, window, columns_file, later)
    assert file_lines(again)[0].endswith("· columns as you chose them last time")
    again.preview()
    qtbot.waitUntil(lambda: again.pages.currentIndex() == 1, timeout=10000)
    assert "new compan" not in again.plan_summary.text()
    # Put back as Google's own, it is read so, and is not given the old choice again.
    again.pages.setCurrentIndex(0)
    again.files.setCurrentRow(0)
    again.change_columns()
    page = again.mapping_page
    assert "you chose last time" in page.note.text() and page.target(4) == "ignore"
    page.reset()
    assert page.target(4) == "company"
    page.next_button.click()
    assert file_lines(again)[0] == ("google-2.csv — Google Contacts CSV, UTF-8, "
                                    "comma-delimited")
    again.preview()
    qtbot.waitUntil(lambda: again.pages.currentIndex() == 1, timeout=10000)
    assert "1 new company" in again.plan_summary.text()
    again.commit()
    qtbot.waitUntil(lambda: again.pages.currentIndex() == 2, timeout=10000)
    third = wizard(qtbot, window, columns_file, later)
    assert file_lines(third)[0].endswith("comma-delimited")
