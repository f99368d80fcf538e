"""Exporting as the export dialog does it: whose contacts (everyone, a selection, a group, a
saved search), what of each (the parts left out are not in the file, read back with the
importers' own readers), a file per contact whose names stay in the chosen folder whatever
the contacts are called, and nothing left behind by a cancel, a refusal or a failed write."""

from __future__ import annotations

import os
import resource
import unicodedata
from pathlib import Path

import pytest

from app.domain.contact import (
    Address,
    Contact,
    ContactStatus,
    Email,
    ImHandle,
    Phone,
    RawProperty,
    Website,
)
from app.domain.dates import PartialDate
from app.domain.errors import NotFoundError, ValidationError
from app.domain.filters import ContactFilter, SavedSearch
from app.domain.groups import CustomFieldDef, FieldOwner, Group
from app.services.export_files import MAX_STEM_BYTES, ExportError, ExportExists, safe_stem
from app.services.imports_export import (
    FORMATS,
    Exporter,
    ExportScope,
    Part,
    export_contacts,
    export_file,
)
from app.services.progress import Cancelled, CancelToken
from app.services.registry import Services
from importers.csv import read_csv
from importers.vcard import ParsedCard, read_vcards

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def add(s: Services, contact: Contact) -> int:
    from app.domain.changes import Entity

    return s.contacts.create(contact).new_id(Entity.CONTACT)


@pytest.fixture
def s(db) -> Services:
    services = Services.over(db)
    services.organize.define_field(CustomFieldDef(FieldOwner.CONTACT, "Shoe size"))
    return services


@pytest.fixture
def people(s) -> dict[str, int]:
    """Four people, one of them in the trash; Ada with every kind of detail."""
    ada = Contact(
        given="Ada", family="Lovelace", title="Analyst", account_name=None,
        phones=[Phone("+44 20 7946 0001", "mobile", group="item1")],
        emails=[Email("ada@example.org")],
        addresses=[Address(street="12 St James's Sq", locality="London", country="UK")],
        websites=[Website("https://ada.example.org")],
        ims=[ImHandle("ada.l", "skype")],
        birthday=PartialDate(12, 10, 1815), anniversary=PartialDate(7, 8),
        notes="Wrote the first program", photo=PNG, photo_mime="image/png",
        tags=["pioneer"], custom={"Shoe size": "38"},
        extra=[RawProperty("X-FAVOURITE-COLOUR", "teal"),
               RawProperty("X-ABDATE", "1835-07-08", group="item2"),
               RawProperty("X-PHONETIC-NOTE", "said by the phone", group="item1")])
    ids = {
        "ada": add(s, ada),
        "grace": add(s, Contact(given="Grace", family="Hopper", status=ContactStatus.CUSTOMER,
                                emails=[Email("grace@navy.example")])),
        "zed": add(s, Contact(given="Zed", family="Zimmer", notes="lovelace fan")),
        "alan": add(s, Contact(given="Alan", family="Turing")),
    }
    s.organize.create_group_with(Group("Pioneers"), [ids["ada"], ids["grace"], ids["alan"]])
    s.contacts.delete([ids["alan"]])
    return ids


def group_id(s: Services, name: str) -> int:
    found = [g for g in s.organize.groups() + s.organize.saved_searches() if g.name == name]
    assert found and found[0].id is not None
    return found[0].id


def cards(path: Path) -> list[Contact]:
    with open(path, "rb") as f:
        return [p.contact for p in read_vcards(f, name=path.name) if isinstance(p, ParsedCard)]


def names(path: Path) -> list[str]:
    return [c.display_name for c in cards(path)]


# --- scopes ------------------------------------------------------------------------------------

def test_each_scope_gives_its_live_contacts_in_name_order(s, people, tmp_path):
    s.organize.save_search("Customers", SavedSearch(filters=ContactFilter(status="customer")))
    s.organize.save_search("Lovelace", SavedSearch(text="lovelace"))
    exporter = Exporter(s.db)
    everyone = ["Ada Lovelace", "Grace Hopper", "Zed Zimmer"]  # Alan is in the trash
    picked = [people["zed"], people["alan"], people["ada"]]  # as a selection comes: any order
    for scope, expected in (
            (ExportScope.everyone(), everyone),
            (ExportScope.of(picked), ["Ada Lovelace", "Zed Zimmer"]),
            (ExportScope.group(group_id(s, "Pioneers")), ["Ada Lovelace", "Grace Hopper"]),
            (ExportScope.search(group_id(s, "Customers")), ["Grace Hopper"]),
            # The search finds Zed by his notes, as the list does; in name order all the same.
            (ExportScope.search(group_id(s, "Lovelace")), ["Ada Lovelace", "Zed Zimmer"])):
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.vcf"
        result = exporter.export(path, "vcard4", scope)
        assert names(path) == expected, scope
        assert result.count == len(expected) and result.files == (path,)


