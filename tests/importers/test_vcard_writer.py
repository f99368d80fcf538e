"""The vCard writer, read back with vobject's parser: every field comes back equal, hostile
values never make a card unreadable, long lines fold on UTF-8 boundaries, cards stream."""

from __future__ import annotations

import base64
import io
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import vobject
import vobject.base
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
from importers.vcard import card, vcard_text, write_vcards

VERSIONS = ("4.0", "3.0")
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def full_contact(**kw) -> Contact:
    base = dict(
        prefix="Dr.", given="Grace", middle="Brewster", family="Hopper", suffix="PhD",
        nickname="Amazing Grace", title="Rear Admiral", department="Navy",
        account_name="United States Navy",
        birthday=PartialDate(12, 9, 1906), anniversary=PartialDate(6, 15),
        photo=PHOTO, photo_mime="image/png", status=ContactStatus.CUSTOMER, source="Referral",
        owner="Sam", notes="COBOL\nline two",
        phones=[Phone("+1 202 555 0100", "work", True, (("TYPE", "VOICE"), ("X-EXT", "12"))),
                Phone("+1 202 555 0199", "mobile"),
                Phone("+1 202 555 0142", "Assistant", group="item1")],
        emails=[Email("grace@navy.example", "work", True), Email("g@home.example", "home")],
        addresses=[Address("1 Navy Way", "Arlington", "VA", "22202", "USA", "PO 7", "Bldg 2",
                           label="work", params=(("GEO", "geo:38.87,-77.05"),))],
        websites=[Website("https://example.org/grace?a=1,2;b", "home")],
        ims=[ImHandle("ghopper", "Skype", preferred=True), ImHandle("John Doe, jr", "Signal")],
        custom={"Renewal": "2025-03-01", "Size": "12"}, tags=["Pioneer", "VIP, gold"],
        uid="urn:uuid:5f0c9a4e-0d1b-4c52-9a3c-1f2e3d4c5b6a",
        updated_at=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        extra=[RawProperty("X-ABRELATEDNAMES", "Mary", (("TYPE", "pref"),), "item5"),
               RawProperty("X-ABLABEL", "_$!<Mother>!$_", (), "item5"),
               RawProperty("X-SHOESIZE", "9\\, wide", (("X-UNIT", "UK"),))])
    return Contact(**(base | kw))


def one_card(text: str):
    cards = list(vobject.readComponents(text))
    assert len(cards) == 1
    return cards[0]


def children(vcard, name: str) -> list:
    return [c for c in vcard.getChildren() if c.name == name.upper()]


def raw_lines(text: str) -> list[tuple[str, dict[str, list[str]], str, str | None]]:
    """(name, params, value, group) of each line, unfolded but not decoded: vobject decodes
    every value as text, and so cuts URIs (a data: URI's comma) that must stay as written."""
    out = []
    for line, _n in vobject.base.getLogicalLines(io.StringIO(text), allowQP=False):
        name, params, value, group = vobject.base.parseLine(line)
        out.append((name, {p[0].upper(): p[1:] for p in params}, value, group))
    return out


def raw(text: str, name: str) -> list[tuple[dict[str, list[str]], str, str | None]]:
    return [(p, v, g) for n, p, v, g in raw_lines(text) if n.upper() == name]


def types(line) -> set[str]:
    return {t.casefold() for t in line.params.get("TYPE", [])}


def rfc6868(value: str) -> str:
    return re.sub(r"\^(\^|n|')", lambda m: {"^": "^", "n": "\n", "'": '"'}[m[1]], value)


def under_rule(text: str) -> str:
    """The writer's stated character rule, written out again independently: line breaks are
    newlines; every other Cc character but TAB, and lone surrogates, are dropped."""
    text = re.sub("\r\n|[\r\n\x85\u2028\u2029]", "\n", text)
    return "".join(ch for ch in text
                   if ch in "\t\n" or unicodedata.category(ch) not in ("Cc", "Cs"))


