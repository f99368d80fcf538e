"""Bulk inserts for what bulk.py does not cover: accounts, activities, quotes with their lines,
and the links that organise records (tags, group members, custom values).

The recipe is bulk.py's: ids assigned up front (the writer session holds the write lock from
BEGIN IMMEDIATE), rows built as tuples already in the driver's form, one executemany per table,
and the search index filled from the same rows. Callers validate first: these functions check
nothing the foreign keys would not catch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.domain.account import Account
from app.domain.activity import Activity
from app.domain.changes import Entity
from app.domain.groups import FieldOwner
from app.domain.quote import Quote, quote_number
from db.ids import reserve
from db.models import (
    AccountRow,
    ActivityRow,
    ClearedOccurrenceRow,
    ContactRow,
    CustomValueRow,
    GroupRow,
    HistoryRow,
    ProductRow,
    QuoteLineRow,
    QuoteRow,
    account_tags,
    activity_attendees,
    contact_tags,
    group_accounts,
    group_contacts,
    new_uid,
    utcnow,
)
from db.repositories import accounts as account_repo
from db.repositories import common, settings
from db.repositories import quotes as quote_repo
from db.repositories.bulk import Inserter
from db.unit import unit_of

A, T, Q, L = AccountRow.__table__, ActivityRow.__table__, QuoteRow.__table__, QuoteLineRow.__table__
CLEARED = ClearedOccurrenceRow.__table__

ACCOUNT_COLUMNS = (
    "id", "uid", "name", "sort_name", "industry", "website", "main_phone", "street", "locality",
    "region", "postal_code", "country", "notes", "parent_id", "extra", "created_at",
    "updated_at")
ACTIVITY_COLUMNS = (
    "id", "uid", "kind", "regarding", "details", "location", "start_local", "duration_minutes",
    "tz", "all_day", "priority", "rrule", "exdates", "alarm_minutes", "status", "account_id",
    "series_id", "recurrence_key", "first_start_utc", "last_end_utc", "extra", "created_at",
    "updated_at")
QUOTE_COLUMNS = (
    "id", "uid", "number", "title", "account_id", "contact_id", "issue_date", "valid_until",
    "status", "currency", "notes", "created_at", "updated_at")
LINE_COLUMNS = (
    "quote_id", "position", "product_id", "description", "quantity", "unit_price",
    "discount_pct", "tax_rate")

TAG_LINKS = {FieldOwner.CONTACT: (contact_tags, "contact_id"),
             FieldOwner.ACCOUNT: (account_tags, "account_id")}
GROUP_LINKS = {FieldOwner.CONTACT: (group_contacts, "contact_id"),
               FieldOwner.ACCOUNT: (group_accounts, "account_id")}


def id_marks(session: Session) -> tuple[int, ...]:
    """The next id of every kind of record that carries a UID: a cheap fingerprint of what
    is stored already, for callers that must not repeat UIDs when adding to existing data."""
    conn = session.connection()
    return tuple(reserve(conn, t, 1)[0] for t in (
        A, ContactRow.__table__, HistoryRow.__table__, T, Q, ProductRow.__table__,
        GroupRow.__table__))


def add_accounts(session: Session, accounts: Sequence[Account]) -> list[int]:
    """Insert accounts and index them. A parent must already be stored (see set_parents for
    parents within the same batch); tags and custom values go through link_tags and
    add_custom_values, so an account carrying them is refused rather than half-written."""
    conn = session.connection()
    ids = reserve(conn, A, len(accounts))
    ins = Inserter(conn, A, ACCOUNT_COLUMNS)
    now = ins.processor("created_at")(utcnow())
    extra = ins.processor("extra")
    rows = []
    for aid, a in zip(ids, accounts, strict=True):
        if a.tags or a.custom:
            raise ValueError(f"{a.name}: bulk accounts take tags and custom values separately")
        # The accounts repository's own mapping, so both paths store the same row.
        v = account_repo.account_values(a)
        v["extra"] = extra(v["extra"])
        rows.append((aid, a.uid or new_uid(), *(v[c] for c in ACCOUNT_COLUMNS[2:-2]), now, now))
    ins.run(rows)
    unit_of(session).created_bulk(Entity.ACCOUNT, ids)
    return ids


def refresh_statistics(session: Session) -> None:
    """Gather the query planner's statistics after a bulk load. Without them SQLite can pick a
    plan that walks all 100k contacts in name order to skip a sort (the agenda's attendee
    names took minutes); with them the same query takes milliseconds. About a second at 100k
    contacts, and transactional, so a cancel still leaves nothing behind."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        # A full scan: statistics sampled under analysis_limit still left the slow plan.
        conn.exec_driver_sql("PRAGMA analysis_limit=0")
        conn.exec_driver_sql("ANALYZE")


def set_parents(session: Session, links: Sequence[tuple[int, int]]) -> None:
    """(child id, parent id) pairs. The caller keeps the hierarchy free of cycles."""
    if links:
        session.connection().execute(
            update(A).where(A.c.id == bindparam("child")).values(parent_id=bindparam("parent")),
            [{"child": c, "parent": p} for c, p in links])


