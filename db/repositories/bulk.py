"""The bulk path: many records in one transaction at executemany speed.

The ORM's unit of work manages ~2,000 contacts/s; imports and the sample generator need tens of
thousands. Here ids are reserved up front (db.ids), rows are built as plain tuples by the
repositories' own row mappings, every table gets one executemany, and the unit of work
journals the new ids as ranges and indexes them from the stored rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session

from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.groups import FieldOwner
from app.domain.history import HistoryItem
from db.driver import driver_connection
from db.ids import reserve
from db.models import ContactRow, HistoryRow, contact_tags, history_contacts, new_uid, utcnow
from db.repositories import common
from db.repositories import contacts as contact_repo
from db.repositories import organize as organize_repo
from db.search import index_for
from db.unit import unit_of

C = ContactRow.__table__
H = HistoryRow.__table__

HISTORY_COLUMNS = ("id", "uid", "kind", "occurred_at", "duration_minutes", "outcome",
                   "regarding", "details", "account_id", "activity_id", "created_at",
                   "updated_at")


class Inserter:
    """One compiled INSERT for a table and column list, fed tuples through the driver's
    executemany. Values must already be in the driver's form (see `bind`)."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]):
        self.conn = conn
        self.table = table
        self.columns = list(columns)
        dialect = conn.dialect
        quote = dialect.identifier_preparer.quote
        mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
        if mark is None:
            raise NotImplementedError(f"bulk insert for paramstyle {dialect.paramstyle}")
        # Written out rather than compiled: compiling reorders columns to table order.
        self.sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, self.columns))}) "
                    f"VALUES ({', '.join([mark] * len(self.columns))})")

    def processor(self, column: str) -> Callable[[Any], Any]:
        """A function turning Python values into what `column`'s type stores (timestamps,
        JSON, booleans); None stays None."""
        dialect = self.conn.dialect
        proc = self.table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        if proc is None:
            return lambda value: value
        return lambda value: None if value is None else proc(value)

    def bind(self, column: str, value: Any) -> Any:
        return self.processor(column)(value)

    def run(self, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        cursor = driver_connection(self.conn).cursor()
        try:
            cursor.executemany(self.sql, rows)
        finally:
            cursor.close()


def add_contacts(session: Session, contacts: Sequence[Contact]) -> list[int]:
    """Insert contacts with their details, all in the caller's unit, which journals them as
    one range and indexes them from the stored rows at commit."""
    conn = session.connection()
    ids = reserve(conn, C, len(contacts))
    ins = Inserter(conn, C, ("id", "uid", *contact_repo.CONTACT_COLUMNS, "created_at",
                             "updated_at"))
    kids = {t: Inserter(conn, t, cols) for t, cols in contact_repo.DETAIL_COLUMNS.items()}
    now = ins.bind("created_at", utcnow())
    js = _remembered(ins.processor("extra"))
    row_of, details_of = contact_repo.contact_row, contact_repo.detail_rows
    rows: list[tuple] = []
    children: dict = {t: [] for t in kids}
    tagged: list[tuple[int, Sequence[str]]] = []
    custom: list[tuple[int, Contact]] = []
    docs = []
    make_doc = index_for(conn.dialect.name).contact_doc
    for cid, c in zip(ids, contacts, strict=True):
        row = row_of(c, js)
        rows.append((cid, c.uid or new_uid(), *row, now, now))
        docs.append(make_doc(cid, row[6], c.nickname, c.title, c.department,
                             [e.value for e in c.emails], [p.value for p in c.phones], c.notes))
        for table, batch in details_of(cid, c, js).items():
            if batch:
                children[table].extend(batch)
        if c.tags:
            tagged.append((cid, c.tags))
        if c.custom:
            custom.append((cid, c))
    ins.run(rows)
    for table, batch in children.items():
        kids[table].run(batch)
    link_contact_tags(session, tagged)
    for cid, c in custom:  # custom values are rare in bulk data: the ordinary path
        common.set_custom(conn, FieldOwner.CONTACT, cid, c.custom)
    unit_of(session).created_bulk(Entity.CONTACT, ids, docs)
    return ids


def _remembered(encode: Callable[[Any], Any], most: int = 4096) -> Callable[[Any], Any]:
    """`encode` (a JSON column's bind processor) remembering what it gave: the same few
    vCard parameters ([["TYPE", "VOICE"]]) come with most of 100,000 phones, a json.dumps
    each otherwise. Looked up by repr, which tells text, numbers and flags apart as the JSON
    does (the values are lists of text: common.encode_params, encode_extra)."""
    seen: dict[str, Any] = {}

    def remembered(value: Any) -> Any:
        if value is None:
            return encode(value)
        key = repr(value)
        found = seen.get(key)
        if found is None:
            found = encode(value)
            if len(seen) < most and len(key) <= 256:  # a kept property may be a big one
                seen[key] = found
        return found

    return remembered


def link_contact_tags(session: Session, pairs: Sequence[tuple[int, Sequence[str]]]) -> None:
    """Tag contacts that have no tags yet (ones just added): (contact id, tag names) pairs.
    The names are taken as common.set_tags takes them (spaces collapsed, matched without
    case, the first spelling making a tag that does not exist yet), in one pass: each tag
    looked up or made once, every link in one executemany, where set_tags, contact by
    contact, manages about a thousand contacts a second."""
    names: dict[str, str] = {}
    seen: dict[str, str] = {}  # a tag as written -> its key ("" for one of spaces alone)
    wanted: list[tuple[int, list[str]]] = []
    for cid, tags in pairs:
        keys = []
        for tag in tags:
            key = seen.get(tag)
            if key is None:
                clean = " ".join(tag.split())
                key = seen[tag] = common.tag_key(clean) if clean else ""
                if key:
                    names.setdefault(key, clean)
            if key:
                keys.append(key)
        if keys:
            wanted.append((cid, keys))
    if not names:
        return
    tag_ids, _made = organize_repo.ensure_tags(session, list(names.values()))
    by_key = dict(zip(names, tag_ids, strict=True))
    Inserter(session.connection(), contact_tags, ("tag_id", "contact_id")).run(
        [(by_key[k], cid) for cid, keys in wanted for k in dict.fromkeys(keys)])


def add_history(session: Session, items: Sequence[HistoryItem]) -> list[int]:
    """Insert history items with their contact links, in the caller's unit."""
    conn = session.connection()
    ids = reserve(conn, H, len(items))
    ins = Inserter(conn, H, HISTORY_COLUMNS)
    now = ins.bind("created_at", utcnow())
    when = ins.processor("occurred_at")  # looked up once: a million rows come through here
    rows: list[tuple] = []
    links: list[tuple[int, int]] = []
    for hid, h in zip(ids, items, strict=True):
        rows.append((hid, h.uid or new_uid(), h.kind.value, when(h.occurred_at),
                     h.duration_minutes, h.outcome.value, h.regarding, h.details, h.account_id,
                     h.activity_id, now, now))
        links.extend((hid, cid) for cid in dict.fromkeys(h.contact_ids))
    ins.run(rows)
    Inserter(conn, history_contacts, ["history_id", "contact_id"]).run(links)
    unit_of(session).created_bulk(Entity.HISTORY, ids)
    return ids
