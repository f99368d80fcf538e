"""Turn driver errors into the typed, user-readable errors of app.domain.errors.

By error code, never by the wording of a message: wordings change between releases and
languages, and a word like "full" or "locked" turns up in messages that mean something else (a
disk I/O error is not damage). SQLite's codes are on sqlite3 exceptions (Python 3.11+), the
operating system's in OSError.errno, a server's in the SQLSTATE that psycopg exceptions carry.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from sqlalchemy import exc as sa_exc

from app.domain.errors import (
    ConstraintError,
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    DuplicateError,
    ReadOnlyDatabaseError,
    RolodeckError,
    StorageError,
)

# SQLite primary result codes (the low byte of an extended code).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_IOERR_FSYNC = 10 | 4 << 8
SQLITE_IOERR_DIR_FSYNC = 10 | 5 << 8
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_CONSTRAINT = 19
SQLITE_NOTADB = 26
# Extended codes that change what the user should hear.
SQLITE_READONLY_DBMOVED = 1032
SQLITE_CONSTRAINT_FOREIGNKEY = 787
SQLITE_CONSTRAINT_PRIMARYKEY = 1555
SQLITE_CONSTRAINT_UNIQUE = 2067


def shown(path: Path | str) -> str:
    """A path as one printable line: a newline or a byte that is not UTF-8 in a file name must
    neither break a one-line message nor make printing it fail."""
    text = str(path)
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or code == 0x7F:
            out.append(repr(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)


def _disk_full(path: str, what: str) -> StorageError:
    return DiskFullError(
        f"The disk holding {path} is full while {what}; nothing of it was saved. "
        "Free some space and try again.")


def _read_only(path: str, what: str) -> StorageError:
    return ReadOnlyDatabaseError(
        f"{path} is read-only, so {what} could not be saved. Nothing was changed.")


def _locked(path: str, what: str) -> StorageError:
    return DatabaseLockedError(
        f"{path} is locked by another program while {what}; Rolodeck waited for it and gave "
        "up, so nothing was changed. Close the other program or try again in a moment.")


def _corrupt(path: str, detail: object) -> StorageError:
    return CorruptDatabaseError(
        f"{path} is damaged or is not a Rolodeck database ({detail}). Restore it from a "
        "backup.")


def _duplicate(path: str, what: str) -> RolodeckError:
    return DuplicateError(
        f"{path} already holds a record with the same unique value, so {what} was not "
        "saved. Nothing was changed.")


def _dangling(path: str, what: str) -> RolodeckError:
    return ConstraintError(
        f"While {what}, a record in {path} would point at one that does not exist (or one "
        "still pointed at would go). Nothing was changed.")


def _cannot_open(path: str, raw: Path | str) -> StorageError:
    file = Path(raw)  # SQLite only: the name is a file's path
    if file.is_dir():
        return StorageError(f"{path} is a folder, not a database file.")
    if not file.parent.is_dir():
        return StorageError(
            f"Cannot open {path}: the folder {shown(file.parent)} does not exist.")
    return StorageError(
        f"Cannot open {path}: check that the folder exists and that Rolodeck may write to it.")


def _from_sqlite(exc: sqlite3.Error, path: str, raw: Path | str,
                 what: str) -> RolodeckError | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by the sqlite3 module itself (a closed connection): a bug
        return None
    primary = code & 0xFF
    if primary == SQLITE_FULL:
        return _disk_full(path, what)
    if code == SQLITE_READONLY_DBMOVED:
        return StorageError(
            f"{path} was moved or deleted while Rolodeck had it open, so {what} could not be "
            "saved. Open it again where it is now.")
    if primary in (SQLITE_READONLY, SQLITE_PERM):
        return _read_only(path, what)
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return _locked(path, what)
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return _corrupt(path, exc)
    if primary == SQLITE_CANTOPEN:
        return _cannot_open(path, raw)
    if code in (SQLITE_IOERR_FSYNC, SQLITE_IOERR_DIR_FSYNC):
        # The commit's data is written but the disk would not confirm it is on the platter:
        # it may be there after a restart or not, so "nothing was saved" would not be true.
        return StorageError(
            f"The disk reported an error and could not confirm that {what} reached {path} "
            f"({exc}). It may or may not have been kept: look before doing it again, and "
            "check the disk.")
    if primary == SQLITE_IOERR:
        return StorageError(
            f"The disk reported an error while {what} on {path} ({exc}); nothing of it was "
            "saved. Check the disk or the network share, then try again.")
    if code in (SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY):
        return _duplicate(path, what)
    if code == SQLITE_CONSTRAINT_FOREIGNKEY:
        return _dangling(path, what)
    return None  # NOT NULL, CHECK, misuse, ...: a bug, which should surface as one


def _from_os(exc: OSError, path: str, what: str) -> StorageError | None:
    # The file the OS names is the one that failed (a backup's temporary copy, a folder).
    named = shown(exc.filename) if exc.filename is not None else path
    if exc.errno == errno.ENOSPC:
        return _disk_full(named, what)
    if exc.errno == errno.EDQUOT:
        return DiskFullError(
            f"Your disk quota is used up while {what} ({named}); nothing of it was saved. "
            "Free some space and try again.")
    if exc.errno == errno.EROFS:
        return ReadOnlyDatabaseError(
            f"{named} is on a read-only file system, so {what} could not be saved. Nothing "
            "was changed.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StorageError(
            f"Rolodeck may not access {named} (permission denied) while {what}. Nothing was "
            "changed.")
    if exc.errno == errno.ENAMETOOLONG:
        return StorageError(f"The file name {named} is too long for its file system.")
    if exc.errno == errno.EIO:
        return StorageError(
            f"The disk reported an error while {what} on {named}; nothing of it was saved.")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return StorageError(f"{named} does not exist (while {what}). Nothing was changed.")
    return None


# SQLSTATE classes and codes (PostgreSQL, as psycopg reports them).
_PG_LOCKED = {"55P03", "40P01", "40001"}  # lock not available, deadlock, serialization
_PG_GONE = {"57P01", "57P02", "57P03"}  # admin / crash shutdown, cannot connect now


def _from_sqlstate(state: str, path: str, what: str) -> RolodeckError | None:
    if state == "23505":
        return _duplicate(path, what)
    if state == "23503":
        return _dangling(path, what)
    if state == "53100":
        return _disk_full(path, what)
    if state in _PG_LOCKED:
        return _locked(path, what)
    if state == "25006":
        return _read_only(path, what)
    if state in _PG_GONE or state.startswith("08"):
        return StorageError(
            f"The connection to {path} was lost while {what}; nothing of it was saved. "
            "Check that the server is running and reachable, then try again.")
    if state in ("XX001", "XX002"):
        return _corrupt(path, f"SQLSTATE {state}")
    if state == "42501":
        return StorageError(
            f"The server holding {path} does not allow {what} (insufficient privilege).")
    return None


def translate(error: BaseException, path: Path | str, what: str) -> RolodeckError | None:
    """The error that explains `error` to a user, or None if it is not one a user can act on
    (a bug, which the caller should let through). Storage faults become StorageError
    subclasses; a unique or foreign-key violation becomes DuplicateError / ConstraintError
    (the code does not say which column: callers that can tell check first)."""
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    name = shown(path)
    if isinstance(original, sqlite3.Error):
        return _from_sqlite(original, name, path, what)
    if isinstance(original, OSError):
        return _from_os(original, name, what)
    state = getattr(original, "sqlstate", None)
    if isinstance(state, str) and len(state) == 5:
        return _from_sqlstate(state, name, what)
    return None
