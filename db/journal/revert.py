"""Revert a unit: apply the inverse of everything it did, as a new unit that is journaled like
any other (so an undo can itself be redone, and survives a restart).

First every change is checked against what is stored now: a field a later unit changed, a
record edited since it was created, a purged record whose id or UID is taken. If anything
would be overwritten the revert is refused, naming the record and the later change, and
nothing is touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from app.domain.changes import Entity
from app.domain.errors import RolodeckError
from db.journal import images, store
from db.journal.specs import SPECS
from db.unit import Unit


class RevertRefused(RolodeckError):
    """Reverting would overwrite something changed since; nothing was changed."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    entity: Entity
    record_id: int
    name: str
    reason: str


def _name(image: dict | None, entity: Entity, rid: int) -> str:
    image = image or {}
    for key in ("display_name", "name", "regarding", "number", "title"):
        value = image.get(key)
        if isinstance(value, str) and value.strip():
            return f"{value} ({entity.value} {rid})"
    return f"{entity.value} {rid}"


def _since(tx: Unit, entity: Entity, rid: int, seq: int, field: str | None) -> str:
    later = store.later_change(tx.conn, entity, rid, seq, field)
    if later is None:
        return "was changed since"
    when = later.unit.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return (f"was changed since by '{later.unit.label}' (change {later.unit.seq}, {when}, "
            f"{later.unit.actor})")


def _changed_since(tx: Unit, entity: Entity, rid: int, seq: int) -> str | None:
    """A field of the record whose value now differs from what it was when unit `seq` left
    it, or None. Worked out from the values, so later changes that were themselves undone
    (delete, then undo of the delete) do not count."""
    later = [c for c in store.record_changes(tx.conn, entity, rid, limit=1000)
             if c.unit.seq > seq and c.op == "update"]
    original: dict = {}
    for c in reversed(later):  # oldest first: the first "before" of a field is its value then
        for field, (before, _after) in (c.fields or {}).items():
            original.setdefault(field, before)
    if not original:
        return None
    now = images.read(tx.conn, SPECS[entity], [rid]).get(rid, {})
    return next((f for f, v in original.items() if now.get(f) != v), None)


def check(tx: Unit, seq: int, changes: list[store.ChangeRow]) -> list[Problem]:
    problems: list[Problem] = []
    conn = tx.conn
    for c in changes:
        spec = SPECS[c.entity]
        t = spec.table
        if c.op in ("insert", "bulk_insert"):
            last = c.last_id if c.op == "bulk_insert" else c.record_id
            if spec.versioned:
                # Untouched since it was made: the fast, usual case (a whole import at once).
                moved = list(conn.execute(select(t.c.id).where(
                    t.c.id.between(c.record_id, last), t.c.version != (c.version or 1)))
                    .scalars())
                for rid in moved:
                    field = _changed_since(tx, c.entity, rid, seq)
                    if field is not None:
                        problems.append(Problem(
                            c.entity, rid, _name(c.fields, c.entity, rid),
                            f"{field.replace('_', ' ')} "
                            + _since(tx, c.entity, rid, seq, field)))
        elif c.op == "update":
            now = images.read(conn, spec, [c.record_id]).get(c.record_id)
            if now is None:
                problems.append(Problem(c.entity, c.record_id, _name(None, c.entity, c.record_id),
                                        "was deleted for good since"))
                continue
            for field, (_before, after) in (c.fields or {}).items():
                if now.get(field) != after:
                    problems.append(Problem(
                        c.entity, c.record_id, _name(now, c.entity, c.record_id),
                        f"{field.replace('_', ' ')} "
                        + _since(tx, c.entity, c.record_id, seq, field)))
                    break
    problems += _taken(tx, [c for c in changes if c.op in ("delete", "bulk_delete")])
    return problems


