"""Thunderbird's address book (.ldif) through the import pipeline: its people become contacts,
its mailing lists groups; the same file again changes nothing; an LDIF export read back in
changes nothing either."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.services.registry import Services

DATA = Path(__file__).resolve().parents[1] / "data" / "ldif"


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def _names(s: Services) -> set[str]:
    return {c.display_name for c in s.directory.contact_summaries(s.directory.contact_ids())}


def test_a_thunderbird_address_book_with_its_mailing_list(s, tmp_path):
    path = shutil.copy(DATA / "thunderbird.ldif", tmp_path / "abook.ldif")
    before = Path(path).read_bytes()
    report = s.imports.run([path], commit_good=True)
    assert report.committed and report.created >= 5
    assert report.plan.files[0].detail == "LDIF"
    assert {"Ada Lovelace", "Zoë Ångström"} <= _names(s)
    club = next(g for g in s.organize.groups() if g.name == "Book Club")
    members, _accounts = s.organize.group_members(club.id)
    ada = s.directory.contact_ids("ada@analytical.example")
    assert set(ada) <= set(members) and len(members) >= 2
    ada_contact = s.contacts.get(ada[0])
    assert ada_contact.nickname == "Enchantress"
    assert {e.value for e in ada_contact.emails} == {"ada@analytical.example",
                                                     "ada.king@home.example"}
    assert Path(path).read_bytes() == before, "the file is only read"
    again = s.imports.run([path], commit_good=True)
    assert again.created == 0 and again.merged == 0 and again.seq is None


def test_an_ldif_export_reads_back_unchanged(s, tmp_path):
    s.imports.run([DATA / "thunderbird.ldif"], commit_good=True)
    out = tmp_path / "out.ldif"
    n = s.imports.export(out, "ldif")
    assert n == len(s.directory.contact_ids())
    text = out.read_text(encoding="utf-8")
    assert "objectclass: mozillaAbPersonAlpha" in text and "nsAIMid: adaking" in text
    assert "mozillaCustom1: Countess" in text, "custom values the book had no field for"
    again = s.imports.run([out])
    assert again.created == 0 and again.unchanged + again.merged == n


def test_custom_values_get_a_field_of_their_own_and_undo_takes_it_back(s, tmp_path):
    report = s.imports.run([DATA / "thunderbird.ldif"], commit_good=True)
    assert [d.name for d in report.plan.new_fields] == ["Custom 1", "Custom 2", "Custom 4"]
    ada = s.directory.contact_ids("ada@analytical.example")[0]
    assert s.contacts.get(ada).custom == {"Custom 1": "Countess", "Custom 2": "Note G"}
    assert not [i for i in report.plan.issues if "custom field" in i.message]
    s.journal.revert(report.seq)
    again = s.imports.run([DATA / "thunderbird.ldif"], commit_good=True)
    assert len(again.plan.new_fields) == 3, "undo took the fields back too"
