"""Undo, redo, revert and field history over the change journal (db.journal). Everything here
works from the database, so it survives a restart: "Undo this import" still works next week,
unless something changed the same records since, in which case it says which and by what."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.changes import ChangeSet, Entity
from app.domain.errors import NotFoundError, ValidationError
from app.services.progress import paused_collection
from db.database import Database
from db.journal import images, store
from db.journal.revert import RevertRefused, revert
from db.journal.specs import SPECS
from db.repositories import settings
from db.unit import Origin

__all__ = ["FieldChange", "JournalService", "RevertRefused", "UnitInfo"]

UnitInfo = store.UnitInfo


@dataclass(frozen=True)
class FieldChange:
    """One field of one record in one unit, for a record's history."""

    change_id: int
    seq: int
    when: datetime
    actor: str
    label: str
    origin: str
    op: str  # insert, update, delete, bulk_insert
    field: str | None
    before: Any
    after: Any


class JournalService:
    def __init__(self, db: Database):
        self._db = db

    # --- undo and redo ------------------------------------------------------------------------

    def undo_target(self) -> UnitInfo | None:
        """What Ctrl+Z would undo now (for the Edit menu's "Undo ..."), or None."""
        with self._db.read() as s:
            return store.undo_target(s.connection())

    def redo_target(self) -> UnitInfo | None:
        """The undo that redo would take back, or None."""
        with self._db.read() as s:
            return store.redo_target(s.connection())

    def undo(self) -> ChangeSet:
        target = self.undo_target()
        if target is None:
            raise ValidationError("There is nothing to undo")
        return self._revert(target, Origin.UNDO, f"Undo {target.label}")

    def redo(self) -> ChangeSet:
        target = self.redo_target()
        if target is None:
            raise ValidationError("There is nothing to redo")
        original = self.unit(target.reverts) if target.reverts else None
        label = original.label if original else target.label.removeprefix("Undo ")
        return self._revert(target, Origin.REDO, label)

    def revert(self, seq: int) -> ChangeSet:
        """Undo one named unit, however old, if nothing since changed the same fields."""
        target = self.unit(seq)
        if target is None:
            raise NotFoundError(f"There is no change {seq} in the journal")
        return self._revert(target, Origin.REVERT, f"Revert '{target.label}'")

    def _revert(self, target: UnitInfo, origin: Origin, label: str) -> ChangeSet:
        # Undoing an import reads and journals every record it made: big work.
        with paused_collection(), self._db.unit(label, origin, reverts=target.seq) as tx:
            revert(tx, target.seq)
        return tx.changes

    # --- reading ------------------------------------------------------------------------------

    def unit(self, seq: int) -> UnitInfo | None:
        with self._db.read() as s:
            return store.unit(s.connection(), seq)

    def units(self, limit: int = 50) -> list[UnitInfo]:
        """The journal, newest first."""
        with self._db.read() as s:
            return store.units(s.connection(), limit)

    def last_seq(self) -> int:
        """The newest unit's number: a view that saw N knows something changed when it moves."""
        with self._db.read() as s:
            return store.last_seq(s.connection())

    def history(self, entity: Entity, record_id: int, limit: int = 200) -> list[FieldChange]:
        """What changed in one record, when, by whom, newest first: one entry per field."""
        shown, decode = SPECS[entity].shown, images.decode
        with self._db.read() as s:
            rows = store.record_history(s.connection(), entity, record_id, limit)
        # One JSON array for all the updates: a thousand small loads cost three times that.
        diffs = iter(json.loads("[" + ",".join(
            r[-1] for r in rows if r[2] == "update" and r[-1]) + "]"))
        out: list[FieldChange] = []
        add = out.append
        for change_id, seq, op, when, actor, label, origin, fields in rows:
            if op != "update":
                add(FieldChange(change_id, seq, when, actor, label, origin, op, None, None,
                                None))
            elif fields:
                for field, (before, after) in next(diffs).items():
                    if shown(field):
                        add(FieldChange(change_id, seq, when, actor, label, origin, op, field,
                                        decode(before), decode(after)))
        return out

    def restore_value(self, entity: Entity, record_id: int, change_id: int,
                      field: str) -> ChangeSet:
        """Put one field back to the value it had before change `change_id` ("restore this
        value" in a record's history), as a unit of its own."""
        spec = SPECS[entity]
        if not spec.shown(field) or field not in spec.parts:
            raise ValidationError(f"'{field}' is not a field that can be restored")
        with self._db.read() as s:
            rows = store.record_changes(s.connection(), entity, record_id, 1000)
        found = next((c for c in rows if c.id == change_id), None)
        if (found is None or found.op != "update" or found.fields is None
                or field not in found.fields):
            raise NotFoundError(f"Change {change_id} did not change {field} of this record")
        before = found.fields[field][0]
        with self._db.unit(f"Restore {field.replace('_', ' ')}") as tx:
            if not images.read(tx.conn, spec, [record_id]):
                raise NotFoundError(f"No {entity.value} with id {record_id}")
            tx.will_change(entity, [record_id])
            fields = {field: before}
            # Derived fields (a contact's display and sort names) follow their sources.
            fields |= {k: v for k, (v, _a) in found.fields.items() if k in spec.derived}
            images.write_fields(tx.conn, spec, record_id, fields)
        return tx.changes

    # --- retention ----------------------------------------------------------------------------

    def prune(self) -> int:
        """Apply the retention setting (journal.keep_days, journal.keep_mb)."""
        if self._db.read_only:
            return 0
        with self._db.transaction("pruning the change journal") as s:
            days, mb = store.retention(s.connection())
            return store.prune(s.connection(), days, mb)

    def set_retention(self, keep_days: int, keep_mb: int) -> None:
        if keep_days < 1 or keep_mb < 1:
            raise ValidationError("Keep the journal for at least a day and a megabyte")
        with self._db.transaction("changing how long changes are kept") as s:
            settings.put(s.connection(), store.KEEP_DAYS_KEY, str(keep_days))
            settings.put(s.connection(), store.KEEP_MB_KEY, str(keep_mb))
