"""The import wizard as a user meets it: choose a file, see what importing it would do,
import the good records, read what was refused with its line, and undo the import."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.contact import Contact, Email
from app.services.registry import Services
from tests.ui.test_window_writes import settle
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
    assert "undone" in dialog.report_summary.text()


def test_a_refused_record_is_named_and_nothing_is_saved_until_asked(
        qtbot, services, window, tmp_path):
    dialog = open_wizard(qtbot, window, book(tmp_path, CARDS + CUT_SHORT))
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    assert "1 record cannot be imported" in dialog.plan_summary.text()
    where = dialog.plan_table.item(0, 0).text()
    assert where.startswith("book #1 %.vcf line 14")  # its BEGIN:VCARD
    assert "END:VCARD" in dialog.plan_table.item(0, 2).text()
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
    assert "photo.vcf" in dialog.plan_table.item(0, 0).text()
    assert junk.read_bytes() == before  # a refused file is left byte for byte
    assert len(services.directory.contact_ids()) == 1