@pytest.mark.parametrize("version", VERSIONS)
def test_every_field_comes_back_from_vobject_equal(version):
    c = full_contact()
    text = vcard_text([c], version)
    v = one_card(text)
    v4 = version == "4.0"
    assert v.version.value == version
    assert v.fn.value == "Dr. Grace Brewster Hopper PhD"
    n = v.n.value
    assert (n.family, n.given, n.additional, n.prefix, n.suffix) == (
        "Hopper", "Grace", "Brewster", "Dr.", "PhD")
    assert v.nickname.value == "Amazing Grace"
    assert v.org.value == ["United States Navy", "Navy"]
    assert v.title.value == "Rear Admiral"
    assert v.note.value == "COBOL\nline two"
    assert v.categories.value == ["Pioneer", "VIP, gold"]
    assert v.uid.value == c.uid
    assert v.rev.value == ("20240506T070809Z" if v4 else "2024-05-06T07:08:09Z")

    tels = children(v, "TEL")
    assert [t.value for t in tels] == [p.value for p in c.phones]
    assert types(tels[0]) >= {"work", "voice"} and types(tels[1]) == {"cell"}
    assert tels[0].params["X-EXT"] == ["12"]
    if v4:
        assert tels[0].params["PREF"] == ["1"] and "PREF" not in tels[1].params
    else:
        assert "pref" in types(tels[0]) and "pref" not in types(tels[1])
    assert tels[2].group == "item1" and "TYPE" not in tels[2].params
    labels = {x.group: x.value for x in children(v, "X-ABLABEL")}
    assert labels == {"item1": "Assistant", "item5": "_$!<Mother>!$_"}

    emails = children(v, "EMAIL")
    assert [(e.value, types(e) - {"internet", "pref"}) for e in emails] == [
        ("grace@navy.example", {"work"}), ("g@home.example", {"home"})]
    a = v.adr.value
    assert (a.box, a.extended, a.street, a.city, a.region, a.code, a.country) == (
        "PO 7", "Bldg 2", "1 Navy Way", "Arlington", "VA", "22202", "USA")
    assert types(v.adr) == {"work"}
    [(adr_params, _adr, _)] = raw(text, "ADR")
    assert adr_params["GEO"] == ["geo:38.87,-77.05"]

    [(url_params, url, _)] = raw(text, "URL")
    assert url == "https://example.org/grace?a=1,2;b"  # a URI, written as it is
    assert {t.casefold() for t in url_params["TYPE"]} == {"home"}

    impp = raw(text, "IMPP")
    signal = [(p, val) for p, val, _g in impp if p.get("X-SERVICE-TYPE") == ["Signal"]]
    assert len(signal) == 1
    scheme, _, handle = signal[0][1].partition(":")
    assert (scheme, urllib.parse.unquote(handle)) == ("x-apple", "John Doe, jr")
    if v4:
        [skype] = [(p, val) for p, val, _g in impp if p.get("X-SERVICE-TYPE") == ["Skype"]]
        assert skype[1] == "skype:ghopper" and skype[0]["PREF"] == ["1"]
    else:  # what 3.0 readers know a Skype name by
        assert v.x_skype.value == "ghopper" and "pref" in types(v.x_skype)

    if v4:
        assert PartialDate.parse(v.bday.value) == c.birthday
        assert PartialDate.parse(v.anniversary.value) == c.anniversary
        [(_p, photo, _g)] = raw(text, "PHOTO")
        head, _, data = photo.partition(",")
        assert head == "data:image/png;base64" and base64.b64decode(data) == PHOTO
    else:
        assert PartialDate.parse(v.bday.value) == c.birthday
        assert v.x_anniversary.value == "1604-06-15"
        assert v.x_anniversary.params["X-APPLE-OMIT-YEAR"] == ["1604"]
        assert v.photo.value == PHOTO and v.photo.params["TYPE"] == ["PNG"]

    assert v.x_rolodeck_status.value == "customer"
    assert v.x_rolodeck_source.value == "Referral"
    assert v.x_rolodeck_owner.value == "Sam"
    assert {f.params["X-NAME"][0]: f.value for f in children(v, "X-ROLODECK-FIELD")} == {
        "Renewal": "2025-03-01", "Size": "12"}
    related = children(v, "X-ABRELATEDNAMES")[0]
    assert (related.group, related.value, related.params) == ("item5", "Mary",
                                                              {"TYPE": ["pref"]})
    assert v.x_shoesize.value == "9, wide" and v.x_shoesize.params == {"X-UNIT": ["UK"]}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_birthday_without_a_year(version):
    c = Contact(given="Ada", birthday=PartialDate(4, 15), anniversary=PartialDate(2, 29))
    text = card(c, version)
    if version == "4.0":
        assert "\r\nBDAY:--0415\r\n" in text and "\r\nANNIVERSARY:--0229\r\n" in text
        assert PartialDate.parse(one_card(text).bday.value) == PartialDate(4, 15)
    else:
        # Apple's convention: 1604, a leap year, so a Feb 29 without a year stays a date.
        assert "\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\r\n" in text
        assert "\r\nX-ANNIVERSARY;X-APPLE-OMIT-YEAR=1604:1604-02-29\r\n" in text
        v = one_card(text)
        assert v.bday.params == {"X-APPLE-OMIT-YEAR": ["1604"]}


