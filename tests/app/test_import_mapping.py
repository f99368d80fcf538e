"""What the import window is told about a chosen file before anything is imported: what the
file is, what its columns look like and what to suggest for them, the first contacts a
column choice gives, and why a choice cannot be used yet. Real files in tmp_path; a 1 GB
file is looked at as quickly as a small one."""

from __future__ import annotations

import time
from pathlib import Path

from app.services.imports_mapping import (
    HEAD_BYTES,
    ColumnMapping,
    describe_file,
    inspect_csv,
    inspect_file,
    label_of,
    mapping_from_text,
    mapping_to_text,
    missing,
    preview,
    target_choices,
)
from app.services.imports_plan import ImportOptions
from app.services.registry import Services

DATA = Path(__file__).resolve().parents[1] / "data" / "csv"
UNKNOWN = ("Who,Mail,Org,Misc\r\n"
           "Ada Lovelace,ada@example.org,Analytical Engines,first programmer\r\n"
           "Alan Turing,alan@example.org,Bletchley Park,\r\n"
           ",,Nobody Ltd,only a company\r\n")
SEMICOLON = ("Vorname;Nachname;E-Mail;Telefon;Firma\r\n"
             "Jürgen;Müller;jm@example.de;+49 30 1234567;Müller GmbH\r\n"
             "Renée;Çelik;renee@example.fr;;\r\n")
