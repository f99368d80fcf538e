"""The unit of work: one transaction that any number of use cases join, and the one place that
writes the change journal, the search index, record versions and the ChangeSet, so none of
them can disagree with the rows.

    with db.unit("Import contacts.vcf", Origin.IMPORT) as tx:
        for card in cards:
            contacts.create(tx, card)      # the same use case the editor calls
    tx.changes                             # what views refresh from

Repositories tell the unit what they are about to do (`will_change`, `will_purge`) or have
done (`created`, `created_bulk`, `touched`); the unit reads the before-images when told and the
after-images once, at commit, set-based, and journals only the fields that really changed.
A failure anywhere rolls back everything, journal included.
"""

from __future__ import annotations

import enum
import getpass
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.domain.changes import ChangeSet, Entity
from db.driver import inserted_id
from db.ids import runs
from db.journal import images
from db.journal.specs import BY_TABLE, SPECS, Child, Link, Spec
from db.models import (
    JournalChangeRow,
    JournalUnitRow,
    TagRow,
    TombstoneRow,
    account_tags,
    contact_tags,
    new_uid,
    utcnow,
)
from db.search import index_for

if TYPE_CHECKING:
    from db.database import Database

JU, JC, TOMB = JournalUnitRow.__table__, JournalChangeRow.__table__, TombstoneRow.__table__
# Built once: every save writes one unit row and its changes.
_INSERT_UNIT, _INSERT_CHANGE = insert(JU), insert(JC)
SEARCHED = {Entity.CONTACT, Entity.ACCOUNT, Entity.HISTORY}
# Purged ids in a run at least this long are journaled as one bulk_delete row.
RUN = 64
# Fields whose change alters a record's search document.
CONTACT_DOC = {"display_name", "nickname", "title", "department", "notes", "deleted_at",
               "emails", "phones"}
ACCOUNT_DOC = {"name", "industry", "website", "main_phone", "locality", "notes", "deleted_at"}
HISTORY_DOC = {"regarding", "details", "deleted_at"}


class Origin(enum.StrEnum):
    USER = "user"
    IMPORT = "import"
    SYNC = "sync"
    UNDO = "undo"
    REDO = "redo"
    REVERT = "revert"
    SAMPLE = "sample"
    RESTORE = "restore"
    SYSTEM = "system"


