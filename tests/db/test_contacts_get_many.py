"""contacts.get_many against contacts.get, on a real database file: the batch read that exports
use must give the same Contacts as the one-at-a-time read, in a few queries per 500 ids."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import event, select

from app.domain.account import Account
from app.domain.changes import Entity
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
from app.domain.groups import CustomFieldDef, FieldKind, FieldOwner
from app.sample import generate
from app.services.registry import Services
from db.models import ContactRow
from db.repositories import contacts as repo

# A PNG signature and a few bytes: the photo column is read back byte for byte.
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def services(db) -> Services:
    return Services.over(db)


def add(services: Services, contact: Contact) -> int:
    return services.contacts.create(contact).new_id(Entity.CONTACT)


def everything(account_id: int) -> Contact:
    """A contact with every field filled, vCard parameters, groups and unmodelled properties."""
    return Contact(
        prefix="Dr.", given="Ada", middle="King", family="Lovelace", suffix="PhD",
        nickname="Countess", account_id=account_id, title="Analyst", department="Engines",
        birthday=PartialDate(12, 10), anniversary=PartialDate(7, 8, 1835), photo=PHOTO,
        photo_mime="image/png", status=ContactStatus.CUSTOMER, source="Referral",
        owner="babbage", notes="Wrote the first program.\nLine two.",
        phones=[Phone("+44 20 7946 0001", "work", True, (("TYPE", "voice"), ("X-ORIG", "a")),
                      "item1"),
                Phone("+44 7700 900001", "mobile")],
        emails=[Email("ada@engines.example", "work", False, (("TYPE", "internet"),), "item2"),
                Email("ada@home.example", "home", True)],
        addresses=[Address("12 St James's Square\nFlat 2", "London", "", "SW1Y 4JH", "UK",
                           "PO 7", "Rear", "home", True, (("LABEL", "Home"),), "item3"),
                   Address(locality="Ockham", label="other")],
        websites=[Website("https://ada.example", "home", True, (("TYPE", "blog"),), "item4")],
        ims=[ImHandle("ada.l", "Skype", "work", True, (("X-SERVICE-TYPE", "Skype"),), "item5"),
             ImHandle("@ada", "Matrix")],
        tags=["Zed", "apple", "Mathematician"],  # read back by key: apple, Mathematician, Zed
        custom={"Renewal": "2025-03-01", "Tier": "Gold", "Seats": "12"},
        extra=[RawProperty("X-ABLABEL", "Favourite", (("CHARSET", "UTF-8"),), "item1"),
               RawProperty("X-PHONETIC-LAST-NAME", "LUV-lace")],
    )


@pytest.fixture
def varied(services) -> list[int]:
    """Every contact id of a database with the sample's 300 contacts and hand-made ones: every
    field, a no-year birthday, one edited (version 2), one in the trash, one nearly empty."""
    org = services.organize
    for name, kind, choices in (("Renewal", FieldKind.DATE, []), ("Seats", FieldKind.NUMBER, []),
                                ("Tier", FieldKind.CHOICE, ["Gold", "Silver"])):
        org.define_field(CustomFieldDef(FieldOwner.CONTACT, name, kind, choices))
    generate(services, contacts=300)
    # Custom values are read in the fields' order, which need not be the order of their ids.
    fields = org.fields(FieldOwner.CONTACT)
    org.reorder_fields(FieldOwner.CONTACT, [f.id for f in reversed(fields)])
    account = services.accounts.create(Account("Analytical Engines Ltd")).new_id(Entity.ACCOUNT)
    full = add(services, everything(account))
    edited = add(services, replace(everything(account), given="Augusta", photo=None))
    services.contacts.update(replace(services.contacts.get(edited), title="Countess",
                                     phones=[Phone("+1 555 0100", "fax")]))
    trashed = add(services, replace(everything(account), given="Trashed", birthday=None))
    services.contacts.delete([trashed])
    add(services, Contact(emails=[Email("only@mail.example")]))
    with services.db.read() as s:
        ids = list(s.execute(select(ContactRow.id).order_by(ContactRow.id)).scalars())
    assert full in ids and trashed in ids and len(ids) > 300
    return ids


def test_every_contact_reads_the_same_as_get(services, varied):
    # Unknown ids between the real ones push the list past a chunk of 500, so contacts on both
    # sides of a chunk boundary are compared.
    ids = [i for cid in reversed(varied) for i in (cid, cid + 100_000)]
    assert len(ids) > repo.MANY_CHUNK
    with services.db.read() as s:
        many = repo.get_many(s, ids, include_deleted=True)
        one_by_one = [repo.get(s, cid, include_deleted=True) for cid in reversed(varied)]
    assert many == one_by_one
    # The comparison covered what makes a contact hard to read, not only plain ones.
    assert any(c.photo == PHOTO for c in many)
    assert any(c.birthday and c.birthday.year is None for c in many)
    assert any(c.deleted_at is not None for c in many)
    assert any(c.version > 1 for c in many)
    assert sum(1 for c in many if c.tags) > 10 and sum(1 for c in many if c.account_name) > 10
    assert sum(1 for c in many if c.custom) > 10
    full = next(c for c in many if c.given == "Ada" and c.photo)
    assert full.tags == ["apple", "Mathematician", "Zed"]
    assert list(full.custom) == ["Tier", "Seats", "Renewal"]
    assert full.phones[0].params == (("TYPE", "voice"), ("X-ORIG", "a"))
    assert full.phones[0].group == "item1"
    assert full.extra[0] == RawProperty("X-ABLABEL", "Favourite", (("CHARSET", "UTF-8"),),
                                        "item1")


def test_order_given_missing_skipped_trash_only_when_asked(services):
    ada = add(services, Contact(given="Ada"))
    bo = add(services, Contact(given="Bo"))
    cy = add(services, Contact(given="Cy"))
    gone = add(services, Contact(given="Gone"))
    services.contacts.delete([bo, gone])
    services.contacts.purge([gone])
    with services.db.read() as s:
        ids = [cy, gone, 424242, bo, ada, cy]
        assert [c.given for c in repo.get_many(s, ids)] == ["Cy", "Ada"]
        assert [c.given for c in repo.get_many(s, ids, include_deleted=True)] == [
            "Cy", "Bo", "Ada"]
        assert repo.get_many(s, []) == []
        assert repo.get_many(s, [gone, 424242]) == []


def test_a_chunk_of_ids_is_one_query_per_table(services, varied, db):
    ids = [i for cid in varied for i in (cid, cid + 100_000)]  # two chunks, both with contacts
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with services.db.read() as s:
            s.connection()  # the transaction's own statements are not the read's
            statements.clear()
            read = repo.get_many(s, ids, include_deleted=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert repo.MANY_CHUNK < len(ids) <= 2 * repo.MANY_CHUNK and len(read) == len(varied)
    # Two chunks; each reads contacts (with account names), five detail tables, tags and
    # custom values.
    assert len(statements) == 2 * 8
