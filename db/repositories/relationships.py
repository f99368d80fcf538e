"""Relationships between contacts: domain Relationship <-> contact_relationships. Every write
tells the unit of work what it is about to do, so the journal holds each relationship's
before- and after-image like any other record's (undo, redo, revert, field history)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Row, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from app.domain.changes import Entity
from app.domain.conflict import ConflictError
from app.domain.errors import NotFoundError, ValidationError
from app.domain.record import stored_id
from app.domain.relationship import Relationship, RelationshipKind
from db.driver import inserted_id
from db.models import ContactRow, RelationshipRow, utcnow
from db.unit import unit_of

R = RelationshipRow.__table__
C = ContactRow.__table__


def _values(r: Relationship) -> dict:
    return {"from_contact_id": r.from_contact_id, "to_contact_id": r.to_contact_id,
            "kind": RelationshipKind(r.kind).value, "label": r.label,
            "reverse_label": r.reverse_label, "note": r.note, "pair_key": r.key()}


def _relationship(row: Row) -> Relationship:
    return Relationship(RelationshipKind(row.kind), row.from_contact_id, row.to_contact_id,
                        row.label, row.reverse_label, row.note, id=row.id, version=row.version,
                        created_at=row.created_at, updated_at=row.updated_at)


def add(session: Session, r: Relationship) -> int:
    now = utcnow()
    rid = inserted_id(session.connection().execute(
        insert(R).values(_values(r) | {"created_at": now, "updated_at": now})))
    unit_of(session).created(Entity.RELATIONSHIP, [rid])
    return rid


def save(session: Session, r: Relationship) -> None:
    """Write an edited relationship if nobody changed it since `r.version` (else
    ConflictError, and nothing is written)."""
    if r.id is None:
        raise ValidationError("Only a saved relationship can be edited")
    if r.version < 1:
        raise ValidationError("Editing a relationship needs the version it was read at")
    conn = session.connection()
    unit_of(session).will_change(Entity.RELATIONSHIP, [r.id])
    done = conn.execute(update(R).where(R.c.id == r.id, R.c.version == r.version)
                        .values(_values(r) | {"updated_at": utcnow()}))
    if done.rowcount == 1:
        return
    stored = find(session, r.id)
    if stored is None:
        raise NotFoundError("This relationship was removed meanwhile; nothing was saved")
    fields = [f for f in ("kind", "from_contact_id", "to_contact_id", "label",
                          "reverse_label", "note") if getattr(stored, f) != getattr(r, f)]
    raise ConflictError("This relationship", stored, r, fields)


def remove(session: Session, ids: Sequence[int]) -> list[int]:
    """Delete relationships; returns the ids that were there."""
    conn = session.connection()
    wanted = list(dict.fromkeys(ids))
    there = list(conn.execute(select(R.c.id).where(R.c.id.in_(wanted))).scalars())
    if there:
        unit_of(session).will_purge(Entity.RELATIONSHIP, there)
        conn.execute(delete(R).where(R.c.id.in_(there)))
    return there


def find(session: Session, relationship_id: int) -> Relationship | None:
    row = session.connection().execute(select(R).where(R.c.id == relationship_id)).first()
    return _relationship(row) if row is not None else None


def get(session: Session, relationship_id: int) -> Relationship:
    found = find(session, relationship_id)
    if found is None:
        raise NotFoundError(f"No relationship with id {relationship_id}")
    return found


def same_as(session: Session, r: Relationship) -> Relationship | None:
    """The stored relationship that is the same as `r` (see Relationship.key), other than
    `r` itself."""
    q = select(R).where(R.c.pair_key == r.key())
    if r.id is not None:
        q = q.where(R.c.id != r.id)
    row = session.connection().execute(q).first()
    return _relationship(row) if row is not None else None


def of_contact(session: Session, contact_id: int) -> list[Relationship]:
    """Every relationship the contact has, in either direction, oldest first."""
    rows = session.connection().execute(
        select(R).where(or_(R.c.from_contact_id == contact_id, R.c.to_contact_id == contact_id))
        .order_by(R.c.created_at, R.c.id))
    return [_relationship(row) for row in rows]


def contacts(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, bool]]:
    """{id: (display name, in the trash)} of the contacts among `ids` that exist."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = session.connection().execute(
        select(C.c.id, C.c.display_name, C.c.deleted_at).where(C.c.id.in_(wanted)))
    return {row.id: (row.display_name, row.deleted_at is not None) for row in rows}


def move_contact(session: Session, from_id: int, to_id: int) -> list[int]:
    """Point one contact's relationships at another (a merge folds `from_id` into `to_id`).
    One that would join `to_id` to themselves, or repeat one `to_id` already has, is removed
    instead. Returns the ids of the relationships changed or removed."""
    touched: list[int] = []
    gone: list[int] = []
    for r in of_contact(session, from_id):
        moved = Relationship(
            r.kind, to_id if r.from_contact_id == from_id else r.from_contact_id,
            to_id if r.to_contact_id == from_id else r.to_contact_id, r.label,
            r.reverse_label, r.note, id=r.id, version=r.version)
        touched.append(stored_id(r))
        if moved.from_contact_id == moved.to_contact_id or same_as(session, moved):
            gone.append(stored_id(r))
        else:
            save(session, moved)
    remove(session, gone)
    return touched