def test_the_dialog_s_choices_count_what_each_scope_would_export(s, people):
    s.organize.save_search("Customers", SavedSearch(filters=ContactFilter(status="customer")))
    choices = Exporter(s.db).choices([people["ada"], people["alan"], 999_999])
    assert (choices.total, choices.selected) == (3, 1)  # the trashed and the unknown: not
    assert [(g.name, g.count) for g in choices.groups] == [("Pioneers", 2)]
    assert [(g.name, g.count) for g in choices.searches] == [("Customers", 1)]


def test_a_group_deleted_meanwhile_is_said_and_nothing_is_written(s, people, tmp_path):
    gid = group_id(s, "Pioneers")
    s.organize.delete_group(gid)
    with pytest.raises(NotFoundError, match="no longer there"):
        Exporter(s.db).export(tmp_path / "p.vcf", "vcard3", ExportScope.group(gid))
    assert not (tmp_path / "p.vcf").exists()
    assert [p for p in tmp_path.iterdir() if not p.name.startswith("rolodeck.db")] == []


def test_the_existing_signature_still_exports_ids_in_their_order(s, people, tmp_path):
    path = tmp_path / "x.vcf"
    assert export_file(s.db, path, "vcard3", [people["zed"], people["ada"]]) == 2
    assert names(path) == ["Zed Zimmer", "Ada Lovelace"]


# --- parts -------------------------------------------------------------------------------------

def test_the_parts_left_out_are_not_in_the_file(s, people, tmp_path):
    whole, part = tmp_path / "whole.vcf", tmp_path / "part.vcf"
    ada = ExportScope.of([people["ada"]])
    Exporter(s.db).export(whole, "vcard4", ada)
    Exporter(s.db).export(part, "vcard4", ada, parts={Part.EMAILS, Part.RAW})
    (full,) = cards(whole)
    (cut,) = cards(part)
    # Everything is there when nothing is left out: the test below can fail.
    assert full.phones and full.addresses and full.websites and full.ims and full.photo
    assert full.birthday and full.anniversary and full.notes and full.tags and full.custom
    text = whole.read_text(encoding="utf-8")
    assert "teal" in text and "1835-07-08" in text and "said by the phone" in text
    assert (cut.given, cut.family, cut.title) == ("Ada", "Lovelace", "Analyst")
    assert [e.value for e in cut.emails] == ["ada@example.org"]
    assert cut.phones == cut.addresses == cut.websites == cut.ims == cut.tags == []
    assert (cut.birthday, cut.anniversary, cut.photo, cut.notes, cut.custom) == (
        None, None, None, "", {})
    text = part.read_text(encoding="utf-8")
    assert "teal" in text  # the raw property asked for
    assert "1835-07-08" not in text  # Apple's other dates go with birthday and anniversary
    assert "said by the phone" not in text  # item1, the group of the phone left out
    assert "7946" not in text and "Shoe size" not in text and "pioneer" not in text


def test_a_csv_file_leaves_out_the_columns_values(s, people, tmp_path):
    path = tmp_path / "ada.csv"
    Exporter(s.db).export(path, "csv", ExportScope.of([people["ada"]]),
                          parts={Part.PHONES})
    with open(path, "rb") as f:
        (row,) = [p.contact for p in read_csv(f, name=path.name) if hasattr(p, "contact")]
    assert [p.value for p in row.phones] == ["+44 20 7946 0001"]
    assert row.emails == [] and row.notes == "" and row.birthday is None
    assert "Wrote the first program" not in path.read_text(encoding="utf-8")


def test_what_a_format_has_no_place_for_is_said_by_its_row():
    assert Part.PHOTO not in FORMATS["csv-google"].carries
    assert {Part.CHAT, Part.CUSTOM}.isdisjoint(FORMATS["csv-outlook"].carries)
    assert [f for f, spec in FORMATS.items() if spec.per_contact] == ["vcard3", "vcard4"]


# --- a file per contact ------------------------------------------------------------------------

HOSTILE = ["../../escape", "a/b\\c", "line\nbreak\ttab", "nul\x00byte", "#?%&x", "CON",
           "nul.tar", "com1", "x" * 300, "\u202eexe.fdp", "..", ". hidden", "-rf",
           "Ada Lovelace", "ADA LOVELACE", "Café", "Cafe\u0301"]


def test_a_file_per_contact_stays_in_the_folder_whatever_the_names_hold(s, tmp_path):
    for name in HOSTILE:
        add(s, Contact(given=name))
    add(s, Contact(given="...", uid="../../uid/evil"))  # nothing of the name is left: its UID
    folder = tmp_path / "out"
    folder.mkdir()
    result = Exporter(s.db).export(folder, "vcard3", ExportScope.everyone(), per_contact=True)
    assert result.count == len(HOSTILE) + 1 == len(result.files)
    written = sorted(os.listdir(folder))
    assert len(written) == result.count  # one each, none overwrote another, nothing hidden
    assert {p.name for p in tmp_path.iterdir() if not p.name.startswith("rolodeck.db")} == {
        "out"}  # nothing outside it
    keys = set()
    for name in written:
        path = folder / name
        assert path.resolve().parent == folder.resolve() and path.is_file()
        assert name.endswith(".vcf") and not name.startswith((".", "-", " "))
        assert not set(name) & set('/\\:*?"<>|#%\0\n\t\u202e')
        assert len(name.encode("utf-8")) <= MAX_STEM_BYTES + 10
        assert name.split(".")[0].upper() not in {"CON", "NUL", "COM1"}
        keys.add(unicodedata.normalize("NFC", name).casefold())
        assert len(cards(path)) == 1
    assert len(keys) == len(written)  # apart on a disk that ignores case or normalisation
    assert {"Ada Lovelace.vcf", "ADA LOVELACE-2.vcf", "Café.vcf", "Café-2.vcf",
            "CON_.vcf", "nul_.tar.vcf", "_.._uid_evil.vcf", "_.._escape.vcf",
            "a_b_c.vcf", "line break tab.vcf", "exe.fdp.vcf", "rf.vcf", "hidden.vcf"
            } <= set(written)


