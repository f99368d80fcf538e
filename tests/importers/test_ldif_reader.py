"""The LDIF reader over exports as Thunderbird and OpenLDAP write them: every attribute goes
to its field or is kept, lists name their members by the UIDs their entries get, and bad
input gives a clear problem (file, line, record) and never an exception, in bounded time
and memory."""

from __future__ import annotations

import base64
import io
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.contact import Address, Contact, ImHandle, Phone, RawProperty, Website
from app.domain.dates import PartialDate
from importers.ldif import read_ldif, uid_of
from importers.ldif.dn import normal
from importers.vcard import ParsedCard, ParsedGroup, Problem, Severity

DATA = Path(__file__).resolve().parents[1] / "data" / "ldif"


def parse(data: bytes | str, name: str = "test.ldif") -> list:
    raw = data.encode() if isinstance(data, str) else data
    return list(read_ldif(io.BytesIO(raw), name=name))


def read_file(name: str) -> list:
    with (DATA / name).open("rb") as f:
        return list(read_ldif(f, name=name))


def cards(out: list) -> list[Contact]:
    return [p.contact for p in out if isinstance(p, ParsedCard)]


def groups(out: list) -> list[ParsedGroup]:
    return [p for p in out if isinstance(p, ParsedGroup)]


def problems(out: list, severity: Severity | None = None) -> list[Problem]:
    return [p for p in out if isinstance(p, Problem) and severity in (None, p.severity)]


def by_name(out: list) -> dict[str, Contact]:
    return {c.display_name: c for c in cards(out)}


