"""Keeping derived data in step with the code that derives it, once per format change: the
sort keys (app.domain.collation) and the search index (db.search). Migrations never call live
code (they keep their own frozen SQL), so when the rules move on, this recomputes what the
rows store the first time a database is opened by the new version; and it applies the change
journal's retention setting."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select, update

from app.domain import collation
from db.database import Database
from db.journal import store
from db.models import AccountRow, ContactRow, EmailRow
from db.repositories import settings
from db.search import index_for

C, A, E = ContactRow.__table__, AccountRow.__table__, EmailRow.__table__
COLLATION_KEY, SEARCH_KEY = "collation.format", "search.format"
CHUNK = 5000


def _due(conn: Connection) -> bool:
    """Whether anything is to be done: looked at in a read, so the usual open (nothing due)
    takes no write lock and syncs nothing to disk."""
    index = index_for(conn.dialect.name)
    if settings.get(conn, COLLATION_KEY) != str(collation.FORMAT):
        return True
    if settings.get(conn, SEARCH_KEY) != str(getattr(index, "FORMAT", 1)):
        return True
    days, mb = store.retention(conn)
    return store.prunable(conn, days, mb)


def run(db: Database) -> None:
    if db.read_only:
        return
    with db.read() as s:
        if not _due(s.connection()):
            return
    with db.transaction("bringing sort keys and the search index up to date") as s:
        conn = s.connection()
        if settings.get(conn, COLLATION_KEY) != str(collation.FORMAT):
            _recollate(conn)
            settings.put(conn, COLLATION_KEY, str(collation.FORMAT))
        index = index_for(conn.dialect.name)
        fmt = str(getattr(index, "FORMAT", 1))
        if settings.get(conn, SEARCH_KEY) != fmt:
            index.rebuild(conn)
            settings.put(conn, SEARCH_KEY, fmt)
        days, mb = store.retention(conn)
        store.prune(conn, days, mb)


def _recollate(conn: Connection) -> None:
    last = 0
    while True:
        rows = conn.execute(select(C.c.id, C.c.prefix, C.c.given, C.c.middle, C.c.family,
                                   C.c.suffix, C.c.nickname).where(C.c.id > last)
                            .order_by(C.c.id).limit(CHUNK)).all()
        if not rows:
            break
        last = rows[-1].id
        first_mail: dict[int, str] = {}
        for cid, value in conn.execute(select(E.c.contact_id, E.c.value).where(
                E.c.contact_id.in_([r.id for r in rows])).order_by(E.c.contact_id.desc(),
                                                                   E.c.position.desc())):
            first_mail[cid] = value
        keys = []
        for r in rows:
            family_first, given_first = collation.person_sort_keys(
                r.prefix, r.given, r.middle, r.family, r.suffix, r.nickname,
                first_mail.get(r.id, ""))
            keys.append({"rid": r.id, "g": given_first, "f": family_first})
        conn.execute(update(C).where(C.c.id == bindparam("rid"))
                     # A new sort-key format is no edit of the contact: its time stays.
                     .values(sort_name=bindparam("g"), family_sort=bindparam("f"),
                             updated_at=C.c.updated_at), keys)
    accounts = conn.execute(select(A.c.id, A.c.name)).all()
    if accounts:
        conn.execute(update(A).where(A.c.id == bindparam("rid"))
                     .values(sort_name=bindparam("k"), updated_at=A.c.updated_at),
                     [{"rid": r.id, "k": collation.sort_key(r.name)} for r in accounts])
