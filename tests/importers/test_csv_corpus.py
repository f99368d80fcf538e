"""Every CSV file of the corpus (../shared/corpus), opened in binary as the app opens it:
exactly the manifest's number of contact rows parse, with the delimiter and encoding it
names, no row rejected, and the fields its notes describe come out where they belong.

Files whose columns match no export (the parser fixtures) first give the "choose what each
column holds" problem, then are read with the mapping a user would choose in the wizard:
the suggested one where the header names say something, else first name / last name /
notes for the three columns ("no header row" in the manifest: the first row is a contact)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from app.domain.contact import Contact, RawProperty
from app.domain.dates import PartialDate
from importers.csv import (
    ColumnMapping,
    CsvImport,
    ParsedContact,
    Problem,
    read_csv,
    suggest_mapping,
)
from tests.importers.corpus import Row, params

DELIMITERS = {"comma": ",", "semicolon": ";"}
THREE_COLUMNS = {0: "given", 1: "family", 2: "notes"}


def _open(row: Row, mapping: ColumnMapping | None = None) -> tuple[CsvImport, list]:
    with row.path.open("rb") as f:
        imp = read_csv(f, name=row.path.name, mapping=mapping)
        return imp, list(imp)


def _raw(c: Contact, name: str) -> str | None:
    return next((p.value for p in c.extra if p.name == name), None)


def _address(c: Contact, label: str):
    return next(a for a in c.addresses if a.label == label)


def _phones(c: Contact) -> dict[str, str]:
    return {p.label: p.value for p in c.phones}


def _kmail(cs: list[Contact]) -> None:
    c = cs[0]
    assert [e.value for e in c.emails] == ["firman@php.net"]
    assert (c.account_name, c.department, c.notes) == ("Foo", "Foo Net", "It's a notes.")
    assert _phones(c)["mobile"] == "999999999" and _phones(c)["home fax"] == "99999999"
    assert [w.url for w in c.websites] == ["http://php.hm/~firman"]
    assert _raw(c, "X-CSV-ROLE") == "Web Developer"  # KMail's Role: kept, not lost
    assert _address(c, "home").country == "Indonesia"


def _outlook(cs: list[Contact]) -> None:
    c = cs[0]
    assert (c.given, c.family, c.account_name) == ("Firman", "Wandayandi", "Foo")
    assert (c.title, c.department) == ("Web Developer", "Foo Net")
    assert c.notes == "It's\nmultiline\nmemo."
    work = _address(c, "work")
    assert (work.street, work.locality, work.region, work.postal_code, work.country) == (
        "Foo Street", "Bandung", "West Java", "99999", "Indonesia")
    assert _address(c, "home").locality == "Bandung"
    assert _phones(c) == {"fax": "99999999", "main": "99999999", "home fax": "99999999",
                          "home": "99999999", "mobile": "999999999", "pager": "99999999"}
    assert [e.value for e in c.emails] == ["firman@php.net"]
    assert _raw(c, "X-CSV-E-MAIL-DISPLAY-NAME") == "Firman Wandayandi"
    assert _raw(c, "X-CSV-PRIORITY") is None  # Outlook's "Normal" in every row is no data


def _thunderbird_headerless(cs: list[Contact]) -> None:
    c = cs[0]
    assert (c.given, c.family, c.nickname) == ("Firman", "Wandayandi", "firman")
    assert (c.title, c.department, c.account_name) == ("Web Developer", "Foo Net", "Foo")
    assert [(w.label, w.url) for w in c.websites] == [("home", "http://php.hm/~firman")]
    assert _phones(c)["mobile"] == "999999999"
    assert _address(c, "work").country == "Indonesia"
    assert c.notes == "It's a notes."


def _wab_selectable(cs: list[Contact]) -> None:
    c = cs[0]
    home = _address(c, "home")
    assert (home.street, home.country) == ("Foo Street 8, 20 Building", "Afghanistan")
    assert c.notes == "I'm\nmultiline\nmemo."
    assert _raw(c, "X-CSV-OFFICE-LOCATION") == "Foo Building"


def _wab(cs: list[Contact]) -> None:
    c = cs[0]
    assert c.notes == "It's\nmultiline\nmemo."
    assert (_address(c, "home").region, c.title) == ("West Java", "Web Developer")


def _yahoo(cs: list[Contact]) -> None:
    c = cs[0]
    assert (c.given, c.family, c.nickname) == ("Firman", "Wandayandi", "firman")
    assert c.notes == "It's\nmultiline\nmemo."
    assert (_address(c, "home").locality, _address(c, "work").region) == ("Bandung",
                                                                            "West Java")
    assert [(w.label, w.url) for w in c.websites] == [("home", "http://php.hm/~firman")]


def _columns1(parsed: list) -> None:
    second, fourth = parsed[1], parsed[3]
    assert (second.contact.given, second.contact.family, second.contact.notes) == (
        "four", "five", "")  # short row: padded, silently
    assert second.warnings == ()
    assert fourth.contact.notes == "eleven"
    assert _raw(fourth.contact, "X-CSV-COLUMN-4") == "twelve"  # long row: kept and flagged
    assert "4 cells" in fourth.warnings[0] and "X-CSV-COLUMN-4" in fourth.warnings[0]


def _multiline1(cs: list[Contact]) -> None:
    assert cs[0].notes == "three\nfour"
    assert (cs[1].given, cs[1].family, cs[1].notes) == ("five", "six\nseven", "eight")
    assert cs[3].notes == "three\n four"  # the continuation keeps its leading space


def _quote5(cs: list[Contact]) -> None:
    assert (cs[0].given, cs[0].family, cs[0].notes) == ("one two", "three, four", "five")
    assert cs[1].family == "seven"  # the trailing space is trimmed


def _quote7(cs: list[Contact]) -> None:
    assert (cs[1].given, cs[1].family, cs[1].notes) == ("four", 'five"six', 'seven\n"eight"')


def _simple_cr(cs: list[Contact]) -> None:
    assert (cs[0].given, cs[0].family, cs[0].notes) == ("four", "five", "six")


def _linkedin(cs: list[Contact]) -> None:
    ada = cs[0]
    assert (ada.given, ada.family, ada.account_name, ada.title) == (
        "Ada", "Lovelace", "Analytical Engines", "Founder & CEO")
    assert [(w.label, w.url) for w in ada.websites] == [
        ("profile", "https://www.linkedin.com/in/ada")]
    assert ada.emails == []
    assert _raw(ada, "X-CSV-CONNECTED-ON") == "14 May 2026"
    assert _raw(cs[-1], "X-CSV-CONNECTED-ON") is None  # the last row's date is empty


def _roundcube_all(cs: list[Contact]) -> None:
    c = cs[0]
    assert (c.prefix, c.given, c.middle, c.family, c.suffix) == (
        "Prefix", "First Name", "Middle Name", "Last Name", "Suffix")
    assert c.birthday == PartialDate(1, 20, 1991)  # 20/01/1991
    assert c.anniversary == PartialDate(2, 20, 1992)
    assert [(e.label, e.value) for e in c.emails] == [
        ("home", "home@example.com"), ("work", "work@example.com"),
        ("other", "other@example.com")]
    assert [(m.service, m.handle) for m in c.ims][-2:] == [("Skype", "skype"),
                                                           ("Yahoo", "yahoo")]
    assert {w.label for w in c.websites} == {"blog", "home", "other", "profile", "work"}
    assert c.tags == ["test"]
    assert _raw(c, "X-CSV-DISPLAY-NAME") == "Display Name"
    assert _raw(c, "X-CSV-GENDER") == "female"


def _roundcube_email(cs: list[Contact]) -> None:
    assert [c.display_name for c in cs] == [f"test{n}@domain.tld" for n in range(1, 5)]


def _gmail(cs: list[Contact]) -> None:
    c = cs[0]
    assert (c.prefix, c.given, c.middle, c.family, c.suffix, c.nickname) == (
        "Prefix", "Firstname", "Middle", "Lastname", "Suffix", "nick")
    assert c.notes == 'note"note' and c.tags == ["Test"]
    assert [(e.label, e.value, e.preferred) for e in c.emails] == [
        ("home", "home@aaa.pl", True), ("work", "work@email.pl", False),
        ("other", "unknown@email.com", False), ("other", "other@email.com", False)]
    assert _phones(c) == {"pager": "pager", "main": "mainphone", "home": "homephone",
                          "home fax": "homefax", "mobile": "mobile", "work": "workphone",
                          "fax": "workfax"}
    home = _address(c, "home")
    assert (home.street, home.po_box, home.postal_code) == ("home_street", "home_pobox",
                                                            "home_zip")
    assert (c.account_name, c.title, c.birthday) == ("company", "jobtitle",
                                                     PartialDate(12, 12, 1975))
    assert [(w.label, w.url) for w in c.websites] == [("profile", "test.com"),
                                                      ("home", "home.page.com")]
    assert RawProperty("X-CSV-RELATION-1-VALUE", "spouse",
                       (("X-HEADER", "Relation 1 - Value"),)) in c.extra


def _roundcube_outlook(cs: list[Contact]) -> None:
    assert [e.value for e in cs[0].emails] == [f"test{n}@domain.tld" for n in (1, 2, 3)]
    assert cs[0].display_name == "test1@domain.tld"


def _tb_plain(cs: list[Contact]) -> None:
    c = cs[0]
    assert c.birthday == PartialDate(11, 15, 1970)
    assert _raw(c, "X-CSV-DISPLAY-NAME") == "Displayname"
    assert [w.url for w in c.websites] == ["http://page.com", "http://webpage.tld"]
    assert _address(c, "work").country == "Poland"


def _tb_basic(cs: list[Contact]) -> None:
    assert [(c.display_name, c.emails[0].value) for c in cs] == [
        ("John Doe", "john@doe.invalid"), ("Jane Doe", "jane@doe.invalid")]


def _tb_export(cs: list[Contact]) -> None:
    two = cs[1]
    assert two.title == '"worker"'
    assert _raw(two, "X-CSV-CUSTOM-1") == "custom, 1"
    assert _raw(two, "X-CSV-CUSTOM-2") == "custom\t2"
    assert _raw(two, "X-CSV-CUSTOM-3") == "custom\r3"
    assert _raw(two, "X-CSV-CUSTOM-4") == "custom\n4"
    assert two.notes == "here's some unicode text\u2026"


def _tb_import(cs: list[Contact]) -> None:
    assert (cs[0].display_name, cs[0].emails[0].value) == ("contact number one",
                                                           "contact1@invalid")


def _tb_quote(cs: list[Contact]) -> None:
    c = cs[0]
    assert (c.given, c.family, c.account_name) == ("Acer America", "", "Acer America")
    assert [(p.label, p.value) for p in c.phones] == [("work", "(800) 000-0000")]


def _utf16(cs: list[Contact]) -> None:
    assert (cs[0].display_name, cs[0].emails[0].value) == ("John Doe", "johndoe@host.invalid")


Check = Callable[[list[Contact]], None]
# file -> (preset recognised, field checks); None: the file matches no export.
EXPECT: dict[str, tuple[str | None, Check]] = {
    "hordedata__KMail.csv": ("kmail", _kmail),
    "hordedata__Outlook.csv": ("outlook", _outlook),
    "hordedata__Thunderbird.csv": ("thunderbird", _thunderbird_headerless),
    "hordedata__WAB-selectable.csv": ("wab", _wab_selectable),
    "hordedata__WAB.csv": ("wab", _wab),
    "hordedata__Yahoo.csv": ("yahoo", _yahoo),
    "hordedata__multiline1.csv": (None, _multiline1),
    "hordedata__quote5.csv": (None, _quote5),
    "hordedata__quote7.csv": (None, _quote7),
    "hordedata__simple_cr.csv": (None, _simple_cr),
    "hordedata__columns1.csv": (None, lambda cs: None),  # checked on the parsed rows
    "linkedin__sample_connections.csv": ("linkedin", _linkedin),
    "roundcube__all.csv": (None, _roundcube_all),
    "roundcube__email.csv": ("thunderbird", _roundcube_email),
    "roundcube__gmail.csv": ("google-csv", _gmail),
    "roundcube__outlook.csv": ("outlook", _roundcube_outlook),
    "roundcube__tb_plain.csv": ("thunderbird", _tb_plain),
    "tb__basic_csv_addressbook.csv": ("thunderbird", _tb_basic),
    "tb__csv_semicolon.csv": ("thunderbird", _tb_basic),
    "tb__export.csv": ("thunderbird", _tb_export),
    "tb__import.csv": (None, _tb_import),
    "tb__quote.csv": ("thunderbird", _tb_quote),
    "tb__utf16_addressbook.csv": ("thunderbird", _utf16),
}
_BRACKET = re.compile(r"\((\w+)-delimited, ([\w-]+)\)")


@pytest.mark.parametrize("row", params("csv"))
def test_corpus_file(row: Row) -> None:
    imp, items = _open(row)
    expected = row.count("contact")
    if expected is None:  # "not a contacts CSV; must not crash"
        assert imp.needs_mapping and items == [imp.error]
        assert "match no known export" in str(imp.error)
        return
    name = row.path.name
    preset, check = EXPECT[name]
    if preset is None:
        # First the wizard's question, with what it needs to ask it...
        assert imp.needs_mapping and items == [imp.error] and imp.header and imp.error
        assert "choose what each column holds" in imp.error.reason
        has_header = "no header row" not in row.expected
        suggested = suggest_mapping(imp.header)
        mapping = (suggested if suggested.columns else
                   ColumnMapping(THREE_COLUMNS, has_header=has_header))
        # ...then the file read with the answer.
        imp, items = _open(row, mapping)
    else:
        assert imp.preset is not None and imp.preset.name == preset
    problems = [p for p in items if isinstance(p, Problem)]
    assert problems == []
    parsed = [p for p in items if isinstance(p, ParsedContact)]
    assert len(parsed) == expected
    if m := _BRACKET.search(row.expected):
        assert imp.delimiter == DELIMITERS[m[1]]
        assert imp.encoding == m[2]
    if m := re.search(r"header is on line (\d+)", row.expected):
        assert imp.header_line == int(m[1])
    if "after 1 header row" in row.expected:
        assert imp.header is not None
        assert not imp.header[0].startswith("\ufeff")  # the BOM is not part of a name
    check([p.contact for p in parsed])
    if name == "hordedata__columns1.csv":
        _columns1(parsed)
    lines = [p.line for p in parsed]
    assert lines == sorted(set(lines))  # each row says where it began, in order
