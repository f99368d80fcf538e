"""Backups through SQLite's online backup API: a consistent copy even while another connection
writes (copying the file while a WAL is live would not be)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from app.domain.errors import CorruptDatabaseError, StorageError
from db.database import Database
from db.engine import create_private_file


def backup_file(source: Path, dest: Path) -> Path:
    """Copy the database at `source` to `dest` (replaced atomically, mode 0600)."""
    dest = Path(dest).expanduser().absolute()
    if dest == Path(source).absolute():
        raise StorageError("A backup cannot overwrite the database it copies")
    if dest.is_dir():
        raise StorageError(f"{dest} is a folder; give a file name for the backup")
    tmp = dest.with_name(f".{dest.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        create_private_file(tmp)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                # One step: the copy is one read transaction, a snapshot that concurrent
                # writers (WAL) neither block nor restart.
                src.backup(dst, pages=-1)
                # A backup is a single self-contained file: fold its WAL in.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, dest)
    except sqlite3.Error as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise StorageError(f"Backup to {dest} failed: {exc}") from exc
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise StorageError(f"Cannot write the backup {dest}: {exc.strerror}") from exc
    return dest


def backup(db: Database, dest: Path) -> Path:
    return backup_file(db.file, dest)


# Automatic backups kept per reason (pre-upgrade, before-restore); older ones are deleted.
KEEP_AUTOMATIC = 5


def automatic_backup_path(db_path: Path, reason: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = db_path.parent / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"{db_path.stem}.{reason}.{stamp}.db"


def automatic_backup(db: Database, reason: str, keep: int = KEEP_AUTOMATIC) -> Path:
    """A safety copy before a risky step. Full copies add up (a big database, upgraded or
    restored now and then), so only the newest `keep` of each reason stay, and copies a
    killed process left half-written are cleared away."""
    dest = automatic_backup_path(db.file, reason)
    for stale in dest.parent.glob(f".{db.file.stem}.*.partial"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    saved = backup(db, dest)
    # Timestamps in the names sort in time order.
    older = sorted(dest.parent.glob(f"{db.file.stem}.{reason}.*.db"))[:-keep]
    for old in older:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
    return saved


def check_file(path: Path) -> None:
    """Refuse a file that is not an intact SQLite database."""
    if not path.is_file():
        raise StorageError(f"{path} does not exist")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(f"{path} is not a Rolodeck database: {exc}") from exc
    if result != [("ok",)]:
        raise CorruptDatabaseError(f"{path} is damaged: {result[0][0]}")


def copy_into(source: Path, db: Database) -> None:
    """Replace the live database's content with `source`'s, through the backup API so other
    open connections see the change safely."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        raw = db.engine.raw_connection()
        try:
            src.backup(raw.driver_connection, pages=-1)
        finally:
            raw.close()
    except sqlite3.Error as exc:
        raise StorageError(f"Restoring from {source} failed: {exc}") from exc
    finally:
        src.close()
