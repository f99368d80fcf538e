"""The CSV writer: its three layouts read back by our reader (the Rolodeck layout into equal
contacts, Google's and Outlook's into the fields those layouts carry), rows streamed and
valid RFC 4180, and cells a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from app.domain.errors import ValidationError
from importers.csv import ParsedContact, neutralise, read_csv, restore, write_csv
from importers.csv.presets import OUTLOOK_HEADER
from importers.csv.rolodeck import HEADER as ROLODECK_HEADER
from importers.csv.writer import GOOGLE_HEADER


def full_contact(**kw: Any) -> Contact:
    base: dict[str, Any] = dict(
        prefix="Dr.", given="Grace", middle="Brewster", family="Hopper", suffix="PhD",
        nickname="Amazing Grace", title="Rear Admiral", department="Navy",
        account_name="United States Navy", birthday=PartialDate(12, 9, 1906),
        anniversary=PartialDate(6, 15), status=ContactStatus.CUSTOMER, source="Referral",
        owner="Sam", notes="COBOL\nline two, \"quoted\"",
        phones=[Phone("+1 202 555 0100", "work", True, (("TYPE", "VOICE"),)),
                Phone("+1 202 555 0199", "mobile"), Phone("+1 202 555 0142", "fax"),
                Phone("+1 202 555 0143", "Assistant", group="item1")],
        emails=[Email("grace@navy.example", "work", True), Email("g@home.example", "home")],
        addresses=[Address("1 Navy Way\nBuilding 2", "Arlington", "VA", "22202", "USA",
                           label="work"),
                   Address("9 Elm St", "Arlington", "VA", "22201", "USA", label="home",
                           params=(("GEO", "geo:38.87,-77.05"),))],
        websites=[Website("https://example.org/grace?a=1,2;b", "home")],
        ims=[ImHandle("ghopper", "Skype"), ImHandle("John Doe, jr", "Signal", "home")],
        custom={"Renewal": "2025-03-01", "Size": "12"}, tags=["Pioneer", "VIP, gold"],
        uid="urn:uuid:5f0c9a4e-0d1b-4c52-9a3c-1f2e3d4c5b6a",
        updated_at=datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
        extra=[RawProperty("X-ABRELATEDNAMES", "Mary", (("TYPE", "pref"),), "item5"),
               RawProperty("X-CSV-FILE-AS", "Hopper, Grace", (("X-HEADER", "File As"),))])
    return Contact(**(base | kw))


def carried(c: Contact) -> Contact:
    """What a CSV file carries: everything but the database's own fields and the photo."""
    return replace(c, id=None, account_id=None, created_at=None, deleted_at=None, version=0,
                   photo=None, photo_mime="")


def text_of(contacts: list[Contact], layout: str) -> str:
    return "".join(write_csv(contacts, layout))  # type: ignore[arg-type]


def read_back(text: str) -> tuple[str | None, list[ParsedContact], list]:
    imp = read_csv(io.BytesIO(text.encode("utf-8-sig")), name="export.csv")
    items = list(imp)
    parsed = [i for i in items if isinstance(i, ParsedContact)]
    return (imp.preset.name if imp.preset else None, parsed,
            [i for i in items if not isinstance(i, ParsedContact)])


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- the Rolodeck layout ----------------------------------------------------------------


def test_rolodeck_layout_reads_back_into_equal_contacts() -> None:
    originals = [full_contact(photo=b"\x89PNG", photo_mime="image/png", id=7, version=3),
                 Contact(given="Ada"), Contact(emails=[Email("only@example.org")])]
    preset, parsed, problems = read_back(text_of(originals, "rolodeck"))
    assert (preset, problems) == ("rolodeck", [])
    assert [p.contact for p in parsed] == [carried(c) for c in originals]
    assert all(p.warnings == () for p in parsed)


def test_rolodeck_cells_are_plain_where_they_can_be() -> None:
    row = dict(zip(ROLODECK_HEADER, cells(text_of([full_contact()], "rolodeck"))[1],
                   strict=True))
    assert row["Phones"].split("\n") == [
        '{"value": "+1 202 555 0100", "label": "work", "preferred": true, '
        '"params": [["TYPE", "VOICE"]], "group": null}',
        "mobile: +1 202 555 0199", "fax: +1 202 555 0142",
        '{"value": "+1 202 555 0143", "label": "Assistant", "preferred": false, '
        '"params": [], "group": "item1"}']
    assert row["E-mails"] == "work (preferred): grace@navy.example\nhome: g@home.example"
    assert row["Addresses"].startswith('{"street": "1 Navy Way\\nBuilding 2"')
    assert row["Chat"] == "Skype: ghopper\n" + (
        '{"handle": "John Doe, jr", "service": "Signal", "label": "home", '
        '"preferred": false, "params": [], "group": null}')
    assert row["Tags"] == "Pioneer\nVIP, gold"
    assert row["Custom Fields"] == "Renewal: 2025-03-01\nSize: 12"
    assert (row["Birthday"], row["Anniversary"]) == ("1906-12-09", "--06-15")
    assert row["Last Changed"] == "2024-05-06T07:08:09.123456+00:00"


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"))
                | st.sampled_from("\n\r\t\"',;:= -+@{}[]*"), max_size=12)