@pytest.mark.parametrize(("name", "stem"), [
    ("Jos\udce9 Mar\udcc3a", "Jos_ Mar_a"),  # the bytes of a name that was not UTF-8
    ("tab\there\x85next\u2028line", "tab here next line"),
    ("zero\u200bwidth\ufeff", "zerowidth"),
    ("LPT9.txt", "LPT9_.txt"), ("conin$", "conin$_"), ("Con Edison", "Con Edison"),
    ("   ", ""), ("/", "_"), ("..\\..", "_"),
    ("名前" * 40, "名前" * 20),  # cut at a character, within MAX_STEM_BYTES (120)
])
def test_safe_stem(name, stem):
    assert safe_stem(name) == stem
    assert len(safe_stem(name).encode("utf-8")) <= MAX_STEM_BYTES


def test_existing_files_are_replaced_only_when_asked(s, people, tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "Grace Hopper.vcf").write_bytes(b"mine")
    (folder / "notes.txt").write_bytes(b"other")
    exporter = Exporter(s.db)
    with pytest.raises(ExportExists) as refused:
        exporter.export(folder, "vcard4", ExportScope.everyone(), per_contact=True)
    assert refused.value.paths == [folder / "Grace Hopper.vcf"]
    assert sorted(os.listdir(folder)) == ["Grace Hopper.vcf", "notes.txt"]  # nothing written
    assert (folder / "Grace Hopper.vcf").read_bytes() == b"mine"
    exporter.export(folder, "vcard4", ExportScope.everyone(), per_contact=True, replace=True)
    assert sorted(os.listdir(folder)) == ["Ada Lovelace.vcf", "Grace Hopper.vcf",
                                          "Zed Zimmer.vcf", "notes.txt"]
    assert names(folder / "Grace Hopper.vcf") == ["Grace Hopper"]
    assert (folder / "notes.txt").read_bytes() == b"other"
    one = tmp_path / "one.vcf"
    one.write_bytes(b"\x00mine")
    with pytest.raises(ExportExists):
        exporter.export(one, "vcard3", ExportScope.everyone())
    assert one.read_bytes() == b"\x00mine"


def test_csv_cannot_be_a_file_per_contact(s, people, tmp_path):
    with pytest.raises(ValidationError, match="file per contact"):
        Exporter(s.db).export(tmp_path, "csv", ExportScope.everyone(), per_contact=True)


# --- nothing left behind -----------------------------------------------------------------------

@pytest.mark.parametrize("per_contact", [False, True])
def test_a_cancel_leaves_nothing(s, people, tmp_path, per_contact):
    token = CancelToken()
    target = tmp_path / "out" if per_contact else tmp_path / "all.vcf"
    if per_contact:
        target.mkdir()
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(Cancelled):
        export_contacts(s.db, target, "vcard3", per_contact=per_contact, cancel=token,
                        progress=lambda done, total: token.cancel())
    assert sorted(os.listdir(tmp_path)) == before
    if per_contact:
        assert os.listdir(target) == []


def test_a_name_taken_by_a_folder_stops_the_export_before_anything_is_placed(
        s, people, tmp_path):
    (tmp_path / "Zed Zimmer.vcf").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_contacts(s.db, tmp_path, "vcard4", per_contact=True, replace=True)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("rolodeck")
                  ) == ["Zed Zimmer.vcf"]


@pytest.mark.parametrize("per_contact", [False, True])
def test_a_write_that_fails_half_way_leaves_nothing_and_says_why(s, people, tmp_path,
                                                                 per_contact):
    # A limit on the size of files this process writes fails a write as a full disk does,
    # part of the way through (Python ignores the signal, so write() raises EFBIG).
    target = tmp_path / "out"
    target.mkdir()
    path = target if per_contact else target / "all.vcf"
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (60, hard))
    try:
        with pytest.raises(ExportError, match="larger than this disk") as failed:
            export_contacts(s.db, path, "vcard4", per_contact=per_contact)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert "nothing was written" in str(failed.value)
    assert os.listdir(target) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_that_cannot_be_written_is_said(s, people, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        for per_contact, path in ((False, locked / "a.vcf"), (True, locked)):
            with pytest.raises(ExportError, match="permission denied"):
                export_contacts(s.db, path, "vcard3", per_contact=per_contact)
    finally:
        locked.chmod(0o700)
    assert os.listdir(locked) == []
