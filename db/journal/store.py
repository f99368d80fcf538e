"""Reading the journal: units newest first, a record's changes, what undo and redo would act
on, and pruning by age and size."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select

from app.domain.changes import Entity
from db.models import JournalChangeRow, JournalUnitRow, SettingRow, utcnow

JU, JC = JournalUnitRow.__table__, JournalChangeRow.__table__
S = SettingRow.__table__

# What Ctrl+Z walks back through: things a person did. Sync and undo units are not undone by
# Ctrl+Z (a sync is reverted by name; an undo is undone by redo).
UNDOABLE = ("user", "import", "sample", "revert", "redo", "system")
# A new one of these ends the redo chain, as a new edit does in any editor.
ACTIONS = ("user", "import", "sample", "revert", "system")
KEEP_DAYS_KEY, KEEP_MB_KEY = "journal.keep_days", "journal.keep_mb"
DEFAULT_KEEP_DAYS, DEFAULT_KEEP_MB = 365, 256


@dataclass(frozen=True)
class UnitInfo:
    seq: int
    label: str
    origin: str
    actor: str
    created_at: datetime
    reverts: int | None
    reverted_by: int | None
    whole: bool
    records: int


@dataclass(frozen=True)
class ChangeRow:
    id: int
    unit: UnitInfo
    entity: Entity
    op: str
    record_id: int
    last_id: int | None
    uid: str | None
    version: int | None
    fields: dict | None


def _unit(r) -> UnitInfo:
    return UnitInfo(r.seq, r.label, r.origin, r.actor, r.created_at, r.reverts, r.reverted_by,
                    r.whole, r.records)


def unit(conn: Connection, seq: int) -> UnitInfo | None:
    r = conn.execute(select(JU).where(JU.c.seq == seq)).first()
    return _unit(r) if r else None


def units(conn: Connection, limit: int = 50, before: int | None = None) -> list[UnitInfo]:
    q = select(JU).order_by(JU.c.seq.desc()).limit(limit)
    if before is not None:
        q = q.where(JU.c.seq < before)
    return [_unit(r) for r in conn.execute(q)]


def changes_of(conn: Connection, seq: int) -> list[ChangeRow]:
    info = unit(conn, seq)
    if info is None:
        return []
    rows = conn.execute(select(JC).where(JC.c.unit_seq == seq).order_by(JC.c.id))
    return [_change(r, info) for r in rows]


def _change(r, info: UnitInfo) -> ChangeRow:
    return ChangeRow(r.id, info, Entity(r.entity), r.op, r.record_id, r.last_id, r.record_uid,
                     r.version, json.loads(r.fields) if r.fields else None)


# A record's own rows are one lookup in ix_journal_changes_record; a bulk insert (or a run
# deleted for good) is one row for a range of ids, so one that covers this record starts
# below it (a range that starts at the record is one of its own rows, and was listed twice
# when this said `<=`). Ranges can overlap (a redo puts an undone import back as a new
# range), so every one below is looked at: the cost an index on the bulk rows would remove.
CHANGE_COLUMNS = (JC.c.id, JC.c.unit_seq, JC.c.op, JC.c.record_id, JC.c.last_id,
                  JC.c.record_uid, JC.c.version, JC.c.fields,
                  *(JU.c[n] for n in ("label", "origin", "actor", "created_at", "reverts",
                                      "reverted_by", "whole", "records")))
HISTORY_COLUMNS = (JC.c.id, JC.c.unit_seq, JC.c.op, JU.c.created_at, JU.c.actor, JU.c.label,
                   JU.c.origin, JC.c.fields)


@cache
def _record_statement(columns: tuple):
    """A record's change rows with their units as `columns`, built once: building this
    SELECT costs more than running it."""
    entity: Any = bindparam("entity")
    rid: Any = bindparam("record_id")
    joined = JC.join(JU, JU.c.seq == JC.c.unit_seq)
    mine = select(*columns).select_from(joined).where(JC.c.entity == entity,
                                                      JC.c.record_id == rid)
    bulk = select(*columns).select_from(joined).where(
        JC.c.entity == entity, JC.c.op.in_(("bulk_insert", "bulk_delete")),
        JC.c.record_id < rid, JC.c.last_id >= rid)
    return (mine.union_all(bulk).order_by(JC.c.unit_seq.desc(), JC.c.id.desc())
            .limit(bindparam("limit")))


def _record_rows(conn: Connection, columns: tuple, entity: Entity, record_id: int,
                 limit: int) -> Sequence[Any]:
    return conn.execute(_record_statement(columns), {
        "entity": entity.value, "record_id": record_id, "limit": limit}).all()


def record_changes(conn: Connection, entity: Entity, record_id: int,
                   limit: int = 200) -> list[ChangeRow]:
    """What happened to one record, newest first (bulk inserts found by their id range)."""
    infos: dict[int, UnitInfo] = {}
    loads = json.loads
    out = []
    for r in _record_rows(conn, CHANGE_COLUMNS, entity, record_id, limit):
        info = infos.get(r.unit_seq)
        if info is None:
            info = infos[r.unit_seq] = UnitInfo(r.unit_seq, r.label, r.origin, r.actor,
                                                r.created_at, r.reverts, r.reverted_by,
                                                r.whole, r.records)
        out.append(ChangeRow(r.id, info, entity, r.op, r.record_id, r.last_id, r.record_uid,
                             r.version, loads(r.fields) if r.fields else None))
    return out


def record_history(conn: Connection, entity: Entity, record_id: int,
                   limit: int = 200) -> Sequence[Any]:
    """record_changes for a history view: rows of (change id, unit seq, op, unit created_at,
    actor, label, origin, fields as stored JSON text), with none of the rest built."""
    return _record_rows(conn, HISTORY_COLUMNS, entity, record_id, limit)


def later_change(conn: Connection, entity: Entity, record_id: int, after_seq: int,
                 field: str | None) -> ChangeRow | None:
    """The latest change to the record after unit `after_seq` (touching `field` if given)."""
    for c in record_changes(conn, entity, record_id, limit=500):
        if c.unit.seq <= after_seq:
            break
        if field is None or c.op != "update" or (c.fields and field in c.fields):
            return c
    return None


def _last_whole(conn: Connection) -> int:
    """Undo and redo stop at a whole-database change (a restore): what came before it belongs
    to other data."""
    return conn.execute(select(func.max(JU.c.seq)).where(JU.c.whole.is_(True))).scalar() or 0


def undo_target(conn: Connection) -> UnitInfo | None:
    r = conn.execute(select(JU).where(JU.c.origin.in_(UNDOABLE), JU.c.reverted_by.is_(None),
                                      JU.c.whole.is_(False), JU.c.seq > _last_whole(conn))
                     .order_by(JU.c.seq.desc()).limit(1)).first()
    return _unit(r) if r else None


def redo_target(conn: Connection) -> UnitInfo | None:
    last_action = max(_last_whole(conn), conn.execute(select(func.max(JU.c.seq)).where(
        JU.c.origin.in_(ACTIONS))).scalar() or 0)
    r = conn.execute(select(JU).where(JU.c.origin == "undo", JU.c.reverted_by.is_(None),
                                      JU.c.seq > last_action)
                     .order_by(JU.c.seq.desc()).limit(1)).first()
    return _unit(r) if r else None


def last_seq(conn: Connection) -> int:
    return conn.execute(select(func.max(JU.c.seq))).scalar() or 0


def retention(conn: Connection) -> tuple[int, int]:
    rows = dict(conn.execute(select(S.c.key, S.c.value).where(
        S.c.key.in_([KEEP_DAYS_KEY, KEEP_MB_KEY]))).all())
    return (int(rows.get(KEEP_DAYS_KEY, DEFAULT_KEEP_DAYS)),
            int(rows.get(KEEP_MB_KEY, DEFAULT_KEEP_MB)))


def prunable(conn: Connection, keep_days: int, keep_mb: int) -> bool:
    """Whether prune would drop anything (two cheap reads)."""
    cutoff_time = utcnow() - timedelta(days=keep_days)
    if conn.execute(select(JU.c.seq).where(JU.c.created_at < cutoff_time).limit(1)).first():
        return True
    return (conn.execute(select(func.sum(JU.c.size))).scalar() or 0) > keep_mb * 1024 * 1024


def prune(conn: Connection, keep_days: int, keep_mb: int) -> int:
    """Drop the oldest units, whole, until what is left is younger than `keep_days` and
    smaller than `keep_mb`. Always a prefix of the sequence: an undo unit never outlives the
    unit it undid, so what remains can all still be undone or redone. Returns how many went."""
    cutoff_time = utcnow() - timedelta(days=keep_days)
    by_age = conn.execute(select(func.max(JU.c.seq)).where(
        JU.c.created_at < cutoff_time)).scalar() or 0
    budget = keep_mb * 1024 * 1024
    total = 0
    by_size = 0
    for seq, size in conn.execute(select(JU.c.seq, JU.c.size).order_by(JU.c.seq.desc())):
        total += size or 0
        if total > budget:
            by_size = seq
            break
    cutoff = max(by_age, by_size)
    if not cutoff:
        return 0
    gone = conn.execute(select(func.count()).where(JU.c.seq <= cutoff)).scalar() or 0
    conn.execute(delete(JC).where(JC.c.unit_seq <= cutoff))
    conn.execute(delete(JU).where(JU.c.seq <= cutoff))
    return gone