_LABEL = st.sampled_from(["work", "home", "mobile", "", "a: b", "x (preferred)", "{j"]) | _TEXT
_PARAMS = st.lists(st.tuples(_TEXT, _TEXT), max_size=2).map(tuple)
_GROUP = st.none() | _TEXT


def _details(make) -> st.SearchStrategy:
    return st.lists(make, max_size=3).map(_one_preferred)


def _one_preferred(items: list) -> list:
    for item in items[1:]:
        item.preferred = False
    return items


@st.composite
def contacts(draw) -> Contact:
    pd = st.builds(PartialDate, st.integers(1, 12), st.integers(1, 28),
                   st.none() | st.integers(1, 9999))
    return Contact(
        given=draw(_TEXT.filter(lambda s: s.strip())), family=draw(_TEXT),
        prefix=draw(_TEXT), middle=draw(_TEXT), suffix=draw(_TEXT), nickname=draw(_TEXT),
        title=draw(_TEXT), department=draw(_TEXT), notes=draw(_TEXT), source=draw(_TEXT),
        owner=draw(_TEXT), uid=draw(_TEXT), account_name=draw(st.none() | _TEXT.filter(bool)),
        birthday=draw(st.none() | pd), anniversary=draw(st.none() | pd),
        status=draw(st.sampled_from(list(ContactStatus))),
        phones=draw(_details(st.builds(Phone, _TEXT, _LABEL, st.booleans(), _PARAMS, _GROUP))),
        emails=draw(_details(st.builds(Email, _TEXT, _LABEL, st.booleans(), _PARAMS, _GROUP))),
        websites=draw(_details(st.builds(Website, _TEXT, _LABEL, st.booleans(), _PARAMS,
                                         _GROUP))),
        ims=draw(_details(st.builds(ImHandle, _TEXT, _TEXT, _LABEL, st.booleans(), _PARAMS,
                                    _GROUP))),
        addresses=draw(_details(st.builds(Address, _TEXT, _TEXT, _TEXT, _TEXT, _TEXT, _TEXT,
                                          _TEXT, _LABEL, st.booleans(), _PARAMS, _GROUP))),
        custom=draw(st.dictionaries(_TEXT, _TEXT, max_size=2)),
        tags=draw(st.lists(_TEXT, max_size=3)),
        updated_at=draw(st.none() | st.datetimes(timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=-5))]))),
        extra=draw(st.lists(st.builds(RawProperty, _TEXT, _TEXT, _PARAMS, _GROUP),
                            max_size=2)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(contacts(), min_size=1, max_size=3))
def test_any_contacts_survive_the_rolodeck_layout(originals: list[Contact]) -> None:
    preset, parsed, problems = read_back(text_of(originals, "rolodeck"))
    assert (preset, problems) == ("rolodeck", [])
    assert [p.contact for p in parsed] == originals


# --- Google and Outlook -----------------------------------------------------------------


def test_google_layout_reads_back_what_it_carries() -> None:
    text = text_of([full_contact()], "google")
    assert cells(text)[0] == list(GOOGLE_HEADER)
    preset, parsed, problems = read_back(text)
    assert (preset, problems) == ("google", [])
    c, o = parsed[0].contact, full_contact()
    for name in ("prefix", "given", "middle", "family", "suffix", "nickname", "title",
                 "department", "account_name", "birthday", "anniversary", "notes", "tags"):
        assert getattr(c, name) == getattr(o, name), name
    assert [(p.label, p.value) for p in c.phones] == [(p.label, p.value) for p in o.phones]
    assert [(e.label, e.value, e.preferred) for e in c.emails] == [
        (e.label, e.value, e.preferred) for e in o.emails]
    assert [(a.label, a.street, a.postal_code) for a in c.addresses] == [
        (a.label, a.street, a.postal_code) for a in o.addresses]
    assert [(w.label, w.url) for w in c.websites] == [("home", o.websites[0].url)]
    assert [(m.service, m.handle) for m in c.ims] == [("Skype", "ghopper"),
                                                      ("Signal", "John Doe, jr")]
    assert RawProperty("X-CSV-FILE-AS", "Hopper, Grace", (("X-HEADER", "File As"),)) in c.extra


