"""Backups through SQLite's online backup API: a consistent copy even while another connection
writes (copying the file while a WAL is live would not be).

A backup is only reported once it is known to restore: the copy is written to a private
temporary file beside the destination, checked (integrity_check, and the same number of rows
in every table as the source's snapshot it was copied from), and only then given its name.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from app.domain.errors import CorruptDatabaseError, StorageError
from db.database import Database
from db.driver import driver_connection
from db.engine import (
    BUSY_TIMEOUT_MS,
    companion,
    create_private_folders,
    examine,
    fsync_folder,
    read_only_uri,
    refuse_non_file,
    remove_quietly,
    same_file,
    sibling_name,
    sqlite_uri,
)
from db.errors import shown, translate

PARTIAL = "partial"
# A partial copy nobody holds a lock on is a killed backup's; one younger than this may be a
# backup that has created its file but not yet locked it.
STALE_AFTER_S = 60.0
_COMPANIONS = ("-journal", "-wal", "-shm")


class BackupExistsError(StorageError):
    """The destination exists and --force was not given."""


# --- temporary files and their locks --------------------------------------------------------

def _lock_new(tmp: Path) -> int | None:
    """Create `tmp` (0600) and hold an flock on it; None if a clean-up removed the name
    between the create and the lock (then try another name)."""
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    try:
        os.fchmod(fd, 0o600)  # O_CREAT's mode is filtered through the umask
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_ino == os.stat(tmp).st_ino:
            return fd
    except FileNotFoundError:
        pass
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return None


@contextlib.contextmanager
def holding(path: Path) -> Iterator[None]:
    """An flock on an existing temporary file for as long as it is being written, so that
    another process's clean-up can tell it from a killed process's. Our descriptor is closed
    last: closing it while SQLite still has the file open is harmless for flock (unlike
    fcntl locks), and the lock must outlast the removal of the files."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _partial(dest: Path) -> Iterator[Path]:
    """A new private file beside `dest`, locked while the copy is written; removed, with any
    journal SQLite left, unless it was renamed into place."""
    while (fd := _lock_new(tmp := sibling_name(dest, PARTIAL))) is None:
        pass
    try:
        yield tmp
    finally:
        remove_quietly(tmp, *(companion(tmp, s) for s in _COMPANIONS))
        os.close(fd)  # the lock goes last: nobody may clear the files while we remove them


def _temporary(name: str, kind: str) -> bool:
    # The shape sibling_name gives: ".NAME.8-hex-digits.KIND"
    end = len(name) - len(kind) - 1
    token = name[end - 8:end]
    return (name.startswith(".") and name.endswith(f".{kind}") and end - 9 > 0
            and name[end - 9] == "." and all(c in "0123456789abcdef" for c in token)
            and len(token) == 8)


def clear_stale_partials(folder: Path, kind: str = PARTIAL) -> None:
    """Remove the temporary files (and their journals) that killed processes left in
    `folder`: only those nobody holds locked, and only once they are a minute old (a file
    younger than that may be one whose writer has created it but not yet locked it)."""
    now = time.time()
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if _temporary(name, kind):
            _clear_if_stale(folder / name, now)
    for name in names:
        for suffix in _COMPANIONS:
            # A journal outlives its file when a killed writer's file was already cleared.
            if name.endswith(suffix) and _temporary(name[:-len(suffix)], kind):
                left = folder / name
                if (not (folder / name[:-len(suffix)]).exists()
                        and now - _mtime(left, now) > STALE_AFTER_S):
                    remove_quietly(left)


def glob_safe(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def _mtime(path: Path, default: float) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return default


def _clear_if_stale(tmp: Path, now: float) -> None:
    if now - _mtime(tmp, now) <= STALE_AFTER_S:
        return
    try:
        fd = os.open(tmp, os.O_RDONLY)
    except OSError:
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # its writer is alive
        with contextlib.suppress(OSError):
            if os.fstat(fd).st_ino == os.stat(tmp).st_ino:
                remove_quietly(tmp, *(companion(tmp, s) for s in _COMPANIONS))
    finally:
        os.close(fd)


# --- copying and checking -------------------------------------------------------------------

def _table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows in every stored table (virtual tables aside: their rows live in shadow tables,
    which are counted)."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n.replace(chr(34), chr(34) * 2)}"')
            .fetchone()[0] for n in names}


def _problems(conn: sqlite3.Connection, check: str = "integrity_check") -> list[str]:
    rows = [r[0] for r in conn.execute(f"PRAGMA {check}")]
    return [] if rows == ["ok"] else rows


