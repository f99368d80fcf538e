"""Reading and writing record images (see specs): set-based reads for any number of records,
and the three writes undo needs (write some fields, put a purged record back, remove one).

Values are read through the column types (so a timestamp is an aware datetime, money a
Decimal) and encoded to JSON with a tag where JSON has no type of its own; decoding gives back
exactly what was read, so a restored row holds the bytes it held before.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    LargeBinary,
    bindparam,
    delete,
    insert,
    select,
    update,
)

from db.driver import inserted_id
from db.ids import runs
from db.journal.specs import Child, Link, Spec
from db.models import TagRow, utcnow
from db.models.base import Money, UTCDateTime

Image = dict[str, Any]
CHUNK = 900  # ids per IN (...): well under every backend's limit on bound parameters
TAGS = TagRow.__table__


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    if isinstance(value, bytes | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (tag, raw), = value.items()
        if tag == "$dt":
            return datetime.fromisoformat(raw)
        if tag == "$d":
            return date.fromisoformat(raw)
        if tag == "$n":
            return Decimal(raw)
        if tag == "$b":
            return base64.b64decode(raw)
    return value


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def read(conn: Connection, spec: Spec, ids: Iterable[int],
         parts: frozenset[str] | None = None) -> dict[int, Image]:
    """Images of the records that exist among `ids` (missing ones are left out). With
    `parts`, only those child lists and links are read besides the row itself (a save that
    rewrote the phones has no need to read the e-mails again)."""
    wanted = sorted({i for i in ids if i is not None})  # a record not saved yet has none
    out: dict[int, Image] = {}
    names, typed = spec.columns, _typed(spec.table, spec.columns)
    children = [c for c in spec.children if parts is None or c.name in parts]
    linked = [ln for ln in spec.links if parts is None or ln.name in parts]
    for statements, params in _batches(spec, wanted, parts):
        main, kids, links = statements
        # .all(): one fetch per statement; iterating a result row by row costs more than
        # the rows themselves when an undo reads 100,000 records.
        rows = conn.execute(main, params).all()
        if not rows:
            continue
        for row in rows:
            image = dict(zip(names, row[2:], strict=True))
            for name in typed:  # only columns whose values JSON has no type for
                image[name] = encode(image[name])
            image["_version"] = row[1] if spec.versioned else None
            out[row[0]] = image
        for child, stmt in zip(children, kids, strict=True):
            cols, special = child.columns, _typed(child.table, child.columns)
            key = child.name
            owner, lst = None, None
            for r in conn.execute(stmt, params).all():
                kid = dict(zip(cols, r[1:], strict=True))
                for name in special:
                    kid[name] = encode(kid[name])
                if r[0] != owner:  # rows come ordered by owner
                    owner = r[0]
                    lst = out[owner].setdefault(key, [])
                lst.append(kid)  # type: ignore[union-attr]
        for link, stmt in zip(linked, links, strict=True):
            for rid, other in conn.execute(stmt, params).all():
                out[rid].setdefault(link.name, []).append(other)
    for image in out.values():
        for link in linked:
            image.setdefault(link.name, []).sort(
                key=lambda v: (str(v).casefold(), str(v)) if link.by_name else v)
        for child in children:
            image.setdefault(child.name, [])
    return out


RANGE = 5000  # ids per BETWEEN batch: a bulk import's ids are consecutive

# A purge of a long run of records (the undo of an import) is journaled as one row per run
# holding the records column-wise: no per-record dict to build, encode and insert, so the
# undo of an import costs about what the import did. `rows` are [id, version, *columns].
def read_run(conn: Connection, spec: Spec, first: int, last: int) -> dict:
    """The records with ids first..last (every one of which exists), column-wise."""
    typed = [i + 2 for i, n in enumerate(spec.columns) if n in _typed(spec.table, spec.columns)]
    out: dict[str, Any] = {"columns": list(spec.columns), "rows": [],
                           "children": {c.name: {"columns": list(c.columns), "rows": []}
                                        for c in spec.children},
                           "links": {ln.name: [] for ln in spec.links}}
    for lo in range(first, last + 1, RANGE):
        params = {"lo": lo, "hi": min(lo + RANGE - 1, last)}
        main, kids, links = _statements(spec, True)
        for row in conn.execute(main, params).all():
            values = list(row)
            for i in typed:
                values[i] = encode(values[i])
            out["rows"].append(values)
        for child, stmt in zip(spec.children, kids, strict=True):
            special = [i + 1 for i, n in enumerate(child.columns)
                       if n in _typed(child.table, child.columns)]
            rows = out["children"][child.name]["rows"]
            for r in conn.execute(stmt, params).all():
                values = list(r)
                for i in special:
                    values[i] = encode(values[i])
                rows.append(values)
        for link, stmt in zip(spec.links, links, strict=True):
            out["links"][link.name] += [list(r) for r in conn.execute(stmt, params).all()]
    return out


def _batches(spec: Spec, wanted: list[int], parts: frozenset[str] | None):
    """(statements, parameters) covering `wanted`: long runs of consecutive ids by BETWEEN
    (an undo of an import reads 100,000 records), the rest by IN."""
    scattered: list[int] = []
    for first, last in runs(wanted):
        if last - first < 64:
            scattered.extend(range(first, last + 1))
            continue
        for lo in range(first, last + 1, RANGE):
            yield _statements(spec, True, parts), {"lo": lo, "hi": min(lo + RANGE - 1, last)}
    if len(scattered) == 1:  # an editor's save: `= ?` spares expanding an IN list per read
        yield _statements(spec, None, parts), {"id": scattered[0]}
        return
    for part in _chunks(scattered):
        yield _statements(spec, False, parts), {"ids": list(part)}


@cache
def _typed(table, names: tuple[str, ...]) -> tuple[str, ...]:
    """The columns whose values need a tag in JSON (instants, dates, money, bytes)."""
    return tuple(n for n in names if isinstance(table.c[n].type, _TAGGED))


_TAGGED = (UTCDateTime, Money, DateTime, Date, LargeBinary)


@cache
def _statements(spec: Spec, ranged: bool | None, parts: frozenset[str] | None = None) -> tuple:
    """The reads of one kind of record, built once: an editor's save reads its record twice,
    and building a 25-column SELECT costs more than running it."""
    t = spec.table
    ids: Any = bindparam("ids", expanding=True)

    def among(column):
        if ranged is None:  # one record
            return column == bindparam("id")
        return column.between(bindparam("lo"), bindparam("hi")) if ranged else column.in_(ids)

    main = select(t.c.id, t.c.version if spec.versioned else t.c.id,
                  *[t.c[name] for name in spec.columns]).where(among(t.c.id))
    kids = []
    for child in spec.children:
        if parts is not None and child.name not in parts:
            continue
        c = child.table
        kids.append(select(c.c[child.fk], *[c.c[n] for n in child.columns])
                    .where(among(c.c[child.fk]))
                    .order_by(c.c[child.fk], *[c.c[o] for o in child.order]))
    links = []
    for link in spec.links:
        if parts is not None and link.name not in parts:
            continue
        k = link.table
        if link.by_name:
            links.append(select(k.c[link.fk], TAGS.c.name)
                         .join(TAGS, TAGS.c.id == k.c[link.other]).where(among(k.c[link.fk])))
        else:
            links.append(select(k.c[link.fk], k.c[link.other]).where(among(k.c[link.fk])))
    return main, tuple(kids), tuple(links)


# --- writes ---------------------------------------------------------------------------------

def write_fields(conn: Connection, spec: Spec, record_id: int, fields: Image) -> None:
    """Set some fields of a stored record to the image's values (undo of an update)."""
    columns = {k: decode(v) for k, v in fields.items() if k in spec.columns}
    if spec.versioned:
        columns["updated_at"] = utcnow()
    if columns:
        conn.execute(update(spec.table).where(spec.table.c.id == record_id).values(columns))
    for child in spec.children:
        if child.name in fields:
            _write_children(conn, child, record_id, fields[child.name])
    for link in spec.links:
        if link.name in fields:
            _write_links(conn, link, record_id, fields[link.name])