def extra(c: Contact | ParsedGroup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in c.extra:
        found.setdefault(p.name, []).append(p.value)
    return found


def entry(*lines: str, dn: str = "cn=Ada Lovelace") -> str:
    return "\n".join((f"dn: {dn}", *lines, "", ""))


# --- Thunderbird --------------------------------------------------------------------------


def test_a_thunderbird_export_maps_every_field():
    out = read_file("thunderbird.ldif")
    assert problems(out) == []
    ada = by_name(out)["Ada Lovelace"]
    assert (ada.given, ada.family, ada.nickname) == ("Ada", "Lovelace", "Enchantress")
    assert [e.value for e in ada.emails] == ["ada@analytical.example", "ada.king@home.example"]
    assert ada.phones == [Phone("+44 20 7946 0001", "work"), Phone("+44 20 7946 0002", "home"),
                          Phone("+44 20 7946 0003", "fax"), Phone("+44 20 7946 0004", "pager"),
                          Phone("+44 7700 900123", "mobile")]
    assert ada.addresses == [
        Address("12 St James's Square", "London", "", "SW1Y 4JH", "United Kingdom",
                label="home"),
        Address("Analytical Engine Works\nDorset Street", "London", "Greater London",
                "W1U 6QW", "United Kingdom", label="work")]
    assert (ada.title, ada.department, ada.account_name) == (
        "Analyst", "Mathematics", "Analytical Engine Ltd")
    assert ada.websites == [Website("https://analytical.example", "work"),
                            Website("https://ada.example", "home")]
    assert ada.ims == [ImHandle("adaking", "AIM", "")]
    assert ada.birthday == PartialDate(12, 10, 1815)
    assert ada.custom == {"Custom 1": "Countess", "Custom 2": "Note G"}
    assert ada.notes == "Wrote the first program.\nAsk about the Bernoulli numbers."
    # What Rolodeck has no field for is kept, to be written back.
    assert extra(ada) == {"X-LDIF-modifytimestamp": ["1701427200"]}


def test_non_ascii_names_in_base64_and_names_written_family_first():
    names = by_name(read_file("thunderbird.ldif"))
    zoe = names["Zoë Ångström"]
    assert (zoe.given, zoe.family, zoe.account_name) == ("Zoë", "Ångström",
                                                         "Ångström Laboratoriet")
    assert zoe.birthday == PartialDate(2, 29)  # no birth year: a date without one
    sakura = names["渡辺 さくら"]
    assert (sakura.given, sakura.family, sakura.extra[0].name) == (
        "さくら", "渡辺", "X-LDIF-modifytimestamp")  # the cn says nothing more: not kept


def test_a_display_name_that_says_more_than_the_name_is_kept_and_one_that_does_not_is_not():
    names = by_name(read_file("thunderbird.ldif"))
    assert extra(names["Bob Stone"])["X-LDIF-cn"] == ["Bob Stone (Sales)"]
    assert "X-LDIF-cn" not in extra(names["Jane Doe"])  # "Doe, Jane" is the name reordered
    grace = names["Dr. Grace Hopper"]  # only a display name: it gives the name
    assert (grace.given, grace.family, grace.phones) == ("Dr. Grace", "Hopper",
                                                         [Phone("+1 202 555 0100", "home")])
    shop = names["newsletter@shop.example"]  # only an address, as Thunderbird writes one
    assert (shop.given, shop.family, [e.value for e in shop.emails]) == (
        "", "", ["newsletter@shop.example"])


def test_a_mailing_list_names_its_members_by_the_uids_their_entries_get():
    out = read_file("thunderbird.ldif")
    [club] = groups(out)
    names = by_name(out)
    assert club.name == "Book Club"
    assert club.members == [names[n].uid for n in ("Ada Lovelace", "Zoë Ångström", "Jane Doe",
                                                    "newsletter@shop.example")]
    assert extra(club) == {"X-LDIF-mozillaNickname": ["books"],
                           "X-LDIF-description": ["Thursdays, 7 pm\nbring the book"]}
    assert club.uid == uid_of("cn=Book Club") and club.record == 8


def test_uids_are_derived_from_the_dn_and_the_same_on_every_read():
    first, again = read_file("thunderbird.ldif"), read_file("thunderbird.ldif")
    uids = [c.uid for c in cards(first)]
    assert uids == [c.uid for c in cards(again)]
    assert len(set(uids)) == len(uids) and all(u.startswith("ldif-") for u in uids)
    assert all(p.uid_generated for p in first if isinstance(p, ParsedCard))
    assert by_name(first)["Ada Lovelace"].uid == uid_of(
        "cn=Ada Lovelace,mail=ada@analytical.example")


@pytest.mark.parametrize("same", [
    "CN=Ada  Lovelace, MAIL=ADA@Example.com",
    "cn=ada lovelace,mail=ada@example.com",
    "cn = Ada Lovelace , mail = ada@example.com",
    "cn=Ada\\20Lovelace,mail=ada@example.com",
    'cn="Ada Lovelace",mail=ada@example.com',
])
def test_dns_that_ldap_holds_equal_give_the_same_uid(same):
    assert uid_of(same) == uid_of("cn=Ada Lovelace,mail=ada@example.com")


def test_dns_that_differ_give_different_uids():
    base = uid_of("cn=Ada Lovelace,mail=ada@example.com")
    assert uid_of("cn=Ada Lovelace,mail=ada@example.org") != base
    assert uid_of("mail=ada@example.com,cn=Ada Lovelace") != base
    assert uid_of("cn=Ada Lovelace") != base
    # An unescaped comma or plus (as Thunderbird writes them) is part of the value.
    assert normal("cn=Doe, Jane,mail=j+news@x") == normal("cn=Doe\\, Jane,mail=j\\+news@x")
    assert normal("cn=A+sn=B") == normal("sn=B+cn=A")  # a multi-valued RDN, in any order


def test_an_older_thunderbird_on_windows_with_a_bom_and_crlf():
    out = read_file("thunderbird-windows.ldif")
    assert problems(out) == []
    names = by_name(out)
    jan = names["Jan Novák"]
    assert (jan.nickname, jan.account_name, jan.department) == ("Honza", "Novák a syn",
                                                                "Účtárna")
    assert [e.value for e in jan.emails] == ["jan@novak.example", "honza@posta.example"]
    assert jan.phones == [Phone("+420 222 111 000", "work"), Phone("+420 777 123 456", "mobile")]
    assert jan.addresses == [Address("Karlova 1\nbyt 4", "Praha", "", "110 00", "Czechia",
                                     label="home"),
                             Address("Národní 10", "Praha", "", "110 00", label="work")]
    assert jan.notes == "Pozor: volat jen dopoledne.\nDěkuji."  # CRLF inside the value, too
    assert extra(jan) == {"X-LDIF-mozillaUseHtmlMail": ["FALSE"],
                          "X-LDIF-modifytimestamp": ["0Z"]}
    marie = names["Marie Curie"]
    assert (marie.phones, marie.birthday, marie.custom) == (
        [Phone("+33 1 40 00 00 01", "fax")], PartialDate(11, 7, 1867), {"Custom 1": "Nobel x2"})
    [family] = groups(out)
    assert family.members == [jan.uid, marie.uid]


def test_crlf_cr_and_a_bom_read_as_lf_does():
    lf = (DATA / "thunderbird.ldif").read_bytes()
    plain = parse(lf)
    for variant in (b"\xef\xbb\xbf" + lf.replace(b"\n", b"\r\n"), lf.replace(b"\n", b"\r"),
                    lf.decode().encode("utf-16"), lf.decode().encode("utf-16-le")):
        assert parse(variant) == plain


# --- LDAP directories ---------------------------------------------------------------------


def test_an_openldap_slapcat_export():
    out = read_file("slapcat.ldif")
    names = by_name(out)
    assert sorted(names) == ["Björn Ström", "John Doe", "Maria Rossi"]
    john = names["John Doe"]
    assert [e.value for e in john.emails] == ["john.doe@example.com", "jdoe@example.com"]
    assert (john.title, john.department, john.account_name) == (
        "Systems Administrator", "Operations", "Example Inc.")
    assert john.addresses == [Address("Example Inc.\n100 Main Street\nSpringfield, IL 62701",
                                      "Springfield", "IL", "62701", label="work")]
    assert john.photo is not None and john.photo.startswith(b"\xff\xd8\xff")
    assert john.photo_mime == "image/jpeg"
    assert john.notes.startswith("Runs the servers. On call") and john.notes.endswith("him.")
    kept = extra(john)
    assert kept["X-LDIF-DN"] == ["uid=jdoe,ou=People,dc=example,dc=com"]
    assert kept["X-LDIF-objectClass"] == ["posixAccount", "shadowAccount"]
    assert kept["X-LDIF-cn"] == ["Johnny Doe"]  # a second cn that says more
    assert kept["X-LDIF-labeledURI"] == ["https://www.example.com/~jdoe John's home page"]
    assert kept["X-LDIF-entryUUID"] == ["1c3e7f2a-1f7c-103e-8a0b-1f5b0e1c2d3e"]
    assert "X-LDIF-userPassword" not in kept
    [password] = [p for p in problems(out) if "userPassword" in p.message]
    assert (password.severity, password.line, password.record) == (Severity.WARNING, 45, 4)


def test_a_directory_person_with_an_sn_and_a_cn_but_no_given_name():
    out = read_file("ldapsearch-changes.ldif")
    hans = by_name(out)["Hans Meier"]
    assert (hans.given, hans.family) == ("Hans", "Meier")
    assert [p.name for p in hans.extra] == ["X-LDIF-DN"]  # the cn is the name: not kept


def test_options_and_a_display_name_are_kept():
    names = by_name(read_file("slapcat.ldif"))
    bjorn = names["Björn Ström"]
    assert RawProperty("X-LDIF-cn", "Bjorn Strom", (("X-LDIF-OPTION", "lang-en"),)) in (
        bjorn.extra)
    assert bjorn.department == "4711"
    assert extra(names["Maria Rossi"])["X-LDIF-displayName"] == ["Maria Rossi (Milano)"]
    assert names["Maria Rossi"].addresses == [Address("Via Roma 1\n20121 Milano",
                                                      label="home")]


def test_directory_groups_find_members_whatever_their_dn_spelling():
    out = read_file("slapcat.ldif")
    names = by_name(out)
    [admins] = groups(out)
    assert admins.name == "admins"
    assert admins.members[:2] == [names["John Doe"].uid, names["Björn Ström"].uid]
    # A member not in the file: its UID is what its entry would get, matched later or not.
    assert admins.members[2] == uid_of("uid=nobody,ou=People,dc=example,dc=com")
    assert extra(admins)["X-LDIF-description"] == ["People who may change the servers"]


def test_entries_that_are_neither_people_nor_lists_are_counted_in_one_warning():
    out = read_file("slapcat.ldif")
    [skipped] = [p for p in problems(out) if "neither a person nor a list" in p.message]
    assert skipped.record is None and skipped.severity is Severity.WARNING
    assert "4 record(s)" in skipped.message and "organizationalUnit: 2" in skipped.message
    assert "posixGroup: 1" in skipped.message and "record 1" in skipped.message
    assert [p.record for p in out if isinstance(p, ParsedCard)] == [4, 5, 6]


def test_change_records_are_refused_by_name_and_an_add_is_an_entry():
    out = read_file("ldapsearch-changes.ldif")
    refused = problems(out, Severity.ERROR)
    assert [(p.line, p.record) for p in refused] == [(19, 2), (28, 3), (31, 4)]
    assert "changetype: modify of cn=Hans Meier,ou=People" in refused[0].message
    assert "changetype: delete" in refused[1].message
    assert "changetype: modrdn" in refused[2].message
    assert all(p.file == "ldapsearch-changes.ldif" for p in refused)
    assert sorted(by_name(out)) == ["Hans Meier", "Petra Schulz"]
    assert [p.version for p in out if isinstance(p, ParsedCard)] == ["1", "1"]


def test_comments_folding_and_ldapsearchs_summary():
    out = read_file("ldapsearch-changes.ldif")
    petra = by_name(out)["Petra Schulz"]
    # A folded line is joined; a folded comment inside the entry is left out.
    assert petra.phones == [Phone("+49 89123456", "work")]
    assert not [p for p in problems(out) if p.severity is Severity.WARNING]
    assert not any("search" in p.message for p in problems(out))


def test_a_change_record_with_controls_and_an_add_with_them():
    out = parse(entry("control: 1.2.840.113556.1.4.805 true", "changetype: delete")
                + entry("control: 1.2.3 false", "changetype: add", "cn: Ada Lovelace",
                        dn="cn=Ada Lovelace,mail=a@x"))
    assert "changetype: delete" in problems(out)[0].message
    assert [c.display_name for c in cards(out)] == ["Ada Lovelace"]
    assert "X-LDIF-control" not in extra(cards(out)[0])


# --- values -------------------------------------------------------------------------------


def test_attribute_names_are_read_without_regard_to_case():
    c = cards(parse(entry("GIVENNAME: Ada", "SN: Lovelace", "Mail: ada@x",
                          "TelephoneNumber: 1", "O: Acme")))[0]
    assert (c.given, c.family, c.emails[0].value, c.phones[0].value, c.account_name) == (
        "Ada", "Lovelace", "ada@x", "1", "Acme")


def test_a_value_with_options_fills_a_field_only_when_no_plain_value_does():
    [c] = cards(parse(entry("givenName;lang-en: Ada", "sn: Lovelace", "title;lang-fr: Comtesse",
                            "title: Countess", "mail;x-home: ada@home.example")))
    assert (c.given, c.title, c.emails) == ("Ada", "Countess", [])
    assert RawProperty("X-LDIF-title", "Comtesse", (("X-LDIF-OPTION", "lang-fr"),)) in c.extra
    assert RawProperty("X-LDIF-mail", "ada@home.example", (("X-LDIF-OPTION", "x-home"),)) in (
        c.extra)


def test_a_url_value_is_kept_and_never_fetched():
    out = parse(entry("cn: Ada Lovelace", "jpegPhoto:< file:///etc/passwd",
                      "description:< http://127.0.0.1:9/never"))
    [c] = cards(out)
    assert c.photo is None and c.notes == ""
    assert RawProperty("X-LDIF-jpegPhoto", "file:///etc/passwd", (("VALUE", "uri"),)) in c.extra
    warned = problems(out, Severity.WARNING)
    assert len(warned) == 2 and "does not fetch" in warned[0].message
    assert (warned[0].line, warned[0].record) == (3, 1)


def test_binary_values_are_kept_as_they_were():
    guid = bytes(range(16))
    [c] = cards(parse(entry("cn: Ada Lovelace",
                            "objectGUID:: " + base64.b64encode(guid).decode(),
                            "userCertificate;binary:: MIIBCv8=")))
    kept = {p.name: p for p in c.extra}
    assert base64.b64decode(kept["X-LDIF-objectGUID"].value) == guid
    assert kept["X-LDIF-objectGUID"].params == (("ENCODING", "b"),)
    assert kept["X-LDIF-userCertificate"].params == (("X-LDIF-OPTION", "binary"),
                                                     ("ENCODING", "b"))


def test_mailing_list_lines_and_names_of_other_writers():
    [c] = cards(parse(entry("cn: Ada Lovelace", "othermailbox: ada@bat.example",
                            "pagerphone: 9", "carphone: 8", "homeurl: https://h",
                            "workurl: https://w", "labeledURI: https://l", "zip: 123",
                            "countryname: UK", "nickname: Ada")))
    assert [e.value for e in c.emails] == ["ada@bat.example"]
    assert c.phones == [Phone("9", "pager"), Phone("8", "mobile")]
    assert c.websites == [Website("https://w", "work"), Website("https://l", "work"),
                          Website("https://h", "home")]
    assert (c.addresses[0].postal_code, c.addresses[0].country, c.nickname) == ("123", "UK",
                                                                                "Ada")


def test_a_second_value_of_a_one_value_field_is_kept():
    [c] = cards(parse(entry("cn: Ada Lovelace", "title: Countess", "title: Analyst",
                            "l: London", "l: Londres", "mozillaCustom1: a", "custom1: b")))
    assert (c.title, c.addresses[0].locality, c.custom) == ("Countess", "London",
                                                            {"Custom 1": "a"})
    assert extra(c) == {"X-LDIF-title": ["Analyst"], "X-LDIF-l": ["Londres"],
                        "X-LDIF-custom1": ["b"]}


@pytest.mark.parametrize(("lines", "expected", "warned"), [
    (("birthyear: 1990", "birthmonth: 02", "birthday: 03"), PartialDate(2, 3, 1990), False),
    (("birthmonth: 12", "birthday: 25"), PartialDate(12, 25), False),
    (("birthyear: 1990", "birthmonth: 2", "birthday: 30"), None, True),
    (("birthyear: 1990",), None, True),
    (("birthmonth: May", "birthday: 1"), None, True),
])
def test_birthdays_from_their_three_attributes(lines, expected, warned):
    out = parse(entry("cn: Ada Lovelace", *lines))
    [c] = cards(out)
    assert c.birthday == expected
    assert bool(problems(out)) == warned
    if warned:  # what was not a date is kept as it was
        assert sorted(p.value for p in c.extra if p.name.startswith("X-LDIF-birth")) == sorted(
            line.split(": ")[1] for line in lines)


def test_a_password_is_never_kept():
    out = parse(entry("cn: Ada Lovelace", "userPassword:: e1NTSEF9YWJj", "mail: a@x",
                      dn="cn=Ada Lovelace,mail=a@x"))
    assert [p.name for p in cards(out)[0].extra] == []
    assert "does not keep passwords" in problems(out)[0].message


def test_photos_over_the_limit_are_left_off_and_bad_ones_kept():
    big = base64.b64encode(b"\xff\xd8\xff" + bytes(1_100_000)).decode()
    out = parse(entry("cn: Ada Lovelace", f"jpegPhoto:: {big}"))
    assert cards(out)[0].photo is None and "keeps photos up to" in problems(out)[0].message
    out = parse(entry("cn: Ada Lovelace", "jpegPhoto:: !!not base64!!"))
    assert "not valid base64" in problems(out)[0].message
    assert [p.name for p in cards(out)[0].extra] == ["X-LDIF-jpegPhoto"]


# --- bad input ------------------------------------------------------------------------------


def test_a_damaged_file_gives_the_good_entries_and_names_every_bad_one():
    out = read_file("damaged.ldif")
    assert sorted(by_name(out)) == ["Bad Base64", "First Good", "François Dupont", "Last One",
                                    "Split Entry"]
    errors = problems(out, Severity.ERROR)
    assert all(p.file == "damaged.ldif" and p.line >= 1 and p.record for p in errors)
    # Binary junk where an entry was (two records: a control character made a blank line),
    # the entry with no name or e-mail address, the second half of a split entry.
    assert [p.record for p in errors] == [2, 3, 6, 8]
    assert "does not begin with a 'dn:' line" in errors[0].message
    assert "no name" in errors[2].message and "no e-mail address" in errors[2].message
    warned = {p.record: p.message for p in problems(out, Severity.WARNING)}
    assert "not valid base64" in warned[4]
    assert "not UTF-8" in warned[5] and "Windows-1252" in warned[5]
    assert "cut short" in warned[9]
    assert by_name(out)["Last One"].notes == "the file was cut he"


@pytest.mark.parametrize("data", [
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 40,
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(300),
    b"\x00" * 100,
])
def test_a_binary_file_is_one_problem_for_the_file(data):
    [p] = parse(data, "photo.ldif")
    assert (p.file, p.record, p.severity) == ("photo.ldif", None, Severity.ERROR)
    assert "binary data" in p.message


@pytest.mark.parametrize("data", [
    b"", b"# only a comment\n", b"version: 1\n\n", b"BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n",
    b"Name,E-mail\nAda,ada@x\n",
])
def test_a_file_with_no_entries_says_so(data):
    [p] = problems(parse(data))
    assert p.record is None and p.severity is Severity.ERROR
    assert "no entries" in p.message or "no LDIF entries" in p.message


def test_lines_before_the_first_entry_are_one_warning():
    out = parse("garbage line\nmore garbage\n\n" + entry("cn: Ada Lovelace"))
    [warning] = problems(out)
    assert (warning.line, warning.record, warning.severity) == (1, None, Severity.WARNING)
    assert "2 lines from line 1" in warning.message
    assert cards(out)[0].display_name == "Ada Lovelace"


TWO = (entry("cn: Grace Hopper", "mail: grace@x", dn="cn=Grace Hopper,mail=grace@x")
       + entry("cn: Ada Lovelace", "description:: " + base64.b64encode(
           b"a long note " * 4).decode())).encode()


@pytest.mark.parametrize(("cut", "names", "said"), [
    (20, [], [(Severity.ERROR, 1, "no name")]),  # inside the first dn
    (55, ["Grace Hopper"], [(Severity.WARNING, 1, "cut short")]),  # inside a value
    (75, ["Grace Hopper"], [(Severity.ERROR, 2, "no name")]),  # inside the next dn
    (150, ["Grace Hopper", "Ada Lovelace"], [(Severity.WARNING, 2, "cut short")]),  # base64
    (153, ["Grace Hopper", "Ada Lovelace"], [(Severity.WARNING, 2, "cut short"),
                                             (Severity.WARNING, 2, "not valid base64")]),
    (181, ["Grace Hopper", "Ada Lovelace"], []),  # after the last line break: whole
])
def test_a_truncated_file_reads_what_is_there_and_names_what_is_cut(cut, names, said):
    out = parse(TWO[:cut], "cut.ldif")
    assert [c.display_name for c in cards(out)] == names
    found = problems(out)
    assert [(p.severity, p.record) for p in found] == [(s, r) for s, r, _ in said]
    assert all(text in p.message for p, (_, _, text) in zip(found, said, strict=True))
    assert all(p.file == "cut.ldif" and p.line >= 1 for p in found)


def test_a_line_of_several_megabytes_is_left_off_and_the_entry_read():
    huge = "x" * (3 << 20)
    out = parse(entry("cn: Ada Lovelace", f"description: {huge}", "mail: ada@x")
                + entry("cn: Next One", dn="cn=Next One"))
    [warning] = problems(out)
    assert "3.0 MB" in warning.message and (warning.line, warning.record) == (3, 1)
    assert [(c.display_name, c.notes) for c in cards(out)] == [("Ada Lovelace", ""),
                                                               ("Next One", "")]
    assert cards(out)[0].emails[0].value == "ada@x"


def test_an_oversized_dn_or_record_costs_that_record_only():
    out = parse(f"dn: cn={'y' * (3 << 20)}\ncn: Big\n\n" + entry("cn: Ada Lovelace"))
    assert "its dn line is 3.0 MB" in problems(out)[0].message
    assert problems(out)[0].record == 1 and cards(out)[0].display_name == "Ada Lovelace"
    lines = "".join(f"description: {i} {'z' * 200}\n" for i in range(100_001))
    out = parse(f"dn: cn=Huge\ncn: Huge\n{lines}\n" + entry("cn: Ada Lovelace"))
    assert "larger than Rolodeck reads" in problems(out)[0].message
    assert [c.display_name for c in cards(out)] == ["Ada Lovelace"]


@pytest.mark.parametrize(("lines", "why"), [
    (("telephoneNumber: 555",), "no name"),
    (("o: Nameless Corp", "title: Boss"), "no name"),
    (("description: only a note",), "no name"),
    (("cn:: IA==",), "no name"),  # a cn of one space
])
def test_an_entry_with_no_name_and_no_address_is_refused(lines, why):
    out = parse(entry(*lines, dn="telephoneNumber=555") + entry("cn: Ada Lovelace"))
    [error] = problems(out, Severity.ERROR)
    assert why in error.message and (error.line, error.record) == (1, 1)
    assert "telephoneNumber=555" in error.message
    assert cards(out)[0].display_name == "Ada Lovelace"


@pytest.mark.parametrize("value", ["not base64!", "====", "QUJDRA=x", "Q", "QU JD%"])
def test_invalid_base64_is_said_and_kept(value):
    out = parse(entry("cn: Grace Hopper", f"sn:: {value}", "givenName: Grace"))
    [warning] = problems(out)
    assert "not valid base64" in warning.message and (warning.line, warning.record) == (3, 1)
    [c] = cards(out)
    assert c.extra[-1] == RawProperty("X-LDIF-sn", value, (("ENCODING", "b"),))
    assert (c.given, c.family) == ("Grace", "Hopper")  # the cn has the family name too


def test_base64_without_its_padding_is_read():
    [c] = cards(parse(entry("cn: Ada Lovelace", "description:: QUJDRA")))
    assert c.notes == "ABCD"


def test_an_invalid_base64_dn_is_read_as_written():
    out = parse("dn:: %%%\ncn: Ada Lovelace\n\n")
    assert "dn is not valid base64" in problems(out)[0].message
    assert cards(out)[0].uid == uid_of("%%%")


def test_text_that_is_not_utf8_is_read_as_windows_1252_and_said():
    in_base64 = entry("cn:: " + base64.b64encode("Zoë Smith".encode("cp1252")).decode())
    on_the_line = "dn: cn=Fran\xe7ois\ncn: Fran\xe7ois Dupont\n\n".encode("latin-1")
    out = parse(in_base64.encode() + on_the_line)
    assert [c.display_name for c in cards(out)] == ["Zoë Smith", "François Dupont"]
    assert [(p.line, p.record) for p in problems(out)] == [(2, 1), (4, 2)]
    assert all("Windows-1252" in p.message for p in problems(out))


def test_lines_that_are_not_attributes_are_said_and_skipped():
    out = parse(entry("cn: Ada Lovelace", "this line has no colon", "  ", "mail: ada@x"))
    warning, error = problems(out)
    assert "is not an attribute" in warning.message and warning.line == 3
    # A line of spaces ends the entry, as a blank line does: what follows is no entry.
    assert [e.value for e in cards(out)[0].emails] == []
    assert (error.line, error.record, error.severity) == (5, 2, Severity.ERROR)
    out = parse(entry("cn: Ada Lovelace", "1bad: x", "mail: ada@x", "dn: cn=again"))
    assert [p.line for p in problems(out)] == [3, 5]
    assert cards(out)[0].emails[0].value == "ada@x"


def test_control_characters_and_nul_are_dropped():
    [c] = cards(parse(b"dn: cn=Ada Lovelace\ncn: Ada\x00 Lovelace\x07\ndescription:: "
                      + base64.b64encode(b"one\r\ntwo\x00\x1b") + b"\n\n"))
    assert (c.given, c.family, c.notes) == ("Ada", "Lovelace", "one\ntwo")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.integers(min_value=0, max_value=2000))
