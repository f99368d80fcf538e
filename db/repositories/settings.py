"""Small key/value settings that belong to the data (quote numbering, the journal's retention,
the formats derived data was built with)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from db.models import SettingRow

S = SettingRow.__table__


def get(conn: Connection, key: str, *, lock: bool = False) -> str | None:
    stmt = select(S.c.value).where(S.c.key == key)
    if lock:
        # SQLite's writer already holds the database (BEGIN IMMEDIATE); other engines need the
        # row lock so two writers cannot both act on the same value.
        stmt = stmt.with_for_update()
    return conn.execute(stmt).scalar()


def put(conn: Connection, key: str, value: str) -> None:
    if conn.execute(update(S).where(S.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(S).values(key=key, value=value))