HEADERLESS = ("Ada Lovelace,ada@example.org,+44 20 7946 0001\r\n"
              "Alan Turing,alan@example.org,+44 20 7946 0000\r\n")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_each_kind_of_file_is_said_to_be_what_it_is(tmp_path):
    google = DATA / "google_contacts.csv"
    assert describe_file(google) == ("google_contacts.csv — Google Contacts CSV, UTF-8, "
                                     "comma-delimited")
    semi = write(tmp_path / "kontakte.csv", SEMICOLON, "cp1252")
    assert describe_file(semi) == ("kontakte.csv — CSV with 5 columns, not a known export, "
                                   "Windows-1252, semicolon-delimited")
    card = write(tmp_path / "people.vcf", "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada\r\nEND:VCARD\r\n")
    assert describe_file(card) == "people.vcf — vCard 4.0"
    cal = write(tmp_path / "calendar.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    info = inspect_file(cal)
    assert (info.format, info.line) == ("ics", "calendar.ics — calendar")
    ldif = write(tmp_path / "book.ldif", "dn: cn=Ada\r\ncn: Ada\r\n")
    assert describe_file(ldif) == "book.ldif — LDIF address book"


def test_a_file_that_cannot_be_read_says_why_and_nothing_is_raised(tmp_path):
    gone = inspect_file(tmp_path / "gone.csv")
    assert gone.line == ("gone.csv — cannot be read: there is no such file; check the name "
                         "and the folder")
    assert gone.problem is not None and gone.csv is None
    folder = inspect_file(tmp_path)
    assert "folder" in (folder.problem or "")
    empty = inspect_file(write(tmp_path / "empty.csv", ""))
    assert empty.problem == "empty.csv is empty."
    assert empty.csv is not None and empty.csv.suggested is None


def test_an_unknown_layout_gives_its_columns_first_rows_and_a_suggestion(tmp_path):
    found = inspect_csv(write(tmp_path / "people.csv", UNKNOWN))
    assert found.needs_mapping and found.preset is None
    assert found.header == ("Who", "Mail", "Org", "Misc")
    assert found.header_line == 1
    assert found.rows[0] == ("Ada Lovelace", "ada@example.org", "Analytical Engines",
                             "first programmer")
    assert len(found.rows) == 3
    assert found.samples(1, has_header=True) == ["ada@example.org", "alan@example.org"]
    assert found.samples(3, has_header=True) == ["first programmer", "only a company"]
    assert found.column_name(0, has_header=True) == "Who"
    assert found.column_name(0, has_header=False) == "Column 1"
    # "Mail" and "Org" say what they hold; the e-mail addresses say it too.
    assert found.suggested is not None
    assert found.suggested.columns == {1: "email:other", 2: "company"}
    assert found.suggested.has_header


def test_a_semicolon_windows_file_is_read_with_its_letters(tmp_path):
    found = inspect_csv(write(tmp_path / "kontakte.csv", SEMICOLON, "cp1252"))
    assert (found.encoding, found.delimiter, found.delimiter_name) == (
        "Windows-1252", ";", "semicolon")
    assert found.rows[0][:2] == ("Jürgen", "Müller")
    assert found.suggested is not None
    assert found.suggested.columns == {0: "given", 1: "family", 2: "email:other",
                                       3: "phone:other", 4: "company"}
    rows = preview(tmp_path / "kontakte.csv", found.suggested)
    assert [(r.line, r.name, r.company, r.emails, r.phones) for r in rows] == [
        (2, "Jürgen Müller", "Müller GmbH", "jm@example.de", "+49 30 1234567"),
        (3, "Renée Çelik", "", "renee@example.fr", "")]


def test_a_file_with_no_header_is_suggested_as_one_with_its_first_row_a_contact(tmp_path):
    path = write(tmp_path / "phone-export.csv", HEADERLESS)
    found = inspect_csv(path)
    assert found.needs_mapping
    assert found.suggested == ColumnMapping({0: "full_name", 1: "email:other",
                                             2: "phone:other"}, has_header=False)
    assert found.data_rows(has_header=False)[0][0] == "Ada Lovelace"
    assert found.samples(0, has_header=False) == ["Ada Lovelace", "Alan Turing"]
    rows = preview(path, found.suggested)
    assert [(r.line, r.name, r.phones) for r in rows] == [
        (1, "Ada Lovelace", "+44 20 7946 0001"), (2, "Alan Turing", "+44 20 7946 0000")]
    # Read as if it had a header, the first contact is taken for the column names.
    as_header = ColumnMapping(found.suggested.columns, has_header=True)
    assert [r.name for r in preview(path, as_header)] == ["Alan Turing"]


def test_the_preview_follows_the_mapping_and_names_the_rows_it_would_refuse(tmp_path):
    path = write(tmp_path / "people.csv", UNKNOWN)
    only_email = ColumnMapping({1: "email:work", 2: "company"})
    rows = preview(path, only_email)
    assert [r.name for r in rows[:2]] == ["ada@example.org", "alan@example.org"]
    assert rows[0].also == "2 extra fields"  # Who and Misc are kept, not lost
    named = ColumnMapping({0: "full_name", 1: "email:work", 2: "company", 3: "notes"})
    rows = preview(path, named)
    assert [(r.name, r.company, r.also) for r in rows[:2]] == [
        ("Ada Lovelace", "Analytical Engines", "first programmer"),
        ("Alan Turing", "Bletchley Park", "")]
    assert rows[2].line == 4 and rows[2].name == ""
    assert rows[2].problem is not None and "needs a name or an e-mail" in rows[2].problem
    assert len(preview(path, named, rows=1)) == 1


def test_a_known_export_keeps_its_own_mapping_and_needs_no_choice():
    found = inspect_csv(DATA / "google_contacts.csv")
    assert not found.needs_mapping
    assert found.preset == "Google Contacts"
    assert found.suggested is not None and found.suggested.columns[18] == "email#1:value"
    assert label_of("email#1:value") == "E-mail 1"
    rows = preview(DATA / "google_contacts.csv", found.suggested)
    assert rows[0].name == "Grace Brewster Hopper"
    assert rows[0].emails == "grace@navy.example, grace@home.example"


def test_a_huge_file_is_looked_at_from_its_head_only(tmp_path):
    path = tmp_path / "huge.csv"
    row = "Someone Somebody,someone@example.org,Somewhere Ltd\r\n"
    with path.open("wb") as f:
        f.write(b"Name,Mail,Company\r\n")
        f.write((row * (2 * HEAD_BYTES // len(row))).encode())
        f.truncate(1 << 30)  # a 1 GB file (sparse: the test writes only its head)
    start = time.perf_counter()
    found = inspect_csv(path)
    rows = preview(path, ColumnMapping({0: "full_name", 1: "email:work", 2: "company"}))
    assert time.perf_counter() - start < 2
    assert len(found.rows) == 10 and len(rows) == 10
    assert rows[0].name == "Someone Somebody" and rows[9].line == 11


def test_a_mapping_is_usable_once_a_column_holds_a_name_or_an_e_mail_address():
    reason = missing(ColumnMapping({0: "phone:mobile", 1: "company"}))
    assert reason is not None and "name or an e-mail address" in reason
    assert missing(ColumnMapping({0: "ignore"})) is not None
    assert missing(ColumnMapping({0: "family"})) is None
    assert missing(ColumnMapping({3: "email:home"})) is None
    assert missing(ColumnMapping({18: "email#1:value"})) is None
    assert missing(ColumnMapping({17: "email#1:label"})) is not None


def test_the_choices_offered_have_words_and_keeping_and_leaving_out_are_among_them():
    choices = dict(target_choices())
    assert choices["given"] == "First name"
    assert choices["extra"] == "Keep as an extra field"
    assert choices["ignore"] == "Leave out"


def test_a_saved_mapping_comes_back_as_it_was_and_a_spoilt_one_as_none():
    mapping = ColumnMapping({0: "full_name", 2: "email:home"}, has_header=False,
                            day_first=False)
    assert mapping_from_text(mapping_to_text(mapping)) == mapping
    for spoilt in (None, 3, "", "not json", "[1, 2]", '{"columns": {"0": "no-such"}}',
                   '{"columns": 5}'):
        assert mapping_from_text(spoilt) is None


def test_each_file_of_an_import_is_read_with_its_own_columns(db, tmp_path):
    first = write(tmp_path / "a.csv", "Who,Mail\r\nAda Lovelace,ada@example.org\r\n")
    second = write(tmp_path / "b.csv", "Mail,Who\r\ngrace@example.org,Grace Hopper\r\n")
    options = ImportOptions(csv_mappings={
        str(first): ColumnMapping({0: "full_name", 1: "email:work"}),
        str(second): ColumnMapping({0: "email:home", 1: "full_name"})})
    report = Services.over(db).imports.run([first, second], options)
    assert report.committed and report.created == 2
    services = Services.over(db)
    got = sorted((c.display_name, c.emails[0].value, c.emails[0].label)
                 for c in (services.contacts.get(i)
                           for i in services.directory.contact_ids()))
    assert got == [("Ada Lovelace", "ada@example.org", "work"),
                   ("Grace Hopper", "grace@example.org", "home")]
