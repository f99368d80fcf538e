"""Typed access to what SQLAlchemy hands back loosely typed: the DB-API connection beneath a
SQLAlchemy one, and the id of a row just inserted.

SQLAlchemy types both as Optional: the driver connection is None only once the connection has
been closed or invalidated, the inserted primary key only for an executemany. Neither can
happen at the call sites, which hold an open connection and insert one row; should it happen
all the same, the caller hears a StorageError that says so rather than a TypeError on None.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, CursorResult
from sqlalchemy.pool import PoolProxiedConnection

from app.domain.errors import StorageError


def driver_connection(conn: Connection | PoolProxiedConnection) -> Any:
    """The driver's own connection (sqlite3.Connection, psycopg.Connection) beneath `conn`."""
    proxied = conn.connection if isinstance(conn, Connection) else conn
    raw = proxied.driver_connection
    if raw is None:
        raise StorageError("The database connection was closed while it was still in use.")
    return raw


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:
        raise StorageError("The database did not report the id of the row it just inserted.")
    return key[0]
