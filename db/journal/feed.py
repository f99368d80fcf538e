"""The journal read as a change feed: what changed after a given point, for views that must
show changes made elsewhere (the command line, a sync, another Rolodeck on the same file)
and, later, for sync's push and a team server's clients."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, select

from app.domain.changes import ChangeSet, Entity
from db.models import JournalChangeRow, JournalUnitRow

JU, JC = JournalUnitRow.__table__, JournalChangeRow.__table__
# Past this many change rows a reader is better off reloading everything than applying them.
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Head:
    """The newest unit: its seq and its UID. A restore puts back an older journal and adds a
    unit of its own, which may get the seq this reader last saw; the UID tells them apart."""

    seq: int
    uid: str | None


def head(conn: Connection) -> Head:
    r = conn.execute(select(JU.c.seq, JU.c.uid).order_by(JU.c.seq.desc()).limit(1)).first()
    return Head(r.seq, r.uid) if r else Head(0, None)


def _still_there(conn: Connection, seen: Head) -> bool:
    if seen.seq == 0:
        return True
    return conn.execute(select(JU.c.uid).where(JU.c.seq == seen.seq)).scalar() == seen.uid


def since(conn: Connection, seen: Head) -> tuple[Head, list[tuple[int, ChangeSet]]] | None:
    """(the head now, the ChangeSet of each unit after `seen`, oldest first), or None when
    the journal no longer continues from `seen` (a restore, a prune past it) or the units
    are too many to be worth applying one by one: then the reader reloads everything."""
    now = head(conn)
    if now == seen:
        return now, []
    if now.seq < seen.seq or not _still_there(conn, seen):
        return None
    units = conn.execute(select(JU.c.seq, JU.c.whole).where(JU.c.seq > seen.seq)
                         .order_by(JU.c.seq)).all()
    if any(u.whole for u in units):
        return None
    rows = conn.execute(select(JC.c.unit_seq, JC.c.entity, JC.c.op, JC.c.record_id,
                               JC.c.last_id, JC.c.fields)
                        .where(JC.c.unit_seq > seen.seq, JC.c.unit_seq <= now.seq)
                        .order_by(JC.c.id).limit(MAX_ROWS + 1)).all()
    if len(rows) > MAX_ROWS:
        return None
    parts: dict[int, dict[str, dict[Entity, set[int]]]] = {
        u.seq: {"inserted": {}, "updated": {}, "deleted": {}} for u in units}
    for r in rows:
        entity = Entity(r.entity)
        ids = range(r.record_id, (r.last_id or r.record_id) + 1)
        kind = {"insert": "inserted", "bulk_insert": "inserted", "delete": "deleted",
                "bulk_delete": "deleted"}.get(r.op) or _update_kind(r.fields)
        parts[r.unit_seq][kind].setdefault(entity, set()).update(ids)
    return now, [(seq, ChangeSet.of(**p)) for seq, p in parts.items()]


def _update_kind(fields: str | None) -> str:
    """Moving to the trash reads as a deletion to a list, restoring as an insertion (as the
    unit's own ChangeSet says it)."""
    trash = (json.loads(fields) if fields else {}).get("deleted_at")
    if trash is not None and (trash[0] is None) != (trash[1] is None):
        return "deleted" if trash[0] is None else "inserted"
    return "updated"
