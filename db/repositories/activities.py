"""Activities (scheduled calls, meetings, to-dos), their attendees and cleared occurrences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.domain.activity import Activity, ActivityKind, ActivityStatus, Planned, Priority
from app.domain.changes import Entity
from app.domain.errors import NotFoundError
from app.domain.recurrence import Schedule
from db.driver import inserted_id
from db.models import (
    AccountRow,
    ActivityRow,
    ClearedOccurrenceRow,
    ContactRow,
    activity_attendees,
    new_uid,
    utcnow,
)
from db.repositories import common
from db.unit import unit_of

T, ATT, CLR = ActivityRow.__table__, activity_attendees, ClearedOccurrenceRow.__table__
C, A = ContactRow.__table__, AccountRow.__table__


def _values(a: Activity) -> dict:
    first, last = a.schedule.utc_bounds()
    return {
        "kind": a.kind.value, "regarding": a.regarding, "details": a.details,
        "location": a.location, "start_local": a.start,
        "duration_minutes": int(a.duration.total_seconds() // 60), "tz": a.tz,
        "all_day": a.all_day, "priority": a.priority.value, "rrule": a.rrule,
        "exdates": [d.isoformat() for d in a.exdates] or None,
        "alarm_minutes": a.alarm_minutes, "status": a.status.value, "account_id": a.account_id,
        "series_id": a.series_id, "recurrence_key": a.recurrence_key,
        "first_start_utc": first, "last_end_utc": last,
        "extra": common.encode_extra(a.extra)}


def _check_links(conn: Connection, a: Activity) -> None:
    common.require(conn, C, a.attendee_ids, "contact")
    common.require(conn, A, [a.account_id], "account")


def add(session: Session, a: Activity) -> int:
    conn = session.connection()
    _check_links(conn, a)
    now = utcnow()
    aid = inserted_id(conn.execute(insert(T).values(_values(a) | {
        "uid": a.uid or new_uid(), "created_at": now, "updated_at": now})))
    common.replace_links(conn, ATT, "activity_id", aid, "contact_id", a.attendee_ids)
    unit_of(session).created(Entity.ACTIVITY, [aid])
    return aid


def save(session: Session, a: Activity) -> None:
    conn = session.connection()
    _check_links(conn, a)
    aid = common.saved_id(a.id, "activity")
    unit_of(session).will_change(Entity.ACTIVITY, [aid])
    common.save_row(conn, T, aid, a.version, _values(a), "activity",
                    lambda: get(session, aid), a)
    common.replace_links(conn, ATT, "activity_id", aid, "contact_id", a.attendee_ids)


def _from_row(row, attendees: list[int]) -> Activity:
    return Activity(
        kind=ActivityKind(row.kind), regarding=row.regarding, start=row.start_local,
        duration=timedelta(minutes=row.duration_minutes), tz=row.tz, all_day=row.all_day,
        priority=Priority(row.priority), location=row.location, details=row.details,
        rrule=row.rrule, exdates=[datetime.fromisoformat(d) for d in row.exdates or []],
        alarm_minutes=row.alarm_minutes, attendee_ids=attendees, account_id=row.account_id,
        status=ActivityStatus(row.status), series_id=row.series_id,
        recurrence_key=row.recurrence_key, extra=common.decode_extra(row.extra), id=row.id,
        uid=row.uid, created_at=row.created_at, updated_at=row.updated_at,
        deleted_at=row.deleted_at, version=row.version)


def get(session: Session, activity_id: int, *, include_deleted: bool = False) -> Activity:
    conn = session.connection()
    row = conn.execute(select(T).where(T.c.id == activity_id)).first()
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFoundError(f"No activity with id {activity_id}")
    attendees = list(conn.execute(select(ATT.c.contact_id).where(
        ATT.c.activity_id == activity_id).order_by(ATT.c.contact_id)).scalars())
    return _from_row(row, attendees)


def set_deleted(session: Session, ids: Sequence[int], deleted: bool) -> list[int]:
    unit_of(session).will_change(Entity.ACTIVITY, ids)
    return common.set_deleted(session.connection(), T, ids, utcnow() if deleted else None,
                              "activity")


def mark_cleared(session: Session, activity_id: int, key: datetime | None,
                 history_id: int) -> None:
    conn = session.connection()
    unit_of(session).will_change(Entity.ACTIVITY, [activity_id])
    if key is None:
        conn.execute(update(T).where(T.c.id == activity_id)
                     .values(status=ActivityStatus.CLEARED.value, updated_at=utcnow()))
    else:
        conn.execute(insert(CLR).values(activity_id=activity_id, occurrence_key=key,
                                        history_id=history_id))


def is_cleared(conn: Connection, activity_id: int, key: datetime) -> bool:
    return conn.execute(select(CLR.c.activity_id).where(
        CLR.c.activity_id == activity_id, CLR.c.occurrence_key == key)).first() is not None


# What expanding and showing an activity needs (Planned), in this order.
_PLANNED = (T.c.id, T.c.kind, T.c.regarding, T.c.start_local, T.c.duration_minutes, T.c.tz,
            T.c.all_day, T.c.priority, T.c.location, T.c.rrule, T.c.exdates, T.c.status)
_KINDS = {k.value: k for k in ActivityKind}
_PRIORITIES = {p.value: p for p in Priority}
# Ids per IN list: SQLite takes at most 32,766 bound values in one statement.
_CHUNK = 10_000


def _planned(rows) -> list[Planned]:
    # Enum lookups by value and one timedelta per distinct duration: a week's agenda reads
    # tens of thousands of rows, and Enum() and timedelta() calls are most of their cost.
    durations: dict[int, timedelta] = {}
    cleared = ActivityStatus.CLEARED.value
    out = []
    for (aid, kind, regarding, start, minutes, tz, all_day, priority, location, rule, exdates,
         status) in rows:
        duration = durations.get(minutes)
        if duration is None:
            duration = durations[minutes] = timedelta(minutes=minutes)
        skipped = tuple(datetime.fromisoformat(d) for d in exdates) if exdates else ()
        out.append(Planned(aid, _KINDS[kind], regarding, all_day, _PRIORITIES[priority],
                           location, status == cleared,
                           Schedule(start, duration, tz, rule, skipped)))
    return out


def _mostly(conn: Connection, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """A condition true of nearly every row (begun before about now, open). Without
    statistics SQLite takes one on an indexed column for selective, and walks the window
    index and then the table row by row; told (likely) it reads the table straight through,
    in half the time."""
    return func.likely(condition) if conn.dialect.name == "sqlite" else condition


def in_window(conn: Connection, start_utc: datetime, end_utc: datetime, *,
              include_cleared: bool, contact_id: int | None = None,
              recurring_only: bool = False) -> list[Planned]:
    """Live activities whose UTC bounds overlap the window: one-offs in it, and series begun
    before its end and not ended before its start (recurrences still to expand)."""
    q = select(*_PLANNED).where(
        T.c.deleted_at.is_(None), _mostly(conn, T.c.first_start_utc < end_utc),
        or_(T.c.last_end_utc.is_(None), T.c.last_end_utc >= start_utc))
    if recurring_only:
        q = q.where(T.c.rrule.is_not(None))
    if not include_cleared:
        q = q.where(or_(T.c.status == ActivityStatus.OPEN.value, T.c.rrule.is_not(None)))
    if contact_id is not None:
        q = q.where(T.c.id.in_(select(ATT.c.activity_id).where(ATT.c.contact_id == contact_id)))
    return _planned(conn.execute(q).all())


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    ids = list(ids)
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


# The id lists are bound when the statement runs, not built into it as one parameter per id:
# coercing ten thousand values into the statement costs more than running it.
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_CLEARED = select(CLR.c.activity_id, CLR.c.occurrence_key).where(CLR.c.activity_id.in_(_IDS))
_NAMES = (select(ATT.c.activity_id, C.c.sort_name, C.c.display_name)
          .join(C, C.c.id == ATT.c.contact_id)
          .where(ATT.c.activity_id.in_(_IDS), C.c.deleted_at.is_(None)))


def cleared_keys(conn: Connection, activity_ids: Sequence[int]) -> set[tuple[int, datetime]]:
    out: set[tuple[int, datetime]] = set()
    for chunk in _chunks(activity_ids):
        out.update((a, k) for a, k in conn.execute(_CLEARED, {"ids": chunk}).all())
    return out


def attendee_names(conn: Connection, activity_ids: Sequence[int]) -> dict[int, list[str]]:
    # Sorted here, not in SQL: without statistics SQLite would walk the whole name index to
    # avoid a sort, probing the id list once per contact (minutes at 100k contacts).
    found: dict[int, list[tuple[str, str]]] = {}
    for chunk in _chunks(activity_ids):
        for aid, key, name in conn.execute(_NAMES, {"ids": chunk}).all():
            found.setdefault(aid, []).append((key, name))
    return {aid: [name for _, name in sorted(pairs)] for aid, pairs in found.items()}


# A Planned with its stored UTC bounds (first start, last end: None for no end), for a caller
# that prunes one read for several windows.
Bounded = tuple[Planned, datetime, datetime | None]


def _bounded(rows) -> list[Bounded]:
    return [(a, r[-2], r[-1]) for a, r in zip(_planned(r[:-2] for r in rows), rows,
                                              strict=True)]


def open_singles(conn: Connection, before_utc: datetime) -> list[Bounded]:
    """Open one-offs whose first_start_utc is before `before_utc`, with their bounds."""
    return _bounded(conn.execute(select(*_PLANNED, T.c.first_start_utc, T.c.last_end_utc).where(
        T.c.deleted_at.is_(None), _mostly(conn, T.c.status == ActivityStatus.OPEN.value),
        T.c.rrule.is_(None), _mostly(conn, T.c.first_start_utc < before_utc))).all())


def series_in(conn: Connection, start_utc: datetime, end_utc: datetime) -> list[Bounded]:
    """Live series whose bounds overlap the window, with their bounds."""
    return _bounded(conn.execute(select(*_PLANNED, T.c.first_start_utc, T.c.last_end_utc).where(
        T.c.deleted_at.is_(None), T.c.rrule.is_not(None),
        _mostly(conn, T.c.first_start_utc < end_utc),
        or_(T.c.last_end_utc.is_(None), T.c.last_end_utc >= start_utc))).all())


def shift_occurrence_keys(session: Session, series_id: int, shift: timedelta) -> None:
    """A whole series moved: its cleared occurrences and the occurrences moved out of it
    (RECURRENCE-ID) are keyed by the old wall-clock starts, so they move by the same step."""
    conn = session.connection()
    keys = list(conn.execute(select(CLR.c.occurrence_key).where(CLR.c.activity_id == series_id)
                             .order_by(CLR.c.occurrence_key.desc() if shift > timedelta(0)
                                       else CLR.c.occurrence_key)).scalars())
    for key in keys:  # one at a time, latest first, so no two keys ever collide mid-way
        conn.execute(update(CLR).where(CLR.c.activity_id == series_id,
                                       CLR.c.occurrence_key == key)
                     .values(occurrence_key=key + shift))
    singles = list(conn.execute(select(T.c.id, T.c.recurrence_key).where(
        T.c.series_id == series_id, T.c.recurrence_key.is_not(None))))
    if singles:
        unit_of(session).will_change(Entity.ACTIVITY, [r.id for r in singles])
        for r in singles:
            conn.execute(update(T).where(T.c.id == r.id)
                         .values(recurrence_key=r.recurrence_key + shift))
