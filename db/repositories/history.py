"""History items (what happened) with their links to contacts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, insert, or_, select
from sqlalchemy.orm import Session

from app.domain.changes import Entity
from app.domain.errors import NotFoundError
from app.domain.history import HistoryItem, HistoryKind, Outcome
from app.domain.summaries import HistoryEntry
from db.driver import inserted_id
from db.models import AccountRow, ContactRow, HistoryRow, history_contacts, new_uid, utcnow
from db.repositories import common
from db.unit import unit_of

H, HC = HistoryRow.__table__, history_contacts
C, A = ContactRow.__table__, AccountRow.__table__


def _values(h: HistoryItem) -> dict:
    return {"kind": h.kind.value, "occurred_at": h.occurred_at,
            "duration_minutes": h.duration_minutes, "outcome": h.outcome.value,
            "regarding": h.regarding, "details": h.details, "account_id": h.account_id,
            "activity_id": h.activity_id}


def _check_links(conn: Connection, h: HistoryItem) -> None:
    common.require(conn, C, h.contact_ids, "contact")
    common.require(conn, A, [h.account_id], "account")


def add(session: Session, h: HistoryItem) -> int:
    conn = session.connection()
    _check_links(conn, h)
    now = utcnow()
    hid = inserted_id(conn.execute(insert(H).values(_values(h) | {
        "uid": h.uid or new_uid(), "created_at": now, "updated_at": now})))
    common.replace_links(conn, HC, "history_id", hid, "contact_id", h.contact_ids)
    unit_of(session).created(Entity.HISTORY, [hid])
    return hid


def save(session: Session, h: HistoryItem) -> None:
    conn = session.connection()
    _check_links(conn, h)
    hid = common.saved_id(h.id, "history item")
    unit_of(session).will_change(Entity.HISTORY, [hid])
    common.save_row(conn, H, hid, h.version, _values(h), "history item",
                    lambda: get(session, hid), h)
    common.replace_links(conn, HC, "history_id", hid, "contact_id", h.contact_ids)


def get(session: Session, history_id: int) -> HistoryItem:
    conn = session.connection()
    row = conn.execute(select(H).where(H.c.id == history_id)).first()
    if row is None:
        raise NotFoundError(f"No history item with id {history_id}")
    links = list(conn.execute(select(HC.c.contact_id).where(HC.c.history_id == history_id)
                              .order_by(HC.c.contact_id)).scalars())
    return HistoryItem(
        kind=HistoryKind(row.kind), occurred_at=row.occurred_at, regarding=row.regarding,
        details=row.details, outcome=Outcome(row.outcome), duration_minutes=row.duration_minutes,
        contact_ids=links, account_id=row.account_id, activity_id=row.activity_id, id=row.id,
        uid=row.uid, created_at=row.created_at, updated_at=row.updated_at,
        deleted_at=row.deleted_at, version=row.version)


def set_deleted(session: Session, ids: Sequence[int], deleted: bool) -> list[int]:
    unit_of(session).will_change(Entity.HISTORY, ids)
    return common.set_deleted(session.connection(), H, ids, utcnow() if deleted else None,
                              "history item")


def _entries(conn: Connection, where, limit: int, offset: int) -> list[HistoryEntry]:
    rows = conn.execute(
        select(H, A.c.name.label("account_name")).outerjoin(A, A.c.id == H.c.account_id)
        .where(where, H.c.deleted_at.is_(None))
        .order_by(H.c.occurred_at.desc(), H.c.id.desc()).limit(limit).offset(offset)).all()
    found: dict[int, list[tuple[str, str]]] = {}
    if rows:  # sorted in Python for the reason given in activities.attendee_names
        for hid, key, name in conn.execute(
                select(HC.c.history_id, C.c.sort_name, C.c.display_name)
                .join(C, C.c.id == HC.c.contact_id)
                .where(HC.c.history_id.in_([r.id for r in rows]))):
            found.setdefault(hid, []).append((key, name))
    names = {hid: [name for _, name in sorted(pairs)] for hid, pairs in found.items()}
    return [HistoryEntry(r.id, HistoryKind(r.kind), r.occurred_at, Outcome(r.outcome),
                         r.regarding, r.details, r.duration_minutes,
                         tuple(names.get(r.id, ())), r.account_name) for r in rows]


def for_contact(conn: Connection, contact_id: int, limit: int = 100,
                offset: int = 0) -> list[HistoryEntry]:
    linked = select(HC.c.history_id).where(HC.c.contact_id == contact_id)
    return _entries(conn, H.c.id.in_(linked), limit, offset)


def for_account(conn: Connection, account_id: int, limit: int = 100,
                offset: int = 0) -> list[HistoryEntry]:
    """The account's own items and those of the people who work there, newest first."""
    people = select(C.c.id).where(C.c.account_id == account_id)
    linked = select(HC.c.history_id).where(HC.c.contact_id.in_(people))
    return _entries(conn, or_(H.c.account_id == account_id, H.c.id.in_(linked)), limit, offset)
