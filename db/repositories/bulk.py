"""The bulk path: many records in one transaction at executemany speed.

The ORM's unit of work manages ~2,000 contacts/s; imports and the sample generator need tens of
thousands. Here ids are assigned up front (we hold the write lock: the writer session BEGINs
IMMEDIATE), rows are built as plain tuples, every table gets one executemany, and the search
index is filled from the same in-memory rows, so nothing is read back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.orm import Session

from app.domain.contact import Contact, sort_key_of
from app.domain.history import HistoryItem
from db import search_index
from db.models import AccountRow, ContactRow, HistoryRow, history_contacts, new_uid, utcnow
from db.repositories import common
from db.repositories import contacts as contact_repo

C = ContactRow.__table__
H = HistoryRow.__table__
A = AccountRow.__table__

CONTACT_COLUMNS = (
    "id", "uid", "prefix", "given", "middle", "family", "suffix", "nickname", "display_name",
    "sort_name", "account_id", "title", "department", "birthday", "bday_month", "bday_day",
    "anniversary", "photo", "photo_mime", "status", "source", "owner", "notes", "extra",
    "remote_href", "remote_etag", "created_at", "updated_at")
DETAIL = ("contact_id", "label", "preferred", "position")
PHONE_COLUMNS = (*DETAIL, "value")
EMAIL_COLUMNS = (*DETAIL, "value")
ADDRESS_COLUMNS = (*DETAIL, "po_box", "extended", "street", "locality", "region", "postal_code",
                   "country")
WEBSITE_COLUMNS = (*DETAIL, "url")
IM_COLUMNS = (*DETAIL, "service", "handle")
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
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.executemany(self.sql, rows)
        finally:
            cursor.close()


def next_id(conn: Connection, table: Table) -> int:
    """The first id above every stored one: bulk inserts number their rows from here."""
    return (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1


def add_contacts(session: Session, contacts: Sequence[Contact]) -> list[int]:
    """Insert contacts with their details and index them, all in the caller's transaction."""
    conn = session.connection()
    first = next_id(conn, C)
    ins = {t: Inserter(conn, t, cols) for t, cols in (
        (C, CONTACT_COLUMNS), (contact_repo.PHONES, PHONE_COLUMNS),
        (contact_repo.EMAILS, EMAIL_COLUMNS), (contact_repo.ADDRS, ADDRESS_COLUMNS),
        (contact_repo.WEBS, WEBSITE_COLUMNS), (contact_repo.IMS, IM_COLUMNS))}
    now = ins[C].bind("created_at", utcnow())
    yes, no = ins[contact_repo.PHONES].bind("preferred", True), ins[
        contact_repo.PHONES].bind("preferred", False)
    companies = dict(conn.execute(select(A.c.id, A.c.name)).all()) if any(
        c.account_id for c in contacts) else {}
    rows: list[tuple] = []
    phones: list[tuple] = []
    emails: list[tuple] = []
    addrs: list[tuple] = []
    webs: list[tuple] = []
    ims: list[tuple] = []
    people: list[tuple] = []
    digits: list[tuple] = []
    later = []
    bind_extra = ins[C].bind
    for cid, c in enumerate(contacts, first):
        display = c.display_name
        b = c.birthday
        rows.append((
            cid, c.uid or new_uid(), c.prefix, c.given, c.middle, c.family, c.suffix,
            c.nickname, display, sort_key_of(display), c.account_id, c.title, c.department,
            b.iso() if b else None, b.month if b else None, b.day if b else None,
            c.anniversary.iso() if c.anniversary else None, c.photo, c.photo_mime,
            c.status.value, c.source, c.owner, c.notes,
            bind_extra("extra", common.encode_extra(c.extra)) if c.extra else None,
            c.remote_href, c.remote_etag, now, now))
        for i, p in enumerate(c.phones):
            phones.append((cid, p.label, yes if p.preferred else no, i, p.value))
        for i, e in enumerate(c.emails):
            emails.append((cid, e.label, yes if e.preferred else no, i, e.value))
        for i, a in enumerate(c.addresses):
            addrs.append((cid, a.label, yes if a.preferred else no, i, a.po_box, a.extended,
                          a.street, a.locality, a.region, a.postal_code, a.country))
        for i, w in enumerate(c.websites):
            webs.append((cid, w.label, yes if w.preferred else no, i, w.url))
        for i, m in enumerate(c.ims):
            ims.append((cid, m.label, yes if m.preferred else no, i, m.service, m.handle))
        doc = search_index.contact_doc(
            cid, display=display, nickname=c.nickname,
            company=companies.get(c.account_id, "") if c.account_id else "", title=c.title,
            department=c.department, emails=[e.value for e in c.emails],
            phones=[p.value for p in c.phones], notes=c.notes)
        people.append((doc.rowid, doc.name, doc.detail, doc.body))
        if doc.phones:
            digits.append((doc.rowid, doc.phones))
        if c.tags or c.custom:
            later.append((cid, c))
    ins[C].run(rows)
    for table, batch in ((contact_repo.PHONES, phones), (contact_repo.EMAILS, emails),
                         (contact_repo.ADDRS, addrs), (contact_repo.WEBS, webs),
                         (contact_repo.IMS, ims)):
        ins[table].run(batch)
    search_index.put_people_rows(conn, people, digits)
    for cid, c in later:  # tags and custom values are rare in bulk data: the ordinary path
        contact_repo.write_extras(conn, cid, c)
    return list(range(first, first + len(contacts)))


def add_history(session: Session, items: Sequence[HistoryItem]) -> list[int]:
    """Insert history items with their contact links, indexed, in the caller's transaction."""
    conn = session.connection()
    first = next_id(conn, H)
    ins = Inserter(conn, H, HISTORY_COLUMNS)
    now = ins.bind("created_at", utcnow())
    when = ins.processor("occurred_at")  # looked up once: a million rows come through here
    rows, links, docs = [], [], []
    for hid, h in enumerate(items, first):
        rows.append((hid, h.uid or new_uid(), h.kind.value, when(h.occurred_at),
                     h.duration_minutes, h.outcome.value, h.regarding, h.details, h.account_id,
                     h.activity_id, now, now))
        links.extend((hid, cid) for cid in dict.fromkeys(h.contact_ids))
        docs.append((hid, h.regarding, h.details))
    ins.run(rows)
    Inserter(conn, history_contacts, ["history_id", "contact_id"]).run(links)
    search_index.put_history(conn, docs, fresh=True)
    return list(range(first, first + len(items)))
