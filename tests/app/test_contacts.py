"""Contact and account use cases against a real database file."""

from __future__ import annotations

import pytest

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import (
    MAX_PHOTO_BYTES,
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
from app.domain.errors import AmbiguousError, NotFoundError, ValidationError
from app.services.accounts import AccountService
from app.services.contacts import ContactService
from app.services.directory import ContactSort, Directory
from app.services.progress import Cancelled, CancelToken


def full_contact(**kw) -> Contact:
    base = dict(
        prefix="Dr.", given="Grace", middle="Brewster", family="Hopper", suffix="PhD",
        nickname="Amazing Grace", title="Rear Admiral", department="Navy",
        birthday=PartialDate(12, 9, 1906), anniversary=PartialDate(6, 15),
        photo=b"\x89PNG fake but kept byte for byte", photo_mime="image/png",
        status=ContactStatus.CUSTOMER, source="Referral", owner="Sam", notes="COBOL\nline two",
        phones=[Phone("+1 202 555 0100", "work", True), Phone("+1 202 555 0199", "mobile")],
        emails=[Email("grace@navy.example", "work", True), Email("g@home.example", "home")],
        addresses=[Address("1 Navy Way", "Arlington", "VA", "22202", "USA", label="work")],
        websites=[Website("https://example.org/grace")],
        ims=[ImHandle("ghopper", "matrix")],
        extra=[RawProperty("X-ABLABEL", "Assistant", (("CHARSET", "UTF-8"),), "item1")],
        tags=["Pioneer", "VIP"])
    return Contact(**(base | kw))


def test_every_field_survives_a_round_trip(db):
    svc = ContactService(db)
    original = full_contact()
    cid = svc.create(original).new_id(Entity.CONTACT)
    back = svc.get(cid)
    for name in ("prefix", "given", "middle", "family", "suffix", "nickname", "title",
                 "department", "birthday", "anniversary", "photo", "photo_mime", "status",
                 "source", "owner", "notes", "phones", "emails", "addresses", "websites", "ims",
                 "extra", "tags"):
        assert getattr(back, name) == getattr(original, name), name
    assert back.display_name == "Dr. Grace Brewster Hopper PhD"
    assert back.uid and back.created_at and back.created_at.tzinfo is not None


def test_editing_replaces_details_in_the_users_order(db):
    svc = ContactService(db)
    cid = svc.create(full_contact()).new_id(Entity.CONTACT)
    c = svc.get(cid)
    c.phones = [Phone("+44 1632 960001", "mobile"), Phone("+1 202 555 0100", "work", True)]
    c.emails = []
    c.tags = ["vip"]  # same tag, other case: stays one tag
    svc.update(c)
    back = svc.get(cid)
    assert [p.value for p in back.phones] == ["+44 1632 960001", "+1 202 555 0100"]
    assert back.emails == [] and back.tags == ["VIP"]
    assert back.updated_at >= back.created_at


@pytest.mark.parametrize("bad, message", [
    (Contact(), "name"),
    (full_contact(photo=b"x" * (MAX_PHOTO_BYTES + 1)), "photo"),
    (full_contact(phones=[Phone("1", preferred=True), Phone("2", preferred=True)]), "preferred"),
])
def test_invalid_contacts_are_refused_with_a_reason(db, bad, message):
    with pytest.raises(ValidationError, match=message):
        ContactService(db).create(bad)
    assert Directory(db).contacts() == []


def test_a_contact_with_only_an_email_is_named_by_it(db):
    cid = ContactService(db).create(Contact(emails=[Email("info@shop.example")])).new_id(
        Entity.CONTACT)
    assert ContactService(db).get(cid).display_name == "info@shop.example"


def test_trash_restore_and_purge(db):
    svc, directory = ContactService(db), Directory(db)
    keep = svc.create(Contact(given="Keep")).new_id(Entity.CONTACT)
    gone = svc.create(Contact(given="Gone")).new_id(Entity.CONTACT)
    with pytest.raises(ValidationError, match="not in the trash"):
        svc.purge([gone])
    svc.delete([gone])
    assert [c.display_name for c in directory.contacts()] == ["Keep"]
    assert [c.display_name for c in directory.contacts(trash=True)] == ["Gone"]
    with pytest.raises(NotFoundError):
        svc.get(gone)
    svc.restore([gone])
    assert len(directory.contacts()) == 2
    svc.delete([gone])
    svc.purge([gone])
    assert directory.contacts(trash=True) == []
    with pytest.raises(NotFoundError):
        svc.get(gone, include_deleted=True)
    assert svc.get(keep).given == "Keep"


def test_link_unlink_and_account_purge_keeps_people(db):
    contacts, accounts = ContactService(db), AccountService(db)
    aid = accounts.create(Account(name="Initech")).new_id(Entity.ACCOUNT)
    cid = contacts.create(Contact(given="Peter", family="Gibbons")).new_id(Entity.CONTACT)
    contacts.link_account([cid], aid)
    assert contacts.get(cid).account_name == "Initech"
    assert [c.display_name for c in Directory(db).contacts(account_id=aid)] == ["Peter Gibbons"]
    contacts.unlink_account([cid])
    assert contacts.get(cid).account_id is None
    contacts.link_account([cid], aid)
    accounts.delete([aid])
    accounts.purge([aid])
    assert contacts.get(cid).account_id is None  # the person stays, unlinked


def test_account_parents_cannot_loop(db):
    accounts = AccountService(db)
    top = accounts.create(Account(name="Holding")).new_id(Entity.ACCOUNT)
    mid = accounts.create(Account(name="Division", parent_id=top)).new_id(Entity.ACCOUNT)
    holding = accounts.get(top)
    holding.parent_id = mid
    with pytest.raises(ValidationError, match="own parent"):
        accounts.update(holding)
    assert accounts.get(mid).parent_name == "Holding"


def test_lists_sort_by_name_and_company(db):
    contacts, accounts = ContactService(db), AccountService(db)
    zed = accounts.create(Account(name="Zed Ltd")).new_id(Entity.ACCOUNT)
    abc = accounts.create(Account(name="ABC plc")).new_id(Entity.ACCOUNT)
    contacts.create(Contact(given="zoe", family="", account_id=abc))
    contacts.create(Contact(given="Adam", account_id=zed))
    contacts.create(Contact(given="Émile"))
    directory = Directory(db)
    # Accents fold the way an address book does: Émile between Adam and zoe.
    assert [c.display_name for c in directory.contacts()] == ["Adam", "Émile", "zoe"]
    assert [c.display_name for c in directory.contacts(ContactSort.COMPANY)] == [
        "zoe", "Adam", "Émile"]


def test_bulk_create_is_all_or_nothing(db):
    svc = ContactService(db)
    people = [Contact(given=f"P{i}", phones=[Phone(f"555{i:04d}")]) for i in range(12_000)]
    token = CancelToken()
    seen = []

    def progress(done, total):
        seen.append(done)
        token.cancel()

    with pytest.raises(Cancelled):
        svc.bulk_create(people, token, progress)
    assert Directory(db).contacts() == []
    changes = svc.bulk_create(people, None, lambda done, total: seen.append(done))
    assert len(changes.inserted[Entity.CONTACT]) == 12_000
    assert seen[-1] == 12_000
    assert Directory(db).search("5550042")[0].title == "P42"


def test_bulk_create_names_the_bad_record(db):
    people = [Contact(given="Fine"), Contact(), Contact(given="Also fine")]
    with pytest.raises(ValidationError, match="Contact 2"):
        ContactService(db).bulk_create(people)
    assert Directory(db).contacts() == []


def test_resolving_a_contact_from_the_command_line(db):
    contacts = ContactService(db)
    ada = contacts.create(Contact(given="Ada", family="Lovelace")).new_id(Entity.CONTACT)
    contacts.create(Contact(given="Ada", family="Byron"))
    directory = Directory(db)
    assert directory.resolve_contact(str(ada)) == ada
    assert directory.resolve_contact("ada lovelace") == ada
    assert directory.resolve_contact(contacts.get(ada).uid) == ada
    with pytest.raises(AmbiguousError, match="matches 2 contacts"):
        directory.resolve_contact("Ada")
    with pytest.raises(NotFoundError):
        directory.resolve_contact("Nobody")


def test_saving_a_contact_with_a_new_company_is_one_undo_step(db):
    from app.domain.conflict import ConflictError
    from app.services.journal import JournalService

    contacts, journal = ContactService(db), JournalService(db)
    changes = contacts.save(Contact(given="Ada", family="Lovelace"),
                            new_account="Analytical Engines Ltd")
    cid, aid = changes.new_id(Entity.CONTACT), changes.new_id(Entity.ACCOUNT)
    assert contacts.get(cid).account_name == "Analytical Engines Ltd"
    assert journal.units(limit=1)[0].label == "Add Ada Lovelace"
    journal.undo()
    assert Directory(db).contacts() == [] and Directory(db).accounts() == []
    # A save that meets a conflict leaves no company behind, and the caller's contact is
    # untouched, so the editor can try again.
    journal.redo()
    stale = contacts.get(cid)
    moved = contacts.get(cid)
    moved.title = "Countess"
    contacts.update(moved)
    stale.title = "Analyst"
    with pytest.raises(ConflictError):
        contacts.save(stale, new_account="Babbage & Co")
    assert stale.account_id == aid
    assert [a.name for a in Directory(db).accounts()] == ["Analytical Engines Ltd"]