def add_activities(session: Session, activities: Sequence[Activity]) -> list[int]:
    """Insert activities (validated, so rules are normalised) with their attendees, including
    the UTC bounds that range queries prune on."""
    conn = session.connection()
    ids = reserve(conn, T, len(activities))
    ins = Inserter(conn, T, ACTIVITY_COLUMNS)
    wall, instant, json = (ins.processor(c) for c in ("start_local", "first_start_utc", "exdates"))
    flag = ins.processor("all_day")
    now = instant(utcnow())
    rows: list[tuple] = []
    attendees: list[tuple[int, int]] = []
    for aid, a in zip(ids, activities, strict=True):
        begin, end = a.schedule.utc_bounds()
        rows.append((
            aid, a.uid or new_uid(), a.kind.value, a.regarding, a.details, a.location,
            wall(a.start), int(a.duration.total_seconds() // 60), a.tz, flag(a.all_day),
            a.priority.value, a.rrule, json([d.isoformat() for d in a.exdates] or None),
            a.alarm_minutes, a.status.value, a.account_id, a.series_id, wall(a.recurrence_key),
            instant(begin), instant(end), json(common.encode_extra(a.extra)), now, now))
        attendees.extend((aid, cid) for cid in dict.fromkeys(a.attendee_ids))
    ins.run(rows)
    Inserter(conn, activity_attendees, ("activity_id", "contact_id")).run(attendees)
    unit_of(session).created_bulk(Entity.ACTIVITY, ids)
    return ids


def add_cleared_occurrences(session: Session,
                            rows: Sequence[tuple[int, datetime, int | None]]) -> None:
    """(activity id, occurrence's wall-clock start, history id) for cleared occurrences of
    recurring activities, as ActivityService.clear records them one at a time."""
    ins = Inserter(session.connection(), CLEARED, ("activity_id", "occurrence_key", "history_id"))
    wall = ins.processor("occurrence_key")
    ins.run([(aid, wall(key), hid) for aid, key, hid in rows])


def reserve_quote_numbers(session: Session, count: int) -> list[str]:
    """Take the next `count` quote numbers in one go, exactly as `count` calls of
    quotes.take_number would: numbers already in use are skipped and the counter moves past
    the last one handed out."""
    if count <= 0:
        return []
    conn = session.connection()
    prefix = quote_repo.number_prefix(session)
    raw = settings.get(conn, quote_repo.NEXT_KEY, lock=True)
    taken = set(conn.execute(select(Q.c.number).where(
        Q.c.number.startswith(prefix, autoescape=True))).scalars())
    n = int(raw) if raw else 1
    numbers: list[str] = []
    while len(numbers) < count:
        number = quote_number(prefix, n)
        if number not in taken:
            numbers.append(number)
        n += 1
    settings.put(conn, quote_repo.NEXT_KEY, str(n))
    return numbers


def add_quotes(session: Session, quotes: Sequence[Quote]) -> list[int]:
    """Insert quotes (numbers already reserved) in their given status, with their lines."""
    conn = session.connection()
    ids = reserve(conn, Q, len(quotes))
    heads, lines = Inserter(conn, Q, QUOTE_COLUMNS), Inserter(conn, L, LINE_COLUMNS)
    day = heads.processor("issue_date")
    cash = lines.processor("unit_price")
    now = heads.processor("created_at")(utcnow())
    head_rows, line_rows = [], []
    for qid, q in zip(ids, quotes, strict=True):
        if not q.number:
            raise ValueError("bulk quotes need their numbers reserved first")
        head_rows.append((qid, q.uid or new_uid(), q.number, q.title.strip(), q.account_id,
                          q.contact_id, day(q.issue_date), day(q.valid_until), q.status.value,
                          q.currency.upper(), q.notes, now, now))
        for position, ln in enumerate(q.lines):
            line_rows.append((qid, position, ln.product_id, ln.description.strip(),
                              cash(ln.quantity), cash(ln.unit_price), cash(ln.discount_pct),
                              cash(ln.tax_rate)))
    heads.run(head_rows)
    lines.run(line_rows)
    unit_of(session).created_bulk(Entity.QUOTE, ids)
    return ids


def link_tags(session: Session, owner: FieldOwner, pairs: Sequence[tuple[int, int]]) -> None:
    """(tag id, record id) pairs, each new and unique."""
    link, col = TAG_LINKS[owner]
    Inserter(session.connection(), link, ("tag_id", col)).run(pairs)


def add_group_members(session: Session, owner: FieldOwner,
                      pairs: Sequence[tuple[int, int]]) -> None:
    """(group id, record id) pairs, each new and unique."""
    link, col = GROUP_LINKS[owner]
    Inserter(session.connection(), link, ("group_id", col)).run(pairs)


def add_custom_values(session: Session, owner: FieldOwner,
                      rows: Sequence[tuple[int, int, str]]) -> None:
    """(field id, record id, canonical text) rows; see CustomFieldDef.canonical."""
    col = f"{owner.value}_id"
    Inserter(session.connection(), CustomValueRow.__table__, ("field_id", col, "value")).run(rows)