def _open_source(source: Path) -> sqlite3.Connection:
    info = examine(source)
    if info is None:
        raise StorageError(f"{shown(source)} does not exist.")
    src = sqlite3.connect(read_only_uri(info, leave_nothing=True), uri=True,
                          isolation_level=None)
    src.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return src


def brief(detail: object) -> str:
    """The first telling line of SQLite's report (integrity_check gives dozens)."""
    lines = [ln.strip() for ln in str(detail).splitlines() if ln.strip()]
    telling = [ln for ln in lines if not ln.startswith("***")] or lines or ["unknown"]
    first = telling[0]
    return first if len(first) <= 120 else first[:117] + "..."


def _source_damaged(source: Path, detail: object) -> CorruptDatabaseError:
    return CorruptDatabaseError(
        f"{shown(source)} is damaged ({brief(detail)}), so no backup was made: a copy of it "
        "would not restore. Restore it from an earlier backup; nothing was changed.")


def _copy(source: Path, tmp: Path) -> dict[str, int]:
    """Copy `source` into `tmp`; the row counts of the snapshot that was copied."""
    src = _open_source(source)
    try:
        # One read transaction: the counts and the copy are of the same snapshot, which
        # concurrent writers (WAL) neither block nor restart. pages=-1 is one step.
        src.execute("BEGIN")
        try:
            counts = _table_counts(src)
        except sqlite3.DatabaseError as exc:
            raise _source_damaged(source, exc) from exc
        dst = sqlite3.connect(sqlite_uri(tmp, mode="rw"), uri=True)
        try:
            try:
                src.backup(dst, pages=-1)
            except sqlite3.Error as exc:
                if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF in (11, 26):
                    raise _source_damaged(source, exc) from exc
                raise
            # A backup is a single self-contained file: fold its WAL in.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()
    return counts


def verify(copy: Path, expected: dict[str, int], source: Path) -> None:
    """The copy opens, is intact, and holds as many rows per table as the source did."""
    conn = sqlite3.connect(sqlite_uri(copy, mode="ro"), uri=True)
    try:
        problems = _problems(conn)
        got = {} if problems else _table_counts(conn)
    except sqlite3.DatabaseError as exc:
        problems, got = [str(exc)], {}
    finally:
        conn.close()
    if not problems and got == expected:
        return
    # Say which side is at fault: a damaged source is the user's real problem.
    src = _open_source(source)
    try:
        source_problems = _problems(src, "quick_check")
    except sqlite3.DatabaseError as exc:
        source_problems = [str(exc)]
    finally:
        src.close()
    if source_problems:
        raise _source_damaged(source, source_problems[0])
    detail = brief(problems[0]) if problems else "its row counts differ from the database's"
    raise StorageError(f"The backup copy did not check out ({detail}); nothing was saved.")


def _place(tmp: Path, dest: Path, force: bool) -> None:
    if force:
        os.replace(tmp, dest)
        return
    try:
        os.link(tmp, dest)  # never replaces: a file that appeared meanwhile is kept
    except FileExistsError:
        raise BackupExistsError(_exists_message(dest)) from None
    except OSError:  # a file system without hard links (FAT): check, then rename
        if os.path.lexists(dest):
            raise BackupExistsError(_exists_message(dest)) from None
        os.replace(tmp, dest)


def _exists_message(dest: Path) -> str:
    return (f"{shown(dest)} already exists; the backup was not written there. Choose a new "
            "name, or add --force to replace that file (whatever it holds).")


def _check_destination(source: Path, dest: Path, force: bool) -> None:
    if same_file(dest, source):
        raise StorageError("A backup cannot overwrite the database it copies.")
    try:
        st = os.stat(dest)
    except FileNotFoundError:
        if os.path.lexists(dest) and not force:  # a link to nothing
            raise BackupExistsError(_exists_message(dest)) from None
        return
    except NotADirectoryError:
        raise StorageError(
            f"Cannot write {shown(dest)}: part of that path is a file, not a folder.") from None
    if os.path.isdir(dest):
        raise StorageError(f"{shown(dest)} is a folder; give a file name for the backup.")
    refuse_non_file(dest, st)
    # Any existing file, an older backup included: replacing one is the user's call.
    if not force:
        raise BackupExistsError(_exists_message(dest))
    for suffix in ("-wal", "-journal"):
        if companion(dest, suffix).exists():
            raise StorageError(
                f"{shown(dest)} is a database in use (it has a {suffix} file); the backup "
                "was not written there.")


