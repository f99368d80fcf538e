"""The import's fast paths give what the slow ones gave: the stored contacts are matched
from their keys alone and read whole only when a record needs them, a re-imported record is
told unchanged from a fingerprint worked out from the stored rows, and the bulk path tags
contacts as the ordinary path does. Real files, a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain import matching as m
from app.domain.account import Account
from app.domain.contact import Address, Contact, Email, ImHandle, Phone, RawProperty, Website
from app.domain.dates import PartialDate
from app.domain.groups import CustomFieldDef, FieldOwner
from app.domain.record import stored_id
from app.services import imports as imports_service
from app.services.imports_match import MatchIndex
from app.services.imports_merge import fingerprint, stored_fingerprint
from app.services.imports_plan import Action
from app.services.registry import Services
from db.queries import match_keys
from db.repositories import bulk, bulk_records
from db.repositories import contacts as repo

STORED = 3000


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def card(n: int, *, title: str = "Engineer", uid: bool = True, email: str | None = None,
         phone: str | None = None) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    if uid:
        lines.append(f"UID:person-{n}")
    lines += [f"FN:Person{n} Family{n % 37}", f"N:Family{n % 37};Person{n};;;",
              f"ORG:Company {n} Ltd", f"TITLE:{title}",
              f"EMAIL;TYPE=WORK:{email or f'person{n}@example.org'}",
              f"TEL;TYPE=CELL,VOICE:{phone or f'+44 7700 9{n:05d}'}",
              "CATEGORIES:Customers,VIP", "END:VCARD"]
    return "\r\n".join(lines) + "\r\n"


def write(path: Path, cards) -> Path:
    path.write_text("".join(cards), encoding="utf-8", newline="")
    return path


@pytest.fixture
def big(s, tmp_path) -> Services:
    """An address book of STORED contacts, a few of them in the trash."""
    report = s.imports.run([write(tmp_path / "book.vcf", (card(n) for n in range(STORED)))])
    assert report.created == STORED
    s.contacts.delete(s.directory.contact_ids()[:3])
    return s


class Reads:
    """How many stored contacts the import reads whole, and how many it reads the content
    of for a fingerprint (the real functions, counted)."""

    def __init__(self, monkeypatch):
        self.whole = self.contents = 0
        get_many, contents = repo.get_many, match_keys.contents

        def counted_get_many(session, ids, **kw):
            self.whole += len(ids)
            return get_many(session, ids, **kw)

        def counted_contents(conn, ids):
            self.contents += len(ids)
            return contents(conn, ids)

        monkeypatch.setattr(repo, "get_many", counted_get_many)
        monkeypatch.setattr(match_keys, "contents", counted_contents)


def test_ten_cards_into_thousands_read_only_the_contacts_they_match(big, tmp_path,
                                                                   monkeypatch):
    s = big
    ten = write(tmp_path / "ten.vcf", [
        card(10), card(11), card(12),  # the same: unchanged
        card(20, title="CTO"), card(21, title="CFO"),  # same UID, new title: updated
        card(30, uid=False, phone="+1 202 555 0130"),  # same e-mail: merged, a phone added
        card(31, uid=False, phone="+1 202 555 0131"),
        card(STORED + 1), card(STORED + 2), card(STORED + 3),  # new
    ])
    reads = Reads(monkeypatch)
    report = s.imports.run([ten])
    assert (report.created, report.updated, report.merged, report.unchanged) == (3, 2, 2, 3)
    # Five matched by UID (their fingerprints read), four of them differ or matched
    # otherwise (read whole to be compared): none of the other 2,990.
    assert reads.contents == 5
    assert reads.whole == 4
    by_uid = {c.uid: c for c in (s.contacts.get(i) for i in s.directory.contact_ids())}
    assert by_uid["person-20"].title == "CTO"
    assert [p.value for p in by_uid["person-30"].phones] == ["+44 7700 900030",
                                                           "+1 202 555 0130"]
    assert len(by_uid) == STORED - 3 + 3


def test_a_re_import_reads_no_contact_whole(big, tmp_path, monkeypatch):
    s = big
    again = write(tmp_path / "again.vcf", (card(n) for n in range(3, 1003)))
    reads = Reads(monkeypatch)
    report = s.imports.run([again])
    assert report.unchanged == 1000 and report.created == report.updated == 0
    assert (reads.contents, reads.whole) == (1000, 0)


def test_a_record_matching_a_contact_this_import_changed_compares_with_the_change(
        big, tmp_path):
    """The fingerprint read for contact 20 before the first record changed it no longer
    says what is stored: the later record, the same as the card first imported, puts the
    first title back (an update: the file's values win)."""
    s = big
    fillers = (card(n) for n in range(100, 2600))  # the later record in another batch
    report = s.imports.run([write(tmp_path / "twice.vcf",
                                  [card(20, title="CTO"), *fillers, card(20)])])
    assert report.updated == 2
    (cid,) = [i for i in s.directory.contact_ids() if s.contacts.get(i).uid == "person-20"]
    assert s.contacts.get(cid).title == "Engineer"


def test_the_index_of_keys_is_the_index_of_whole_contacts(big, s):
    """Built from match_keys' columns, the index holds what it held when it was built from
    every stored contact read whole, in the same order (which decides between matches)."""
    with s.db.read() as session:
        conn = session.connection()
        ids = imports_service._stored_ids(session)
        meter = imports_service._Meter(lambda done, total: None, len(ids), 0, [])
        fast = imports_service._index(conn, "GB", True, None, meter)
        slow = MatchIndex("GB")
        for c in repo.get_many(session, ids, include_deleted=True):
            assert c.id is not None
            slow.add_stored(c.id, m.keys_of(c), c.deleted_at is not None)
    assert fast.uids == slow.uids and fast.trashed == slow.trashed and len(fast.trashed) == 3
    assert fast.emails == slow.emails and fast.phones == slow.phones
    assert fast.names == slow.names and fast.people == slow.people


def _varied(account_id: int) -> list[Contact]:
    return [
        Contact(given="Ada", family="Lovelace", prefix="Dr.", suffix="Jr.", nickname="Ace",
                title="Countess", department="Maths", account_id=account_id,
                birthday=PartialDate(12, 10, 1815), anniversary=PartialDate(7, 8),
                photo=b"\x89PNG fake", photo_mime="image/png", notes="Line one\nLine two",
                phones=[Phone("+44 20 7946 0000", "work", True,
                              (("TYPE", "VOICE"), ("TYPE", "WORK")), "item1"),
                        Phone("07700 900123", "mobile")],
                emails=[Email("ADA@Engines.example", "work", False, (("X-B", "2"), ("X-A", "1"))),
                        Email("ada@home.example", "home", True)],
                addresses=[Address("12 St James Square", "London", "", "SW1Y 4JH", "UK",
                                   "PO 1", "Flat 2", "home", True, (("TYPE", "HOME"),))],
                websites=[Website("https://engines.example/", "work")],
                ims=[ImHandle("ada@jabber.example", "xmpp", "home")],
                tags=["VIP", "  Mathematics  "], custom={"Shoe size": "38"},
                extra=[RawProperty("X-SKYPE", "ada.l", (("TYPE", "HOME"),), "item2"),
                       RawProperty("X-CSV-NOTE", "kept")]),
        Contact(given="Grace", emails=[Email("grace@navy.example")]),
        Contact(nickname="Bare", birthday=PartialDate(2, 29)),
        Contact(given="Trashed", family="One", emails=[Email("t@example.org")]),
    ]


def test_a_fingerprint_from_the_stored_rows_is_the_whole_contacts(s):
    s.organize.define_field(CustomFieldDef(FieldOwner.CONTACT, "Shoe size"))
    with s.db.unit("setup") as tx:
        (account_id,) = bulk_records.add_accounts(tx.session, [Account("Analytical Engines")])
    for c in _varied(account_id):
        s.contacts.create(c)
    ids = s.directory.contact_ids()
    s.contacts.delete([i for i in ids if s.contacts.get(i).given == "Trashed"])
    with s.db.read() as session:
        every = imports_service._stored_ids(session)
        whole = {stored_id(c): c for c in repo.get_many(session, every)}
        found = match_keys.contents(session.connection(), every)
    assert set(found) == set(whole) and len(whole) == 3  # the trash left out, as get_many
    for cid, c in whole.items():
        assert stored_fingerprint(found[cid]) == fingerprint(c), c.display_name
    ada = next(c for c in whole.values() if c.given == "Ada")
    assert ada.photo and ada.custom and ada.extra and len(ada.tags) == 2


def test_the_bulk_path_tags_contacts_as_the_ordinary_path_does(s):
    s.contacts.create(Contact(given="First", tags=["Golf Club"]))  # the tag exists already
    tags = ["golf  club", "VIP", "vip", "   ", "Friends", "Golf Club"]
    with s.db.unit("bulk") as tx:
        ids = bulk.add_contacts(tx.session, [Contact(given="Bulk", tags=tags),
                                             Contact(given="Untagged")])
    s.contacts.create(Contact(given="Ordinary", tags=tags))
    got = {s.contacts.get(i).given: s.contacts.get(i).tags for i in s.directory.contact_ids()}
    assert got["Bulk"] == got["Ordinary"] == ["Friends", "Golf Club", "VIP"]
    assert got["Untagged"] == []
    assert len(ids) == 2


def test_names_in_another_order_with_a_typo_match_at_the_same_company(s, tmp_path):
    s.imports.run([write(tmp_path / "a.vcf", [
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Katherine Johnson Coleman\r\n"
        "N:Coleman;Katherine;Johnson;;\r\nORG:NASA Langley\r\nEND:VCARD\r\n"])])
    plan = s.imports.plan([write(tmp_path / "b.vcf", [
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Coleman Katherine Jonson\r\n"
        "N:Jonson;Coleman;Katherine;;\r\nORG:NASA Langley Inc.\r\nEND:VCARD\r\n",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dorothy Vaughan\r\n"
        "N:Vaughan;Dorothy;;;\r\nORG:NASA Langley\r\nEND:VCARD\r\n"])])
    first, second = plan.lines
    assert first.target_id is not None and "the same name and company" in first.reason
    assert second.action == Action.CREATE
