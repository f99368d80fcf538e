"""What an import matches records against, read without building whole contacts.

`people`, `emails` and `phones` are the keys of every stored contact (its UID, name parts
and company, its e-mail addresses and phone numbers), as plain tuples: the index an import
builds from them (app.services.imports_match) needs nothing else, so indexing 100,000
stored contacts costs a few hundred milliseconds, not the ten seconds of reading them whole.

`contents(ids)` is what an import compares a re-imported record with, for the few contacts
it needs (those a record matched by UID): every value imports_merge.content() looks at,
decoded as contacts.get_many decodes it (parameters and kept properties from JSON, flags as
booleans), without the dataclasses. Contacts in the trash are left out, as get_many does."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, select

from db.driver import driver_connection
from db.models import (
    AccountRow,
    AddressRow,
    ContactRow,
    CustomFieldRow,
    CustomValueRow,
    EmailRow,
    ImRow,
    PhoneRow,
    TagRow,
    WebsiteRow,
    contact_tags,
)

C, A = ContactRow.__table__, AccountRow.__table__
E, P = EmailRow.__table__, PhoneRow.__table__
# Ids per IN (...): well under SQLite's bound-parameter limit.
CHUNK = 500

# (id, uid, in the trash, given, middle, family, company name or None)
Person = tuple[int, str, bool, str, str, str, "str | None"]
Params = tuple[tuple[str, str], ...]
# A detail as its dataclass would hold it: its own fields, label, preferred, params, group.
Detail = tuple[Any, ...]


class Stored(NamedTuple):
    """A stored contact's content, as get_many would build it (see the module docstring)."""

    prefix: str
    given: str
    middle: str
    family: str
    suffix: str
    nickname: str
    title: str
    department: str
    birthday: str | None  # as stored: `1990-04-15` or `--04-15`
    anniversary: str | None
    photo: bytes | None
    photo_mime: str
    notes: str
    account_name: str | None
    phones: list[Detail]  # (value, label, preferred, params, group)
    emails: list[Detail]  # (value, label, preferred, params, group)
    # (street, locality, region, postal_code, country, po_box, extended, label, preferred,
    # params, group): Address's field order
    addresses: list[Detail]
    websites: list[Detail]  # (url, label, preferred, params, group)
    ims: list[Detail]  # (handle, service, label, preferred, params, group)
    tags: list[str]
    custom: dict[str, str]
    extra: list[tuple[str, str, Params, str | None]]  # (name, value, params, group)


def _tuples(conn: Connection, stmt: Select) -> list[Any]:
    """The rows as the driver's plain tuples: at half a million rows SQLAlchemy's Row objects
    cost more than the read itself. (The statements take no parameters.)"""
    cursor = driver_connection(conn).cursor()
    try:
        return cursor.execute(str(stmt.compile(dialect=conn.dialect))).fetchall()
    finally:
        cursor.close()


def people(conn: Connection) -> list[Person]:
    """Every contact, the trash's too (a UID there is the same record), in the order the
    index takes them: the live ones by name, then the trash by name (the order of
    directory.contact_ids, which decides between equally good matches)."""
    cols = (C.c.id, C.c.uid, C.c.deleted_at.is_not(None), C.c.given, C.c.middle, C.c.family,
            A.c.name)
    out: list[Person] = []
    for trash in (False, True):
        out += _tuples(conn, select(*cols).outerjoin(A, A.c.id == C.c.account_id)
                       .where(C.c.deleted_at.is_not(None) if trash else C.c.deleted_at.is_(None))
                       .order_by(C.c.sort_name, C.c.id))
    return out


def emails(conn: Connection) -> dict[int, list[str]]:
    """Each contact's e-mail addresses as written, in its own order."""
    return _grouped(_tuples(conn, select(E.c.contact_id, E.c.value)
                            .order_by(E.c.contact_id, E.c.position, E.c.id)))


def phones(conn: Connection) -> dict[int, list[str]]:
    """Each contact's phone numbers as written, in its own order."""
    return _grouped(_tuples(conn, select(P.c.contact_id, P.c.value)
                            .order_by(P.c.contact_id, P.c.position, P.c.id)))