HOSTILE = "semi;colon, comma \\back\\slash\r\nCRLF\rCR\nLF 😀 naïve\x00nul\x07bel\x1besc\x7f" \
          "del\x85nel\u2028ls\tTAB \ud800 end"


@pytest.mark.parametrize("version", VERSIONS)
def test_hostile_values_are_escaped_and_controls_dropped_by_the_rule(version):
    c = Contact(given=HOSTILE, family="Fam;ily,\\", title=HOSTILE, department="D;e,p",
                account_name="Acme; Inc, \\ Ltd", notes=HOSTILE, nickname="Bob, the builder",
                addresses=[Address(street=HOSTILE, locality="A;B", country="C,D\\")],
                phones=[Phone("+1 (555) 0100;ext=2", "work",
                              params=(("X-NOTE", 'He said "hi"\nthen ^ left; ok: yes'),
                                      ("BAD NAME", "dropped")))],
                tags=["a;b", "c,d", HOSTILE, "\x00"], custom={"Odd;name:\"x\"": HOSTILE},
                extra=[RawProperty("X-RAW", "line one\nline two\x00"),
                       RawProperty("BAD NAME", "dropped"), RawProperty("END", "VCARD"),
                       RawProperty("N", "Other;Name"), RawProperty("X-OK", "v", (), "bad group")])
    text = card(c, version)
    assert text.encode("utf-8")  # no lone surrogate survives
    assert not [ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t"]
    v = one_card(text)
    clean = under_rule(HOSTILE)
    assert v.n.value.given == clean and v.n.value.family == "Fam;ily,\\"
    assert v.title.value == clean and v.note.value == clean
    assert v.nickname.value == "Bob, the builder"
    assert v.org.value == ["Acme; Inc, \\ Ltd", "D;e,p"]
    assert (v.adr.value.street, v.adr.value.city, v.adr.value.country) == (clean, "A;B",
                                                                           "C,D\\")
    assert v.categories.value == ["a;b", "c,d", clean]
    assert v.fn.value == " ".join(under_rule(c.display_name).split())
    [field] = children(v, "X-ROLODECK-FIELD")
    assert field.value == clean
    [(tel_params, _tel, _)] = raw(text, "TEL")
    assert "BAD NAME" not in text
    if version == "4.0":  # RFC 6868
        assert rfc6868(tel_params["X-NOTE"][0]) == 'He said "hi"\nthen ^ left; ok: yes'
        assert rfc6868(field.params["X-NAME"][0]) == 'Odd;name:"x"'
    else:  # 3.0 cannot carry a quote or a newline in a parameter
        assert tel_params["X-NOTE"] == ["He said hi then ^ left; ok: yes"]
        assert field.params["X-NAME"] == ["Odd;name:x"]
    assert v.x_raw.value == "line one\nline two"
    assert v.x_ok.group is None
    assert len(children(v, "N")) == 1 and text.count("END:VCARD") == 1


def test_every_line_ends_in_crlf():
    text = vcard_text([full_contact(), full_contact(notes="a\nb\r\nc\rd")])
    assert text.endswith("\r\n")
    assert text.count("\n") == text.count("\r\n") == text.count("\r")


def folded_lines(text: str) -> list[bytes]:
    return text.encode("utf-8").split(b"\r\n")[:-1]


@pytest.mark.parametrize("version", VERSIONS)
def test_long_utf8_lines_fold_at_75_octets_between_characters(version):
    # Every offset of 2-, 3- and 4-octet characters against the 75/74-octet cuts.
    notes = "".join(f"{'x' * k}é€😀🏳️‍🌈ñ" for k in range(40))
    c = Contact(given="Zoë", notes=notes, title="€" * 200)
    text = card(c, version)
    lines = folded_lines(text)
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # each physical line is whole characters on its own
    v = one_card(text)
    assert v.note.value == notes and v.title.value == "€" * 200
    assert f"\r\nNOTE:{notes}\r\n" in text.replace("\r\n ", "")  # unfolding gives it whole


def test_a_one_megabyte_note_is_folded_and_read_back_whole():
    notes = ("Zoë 🦄 naïve; line, with \\ and\n" * 40_000)[:1_000_000]
    text = card(Contact(given="Big", notes=notes), "4.0")
    assert max(len(line) for line in folded_lines(text)) <= 75
    assert one_card(text).note.value == notes


def test_the_stream_is_lazy():
    taken = []

    def contacts() -> Iterator[Contact]:
        for i in range(50):
            taken.append(i)
            yield Contact(given=f"Person {i}")

    stream = write_vcards(contacts(), "4.0")
    assert taken == []
    first = next(stream)
    assert taken == [0] and first.startswith("BEGIN:VCARD\r\n")
    rest = list(stream)
    assert len(rest) == 49 and len(taken) == 50
    cards = list(vobject.readComponents("".join([first, *rest])))
    assert [c.fn.value for c in cards] == [f"Person {i}" for i in range(50)]


def test_an_unknown_version_is_refused_when_asked_not_later():
    with pytest.raises(ValidationError, match="2.1"):
        write_vcards([], "2.1")  # type: ignore[arg-type]


def test_a_card_always_has_a_formatted_name():
    assert one_card(card(Contact(phones=[Phone("+1 555 0100")]))).fn.value == "+1 555 0100"
    assert one_card(card(Contact(account_name="Acme Ltd"))).fn.value == "Acme Ltd"
    assert one_card(card(Contact(given="\x00\x01"))).fn.value == "Unnamed contact"
    nameless = one_card(card(Contact(emails=[Email("ada@example.org")])))
    assert nameless.fn.value == "ada@example.org"
    assert nameless.n.value.family == "" and nameless.n.value.given == ""


def test_labels_and_groups():
    c = Contact(given="Ada", phones=[
        Phone("1", "work", group="item1"),   # its group kept, the stale label below dropped
        Phone("2", "Assistant"),             # a label vCard has no TYPE for: a new group
        Phone("3", "Car", group="item9"),    # a custom label in the group it came in
        Phone("4", "fax", params=(("TYPE", "HOME"), ("TYPE", "FAX"), ("TYPE", "TEXT")))],
        extra=[RawProperty("X-ABLABEL", "_$!<Main>!$_", (), "item1"),
               RawProperty("X-ABDATE", "2001-02-03", (), "item2"),
               RawProperty("X-ABLABEL", "Graduation", (), "item2")])
    text = card(c, "4.0")
    v = one_card(text)
    tels = children(v, "TEL")
    assert [(t.value, t.group) for t in tels] == [("1", "item1"), ("2", "item3"),
                                                  ("3", "item9"), ("4", None)]
    # The label of number 4 is "fax": its imported HOME is the label it had before an edit.
    assert types(tels[0]) == {"work"} and types(tels[3]) == {"fax", "text"}
    labels = sorted((x.group, x.value) for x in children(v, "X-ABLABEL"))
    assert labels == [("item2", "Graduation"), ("item3", "Assistant"), ("item9", "Car")]


def test_uids_and_handles_that_are_not_plain_uris():
    c = Contact(given="Ada", uid="odd,uid;with\\stuff",
                ims=[ImHandle("@ada:matrix.org", "Matrix"), ImHandle("xmpp:ada@jabber.org"),
                     ImHandle("skype:ada.l", "skype")])
    text = card(c, "4.0")
    v = one_card(text)
    assert v.uid.value == "odd,uid;with\\stuff" and v.uid.params == {"VALUE": ["text"]}
    assert [val for _p, val, _g in raw(text, "IMPP")] == [
        "x-apple:@ada:matrix.org", "xmpp:ada@jabber.org", "skype:ada.l"]
    assert one_card(card(c, "3.0")).uid.value == "odd,uid;with\\stuff"


# Surrogates too: a str can hold a lone one, UTF-8 cannot.
texts = st.text(st.characters(exclude_categories=()), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(given_name=texts, notes=texts, street=texts, tag=texts, param=texts, field=texts,
       version=st.sampled_from(VERSIONS))
def test_any_text_gives_a_card_vobject_reads_back(given_name, notes, street, tag, param,
                                                  field, version):
    c = Contact(given=given_name, family="F", notes=notes, tags=[tag],
                addresses=[Address(street=street)], custom={"F": field},
                phones=[Phone("1", params=(("X-P", param),))])
    text = card(c, version)
    v = one_card(text)
    assert v.n.value.given == under_rule(given_name)
    assert v.adr.value.street == under_rule(street)
    if under_rule(notes):
        assert v.note.value == under_rule(notes)
    if under_rule(tag).strip():
        assert v.categories.value == [under_rule(tag)]
    [(tel_params, _v, _g)] = raw(text, "TEL")
    written = (tel_params["X-P"] or [""])[0]  # vobject gives an empty value as none
    if version == "4.0":
        assert rfc6868(written) == under_rule(param)
    else:
        assert written == under_rule(param).replace('"', "").replace("\n", " ")


@pytest.mark.parametrize("version", VERSIONS)
def test_a_photo_without_a_media_type_or_with_a_hostile_one(version):
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(200))
    for mime, expected in (("", "image/jpeg"), ('image/png;x="1",\r\n', "image/pngx1")):
        text = card(Contact(given="Ada", photo=jpeg, photo_mime=mime), version)
        [(params, value, _g)] = raw(text, "PHOTO")
        if version == "4.0":
            head, _, data = value.partition(",")
            assert head == f"data:{expected};base64" and base64.b64decode(data) == jpeg
        else:
            assert params["TYPE"] == [expected.rpartition("/")[2].upper()]
            assert one_card(text).photo.value == jpeg


def test_3_0_writes_the_bare_handle_in_its_x_property():
    c = Contact(given="Ada", ims=[ImHandle("skype:ada.l", "Skype"), ImHandle("ada@jabber.org",
                                                                            "XMPP")])
    v = one_card(card(c, "3.0"))
    assert v.x_skype.value == "ada.l" and v.x_jabber.value == "ada@jabber.org"
