"""Pieces every repository shares: raw-property encoding, tags, custom values, soft delete."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from app.domain.conflict import ConflictError
from app.domain.contact import RawProperty
from app.domain.errors import NotFoundError, ValidationError
from app.domain.groups import CustomFieldDef, FieldKind, FieldOwner
from db.driver import inserted_id
from db.models import CustomFieldRow, CustomValueRow, TagRow, utcnow


def encode_extra(props: Sequence[RawProperty]) -> list | None:
    if not props:
        return None
    return [[p.group, p.name, [list(kv) for kv in p.params], p.value] for p in props]


def decode_extra(data: list | None) -> list[RawProperty]:
    return [RawProperty(name=n, value=v, params=tuple(tuple(kv) for kv in params), group=g)
            for g, n, params, v in (data or [])]


def tag_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def encode_params(params) -> list | None:
    return [list(kv) for kv in params] if params else None


def decode_params(data: list | None) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(kv) for kv in data or ())


def same_tags(stored: list[str], names: Iterable[str]) -> bool:
    """Whether writing `names` would leave the owner with the tags it has (tags match
    without case, so retyping one in capitals changes nothing)."""
    wanted = {tag_key(n) for n in names if n.split()}
    return wanted == {tag_key(n) for n in stored}


def set_tags(conn: Connection, link: Table, owner_col: str, owner_id: int,
             names: Iterable[str]) -> None:
    """Replace the owner's tags; tags are created on first use, matched without case."""
    wanted: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())
        if clean:
            wanted.setdefault(tag_key(clean), clean)
    conn.execute(delete(link).where(link.c[owner_col] == owner_id))
    if not wanted:
        return
    tags = TagRow.__table__
    existing = dict(conn.execute(select(tags.c.key, tags.c.id).where(tags.c.key.in_(wanted))).all())
    for key, name in wanted.items():
        if key not in existing:
            created = conn.execute(insert(tags).values(name=name, key=key))
            existing[key] = inserted_id(created)
    conn.execute(insert(link), [{"tag_id": existing[k], owner_col: owner_id} for k in wanted])


def tags_of(conn: Connection, link: Table, owner_col: str, owner_id: int) -> list[str]:
    tags = TagRow.__table__
    rows = conn.execute(select(tags.c.name).join(link, link.c.tag_id == tags.c.id)
                        .where(link.c[owner_col] == owner_id).order_by(tags.c.key))
    return [r[0] for r in rows]


_CF = CustomFieldRow.__table__
# Built once: every save of a record with custom values reads the definitions.
_FIELD_DEFS = select(_CF).where(_CF.c.owner == bindparam("owner")).order_by(_CF.c.position,
                                                                           _CF.c.id)


def field_defs(conn: Connection, owner: FieldOwner) -> dict[str, CustomFieldDef]:
    rows = conn.execute(_FIELD_DEFS, {"owner": owner.value})
    return {r.name: CustomFieldDef(FieldOwner(r.owner), r.name, FieldKind(r.kind),
                                   list(r.choices or []), r.id) for r in rows}


def set_custom(conn: Connection, owner: FieldOwner, owner_id: int, values: dict[str, str],
               stored: list[dict] | None = None) -> bool:
    """Replace the owner's custom values; with the stored ones (the image's list), nothing
    is written when they are the same. Returns whether anything was written."""
    t = CustomValueRow.__table__
    col = f"{owner.value}_id"
    # Most saves carry no custom values: then there is nothing to check against definitions.
    defs = field_defs(conn, owner) if values else {}
    rows = []
    for name, raw in values.items():
        if name not in defs:
            raise ValidationError(f"There is no custom {owner.value} field called '{name}'")
        if raw is None or str(raw).strip() == "":
            continue
        rows.append({"field_id": defs[name].id, col: owner_id,
                     "value": defs[name].canonical(str(raw))})
    if stored is not None and sorted((r["field_id"], r["value"]) for r in rows) == sorted(
            (r["field_id"], r["value"]) for r in stored):
        return False
    conn.execute(delete(t).where(t.c[col] == owner_id))
    if rows:
        conn.execute(insert(t), rows)
    return True