def test_any_bytes_give_problems_never_an_exception(junk, at):
    good = (DATA / "thunderbird.ldif").read_bytes()
    at = min(at, len(good))
    for data in (junk, good[:at] + junk + good[at:]):
        out = parse(data, "fuzz.ldif")
        for p in problems(out):
            assert p.file == "fuzz.ldif" and p.line >= 1 and p.message


# --- streaming ------------------------------------------------------------------------------


def thunderbird_entries(n: int) -> bytes:
    return "".join(
        f"dn: cn=Person{i} Family{i},mail=person{i}@example.com\nobjectclass: top\n"
        "objectclass: person\nobjectclass: organizationalPerson\n"
        "objectclass: inetOrgPerson\nobjectclass: mozillaAbPersonAlpha\n"
        f"givenName: Person{i}\nsn: Family{i}\ncn: Person{i} Family{i}\n"
        f"mail: person{i}@example.com\nmodifytimestamp: {1700000000 + i}\n"
        f"telephoneNumber: +1 555 {i:07d}\nstreet: {i} Main Street\nl: Springfield\n"
        f"o: Acme\ndescription:: {base64.b64encode(f'Note {i}, ünïcode'.encode()).decode()}"
        "\n\n" for i in range(n)).encode()


def test_a_big_file_is_read_in_bounded_memory(tmp_path):
    path = tmp_path / "big.ldif"
    path.write_bytes(thunderbird_entries(20_000))
    tracemalloc.start()
    try:
        count = last = 0
        with path.open("rb") as f:
            for p in read_ldif(f, name="big.ldif"):
                assert isinstance(p, ParsedCard)
                count, last = count + 1, p.record
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == last == 20_000
    assert peak < 30_000_000  # a chunk and one record at a time, not the 13 MB file


def test_a_50_mb_line_never_sits_in_memory():
    def chunks():
        yield b"dn: cn=Ada Lovelace\ncn: Ada Lovelace\njpegPhoto:: "
        for _ in range(50):
            yield b"A" * (1 << 20)
        yield b"\nmail: ada@x\n\n"

    tracemalloc.start()
    try:
        out = list(read_ldif(chunks(), name="photo.ldif"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "50.0 MB" in problems(out)[0].message
    assert cards(out)[0].emails[0].value == "ada@x"
    assert peak < 16_000_000


@pytest.mark.parametrize("size", [1, 7, 100, 4096])
def test_any_chunking_gives_the_same_entries(size):
    data = (DATA / "thunderbird.ldif").read_bytes()
    whole = parse(data)
    assert list(read_ldif((data[i:i + size] for i in range(0, len(data), size)),
                          name="test.ldif")) == whole


def test_reading_is_lazy():
    def chunks():
        yield ("#" * 5000 + "\n" + entry("cn: Ada Lovelace")).encode()
        raise AssertionError("read past what was asked for")

    first = next(read_ldif(chunks(), name="lazy.ldif"))
    assert isinstance(first, ParsedCard) and first.contact.display_name == "Ada Lovelace"