def reinsert_many(conn: Connection, spec: Spec,
                  records: Sequence[tuple[int, Image, int | None]]) -> None:
    """Put records deleted for good back, under their own ids and UIDs: one executemany per
    table. Each comes back one version on from the one it had."""
    if not records:
        return
    now = utcnow()
    rows = []
    typed = set(_typed(spec.table, spec.columns))
    for rid, image, was in records:
        values = {k: decode(image[k]) if k in typed else image[k]
                  for k in spec.columns if k in image} | {"id": rid}
        if spec.versioned:
            values |= {"version": (was or 0) + 1, "updated_at": now}
        rows.append(values)
    for shape in _same_keys(rows):
        conn.execute(insert(spec.table), shape)
    for child in spec.children:
        special = set(_typed(child.table, child.columns))
        kids = [{child.fk: rid} | {k: decode(v) if k in special else v for k, v in r.items()}
                for rid, image, _ in records for r in image.get(child.name, [])]
        for shape in _same_keys(kids):
            conn.execute(insert(child.table), shape)
    _reinsert_links(conn, spec, {link.name: [(rid, o) for rid, image, _ in records
                                             for o in image.get(link.name, [])]
                                 for link in spec.links})


def _reinsert_links(conn: Connection, spec: Spec, pairs_by: dict[str, list[tuple]]) -> None:
    for link in spec.links:
        pairs = pairs_by.get(link.name, [])
        if link.by_name and pairs:
            ids = {name: tag_ids(conn, [name])[0] for name in dict.fromkeys(o for _, o in pairs)}
            pairs = [(rid, ids[o]) for rid, o in pairs]
        if pairs:
            conn.execute(insert(link.table), [{link.fk: r, link.other: o}
                                              for r, o in dict.fromkeys(pairs)])