def custom_of(conn: Connection, owner: FieldOwner, owner_id: int) -> dict[str, str]:
    v, f = CustomValueRow.__table__, CustomFieldRow.__table__
    col = f"{owner.value}_id"
    rows = conn.execute(select(f.c.name, v.c.value).join(f, f.c.id == v.c.field_id)
                        .where(v.c[col] == owner_id).order_by(f.c.position, f.c.id))
    return dict(rows.all())


def require(conn: Connection, table: Table, ids: Iterable[int | None], what: str) -> None:
    """NotFoundError naming the first id in `ids` with no row in `table` (None is skipped)."""
    wanted = [i for i in dict.fromkeys(ids) if i is not None]
    if not wanted:
        return
    found = set(conn.execute(select(table.c.id).where(table.c.id.in_(wanted))).scalars())
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFoundError(f"No {what} with id {missing[0]}")


def replace_links(conn: Connection, link: Table, owner_col: str, owner_id: int,
                  other_col: str, other_ids: Iterable[int]) -> None:
    """Make the owner's rows in a link table exactly `other_ids` (duplicates dropped)."""
    conn.execute(delete(link).where(link.c[owner_col] == owner_id))
    unique = list(dict.fromkeys(other_ids))
    if unique:
        conn.execute(insert(link), [{owner_col: owner_id, other_col: i} for i in unique])


def saved_id(record_id: int | None, what: str) -> int:
    """The id of a record about to be updated: one never saved has none, and nothing to
    update."""
    if record_id is None:
        raise ValidationError(f"Only a saved {what} can be updated")
    return record_id


def save_row(conn: Connection, table: Table, record_id: int | None, version: int,
             values: dict, what: str, stored: Callable[[], object],
             attempted: object) -> None:
    """Write a live record's row if it is still at the version the edit started from:
    `UPDATE ... WHERE id = ? AND version = ?`. A stale save raises ConflictError carrying the
    stored and the attempted record, and writes nothing. (The unit of work moves the version
    on when it commits.)"""
    record_id = saved_id(record_id, what)
    if version < 1:
        raise ValidationError(
            f"Saving a {what} needs the version it was edited from; read it first")
    values = values | {"updated_at": utcnow()}
    params = {f"v_{k}": v for k, v in values.items()} | {"_id": record_id, "_version": version}
    result = conn.execute(_save_statement(table, tuple(values)), params)
    if result.rowcount == 1:
        return
    row = conn.execute(select(table.c.version, table.c.deleted_at)
                       .where(table.c.id == record_id)).first()
    if row is None or row.deleted_at is not None:
        raise NotFoundError(f"{what.capitalize()} {record_id} does not exist or is in the trash")
    current = stored()
    fields = [k for k in getattr(attempted, "__dataclass_fields__", {})
              if k not in ("version", "updated_at", "created_at", "account_name", "parent_name")
              and getattr(current, k, None) != getattr(attempted, k, None)]
    raise ConflictError(f"This {what}", current, attempted, fields)


@cache
def _save_statement(table: Table, columns: tuple[str, ...]):
    """The UPDATE of save_row, built once per table: building a 25-column UPDATE costs more
    than running it, and an editor saves the same shape every time."""
    return update(table).where(
        table.c.id == bindparam("_id"), table.c.deleted_at.is_(None),
        table.c.version == bindparam("_version")).values(
        {k: bindparam(f"v_{k}", type_=table.c[k].type) for k in columns})


def set_deleted(conn: Connection, table: Table, ids: Sequence[int], when: datetime | None,
                what: str) -> list[int]:
    """Soft-delete (when given) or restore (None) rows; returns the ids that changed."""
    if not ids:
        return []
    present = set(conn.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars())
    missing = [i for i in ids if i not in present]
    if missing:
        raise NotFoundError(f"No {what} with id {missing[0]}")
    cond = table.c.deleted_at.is_(None) if when else table.c.deleted_at.is_not(None)
    changed = list(conn.execute(select(table.c.id).where(table.c.id.in_(ids), cond)).scalars())
    if changed:
        conn.execute(update(table).where(table.c.id.in_(changed))
                     .values(deleted_at=when, updated_at=when or utcnow()))
    return changed