def _coming_back(deletes: list[store.ChangeRow]):
    """(entity, id, uid, image or None) of every record a revert would put back."""
    for c in deletes:
        if c.op == "delete":
            yield c.entity, c.record_id, (c.fields or {}).get("uid"), c.fields
        else:  # bulk_delete: column-wise, see images.read_run
            run = c.fields or {}
            columns = run.get("columns", [])
            at = columns.index("uid") + 2 if "uid" in columns else None
            for r in run.get("rows", []):
                yield c.entity, r[0], r[at] if at is not None else None, None


def _taken(tx: Unit, deletes: list[store.ChangeRow]) -> list[Problem]:
    """Records to put back whose id or UID another record holds now (one query per chunk)."""
    out: list[Problem] = []
    by_entity: dict[Entity, list[tuple]] = {}
    for entity, rid, uid, image in _coming_back(deletes):
        by_entity.setdefault(entity, []).append((rid, uid, image))
    for entity, group in by_entity.items():
        t = SPECS[entity].table
        for i in range(0, len(group), images.CHUNK):
            part = group[i:i + images.CHUNK]
            ids = {rid for rid, _, _ in part}
            uids = {uid for _, uid, _ in part} - {None}
            cond: ColumnElement[bool] = t.c.id.in_(ids)
            if "uid" in t.c:
                cond = cond | t.c.uid.in_(uids)
                taken_ids, taken_uids = set(), set()
                for rid, uid in tx.conn.execute(select(t.c.id, t.c.uid).where(cond)):
                    taken_ids.add(rid)
                    taken_uids.add(uid)
            else:
                taken_ids = set(tx.conn.execute(select(t.c.id).where(cond)).scalars())
                taken_uids = set()
            for rid, uid, image in part:
                if rid in taken_ids or uid in taken_uids:
                    out.append(Problem(entity, rid, _name(image, entity, rid),
                                       "cannot come back: its id or UID is in use again"))
    return out


def revert(tx: Unit, seq: int) -> None:
    """Inside `tx` (a unit opened with reverts=seq): undo everything unit `seq` did."""
    info = store.unit(tx.conn, seq)
    if info is None:
        raise RolodeckError(f"There is no change {seq} in the journal (it may have been pruned)")
    if info.whole:
        raise RolodeckError(f"'{info.label}' replaced the whole database; restore the "
                            "automatic backup it made instead")
    if info.reverted_by is not None:
        raise RolodeckError(f"'{info.label}' was already undone (by change {info.reverted_by})")
    changes = store.changes_of(tx.conn, seq)
    problems = check(tx, seq, changes)
    if problems:
        shown = "; ".join(f"{p.name} {p.reason}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise RevertRefused(f"Cannot undo '{info.label}': {shown}{more}. Nothing was changed.",
                            problems)
    conn = tx.conn
    if conn.dialect.name == "sqlite":
        # Records come back in journal order, not in the order their references need (a
        # contact before the account it works for): the links are checked at commit instead.
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    backwards = list(reversed(changes))
    deletes = [c for c in backwards if c.op == "delete"]
    for entity in dict.fromkeys(c.entity for c in deletes):
        mine = [c for c in deletes if c.entity == entity]
        images.reinsert_many(conn, SPECS[entity],
                             [(c.record_id, c.fields or {}, c.version) for c in mine])
        tx.created(entity, [c.record_id for c in mine])
    for c in backwards:
        if c.op == "bulk_delete":  # back column-wise, and journaled as one bulk insert
            ids, version = images.reinsert_run(conn, SPECS[c.entity], c.fields or {})
            tx.created_bulk(c.entity, ids, version=version)
    for c in backwards:
        spec = SPECS[c.entity]
        if c.op in ("delete", "bulk_delete"):
            continue
        elif c.op == "update":
            tx.will_change(c.entity, [c.record_id])
            images.write_fields(conn, spec, c.record_id,
                                {k: before for k, (before, _after) in (c.fields or {}).items()})
        else:
            last = c.last_id if c.op == "bulk_insert" else c.record_id
            ids = list(conn.execute(select(spec.table.c.id).where(
                spec.table.c.id.between(c.record_id, last))).scalars())
            tx.will_purge(c.entity, ids)
            images.remove(conn, spec, ids)
