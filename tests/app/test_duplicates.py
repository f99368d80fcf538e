"""Scanning for duplicates and merging them, against a real database file: what the scan
finds and why, what it leaves alone (other people, the trash, pairs the user dismissed), and
a merge with the user's pick per field that loses no phone or e-mail and undoes whole."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact, ContactStatus, Email, Phone
from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from app.domain.groups import CustomFieldDef, FieldOwner, Group
from app.services.duplicates import (
    DuplicatePair,
    DuplicateService,
    Side,
    combine,
    follow_merge,
    list_origins,
)
from app.services.progress import Cancelled, CancelToken
from app.services.registry import Services
from db.migrate import open_database


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def add(s: Services, given: str, family: str = "", **kw) -> int:
    return s.contacts.create(Contact(given=given, family=family, **kw)).new_id(Entity.CONTACT)


def company(s: Services, name: str) -> int:
    return s.accounts.create(Account(name=name)).new_id(Entity.ACCOUNT)


def scan(s: Services, **kw):
    return DuplicateService(s.db, region="GB").scan(**kw)


def pairs_of(report) -> dict[tuple[int, int], DuplicatePair]:
    return {p.ids: p for p in report.pairs}


@pytest.fixture
def book(s):
    """An address book with three duplicates in it (by e-mail, by phone, by name at the
    company) and people who only look alike."""
    acme, acme2 = company(s, "Acme Ltd"), company(s, "ACME Limited")
    initech = company(s, "Initech")
    ids = {
        "ada": add(s, "Ada", "Lovelace", emails=[Email("ada@example.com")],
                   phones=[Phone("020 7946 0000")]),
        "ada2": add(s, "Ada", "Lovelace", emails=[Email("ADA@Example.com ")],
                    phones=[Phone("+44 20 7946 0000")]),
        "alan": add(s, "Alan", "Turing", phones=[Phone("+44 161 496 0123")]),
        "alan2": add(s, "Alan M.", "Turing", phones=[Phone("0161 496 0123")]),
        "kate": add(s, "Katherine", "Johnson", account_id=acme),
        "cate": add(s, "Catherine", "Johnson", account_id=acme2),
        # Alike, and yet two people:
        "margaret": add(s, "Margaret", "Allen", account_id=acme,
                        phones=[Phone("+44 20 7946 0999")]),  # one switchboard
        "tim": add(s, "Tim", "Allen", account_id=acme, phones=[Phone("020 7946 0999")]),
        "john": add(s, "John", "Smith", account_id=acme),
        "john2": add(s, "John", "Smith", account_id=initech),  # another company
        "jane": add(s, "Jane", "Doe"),
        "jane2": add(s, "Jane", "Doe"),  # nothing but a common name
    }
    return ids


def test_the_scan_finds_each_kind_of_duplicate_and_says_why(s, book):
    report = scan(s)
    found = pairs_of(report)
    ada, alan, kate = (found[(book[a], book[b])] for a, b in (("ada", "ada2"),
                                                                ("alan", "alan2"),
                                                                ("kate", "cate")))
    assert ada.reasons == ("same e-mail ada@example.com", "same phone +44 20 7946 0000",
                           "same name")
    assert alan.reasons == ("same phone +44 161 496 0123",)
    assert kate.reasons == ("similar name at the same company (94%)",)
    assert (ada.first.name, ada.second.name) == ("Ada Lovelace", "Ada Lovelace")
    assert (kate.first.company, kate.second.company) == ("Acme Ltd", "ACME Limited")
    # Most certain first; nothing else: not the two Allens behind one switchboard, not the
    # John Smiths at two companies, not two Jane Does with nothing else in common.
    assert [p.ids for p in report.pairs] == [ada.ids, alan.ids, kate.ids]
    assert ada.certainty > alan.certainty > kate.certainty
    assert report.contacts == len(book)


def test_a_number_read_in_another_country_is_another_number(s):
    """Without a country code a number is read in the default country: "020 7946 0000" is
    London from Britain, and not the same as +44 20 7946 0000 from the United States."""
    add(s, "Ada", "Lovelace", phones=[Phone("020 7946 0000")])
    add(s, "Ada", "Lovelace", phones=[Phone("+44 20 7946 0000")])
    assert len(DuplicateService(s.db, region="GB").scan().pairs) == 1
    assert DuplicateService(s.db, region="US").scan().pairs == []


def test_one_address_under_a_new_last_name_is_suggested_a_household_is_not(s):
    ada = add(s, "Ada", "Lovelace", emails=[Email("ada@example.com")])
    king = add(s, "Ada", "King", emails=[Email("Ada@Example.com")])
    add(s, "Margaret", "Allen", emails=[Email("allens@example.com")],
        phones=[Phone("+44 20 7946 0999")])
    add(s, "Tim", "Allen", emails=[Email("allens@example.com")],
        phones=[Phone("+44 20 7946 0999")])
    (pair,) = scan(s).pairs
    assert pair.ids == (ada, king)
    assert pair.why == "same e-mail ada@example.com and first name, another last name"
    assert pair.certainty == 60  # less sure than one address under one name


def test_many_sharing_one_number_pair_only_namesakes(s):
    """A switchboard shared by twenty people is not twenty people being one."""
    for n in range(20):
        add(s, f"Person{n}", "Example", phones=[Phone("+44 20 7946 0100")])
    twin = add(s, "Person3", "Example", phones=[Phone("+44 20 7946 0100")])
    report = scan(s)
    assert len(report.pairs) == 1 and twin in report.pairs[0].ids


def test_the_trash_is_left_out(s, book):
    s.contacts.delete([book["ada2"]])
    found = pairs_of(scan(s))
    assert not any(book["ada2"] in ids for ids in found)
    assert (book["alan"], book["alan2"]) in found


def test_a_dismissed_pair_stays_dismissed_after_reopening(s, book, db_path):
    pair = (book["alan"], book["alan2"])
    DuplicateService(s.db).dismiss(pair[1], pair[0])  # either way round
    report = scan(s)
    assert pair not in pairs_of(report) and report.dismissed == 1
    s.db.close()
    again = Services.over(open_database(db_path))
    try:
        assert pair not in pairs_of(scan(again))
        DuplicateService(again.db).undismiss(*pair)
        assert pair in pairs_of(scan(again))
    finally:
        again.db.close()


def test_a_contact_is_not_its_own_duplicate(s, book):
    with pytest.raises(ValidationError):
        DuplicateService(s.db).dismiss(book["ada"], book["ada"])


def test_the_scan_reports_progress_and_can_be_cancelled(s, book):
    seen: list[tuple[int, int]] = []
    scan(s, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (100, 100) and len(seen) > 3
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        scan(s, cancel=token)


def test_an_empty_book_has_no_duplicates(s):
    report = scan(s)
    assert (report.pairs, report.contacts) == ([], 0)


# --- merging ----------------------------------------------------------------------------


@pytest.fixture
def two(s):
    """Ada twice: the older record and one typed in later, each with what the other lacks."""
    acme = company(s, "Analytical Engines")
    keep = add(s, "Ada", "Lovelace", title="Countess", notes="Met at the Royal Society.",
               birthday=PartialDate(12, 10, 1815), status=ContactStatus.LEAD,
               phones=[Phone("+44 20 7946 0000", "work", True)],
               emails=[Email("ada@example.com", "work", True)], tags=["VIP"])
    other = add(s, "Ada", "King", title="Mathematician", account_id=acme,
                notes="Prefers letters.", status=ContactStatus.CUSTOMER,
                phones=[Phone("+44 20 7946 0000", "mobile", True),
                        Phone("+44 7700 900123", "mobile")],
                emails=[Email("ADA@example.com", "home", True),
                        Email("countess@lovelace.example", "home")],
                tags=["Lead"])
    return keep, other


def test_a_merge_takes_the_picked_fields_and_keeps_every_phone_and_email(s, two):
    keep, other = two
    s.contacts.merge(keep, other, prefer={"family": "other", "title": "keep",
                                          "status": "other", "notes": "both"})
    merged = s.contacts.get(keep)
    assert (merged.given, merged.family, merged.title) == ("Ada", "King", "Countess")
    assert merged.status == ContactStatus.CUSTOMER
    assert merged.account_name == "Analytical Engines"  # empty here, so filled from there
    assert merged.birthday == PartialDate(12, 10, 1815)
    assert [p.value for p in merged.phones] == ["+44 20 7946 0000", "+44 7700 900123"]
    assert [e.value for e in merged.emails] == ["ada@example.com", "countess@lovelace.example"]
    assert [p.preferred for p in merged.phones] == [True, False]
    assert merged.notes == "Met at the Royal Society.\n\nPrefers letters."
    assert sorted(merged.tags) == ["Lead", "VIP"]
    assert s.contacts.get(other, include_deleted=True).deleted_at is not None
    assert s.journal.undo_target().label == "Merge Ada King into Ada Lovelace"


def test_undo_of_a_picked_merge_brings_both_back_as_they_were(s, two):
    keep, other = two
    before = {k: s.contacts.get(k) for k in two}
    s.contacts.merge(keep, other, prefer={"given": "other", "notes": "other"})
    s.journal.undo()
    for k, was in before.items():
        now = s.contacts.get(k)
        assert replace(now, version=0, updated_at=None) == replace(was, version=0,
                                                                   updated_at=None), k


def test_a_merge_without_picks_keeps_its_old_rule(s, two):
    """The record kept wins where both have a value; empty fields are filled; notes join."""
    keep, other = two
    s.contacts.merge(keep, other)
    merged = s.contacts.get(keep)
    assert (merged.family, merged.title, merged.status) == ("Lovelace", "Countess",
                                                            ContactStatus.LEAD)
    assert merged.notes == "Met at the Royal Society.\n\nPrefers letters."
    assert len(merged.phones) == 2 and len(merged.emails) == 2


def test_a_merge_can_pick_a_custom_field_and_moves_the_groups(s, two):
    keep, other = two
    s.organize.define_field(CustomFieldDef(FieldOwner.CONTACT, "Shoe size"))
    for cid, size in zip(two, ("38", "39"), strict=True):
        c = s.contacts.get(cid)
        c.custom = {"Shoe size": size}
        s.contacts.update(c)
    clients = s.organize.create_group(Group("Clients")).new_id(Entity.GROUP)
    s.organize.add_to_group(clients, [other])
    s.contacts.merge(keep, other, prefer={"custom:Shoe size": "other"})
    assert s.contacts.get(keep).custom == {"Shoe size": "39"}
    assert [g.id for g in s.organize.groups_of_contact(keep)] == [clients]


@pytest.mark.parametrize("prefer, said", [
    ({"favourite colour": "other"}, "'favourite colour' is not a field"),
    ({"title": "both"}, "For title a merge can take 'keep' or 'other'"),
    ({"notes": "mine"}, "For notes a merge can take"),
])
def test_a_pick_that_makes_no_sense_is_refused_and_nothing_changes(s, two, prefer, said):
    keep, other = two
    with pytest.raises(ValidationError, match=said):
        s.contacts.merge(keep, other, prefer=prefer)
    assert s.contacts.get(other).deleted_at is None
    assert s.contacts.get(keep).family == "Lovelace"


def test_a_pick_that_leaves_no_name_is_refused(s):
    keep, other = add(s, "Ada"), add(s, "", "King")
    with pytest.raises(ValidationError, match="needs a name"):
        s.contacts.merge(keep, other, prefer={"given": "other", "family": "keep"})
    assert s.contacts.get(other).deleted_at is None


def test_the_preview_shows_where_each_value_comes_from(s, two):
    keep, other = (s.contacts.get(k) for k in two)
    merged = combine(keep, other, {"title": "other"})
    assert merged.title == "Mathematician" and keep.title == "Countess"  # neither changed
    assert [(p.value, held) for p, held in list_origins(keep, other, merged, "phones")] == [
        ("+44 20 7946 0000", "both"), ("+44 7700 900123", "other")]
    assert [(t, held) for t, held in list_origins(keep, other, merged, "tags")] == [
        ("VIP", "keep"), ("Lead", "other")]


def test_after_a_merge_the_list_follows_it():
    a, b, c = Side(1, "Ada Lovelace"), Side(2, "Ada King"), Side(3, "A. Lovelace")
    pairs = [DuplicatePair(a, b, ("same e-mail ada@example.com",), 95),
             DuplicatePair(b, c, ("same phone +44 20 7946 0000",), 85),
             DuplicatePair(a, c, ("same name",), 50)]
    kept = Side(1, "Ada King")
    left = follow_merge(pairs, kept, 2)
    assert [(p.ids, p.first.name, p.reasons) for p in left] == [
        ((1, 3), "Ada King", ("same phone +44 20 7946 0000", "same name"))]