def backup_file(source: Path, dest: Path, *, force: bool = False) -> Path:
    """Copy the database at `source` to `dest` (mode 0600), verified before it takes the name.
    An existing `dest` is replaced (atomically) only with `force`."""
    source = Path(source).expanduser().absolute()
    dest = Path(dest).expanduser().absolute()
    _check_destination(source, dest, force)
    try:
        create_private_folders(dest.parent)
        with _partial(dest) as tmp:
            counts = _copy(source, tmp)
            verify(tmp, counts, source)
            _place(tmp, dest, force)
        fsync_folder(dest.parent)
    except sqlite3.Error as exc:
        readable = translate(exc, dest, "writing the backup")
        raise readable or StorageError(
            f"Backup to {shown(dest)} failed: {exc}") from exc
    except OSError as exc:
        raise translate(exc, dest, "writing the backup") or StorageError(
            f"Cannot write the backup {shown(dest)}: {exc.strerror}") from exc
    return dest


def backup(db: Database, dest: Path, *, force: bool = False) -> Path:
    return backup_file(db.require_file("a backup"), dest, force=force)


# Automatic backups kept per reason (pre-upgrade, before-restore); older ones are deleted.
KEEP_AUTOMATIC = 5


def automatic_backup_path(db_path: Path, reason: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = db_path.parent / "backups"
    create_private_folders(folder)
    return folder / f"{db_path.stem}.{reason}.{stamp}.db"


def automatic_backup(db: Database, reason: str, keep: int = KEEP_AUTOMATIC) -> Path:
    """A safety copy before a risky step. Full copies add up (a big database, upgraded or
    restored now and then), so only the newest `keep` of each reason stay, and copies a
    killed process left half-written are cleared away (never one still being written)."""
    file = db.require_file("an automatic backup")
    for _ in range(100):
        dest = automatic_backup_path(file, reason)
        clear_stale_partials(dest.parent)
        try:
            saved = backup(db, dest)
            break
        except BackupExistsError:
            continue  # another process took the same microsecond's name
    else:  # pragma: no cover - a hundred name clashes in a row
        raise StorageError(f"Cannot find a free name for a backup in {shown(dest.parent)}")
    # Timestamps in the names sort in time order.
    older = sorted(dest.parent.glob(f"{glob_safe(file.stem)}.{reason}.*.db"))[:-keep]
    for old in older:
        remove_quietly(old)
    return saved


def check_file(path: Path) -> None:
    """Refuse a file that is not an intact SQLite database, looking without changing it."""
    path = Path(path).expanduser().absolute()
    info = examine(path)
    if info is None:
        raise StorageError(f"{shown(path)} does not exist.")
    try:
        conn = sqlite3.connect(read_only_uri(info, leave_nothing=True), uri=True)
        try:
            problems = _problems(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(
            f"{shown(path)} is not a Rolodeck database: {brief(exc)}") from exc
    if problems:
        raise CorruptDatabaseError(f"{shown(path)} is damaged: {brief(problems[0])}")


RESTORE_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


class _GaveUp(sqlite3.OperationalError):
    """Our own "gave up waiting", carrying SQLite's code so it is translated like SQLite's."""

    sqlite_errorcode = 5
    sqlite_errorname = "SQLITE_BUSY"


def copy_into(source: Path, db: Database) -> None:
    """Replace the live database's content with `source`'s, through the backup API so other
    open connections see the change safely. Python's backup() retries a busy destination
    forever; the progress callback gives up once the connection's busy timeout has passed,
    as every other write does."""
    source = Path(source).absolute()
    what = f"restoring it from {shown(source)}"
    info = examine(source)
    if info is None:
        raise StorageError(f"{shown(source)} does not exist.")
    src = sqlite3.connect(read_only_uri(info, leave_nothing=True), uri=True)
    try:
        raw = db.engine.raw_connection()
        try:
            waits_ms = driver_connection(raw).execute("PRAGMA busy_timeout").fetchone()[0]
            deadline = time.monotonic() + waits_ms / 1000

            def give_up_when_late(status: int, _remaining: int, _total: int) -> None:
                if status in RESTORE_BUSY and time.monotonic() >= deadline:
                    raise _GaveUp("database is locked")

            src.backup(driver_connection(raw), pages=-1, progress=give_up_when_late, sleep=0.05)
        finally:
            raw.close()
    except sqlite3.Error as exc:
        raise translate(exc, db.name, what) or StorageError(
            f"Restoring from {shown(source)} failed: {exc}") from exc
    finally:
        src.close()