def _grouped(rows: list[tuple[int, str]]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for cid, value in rows:
        found = out.get(cid)
        if found is None:
            out[cid] = [value]
        else:
            found.append(value)
    return out


# --- contents ------------------------------------------------------------------------------

_DETAILS = (
    (PhoneRow.__table__, ("value",)),
    (EmailRow.__table__, ("value",)),
    (AddressRow.__table__, ("street", "locality", "region", "postal_code", "country", "po_box",
                            "extended")),
    (WebsiteRow.__table__, ("url",)),
    (ImRow.__table__, ("handle", "service")),
)
_HEAD = ("prefix", "given", "middle", "family", "suffix", "nickname", "title", "department",
         "birthday", "anniversary", "photo", "photo_mime", "notes")


def _sql(conn: Connection) -> tuple[str, list[str], str, str]:
    """The statements of `contents`, with `{ids}` where the marks of the ids go. The trash
    is left out by the caller: with `deleted_at IS NULL` in the query, SQLite takes an index
    on deleted_at over the primary key and reads every live contact for each chunk."""
    q = conn.dialect.identifier_preparer.quote
    t = contact_tags
    tags, v, f = TagRow.__table__, CustomValueRow.__table__, CustomFieldRow.__table__
    head = (f"SELECT c.{q('id')}, {', '.join(f'c.{q(k)}' for k in _HEAD)}, a.{q('name')}, "
            f"c.{q('extra')}, c.{q('deleted_at')} FROM {q(C.name)} c LEFT JOIN {q(A.name)} a "
            f"ON a.{q('id')} = c.{q('account_id')} WHERE c.{q('id')} IN ({{ids}})")
    details = [
        f"SELECT {q('contact_id')}, {', '.join(q(k) for k in own)}, {q('label')}, "
        f"{q('preferred')}, {q('params')}, {q('vgroup')} FROM {q(table.name)} "
        f"WHERE {q('contact_id')} IN ({{ids}}) "
        f"ORDER BY {q('contact_id')}, {q('position')}, {q('id')}"
        for table, own in _DETAILS]
    tagged = (f"SELECT l.{q('contact_id')}, g.{q('name')} FROM {q(t.name)} l "
              f"JOIN {q(tags.name)} g ON g.{q('id')} = l.{q('tag_id')} "
              f"WHERE l.{q('contact_id')} IN ({{ids}})")
    custom = (f"SELECT x.{q('contact_id')}, d.{q('name')}, x.{q('value')} FROM {q(v.name)} x "
              f"JOIN {q(f.name)} d ON d.{q('id')} = x.{q('field_id')} "
              f"WHERE x.{q('contact_id')} IN ({{ids}}) "
              f"ORDER BY d.{q('position')}, d.{q('id')}")
    return head, details, tagged, custom


def contents(conn: Connection, ids: Sequence[int]) -> dict[int, Stored]:
    """The content of the live contacts among `ids` (see Stored), by id."""
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(conn.dialect.paramstyle)
    if mark is None:
        raise NotImplementedError(f"contents for paramstyle {conn.dialect.paramstyle}")
    head, details, tagged, custom = _sql(conn)
    out: dict[int, Stored] = {}
    cursor = driver_connection(conn).cursor()
    try:
        # In id order: each chunk then reads neighbouring pages, at twice the speed of ids
        # scattered over the file.
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            marks = ", ".join([mark] * len(chunk))

            def rows(template: str, chunk: list[int] = chunk, marks: str = marks) -> list[Any]:
                return cursor.execute(template.format(ids=marks), chunk).fetchall()

            out.update(_build(rows(head), [rows(d) for d in details], rows(tagged),
                              rows(custom)))
    finally:
        cursor.close()
    return out


def _build(heads: list[Any], details: list[list[Any]], tagged: list[Any],
           custom: list[Any]) -> Iterator[tuple[int, Stored]]:
    kids = [_details(rows) for rows in details]
    tags: dict[int, list[str]] = {}
    for cid, name in tagged:
        tags.setdefault(cid, []).append(name)
    values: dict[int, dict[str, str]] = {}
    for cid, name, value in custom:
        values.setdefault(cid, {})[name] = value
    phones, emails, addrs, webs, ims = kids
    for (cid, prefix, given, middle, family, suffix, nickname, title, department, birthday,
         anniversary, photo, photo_mime, notes, account_name, extra, deleted_at) in heads:
        if deleted_at is not None:
            continue
        yield cid, Stored(
            prefix, given, middle, family, suffix, nickname, title, department,
            birthday or None, anniversary or None, None if photo is None else bytes(photo),
            photo_mime, notes, account_name, phones.get(cid, []), emails.get(cid, []),
            addrs.get(cid, []), webs.get(cid, []), ims.get(cid, []), tags.get(cid, []),
            values.get(cid, {}), _extra(extra))


def _details(rows: list[Any]) -> dict[int, list[Detail]]:
    out: dict[int, list[Detail]] = {}
    for cid, *fields, preferred, params, group in rows:
        out.setdefault(cid, []).append(
            (*fields, bool(preferred), _params(params) if params else (), group))
    return out


def _json(value: Any) -> Any:
    """A JSON column's value: text from SQLite, already decoded from some other drivers."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _params(value: Any) -> Params:
    return tuple(tuple(kv) for kv in _json(value) or ())


def _extra(value: Any) -> list[tuple[str, str, Params, str | None]]:
    if value is None:
        return []
    return [(n, v, tuple(tuple(kv) for kv in params), g)
            for g, n, params, v in _json(value) or ()]
