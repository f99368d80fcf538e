"""The LDIF writer: Thunderbird's layout (its DN, object classes, attribute names and order),
RFC 2849's safe strings, base64 and folding; lists as groupOfNames whose members are found
again; and round trips: what the reader reads, written and read again, is equal, with every
kept attribute."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
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
from importers.ldif import MailingList, ldif_records, ldif_text, list_text, read_ldif, write_ldif
from importers.vcard import ParsedCard, ParsedGroup, Problem
from importers.vcard.lines import clean

DATA = Path(__file__).resolve().parents[1] / "data" / "ldif"
SAMPLES = ["thunderbird.ldif", "thunderbird-windows.ldif", "slapcat.ldif",
           "ldapsearch-changes.ldif", "damaged.ldif"]
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 3


def read(data: bytes) -> list:
    return list(read_ldif(io.BytesIO(data), name="out.ldif"))


def cards(out: list) -> list[Contact]:
    return [p.contact for p in out if isinstance(p, ParsedCard)]


def groups(out: list) -> list[ParsedGroup]:
    return [p for p in out if isinstance(p, ParsedGroup)]


def written(contacts, lists=()) -> bytes:
    out = io.BytesIO()
    write_ldif(contacts, out, lists)
    return out.getvalue()


def unfolded(text: str) -> list[str]:
    return text.replace("\n ", "").splitlines()


def attributes(text: str) -> list[tuple[str, str]]:
    """(name, value) of each line of one entry, base64 decoded."""
    out = []
    for line in unfolded(text):
        if not line:
            continue
        name, _, value = line.partition(":")
        if value.startswith(":"):
            value = base64.b64decode(value[1:].strip()).decode()
        else:
            value = value.strip()
        out.append((name, value))
    return out


def full_contact(**kw: Any) -> Contact:
    base: dict[str, Any] = dict(
        prefix="Dr.", given="Grace", middle="Brewster", family="Hopper", suffix="PhD",
        nickname="Amazing Grace", title="Rear Admiral", department="Navy; Reserve",
        account_name="United States Navy", birthday=PartialDate(12, 9, 1906),
        anniversary=PartialDate(6, 15), photo=JPEG, photo_mime="image/jpeg",
        status=ContactStatus.CUSTOMER, source="Referral", owner="Sam",
        notes="COBOL\nline two: <b> and a trailing space ",
        phones=[Phone("+1 202 555 0199", "mobile"), Phone("+1 202 555 0100", "work"),
                Phone("+1 202 555 0101", "home"), Phone("+1 202 555 0102", "fax"),
                Phone("+1 202 555 0103", "pager")],
        emails=[Email("g@home.example", "home"), Email("grace@navy.example", "work", True)],
        addresses=[Address("1 Navy Way\nBuilding 2", "Arlington", "VA", "22202", "USA",
                           "PO 7", label="work"),
                   Address("12 Elm St", "New York", "NY", "10001", "USA", label="home")],
        websites=[Website("https://home.example", "home"), Website("https://navy.example")],
        ims=[ImHandle("ghopper", "AIM"), ImHandle("grace", "Skype")],
        custom={"Custom 1": "admiral", "custom2": "bug", "Renewal": "2025-03-01"},
        tags=["Pioneer"], uid="5f0c9a4e-0d1b-4c52-9a3c-1f2e3d4c5b6a",
        extra=[RawProperty("X-LDIF-mozillaUseHtmlMail", "TRUE"),
               RawProperty("X-ABLABEL", "_$!<Mother>!$_", (), "item5")])
    return Contact(**(base | kw))


# --- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES)
def test_what_is_read_written_and_read_again_is_equal(sample):
    first = read((DATA / sample).read_bytes())
    contacts = cards(first)
    by_uid = {c.uid: c for c in contacts}
    lists = [MailingList(g.name, [by_uid[u] for u in g.members if u in by_uid], extra=g.extra)
             for g in groups(first)]
    again = read(written(contacts, lists))
    # What was damaged is kept as it was, and so is said to be damaged again; nothing else.
    said = {p.message for p in first if isinstance(p, Problem)}
    assert all(p.message in said for p in again if isinstance(p, Problem))
    assert cards(again) == contacts  # uids, details in order, every kept attribute
    assert [(g.name, g.uid, g.members, g.extra) for g in groups(again)] == [
        (g.name, g.uid, [u for u in g.members if u in by_uid], g.extra) for g in groups(first)]


@pytest.mark.parametrize("sample", SAMPLES)
def test_writing_what_was_read_back_gives_the_same_file(sample):
    contacts = cards(read((DATA / sample).read_bytes()))
    once = written(contacts)
    assert written(cards(read(once))) == once


def test_what_ldif_carries_of_a_rolodeck_contact_comes_back():
    c = full_contact()
    [back] = cards(read(written([c])))
    assert (back.given, back.family, back.nickname) == ("Grace", "Hopper", "Amazing Grace")
    assert (back.title, back.department, back.account_name) == (
        "Rear Admiral", "Navy; Reserve", "United States Navy")
    # The preferred address is Thunderbird's primary one; addresses carry no label.
    assert [e.value for e in back.emails] == ["grace@navy.example", "g@home.example"]
    assert back.phones == [Phone("+1 202 555 0100", "work"), Phone("+1 202 555 0101", "home"),
                           Phone("+1 202 555 0102", "fax"), Phone("+1 202 555 0103", "pager"),
                           Phone("+1 202 555 0199", "mobile")]
    assert back.addresses == [
        Address("12 Elm St", "New York", "NY", "10001", "USA", label="home"),
        Address("1 Navy Way\nBuilding 2", "Arlington", "VA", "22202", "USA", "PO 7",
                label="work")]
    assert back.websites == [Website("https://navy.example", "work"),
                             Website("https://home.example", "home")]
    assert back.ims == [ImHandle("ghopper", "AIM", "")]
    assert (back.birthday, back.notes, back.photo) == (c.birthday, c.notes, c.photo)
    assert back.custom == {"Custom 1": "admiral", "Custom 2": "bug"}
    # The cn carries what Thunderbird has no field for: the title and middle name.
    assert RawProperty("X-LDIF-cn", "Dr. Grace Brewster Hopper PhD") in back.extra
    assert RawProperty("X-LDIF-mozillaUseHtmlMail", "TRUE") in back.extra
    assert not any(p.name == "X-ABLABEL" for p in back.extra)  # a vCard's: no LDAP attribute


def test_a_read_contact_edited_in_rolodeck_gets_a_fresh_dn():
    [ada] = cards(read(b"dn: cn=Doe, Jane,mail=jane@old.example\ncn: Doe, Jane\n"
                       b"mail: jane@old.example\n\n"))
    assert ada.extra[0] == RawProperty("X-LDIF-DN", "cn=Doe, Jane,mail=jane@old.example")
    assert ldif_text(ada).startswith("dn: cn=Doe, Jane,mail=jane@old.example\n")
    ada.emails = [Email("jane@new.example")]
    # A kept Thunderbird DN naming the old address would hide her from Thunderbird's lists.
    assert ldif_text(ada).startswith("dn: cn=Jane Doe,mail=jane@new.example\n")
    directory = Contact(given="John", family="Doe", emails=[Email("j@new.example")],
                        extra=[RawProperty("X-LDIF-DN", "uid=jdoe,ou=People,dc=example")])
    assert ldif_text(directory).startswith("dn: uid=jdoe,ou=People,dc=example\n")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=200),
       st.text(max_size=40), st.text(max_size=40))
def test_any_text_comes_back(given_name, family, notes, street, raw):
    c = Contact(given=given_name, family=family, notes=notes, emails=[Email("x@example.com")],
                addresses=[Address(street, "Town", label="home")],
                extra=[RawProperty("X-LDIF-roomNumber", raw)])
    [back] = cards(read(written([c])))
    again = written([back])
    assert written(cards(read(again))) == again  # stable from the first reading on
    kept = clean(notes)  # the character rule, as every reader applies it
    assert back.notes == (kept if kept.strip() else "")
    assert back.addresses[0].locality == "Town"


# --- Thunderbird's layout -------------------------------------------------------------------


def test_a_contact_is_written_as_thunderbird_writes_it():
    c = Contact(given="Ada", family="Lovelace", nickname="Enchantress",
                emails=[Email("ada@analytical.example"), Email("ada@home.example")],
                phones=[Phone("+44 20 7946 0001", "work"), Phone("+44 7700 900123", "mobile")],
                addresses=[Address("Dorset Street", "London", "", "W1U 6QW", "UK")],
                title="Analyst", department="Mathematics", account_name="Analytical Engines",
                websites=[Website("https://ada.example", "home")],
                birthday=PartialDate(12, 10, 1815), custom={"Custom 3": "Note G"},
                notes="First program", ims=[ImHandle("adaking", "AIM")])
    assert ldif_text(c) == "\n".join([
        "dn: cn=Ada Lovelace,mail=ada@analytical.example",
        "objectclass: top", "objectclass: person", "objectclass: organizationalPerson",
        "objectclass: inetOrgPerson", "objectclass: mozillaAbPersonAlpha",
        "givenName: Ada", "sn: Lovelace", "cn: Ada Lovelace", "mozillaNickname: Enchantress",
        "mail: ada@analytical.example", "mozillaSecondEmail: ada@home.example",
        "nsAIMid: adaking", "telephoneNumber: +44 20 7946 0001", "mobile: +44 7700 900123",
        "street: Dorset Street", "l: London", "postalCode: W1U 6QW", "c: UK",
        "title: Analyst", "ou: Mathematics", "o: Analytical Engines",
        "mozillaHomeUrl: https://ada.example", "birthyear: 1815", "birthmonth: 12",
        "birthday: 10", "mozillaCustom3: Note G", "description: First program", "", ""])


def test_a_contact_known_only_by_its_address_has_no_cn():
    text = ldif_text(Contact(emails=[Email("news@shop.example")]))
    assert text.startswith("dn: mail=news@shop.example\n")
    assert "\ncn:" not in text
    [back] = cards(read(text.encode()))
    assert (back.display_name, back.given, back.extra) == ("news@shop.example", "", [])


@pytest.mark.parametrize(("value", "plain"), [
    ("Plain ASCII, with: colons; and <brackets>", True),
    ("Zoë", False), (" leading space", False), (":leading colon", False),
    ("<leading less-than", False), ("trailing space ", False), ("two\nlines", False),
    ("tab\there", False), ("bell\x07", False),
])
def test_values_that_are_not_safe_strings_are_base64(value, plain):
    text = ldif_text(Contact(given="Ada", family="Lovelace", notes=value))
    [line] = [line for line in unfolded(text) if line.startswith("description")]
    assert line.startswith("description: " if plain else "description:: ")
    assert attributes(line) == [("description", value)]
    assert cards(read(text.encode()))[0].notes == value.replace("\x07", "")


def test_empty_values_are_not_written():
    text = ldif_text(Contact(given="Ada", title="  ", notes=" \n ", nickname=""))
    assert [name for name, _ in attributes(text)] == [
        "dn", *["objectclass"] * 5, "givenName", "cn"]


def test_long_lines_fold_at_76_and_read_back_whole():
    notes = "A note long enough to fold several times over. " * 20
    c = Contact(given="Ada", family="Lovelace", notes=notes, photo=JPEG * 4,
                account_name="Ångström " * 20)
    text = ldif_text(c)
    assert max(len(line) for line in text.split("\n")) == 76
    assert all(line.startswith(" ") for line in text.split("\n")
               if line and ":" not in line)
    [back] = cards(read(text.encode()))
    assert (back.notes, back.photo, back.account_name) == (notes, JPEG * 4,
                                                           ("Ångström " * 20).strip())


def test_dns_are_escaped_but_not_the_address_thunderbird_looks_members_up_by():
    c = Contact(given='Jane "JJ"', family="Doe, Jr+", emails=[Email("jane+news@example.com")])
    assert ldif_text(c).startswith(
        'dn: cn=Jane \\"JJ\\" Doe\\, Jr\\+,mail=jane+news@example.com\n')


def test_the_output_is_utf8_with_lf_and_a_blank_line_after_each_entry():
    data = written([Contact(given="Zoë", family="Ångström"), Contact(given="Ada")])
    assert b"\r" not in data and data.endswith(b"\n\n") and data.count(b"\n\ndn:") == 1
    data.decode("utf-8")


def test_raw_properties_are_written_back_as_they_were():
    c = Contact(given="Ada", family="Lovelace", extra=[
        RawProperty("X-LDIF-objectClass", "posixAccount"),
        RawProperty("X-LDIF-cn", "ゆう", (("X-LDIF-OPTION", "lang-ja"),)),
        RawProperty("X-LDIF-jpegPhoto", "file:///photo.jpg", (("VALUE", "uri"),)),
        RawProperty("X-LDIF-objectGUID", "AAECAwQFBgcICQoLDA0ODw==", (("ENCODING", "b"),)),
        RawProperty("X-LDIF-userCertificate", "MIIBCv8=", (("X-LDIF-OPTION", "binary"),
                                                           ("ENCODING", "b"))),
        RawProperty("X-LDIF-roomNumber", ""),
        RawProperty("X-LDIF-changetype", "modify"), RawProperty("X-LDIF-bad name", "x"),
        RawProperty("X-SKYPE", "ada"), RawProperty("NOTE", "a vCard's")])
    lines = unfolded(ldif_text(c))
    assert lines[-7:] == [
        "objectClass: posixAccount", "cn;lang-ja:: " + base64.b64encode(
            "ゆう".encode()).decode(), "jpegPhoto:< file:///photo.jpg",
        "objectGUID:: AAECAwQFBgcICQoLDA0ODw==", "userCertificate;binary:: MIIBCv8=",
        "roomNumber:", ""]
    out = read(ldif_text(c).encode())
    # Read back, each is what it was (the URL is said not to be fetched, again); a value
    # with options comes after the others, as it is read once they are.
    assert cards(out)[0].extra == [*c.extra[:1], *c.extra[2:6], c.extra[1]]


# --- lists ----------------------------------------------------------------------------------


def test_a_list_is_a_group_of_names_whose_members_are_found_again():
    ada = Contact(given="Ada", family="Lovelace", emails=[Email("ada@example.com")])
    zoe = Contact(given="Zoë", family="Doe, Jr", emails=[Email("zoe+x@example.com")])
    only_phone = Contact(nickname="Plumber", phones=[Phone("555")])
    data = written([ada, zoe, only_phone],
                   [("Book Club", [ada, zoe, only_phone]),
                    MailingList("Family", [zoe], description="Sundays\nat noon")])
    text = data.decode()
    club = text.split("\n\n")[3]
    assert unfolded(club)[:4] == ["dn: cn=Book Club", "objectclass: top",
                                  "objectclass: groupOfNames", "cn: Book Club"]
    members = [v for k, v in attributes(club) if k == "member"]
    entries = [v for k, v in attributes(text) if k == "dn"]
    assert members == entries[:3]  # the very DNs of the members' own entries
    out = read(data)
    contacts, found = cards(out), groups(out)
    assert [g.name for g in found] == ["Book Club", "Family"]
    assert found[0].members == [c.uid for c in contacts]
    assert found[1].members == [contacts[1].uid]
    assert found[1].extra == [RawProperty("X-LDIF-description", "Sundays\nat noon")]


def test_writing_streams_and_counts():
    def lazily():
        for i in range(3):
            yield Contact(given=f"Person{i}", emails=[Email(f"p{i}@example.com")])

    out = io.BytesIO()
    assert write_ldif(lazily(), out, [("Everyone", [])]) == 4
    records = list(ldif_records(lazily()))
    assert len(records) == 3 and all(r.endswith("\n\n") for r in records)
    assert list_text(("Everyone", [])) == (
        "dn: cn=Everyone\nobjectclass: top\nobjectclass: groupOfNames\ncn: Everyone\n\n")
    assert re.findall(r"^dn: .*$", out.getvalue().decode(), re.M)[-1] == "dn: cn=Everyone"
