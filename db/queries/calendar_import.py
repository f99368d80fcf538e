"""What a calendar import looks up: the contacts behind attendees' e-mail addresses, and the
activities and history items already imported from the same events (by UID); and what a
calendar export reads.

Each is one indexed or chunked query for a whole import, never one per event: a 20,000-event
calendar names a few thousand people and re-imports 20,000 UIDs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.domain.activity import Activity
from db.models import ActivityRow, ContactRow, EmailRow, HistoryRow, activity_attendees
from db.repositories.activities import _from_row

C, E, T, H = ContactRow.__table__, EmailRow.__table__, ActivityRow.__table__, HistoryRow.__table__
ATT = activity_attendees
# Values per IN list: SQLite takes at most 32,766 bound values in one statement.
_CHUNK = 5_000


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def contacts_by_email(conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    """Live contacts by e-mail key (trimmed, lower case: matching.email_key): the oldest
    contact where two share an address."""
    wanted = sorted(set(keys))
    out: dict[str, int] = {}
    key = func.lower(func.trim(E.c.value))
    for chunk in _chunks(wanted):
        rows = conn.execute(
            select(key, E.c.contact_id).join(C, C.c.id == E.c.contact_id)
            .where(key.in_(chunk), C.c.deleted_at.is_(None)).order_by(E.c.contact_id))
        for email, contact_id in rows:
            out.setdefault(email, contact_id)
    return out


def activities_by_uid(session: Session, uids: Iterable[str]) -> dict[str, Activity]:
    """Stored activities (the trash too) with these UIDs, whole, with their attendees."""
    conn = session.connection()
    out: dict[str, Activity] = {}
    for chunk in _chunks(sorted(set(uids))):
        for a in _whole(conn, conn.execute(select(T).where(T.c.uid.in_(chunk))).all()):
            out[a.uid] = a
    return out


def activities_by_id(session: Session, ids: Sequence[int]) -> list[Activity]:
    """Stored activities, whole, in the order of `ids` (those not found left out)."""
    conn = session.connection()
    found: dict[int, Activity] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start:start + _CHUNK])
        for a in _whole(conn, conn.execute(select(T).where(T.c.id.in_(chunk))).all()):
            found[a.id or 0] = a
    return [found[i] for i in ids if i in found]


def _whole(conn: Connection, rows) -> list[Activity]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    people: dict[int, list[int]] = {}
    for aid, cid in conn.execute(select(ATT.c.activity_id, ATT.c.contact_id)
                                 .where(ATT.c.activity_id.in_(ids))
                                 .order_by(ATT.c.activity_id, ATT.c.contact_id)):
        people.setdefault(aid, []).append(cid)
    return [_from_row(r, people.get(r.id, [])) for r in rows]


def exported_activities(conn: Connection, contact_ids: Sequence[int] | None) -> list[int]:
    """The activities an export of these contacts' calendar holds (None: every activity not
    in the trash), in start order: each one they attend, with the series of a moved
    occurrence among them and the moved occurrences of a series among them."""
    rows = conn.execute(select(T.c.id, T.c.series_id).where(T.c.deleted_at.is_(None))
                        .order_by(T.c.start_local, T.c.id)).all()
    if contact_ids is None:
        return [r.id for r in rows]
    wanted: set[int] = set()
    people = list(dict.fromkeys(contact_ids))
    for start in range(0, len(people), _CHUNK):
        wanted.update(conn.execute(select(ATT.c.activity_id).where(
            ATT.c.contact_id.in_(people[start:start + _CHUNK]))).scalars())
    wanted |= {r.series_id for r in rows if r.id in wanted and r.series_id is not None}
    wanted |= {r.id for r in rows if r.series_id in wanted}
    return [r.id for r in rows if r.id in wanted]


class StoredHistory(NamedTuple):
    id: int
    deleted: bool
    version: int
    # What an import compares: the same event imported again changes nothing.
    regarding: str
    details: str
    occurred_at: datetime  # aware
    duration_minutes: int | None
    outcome: str


def history_by_uid(conn: Connection, uids: Iterable[str]) -> dict[str, StoredHistory]:
    out: dict[str, StoredHistory] = {}
    for chunk in _chunks(sorted(set(uids))):
        for r in conn.execute(select(
                H.c.uid, H.c.id, H.c.deleted_at, H.c.version, H.c.regarding, H.c.details,
                H.c.occurred_at, H.c.duration_minutes, H.c.outcome).where(H.c.uid.in_(chunk))):
            out[r.uid] = StoredHistory(r.id, r.deleted_at is not None, r.version, r.regarding,
                                       r.details, r.occurred_at, r.duration_minutes,
                                       r.outcome)
    return out
