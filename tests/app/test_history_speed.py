"""A record's field history as the fast path builds it: the same entries record_changes
gives, a bulk insert listed once wherever the record sits in its range, and the limit kept."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.changes import Entity
from app.domain.contact import Contact, Phone
from app.services.journal import FieldChange
from app.services.registry import Services
from db.journal import images, store
from db.journal.specs import SPECS


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def _edit(s: Services, cid: int, **fields) -> None:
    s.contacts.update(replace(s.contacts.get(cid), **fields))


def _expected(db, entity: Entity, rid: int, limit: int) -> list[FieldChange]:
    """History spelled out from record_changes, one entry per shown field."""
    spec = SPECS[entity]
    with db.read() as session:
        rows = store.record_changes(session.connection(), entity, rid, limit)
    out = []
    for c in rows:
        base = (c.id, c.unit.seq, c.unit.created_at, c.unit.actor, c.unit.label,
                c.unit.origin, c.op)
        if c.op != "update":
            out.append(FieldChange(*base, None, None, None))
            continue
        for field, (before, after) in (c.fields or {}).items():
            if spec.shown(field):
                out.append(FieldChange(*base, field, images.decode(before),
                                       images.decode(after)))
    return out


def test_history_matches_the_record_changes_it_is_built_from(s, db):
    cid = s.contacts.create(Contact(given="Ada", phones=[Phone("+1 555 0100")])).new_id(
        Entity.CONTACT)
    for n in range(4):
        _edit(s, cid, title=f"T{n}", phones=[Phone(f"+1 555 010{n}")])
    s.contacts.delete([cid])
    s.contacts.restore([cid])
    for limit in (200, 3, 1, 0):
        assert s.journal.history(Entity.CONTACT, cid, limit) == _expected(
            db, Entity.CONTACT, cid, limit), limit
    entries = s.journal.history(Entity.CONTACT, cid)
    assert {e.field for e in entries} >= {"title", "phones", "deleted_at"}
    assert "display_name" not in {e.field for e in entries}  # derived: never shown
    assert entries[-1].op == "insert"
    assert entries[0].when.tzinfo is not None


def test_a_bulk_insert_is_listed_once_for_every_record_of_its_range(s, db):
    made = sorted(s.contacts.bulk_create([Contact(given=f"B{i}") for i in range(5)])
                  .inserted[Entity.CONTACT])
    _edit(s, made[0], title="First")
    for rid in made:
        ops = [e.op for e in s.journal.history(Entity.CONTACT, rid)]
        assert ops.count("bulk_insert") == 1, (rid, ops)
        assert ops[-1] == "bulk_insert"
        assert s.journal.history(Entity.CONTACT, rid) == _expected(db, Entity.CONTACT, rid, 200)
    assert [e.field for e in s.journal.history(Entity.CONTACT, made[0])] == ["title", None]


def test_records_made_one_by_one_around_a_bulk_range_get_no_bulk_insert(s):
    before = s.contacts.create(Contact(given="Before")).new_id(Entity.CONTACT)
    s.contacts.bulk_create([Contact(given=f"B{i}") for i in range(3)])
    after = s.contacts.create(Contact(given="After")).new_id(Entity.CONTACT)
    for rid in (before, after):
        assert [e.op for e in s.journal.history(Entity.CONTACT, rid)] == ["insert"]
    assert s.journal.history(Entity.CONTACT, after + 1000) == []
