"""Turn driver errors into the typed, user-readable errors of app.domain.errors."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from sqlalchemy import exc as sa_exc

from app.domain.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    ReadOnlyDatabaseError,
    StorageError,
)


def translate(error: BaseException, path: Path | str, what: str) -> StorageError | None:
    """The StorageError that explains `error` to a user, or None if it is not a storage fault
    (a bug or a constraint violation, which the caller should let through)."""
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    text = str(original).lower()
    if isinstance(original, OSError) and original.errno == errno.ENOSPC:
        text = "disk is full"
    if not isinstance(original, sqlite3.Error | OSError):
        return None
    if "full" in text:
        return DiskFullError(
            f"The disk holding {path} is full while {what}; nothing of it was saved. "
            "Free some space and try again.")
    if "readonly" in text or "read-only" in text:
        return ReadOnlyDatabaseError(
            f"{path} is read-only, so {what} could not be saved. Nothing was changed.")
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(
            f"{path} is locked by another program while {what}; nothing was changed. "
            "Close the other program or try again in a moment.")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return CorruptDatabaseError(
            f"{path} is damaged or is not a Rolodeck database ({original}). "
            "Restore it from a backup.")
    if "unable to open" in text:
        return StorageError(f"Cannot open {path}: check that the folder exists and is writable.")
    return None