def test_google_layout_joins_what_does_not_fit_with_its_own_separator() -> None:
    emails = [Email(f"e{n}@x.org", "home" if n % 2 else "work") for n in range(7)]
    row = dict(zip(GOOGLE_HEADER, cells(text_of([Contact(given="A", emails=emails)],
                                                "google"))[1], strict=True))
    assert [row[f"E-mail {n} - Value"] for n in (1, 2, 3, 4)] == [
        "e0@x.org ::: e4@x.org ::: e6@x.org", "e1@x.org ::: e5@x.org", "e2@x.org", "e3@x.org"]
    _, parsed, _ = read_back(text_of([Contact(given="A", emails=emails)], "google"))
    assert sorted(e.value for e in parsed[0].contact.emails) == sorted(e.value for e in emails)


def test_outlook_layout_reads_back_what_it_carries() -> None:
    text = text_of([full_contact(birthday=PartialDate(12, 9))], "outlook")
    assert cells(text)[0] == list(OUTLOOK_HEADER) and len(OUTLOOK_HEADER) == 92
    preset, parsed, problems = read_back(text)
    assert (preset, problems) == ("outlook", [])
    c = parsed[0].contact
    assert (c.prefix, c.given, c.family, c.account_name, c.title, c.department) == (
        "Dr.", "Grace", "Hopper", "United States Navy", "Rear Admiral", "Navy")
    assert (c.birthday, c.anniversary) == (PartialDate(12, 9), PartialDate(6, 15))
    assert [(p.label, p.value) for p in c.phones] == [  # in Outlook's column order
        ("assistant", "+1 202 555 0143"), ("fax", "+1 202 555 0142"),
        ("work", "+1 202 555 0100"), ("mobile", "+1 202 555 0199")]
    assert [e.value for e in c.emails] == ["grace@navy.example", "g@home.example"]
    work = next(a for a in c.addresses if a.label == "work")
    assert (work.street, work.locality) == ("1 Navy Way\nBuilding 2", "Arlington")
    assert (c.tags, c.notes) == (["Pioneer", "VIP, gold"], full_contact().notes)
    assert [w.url for w in c.websites] == ["https://example.org/grace?a=1,2;b"]


# --- rows -------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["google", "outlook", "rolodeck"])
def test_rows_stream_and_are_rfc_4180(layout: str) -> None:
    def endless() -> Iterator[Contact]:
        yield full_contact()
        raise AssertionError("the writer read ahead")

    rows = write_csv(endless(), layout)  # type: ignore[arg-type]
    header, first = next(rows), next(rows)
    assert header.endswith("\r\n") and first.endswith("\r\n")
    parsed = cells(header + first)
    assert len(parsed) == 2 and len(parsed[0]) == len(parsed[1])


def test_an_unknown_layout_is_refused_at_once() -> None:
    with pytest.raises(ValidationError, match="no CSV layout 'excel'"):
        write_csv([], "excel")  # type: ignore[arg-type]


# --- formula injection ------------------------------------------------------------------


@pytest.mark.parametrize(("value", "written"), [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
    ("+SUM(1)", "'+SUM(1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-", "'-"),
    ("- buy milk", "'- buy milk"),
    ("'=1+1", "''=1+1"),  # so the reader can tell it from one the writer guarded
    # A sign then only digits and phone punctuation computes at most a number: left as it
    # is, so a phone number stays a phone number.
    ("+1", "+1"),
    ("-1", "-1"),
    ("+44 20 7946 0958", "+44 20 7946 0958"),
    ("-1 (555) 010-0199", "-1 (555) 010-0199"),
    ("1+1", "1+1"),
    ("'quoted'", "'quoted'"),
    ("Ada", "Ada"),
])
def test_cells_a_spreadsheet_would_run_are_neutralised(value: str, written: str) -> None:
    assert neutralise(value) == written
    for layout, column in (("google", "Notes"), ("outlook", "Notes"), ("rolodeck", "Notes")):
        header, row = cells(text_of([Contact(given="A", notes=value)], layout))
        assert row[header.index(column)] == written
    # Only a Rolodeck-layout file is known to have been guarded, so only it is unguarded.
    _, parsed, _ = read_back(text_of([Contact(given="A", notes=value)], "rolodeck"))
    assert parsed[0].contact.notes == value


def test_other_layouts_are_read_back_with_the_guard_showing() -> None:
    _, parsed, _ = read_back(text_of([Contact(given="A", notes="=1+1")], "google"))
    assert parsed[0].contact.notes == "'=1+1"


def test_every_cell_is_guarded_not_only_notes() -> None:
    c = Contact(given="=A", family="@B", phones=[Phone("=1+1", "-x")], tags=["+t"])
    header, row = cells(text_of([c], "google"))
    by_name = dict(zip(header, row, strict=True))
    assert (by_name["First Name"], by_name["Last Name"], by_name["Phone 1 - Label"],
            by_name["Phone 1 - Value"]) == ("'=A", "'@B", "'-x", "'=1+1")
    assert [v for v in row if v and v[0] in "=+-@\t\r"] == []


@given(st.text(max_size=20))
def test_restore_undoes_exactly_what_neutralise_did(value: str) -> None:
    assert restore(neutralise(value)) == value