def current_actor() -> str:
    """Who made a change: the OS user (a team server will use the database user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for this uid (containers)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


class Unit:
    def __init__(self, db: Database, session: Session, label: str, origin: Origin,
                 reverts: int | None = None, journal: bool = True):
        self.db = db
        self.session = session
        # Labels name things from outside (a file called b'caf\xe9.vcf'): whatever they hold,
        # they are stored and shown as text, never refused for it.
        self.label = label.encode("utf-8", "backslashreplace").decode("utf-8")
        self.origin = origin
        self.reverts = reverts
        self.journal = journal
        self.seq: int | None = None
        self.changes = ChangeSet()
        self._before: dict[Entity, dict[int, dict]] = {}
        self._created: dict[Entity, dict[int, None]] = {}  # ordered sets
        self._bulk: dict[Entity, dict[int, list[int]]] = {}  # version -> ids
        self._purged_runs: dict[Entity, list[dict]] = {}  # see images.read_run
        self._purged: dict[Entity, dict[int, dict]] = {}
        self._touched: dict[Entity, set[int]] = {}
        # Records whose writer said which parts it rewrote (see wrote): the rest of their
        # after-image is their before-image, so commit reads only those parts again.
        self._wrote: dict[Entity, dict[int, frozenset[str]]] = {}
        self._docs: list[tuple] = []
        self._indexed: set[int] = set()
        self._whole = False
        # Inside a savepoint: how to take back each note made since it began, newest last.
        # (Copying every note at each savepoint made an import of n cards cost n squared.)
        self._log: list[Callable[[], None]] | None = None

    @property
    def conn(self) -> Connection:
        return self.session.connection()

    # --- what repositories report -------------------------------------------------------------

    def will_change(self, entity: Entity, ids: Iterable[int]) -> None:
        """Records about to be updated: their before-images are taken now (once per unit)."""
        known = self._before.setdefault(entity, {})
        new = self._created.get(entity, {})
        ids = list(dict.fromkeys(ids))
        wrote = self._wrote.get(entity)
        if wrote:  # another write on the way: its parts are unknown, so read all at commit
            for i in ids:
                self._pop(wrote, i)
        wanted = [i for i in ids if i not in known and i not in new]
        if wanted:
            for rid, image in images.read(self.conn, SPECS[entity], wanted).items():
                self._put(known, rid, image)

    def stored(self, entity: Entity, rid: int) -> dict | None:
        """The record as stored now, if this unit has not changed it yet: what an editor's
        save compares with to leave unchanged phones, tags... alone. Call before will_change;
        None when the unit has already seen the record (it may have changed since)."""
        if rid in self._before.get(entity, {}) or rid in self._created.get(entity, {}):
            return None
        self.will_change(entity, [rid])
        return self._before[entity].get(rid)

    def wrote(self, entity: Entity, rid: int, parts: Iterable[str]) -> None:
        """The writer of a record rewrote its row and only these child lists / links: the
        others hold what its before-image holds. Any later will_change of it cancels this."""
        self._put(self._wrote.setdefault(entity, {}), rid, frozenset(parts))

    def created(self, entity: Entity, ids: Iterable[int]) -> None:
        made = self._created.setdefault(entity, {})
        for rid in ids:
            self._put(made, rid, None)

    def created_bulk(self, entity: Entity, ids: Iterable[int],
                     docs: list[tuple] | None = None, version: int = 1) -> None:
        """Records inserted by the bulk path: journaled as id ranges, without images. `docs`:
        their search documents, built from the same values as the rows (see
        SearchIndex.put_contacts), so a big import is not indexed by re-reading it."""
        ids = list(ids)
        self._extend(self._bulk.setdefault(entity, {}).setdefault(version, []), ids)
        if docs is not None:
            self._extend(self._docs, docs)
            self._indexed.update(ids)  # only read for ids in _bulk: nothing to take back

    def will_purge(self, entity: Entity, ids: Iterable[int]) -> None:
        """Records about to be deleted for good, and what the database will do to the records
        that refer to them (links dropped, references set to NULL, dependants deleted)."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return
        spec = SPECS[entity]
        made_here = self._created.get(entity, {})
        earlier = self._before.get(entity, {})
        fresh = [i for i in ids if i not in made_here and i not in earlier]
        fresh = self._purge_runs(spec, fresh)
        found = images.read(self.conn, spec, fresh)
        purged = self._purged.setdefault(entity, {})
        for i in ids:
            if i in made_here:  # made and unmade in one unit: nothing to journal
                self._pop(made_here, i)
            elif i in earlier:
                self._put(purged, i, self._pop(earlier, i))
            elif i in found:
                self._put(purged, i, found[i])
        self._dependants(spec, ids)

    def _purge_runs(self, spec: Spec, ids: list[int]) -> list[int]:
        """Take the long runs of existing ids out of `ids` and keep them column-wise (one
        journal row per run); returns the rest, to be journaled record by record."""
        if len(ids) < RUN:
            return ids
        existing: list[int] = []
        t = spec.table
        for cond in _among(t.c.id, ids):
            existing += self.conn.execute(select(t.c.id).where(cond)).scalars()
        rest: list[int] = []
        for first, last in runs(sorted(existing)):
            if last - first + 1 < RUN:
                rest.extend(range(first, last + 1))
                continue
            self._extend(self._purged_runs.setdefault(spec.entity, []),
                         [images.read_run(self.conn, spec, first, last)])
        return rest

    def touched(self, entity: Entity, ids: Iterable[int]) -> None:
        """Records whose stored fields did not change but whose display did (a contact shows
        its company's name): reported to views, not journaled."""
        seen = self._touched.setdefault(entity, set())
        added = set(ids) - seen
        seen |= added
        if self._log is not None and added:
            self._log.append(lambda: seen.difference_update(added))

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the unit that can fail alone (one record of an import): its rows and
        what it reported both roll back, the rest of the unit carries on."""
        outer, self._log = self._log, []
        try:
            with self.session.begin_nested():
                yield
        except BaseException:
            for take_back in reversed(self._log):
                take_back()
            self._log = outer
            raise
        if outer is not None:  # an enclosing savepoint may still roll this one back
            outer.extend(self._log)
        self._log = outer

    # The notes' mutations, each logged while a savepoint may take it back.

    def _put(self, d: dict, key: Any, value: Any) -> None:
        if self._log is not None:
            if key in d:
                old = d[key]
                self._log.append(lambda: d.__setitem__(key, old))
            else:
                self._log.append(lambda: d.pop(key, None))
        d[key] = value

    def _pop(self, d: dict, key: Any) -> Any:
        if key not in d:
            return None
        value = d.pop(key)
        if self._log is not None:
            self._log.append(lambda: d.__setitem__(key, value))
        return value

    def _extend(self, items: list, more: list) -> None:
        start = len(items)
        items.extend(more)
        if self._log is not None:
            self._log.append(lambda: items.__delitem__(slice(start, None)))

    def everything(self) -> None:
        """A whole-database change (restore): every view reloads; nothing to undo per record."""
        self._whole = True

    def _dependants(self, spec: Spec, ids: list[int]) -> None:
        target = spec.table
        for other in SPECS.values():
            # One call for every cascading column of `other`: a relationship joins two
            # contacts, and one whose both ends go would else be journaled twice (twice in
            # one bulk_delete run, which its undo cannot put back).
            cascaded: list[int] = []
            for column in other.table.columns:
                for fk in column.foreign_keys:
                    if fk.column.table is not target:
                        continue
                    rows = _ids_where(self.conn, other.table, column, ids)
                    if fk.ondelete == "CASCADE":
                        cascaded += rows
                    else:
                        self.will_change(other.entity, rows)
            self.will_purge(other.entity, cascaded)
            parts: tuple[Child | Link, ...] = (*other.children, *other.links)
            for part in parts:
                for column in part.table.columns:
                    if column.name == part.fk:
                        continue
                    if any(fk.column.table is target for fk in column.foreign_keys):
                        owners: list[int] = []
                        for cond in _among(column, ids):
                            owners += self.conn.execute(select(part.table.c[part.fk])
                                                        .where(cond).distinct()).scalars()
                        self.will_change(other.entity, owners)

    # --- commit -------------------------------------------------------------------------------

    def finish(self) -> ChangeSet:
        """Write the journal, versions and search rows for what was done; the caller commits."""
        conn = self.conn
        inserted: dict[Entity, set[int]] = {}
        updated: dict[Entity, set[int]] = {}
        deleted: dict[Entity, set[int]] = {}
        rows: list[dict] = []
        dirty: dict[Entity, set[int]] = {e: set() for e in SEARCHED}
        fresh: dict[Entity, set[int]] = {e: set() for e in SEARCHED}
        for entity, made in self._created.items():
            afters = images.read(conn, SPECS[entity], made)
            for rid in made:
                if rid in afters:
                    image = afters[rid]
                    rows.append(_change(entity, "insert", rid, image, image.pop("_version")))
                    inserted.setdefault(entity, set()).add(rid)
            if entity in SEARCHED:
                fresh[entity].update(made)
        for entity, by_version in self._bulk.items():
            for made_at, ids in by_version.items():
                for first, last in runs(sorted(ids)):
                    rows.append({"entity": entity.value, "op": "bulk_insert",
                                 "record_id": first, "last_id": last, "record_uid": None,
                                 "version": made_at, "fields": None})
                inserted.setdefault(entity, set()).update(ids)
                if entity in SEARCHED:
                    fresh[entity].update(ids)
        for entity, befores in self._before.items():
            spec = SPECS[entity]
            afters = self._afters(conn, spec, befores)
            bumped = []
            for rid, before in befores.items():
                after = afters.get(rid)
                if after is None:
                    continue  # gone by a path that did not say so: nothing to compare
                diff = {k: [before.get(k), after.get(k)] for k in spec.parts
                        if before.get(k) != after.get(k)}
                if not diff:
                    continue
                version = (after["_version"] + 1) if spec.versioned else None
                rows.append(_change(entity, "update", rid, diff, version,
                                    after.get("uid") or before.get("uid")))
                bumped.append(rid)
                _classify(entity, rid, diff, inserted, updated, deleted)
                if entity in SEARCHED and _affects_search(entity, diff):
                    dirty[entity].add(rid)
            if bumped and spec.versioned:
                _bump(conn, spec, bumped)
        tombstones = []
        # Deletes last: a revert walks the journal backwards and must put a purged record
        # back before it restores what pointed at it.
        for entity, gone in reversed(list(self._purged.items())):
            for rid, image in reversed(list(gone.items())):
                version = image.pop("_version")
                rows.append(_change(entity, "delete", rid, image, version))
                if image.get("uid"):
                    tombstones.append({"entity": entity.value, "uid": image["uid"],
                                       "record_id": rid})
            deleted.setdefault(entity, set()).update(gone)
            if entity in SEARCHED:
                dirty[entity].update(gone)
        for entity, done in reversed(list(self._purged_runs.items())):
            uid_at = done[0]["columns"].index("uid") + 2 if SPECS[entity].has_uid else None
            for run in reversed(done):
                ids = [r[0] for r in run["rows"]]
                rows.append({"entity": entity.value, "op": "bulk_delete",
                             "record_id": ids[0], "last_id": ids[-1], "record_uid": None,
                             "version": None, "fields": run})
                if uid_at is not None:
                    tombstones += [{"entity": entity.value, "uid": r[uid_at],
                                    "record_id": r[0]} for r in run["rows"] if r[uid_at]]
                deleted.setdefault(entity, set()).update(ids)
                if entity in SEARCHED:
                    dirty[entity].update(ids)
        for entity, touched in self._touched.items():
            updated.setdefault(entity, set()).update(touched)
        if any(r["op"] in ("update", "delete") and r["fields"] and "tags" in r["fields"]
               or r["op"] == "bulk_delete" and r["fields"]["links"].get("tags")
               for r in rows):
            _prune_tags(conn)
        self._write_journal(conn, rows, tombstones)
        self._refresh_search(conn, dirty, fresh)
        changes = ChangeSet.whole() if self._whole else ChangeSet.of(
            inserted=inserted, updated=updated, deleted=deleted)
        self.changes = replace(changes, seq=self.seq)
        return self.changes

    def _afters(self, conn: Connection, spec: Spec, befores: dict[int, dict]) -> dict:
        declared = self._wrote.get(spec.entity, {})
        whole = [i for i in befores if i not in declared]
        afters = images.read(conn, spec, whole) if whole else {}
        by_parts: dict[frozenset[str], list[int]] = {}
        for rid in befores:
            if rid in declared:
                by_parts.setdefault(declared[rid], []).append(rid)
        for parts, ids in by_parts.items():
            for rid, image in images.read(conn, spec, ids, parts).items():
                before = befores[rid]
                for name in spec.parts:
                    if name not in image:
                        image[name] = before[name]
                afters[rid] = image
        return afters

    def _write_journal(self, conn: Connection, rows: list[dict], tombstones: list) -> None:
        if not (rows or self._whole) or not self.journal:
            return
        size = 0
        for r in rows:
            if r["fields"] is not None:
                r["fields"] = json.dumps(r["fields"], ensure_ascii=False, separators=(",", ":"))
                size += len(r["fields"])
        now = utcnow()
        seq = inserted_id(conn.execute(_INSERT_UNIT, {
            "uid": new_uid(), "label": self.label[:512], "origin": self.origin.value,
            "actor": current_actor(), "created_at": now, "reverts": self.reverts,
            "whole": self._whole, "records": len(rows), "size": size}))
        self.seq = seq
        for r in rows:
            r["unit_seq"] = seq
        if rows:
            conn.execute(_INSERT_CHANGE, rows)
        if tombstones:
            conn.execute(insert(TOMB), [t | {"deleted_at": now, "unit_seq": seq}
                                        for t in tombstones])
        if self.reverts is not None:
            conn.execute(update(JU).where(JU.c.seq == self.reverts).values(reverted_by=seq))

    def _refresh_search(self, conn: Connection, dirty: dict, fresh: dict) -> None:
        if not any(dirty.values()) and not any(fresh.values()):
            return
        index = index_for(conn.dialect.name)
        brand_new = {e: fresh[e] - dirty[e] for e in SEARCHED}
        if self._docs:
            ready = brand_new[Entity.CONTACT] & self._indexed
            index.put_contacts(conn, [d for d in self._docs if d[0] in ready])
            brand_new[Entity.CONTACT] -= ready
        index.refresh(conn, contacts=brand_new[Entity.CONTACT],
                      accounts=brand_new[Entity.ACCOUNT], history=brand_new[Entity.HISTORY],
                      fresh=True)
        index.refresh(conn, contacts=dirty[Entity.CONTACT] - brand_new[Entity.CONTACT],
                      accounts=dirty[Entity.ACCOUNT], history=dirty[Entity.HISTORY])


def _change(entity: Entity, op: str, rid: int, fields: dict, version: int | None,
            uid: str | None = None) -> dict:
    return {"entity": entity.value, "op": op, "record_id": rid, "last_id": None,
            "record_uid": uid or fields.get("uid"), "version": version, "fields": fields}


def _classify(entity, rid, diff, inserted, updated, deleted) -> None:
    """Moving to the trash reads as a deletion to a list, restoring as an insertion."""
    trash = diff.get("deleted_at")
    if trash is not None and (trash[0] is None) != (trash[1] is None):
        (deleted if trash[0] is None else inserted).setdefault(entity, set()).add(rid)
    else:
        updated.setdefault(entity, set()).add(rid)
    groups = diff.get("groups")
    if groups is not None:
        # A membership is stored on the member's image: the groups it joined or left changed
        # too, whichever way (an edit, or the undo of one), so a view of them refreshes.
        before, after = set(groups[0] or ()), set(groups[1] or ())
        if before ^ after:
            updated.setdefault(Entity.GROUP, set()).update(before ^ after)


def _affects_search(entity: Entity, diff: dict) -> bool:
    wanted = {Entity.CONTACT: CONTACT_DOC, Entity.ACCOUNT: ACCOUNT_DOC,
              Entity.HISTORY: HISTORY_DOC}[entity]
    return not wanted.isdisjoint(diff)


def _bump(conn: Connection, spec: Spec, ids: list[int]) -> None:
    for i in range(0, len(ids), images.CHUNK):
        conn.execute(_bump_statement(spec.table), {"ids": ids[i:i + images.CHUNK]})


@cache
def _bump_statement(t):
    return update(t).where(t.c.id.in_(bindparam("ids", expanding=True))).values(
        version=t.c.version + 1)


def _among(column, ids: list[int]):
    """Conditions covering `ids`: BETWEEN for long runs (an undone import), IN for the rest."""
    scattered: list[int] = []
    for first, last in runs(sorted(set(ids))):
        if last - first < 64:
            scattered.extend(range(first, last + 1))
        else:
            yield column.between(first, last)
    for i in range(0, len(scattered), images.CHUNK):
        yield column.in_(scattered[i:i + images.CHUNK])


def _ids_where(conn: Connection, table, column, ids: list[int]) -> list[int]:
    out: list[int] = []
    for cond in _among(column, ids):
        out += conn.execute(select(table.c.id).where(cond)).scalars().all()
    return out


def _prune_tags(conn: Connection) -> None:
    """A tag nothing carries any more is gone from the tag list (undo makes it again by name)."""
    t = TagRow.__table__
    conn.execute(t.delete().where(~t.c.id.in_(select(contact_tags.c.tag_id)),
                                  ~t.c.id.in_(select(account_tags.c.tag_id))))


@contextmanager
def open_unit(db: Database, label: str, origin: Origin, *, reverts: int | None = None,
              journal: bool = True) -> Iterator[Unit]:
    """One transaction; commits (journal and index included) on success, rolls all of it back
    on any error."""
    with db.transaction(f"saving “{label}”") as session:
        tx = Unit(db, session, label, origin, reverts, journal)
        session.info["unit"] = tx
        yield tx
        tx.finish()


def unit_of(session: Session) -> Unit:
    """The unit a repository is writing in (every write session belongs to one)."""
    return session.info["unit"]


__all__ = ["BY_TABLE", "Origin", "Unit", "open_unit", "unit_of"]
