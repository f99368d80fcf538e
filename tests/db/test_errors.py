"""db.errors translates by error code, never by the words of a message: a disk I/O error is
not damage, a word like "full" in a message is not a full disk, and a duplicate UID is a
clear user error rather than a raw IntegrityError."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from sqlalchemy import exc as sa_exc

from app.domain.errors import (
    ConstraintError,
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    DuplicateError,
    ReadOnlyDatabaseError,
    StorageError,
)
from db.errors import shown, translate


def _sqlite(code: int, message: str = "some words") -> sqlite3.Error:
    exc = sqlite3.OperationalError(message)
    exc.sqlite_errorcode = code
    exc.sqlite_errorname = f"code {code}"
    return exc


@pytest.mark.parametrize(("code", "kind"), [
    (13, DiskFullError), (8, ReadOnlyDatabaseError), (1544, ReadOnlyDatabaseError),
    (5, DatabaseLockedError), (517, DatabaseLockedError), (6, DatabaseLockedError),
    (11, CorruptDatabaseError), (26, CorruptDatabaseError), (14, StorageError),
    (10, StorageError), (266, StorageError), (3850, StorageError),
    (2067, DuplicateError), (1555, DuplicateError), (787, ConstraintError),
])
def test_sqlite_errors_by_code(code, kind):
    got = translate(_sqlite(code), "/data/r.db", "saving Ada")
    assert type(got) is kind
    assert "/data/r.db" in str(got)


def test_a_disk_io_error_is_not_called_damage_whatever_its_message_says():
    got = translate(_sqlite(10 | (12 << 8), "disk I/O error: corrupt full locked"), "f", "x")
    assert type(got) is StorageError and "disk reported an error" in str(got)


def test_wording_without_a_code_is_not_guessed_at():
    assert translate(sqlite3.ProgrammingError("database is full"), "f", "x") is None
    assert translate(_sqlite(1299, "NOT NULL constraint failed"), "f", "x") is None  # a bug


def test_real_sqlite_errors_carry_the_codes_translated():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE p(id INTEGER PRIMARY KEY, uid TEXT UNIQUE)")
    conn.execute("CREATE TABLE c(p_id INTEGER REFERENCES p(id))")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("INSERT INTO p VALUES (1, 'u')")
    with pytest.raises(sqlite3.IntegrityError) as dup:
        conn.execute("INSERT INTO p VALUES (2, 'u')")
    with pytest.raises(sqlite3.IntegrityError) as pk:
        conn.execute("INSERT INTO p VALUES (1, 'v')")
    with pytest.raises(sqlite3.IntegrityError) as fk:
        conn.execute("INSERT INTO c VALUES (9)")
    wrapped = sa_exc.IntegrityError("INSERT", {}, dup.value)
    for exc in (dup.value, pk.value, wrapped):
        got = translate(exc, "r.db", "adding Ada")
        assert isinstance(got, DuplicateError)
        assert "already holds a record with the same unique value" in str(got)
    assert type(translate(fk.value, "r.db", "adding Ada")) is ConstraintError


@pytest.mark.parametrize(("number", "kind"), [
    (errno.ENOSPC, DiskFullError), (errno.EDQUOT, DiskFullError),
    (errno.EROFS, ReadOnlyDatabaseError), (errno.EACCES, StorageError),
    (errno.EIO, StorageError),
])
def test_os_errors_by_errno(number, kind):
    got = translate(OSError(number, "whatever the words"), "r.db", "writing the backup")
    assert type(got) is kind


def test_an_unknown_os_error_is_let_through():
    assert translate(OSError(errno.EINVAL, "disk is full"), "r.db", "x") is None


class FakePsycopgError(Exception):
    """What psycopg's errors carry: the server's SQLSTATE."""

    def __init__(self, sqlstate: str):
        super().__init__("server said something")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("state", "kind"), [
    ("23505", DuplicateError), ("23503", ConstraintError), ("53100", DiskFullError),
    ("55P03", DatabaseLockedError), ("40P01", DatabaseLockedError),
    ("25006", ReadOnlyDatabaseError), ("57P01", StorageError), ("08006", StorageError),
    ("XX001", CorruptDatabaseError),
])
def test_server_errors_by_sqlstate(state, kind):
    url = "postgresql://ada@db.example/rolodeck"
    got = translate(sa_exc.OperationalError("SELECT", {}, FakePsycopgError(state)), url,
                    "saving Ada")
    assert type(got) is kind and url in str(got)


def test_an_unknown_sqlstate_is_let_through():
    assert translate(FakePsycopgError("42P01"), "db", "x") is None  # undefined table: a bug


def test_paths_are_shown_on_one_printable_line():
    assert shown("/a/new\nline/caf\udce9.db") == "/a/new\\nline/caf\\xe9.db"