def reinsert_run(conn: Connection, spec: Spec, run: dict) -> tuple[list[int], int]:
    """Put a run read by read_run back (the redo of an undone import), building the rows
    straight from its columns; every record comes back at one version past the highest any
    of them had, so the run is one bulk insert again. Returns (ids, that version)."""
    rows = run.get("rows", [])
    if not rows:
        return [], 1
    version = max((r[1] or 0) for r in rows) + 1
    now = utcnow()
    typed = set(_typed(spec.table, spec.columns))
    at = [(i + 2, n) for i, n in enumerate(run["columns"]) if n in spec.columns]
    values = []
    for r in rows:
        row = {n: decode(r[i]) if n in typed else r[i] for i, n in at} | {"id": r[0]}
        if spec.versioned:
            row |= {"version": version, "updated_at": now}
        values.append(row)
    conn.execute(insert(spec.table), values)
    for child in spec.children:
        part = run["children"].get(child.name) or {"columns": [], "rows": []}
        special = set(_typed(child.table, child.columns))
        cols = [(i + 1, n) for i, n in enumerate(part["columns"]) if n in child.columns]
        kids = [{child.fk: r[0]} | {n: decode(r[i]) if n in special else r[i] for i, n in cols}
                for r in part["rows"]]
        if kids:
            conn.execute(insert(child.table), kids)
    _reinsert_links(conn, spec, {name: [tuple(p) for p in pairs]
                                 for name, pairs in run.get("links", {}).items()})
    return [r[0] for r in rows], version


def _same_keys(rows: list[dict]) -> list[list[dict]]:
    """Rows grouped by their set of keys: an executemany needs one shape per statement."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(tuple(sorted(r)), []).append(r)
    return list(groups.values())


def remove(conn: Connection, spec: Spec, ids: Sequence[int]) -> None:
    """Delete records for good; their own child rows and links go with them (cascade)."""
    t = spec.table
    scattered: list[int] = []
    for first, last in runs(sorted(set(ids))):
        if last - first < 64:
            scattered.extend(range(first, last + 1))
        else:  # an undone import: its ids are one run
            conn.execute(delete(t).where(t.c.id.between(first, last)))
    for part in _chunks(scattered):
        conn.execute(delete(t).where(t.c.id.in_(part)))


def _write_children(conn: Connection, child: Child, record_id: int, rows: list) -> None:
    t = child.table
    conn.execute(delete(t).where(t.c[child.fk] == record_id))
    if rows:
        conn.execute(insert(t), [{child.fk: record_id} | {k: decode(v) for k, v in r.items()}
                                 for r in rows])


def _write_links(conn: Connection, link: Link, record_id: int, others: list) -> None:
    t = link.table
    conn.execute(delete(t).where(t.c[link.fk] == record_id))
    if not others:
        return
    ids = tag_ids(conn, others) if link.by_name else list(dict.fromkeys(others))
    conn.execute(insert(t), [{link.fk: record_id, link.other: o} for o in ids])


def tag_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def tag_ids(conn: Connection, names: Iterable[str]) -> list[int]:
    """The ids of the tags called `names`, making the ones that do not exist (tags are matched
    without regard to case and keep the spelling first given)."""
    wanted: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())
        if clean:
            wanted.setdefault(tag_key(clean), clean)
    if not wanted:
        return []
    found = dict(conn.execute(select(TAGS.c.key, TAGS.c.id)
                              .where(TAGS.c.key.in_(list(wanted)))).all())
    for key, name in wanted.items():
        if key not in found:
            found[key] = inserted_id(conn.execute(insert(TAGS).values(name=name, key=key)))
    return [found[k] for k in wanted]
