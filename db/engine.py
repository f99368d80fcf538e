"""Opening a database: the engine, its pragmas, transactions and file permissions.

SQLite is opened in WAL mode with foreign keys on, synchronous=FULL (a commit the UI reports as
saved survives power loss), a busy timeout, and our own BEGIN so that SAVEPOINTs and DDL are
transactional (pysqlite's legacy mode would not BEGIN before them).

Every file is named to SQLite by a `file:` URI built here from the path's bytes, each one
percent-encoded, so a `#`, `?` or `%` in a name, or a byte that is not UTF-8, reaches SQLite as
part of that name and never as a URI's query, fragment or escape.

Nothing here writes to a file before looking at it: `examine` reads only the metadata and the
first 100 bytes, and refuses a folder, a device, an empty or foreign file with one line.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import sessionmaker

from app.domain.errors import (
    CorruptDatabaseError,
    MissingDatabaseError,
    StorageError,
)
from db.database import Capabilities, Database
from db.driver import driver_connection
from db.errors import shown, translate

BUSY_TIMEOUT_MS = 5000
# Bulk writes (imports, the search index) spill far less with a larger page cache than the
# 2 MB default, so a writing transaction gets 64 MB. Reading ones get 8 MB: the window keeps
# several reading connections, and scrolling 100,000 contacts through each one's 64 MB was
# 60 MB of the window's memory for pages the OS caches anyway.
CACHE_KIB = 65536
READ_CACHE_KIB = 8192

SQLITE_MAGIC = b"SQLite format 3\x00"
# The longest suffix SQLite puts after a database's name ("-journal"; "-wal", "-shm").
_JOURNAL_SUFFIX = len("-journal")


# --- names --------------------------------------------------------------------------------

def sqlite_uri(path: Path | str, **params: str) -> str:
    """The `file:` URI that names exactly `path` to SQLite. "file://" and an absolute path
    give an empty authority even for a path starting with "//"."""
    raw = os.fsencode(os.path.abspath(path))
    uri = "file://" + quote(raw, safe="/")
    if params:
        uri += "?" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
    return uri


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def sibling_name(target: Path, kind: str) -> Path:
    """A private temporary file beside `target`, `.NAME.TOKEN.KIND`, that fits the file
    system's limit on names (a 255-byte name leaves no room to add to it) with room for
    SQLite's "-journal"."""
    token = secrets.token_hex(4)
    room = _name_max(target.parent) - len(f"..{token}.{kind}") - _JOURNAL_SUFFIX
    # Cut on bytes: a name's length limit counts bytes, and surrogateescape keeps any cut
    # (even one inside a UTF-8 sequence) a valid file name.
    stem = os.fsdecode(os.fsencode(target.name)[:max(room, 1)])
    return target.with_name(f".{stem}.{token}.{kind}")


def check_name_length(path: Path) -> None:
    """SQLite puts "-journal", "-wal" and "-shm" after the name: refuse a name with no room
    for them before anything is created, rather than fail half-way."""
    longest = _name_max(path.parent) - _JOURNAL_SUFFIX
    if len(os.fsencode(path.name)) > longest:
        raise StorageError(
            f"The file name {shown(path.name)} is too long for a database: SQLite adds "
            f"\"-journal\" to it, so it may have at most {longest} bytes. Nothing was created.")


# --- files --------------------------------------------------------------------------------

def _create_private_folders(folder: Path) -> None:
    # Not mkdir(parents=True): it gives the missing ancestors the umask's mode (0755 under
    # umask 022) and only the last folder `mode`. Every folder made here holds only our data.
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=0o700)
        except FileExistsError:  # created meanwhile by someone else: theirs, left as is
            continue
        os.chmod(made, 0o700)  # mkdir's mode is filtered through the umask


def create_private_folders(folder: Path) -> None:
    try:
        _create_private_folders(folder)
    except NotADirectoryError as exc:
        raise StorageError(
            f"Cannot create the folder {shown(folder)}: part of that path is a file, not a "
            "folder.") from exc


def create_private_file(path: Path) -> None:
    """Create `path` as 0600 (and any folder it needs 0700) whatever the umask: contact data
    is personal. SQLite gives the -wal and -shm files the database file's mode."""
    create_private_folders(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # O_CREAT's mode is filtered through the umask


def fsync_folder(folder: Path) -> None:
    """Make a new name in `folder` (a rename, a link) survive power loss."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the data itself was synced
    finally:
        os.close(fd)


def remove_quietly(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def same_file(a: Path, b: Path) -> bool:
    """Whether two names are one file: through a symbolic or hard link, or another spelling."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


@dataclass(frozen=True)
class FileInfo:
    """What a look from outside tells about an SQLite file, before anything opens it."""

    path: Path
    size: int
    wal_mode: bool  # the header says WAL (bytes 18-19 are 2)
    wal_size: int | None  # the -wal file's size, None if there is none
    has_shm: bool
    folder_writable: bool
    file_writable: bool

    @property
    def wal_content(self) -> bool:
        return bool(self.wal_size)


def _writable(path: Path, mode: int) -> bool:
    # Root can write a 0444 file, but a user who made it read-only meant it.
    return os.access(path, os.W_OK) and bool(mode & stat.S_IWUSR)


def _stat_or_refuse(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise StorageError(
                f"{shown(path)} is a link to {shown(os.readlink(path))}, which does not "
                "exist. Nothing was changed.") from None
        return None
    except NotADirectoryError:
        raise StorageError(
            f"Cannot open {shown(path)}: part of that path is a file, not a folder.") from None
    except OSError as exc:
        raise translate(exc, path, "opening it") or StorageError(
            f"Cannot open {shown(path)}: {exc.strerror}") from exc


def refuse_non_file(path: Path, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise StorageError(f"{shown(path)} is a folder, not a database file.")
    for test, kind in _KINDS:
        if test(st.st_mode):
            raise StorageError(
                f"{shown(path)} is {kind}, not a database file; Rolodeck keeps its data in an "
                "ordinary file. Nothing was changed.")


def examine(path: Path, *, fresh: bool = False) -> FileInfo | None:
    """Look at `path` without changing it: None if nothing is there; a StorageError for a
    folder, a device, a file too short or not SQLite. `fresh`: we created it a moment ago,
    so an empty file is a new database, not someone else's file."""
    st = _stat_or_refuse(path)
    if st is None:
        return None
    refuse_non_file(path, st)
    folder = path.parent
    if st.st_size == 0 and not fresh:
        # Not "a new database": Rolodeck never leaves an empty file where a database goes
        # (a new one appears complete, see db.migrate), so an empty file is someone else's.
        raise CorruptDatabaseError(
            f"{shown(path)} is an empty file, not a Rolodeck database; nothing was changed. "
            "To start a new database there, delete the empty file or choose another name.")
    header = b""
    if st.st_size:
        try:
            with open(path, "rb") as f:
                header = f.read(100)
        except OSError as exc:
            raise translate(exc, path, "reading it") or StorageError(
                f"Cannot read {shown(path)}: {exc.strerror}") from exc
        if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
            raise CorruptDatabaseError(
                f"{shown(path)} is not a Rolodeck database (it is not an SQLite file at "
                "all); nothing was changed.")
    try:
        wal_size: int | None = os.stat(companion(path, "-wal")).st_size
    except OSError:
        wal_size = None
    info = FileInfo(path, st.st_size, header[18:20] == b"\x02\x02", wal_size,
                    os.path.lexists(companion(path, "-shm")), os.access(folder, os.W_OK),
                    _writable(path, st.st_mode))
    _refuse_truncated(info, header)
    return info


def _refuse_truncated(info: FileInfo, header: bytes) -> None:
    """A file shorter than its header says (a copy cut short) is damaged. Only without a -wal:
    while a checkpoint runs, page 1 may be written before the pages that grow the file."""
    if not header or info.wal_size is not None:
        return
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The in-header size counts only when the "version-valid-for" number matches the change
    # counter (older writers did not keep it).
    if header[92:96] == header[24:28] and pages * page_size > info.size:
        raise CorruptDatabaseError(
            f"{shown(info.path)} is damaged: the file is shorter than its own header says "
            f"({info.size} of {pages * page_size} bytes; a copy cut short?). Restore it from a "
            "backup. Nothing was changed.")


def read_only_uri(info: FileInfo, *, vfs: str | None = None, leave_nothing: bool = False) -> str:
    """How to open an existing file read-only.

    A rollback-journal file: mode=ro, which creates nothing. A WAL file needs its -shm: with
    both -wal and -shm there, mode=ro uses them (SQLite 3.22+, even if we may not write them).
    Without them, mode=ro would create both and leave them behind (a read-only connection
    cannot delete them); where the folder is not writable it cannot create them and fails.
    So with no changes waiting in a -wal the main file is the whole database, and
    immutable=1 reads just that. With changes waiting but no -shm, only a writable folder
    lets SQLite read them."""
    extra = {"vfs": vfs} if vfs else {}
    if not info.wal_mode or (info.wal_size is not None and info.has_shm):
        return sqlite_uri(info.path, mode="ro", **extra)
    if not info.wal_content and (leave_nothing or not info.folder_writable):
        return sqlite_uri(info.path, mode="ro", immutable="1", **extra)
    if info.folder_writable:
        return sqlite_uri(info.path, mode="ro", **extra)
    raise StorageError(
        f"{shown(info.path)} was not closed cleanly: its last changes are still in "
        f"{shown(companion(info.path, '-wal').name)}, and SQLite can read them only by "
        f"creating {shown(companion(info.path, '-shm').name)} in {shown(info.path.parent)}, "
        "where Rolodeck may not write. Open it once where the folder is writable (or copy "
        "the folder, -wal file included, somewhere that is). Nothing was changed.")


# --- the engine ---------------------------------------------------------------------------

def _install_sqlite_hooks(engine: Engine, read_only: bool, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")
        cur.close()
        _record.info["cache_kib"] = READ_CACHE_KIB

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        wanted = CACHE_KIB if mode != "DEFERRED" else READ_CACHE_KIB
        info = conn.connection.info  # kept with the pooled DBAPI connection
        if info.get("cache_kib") != wanted:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{wanted}")
            info["cache_kib"] = wanted
        conn.exec_driver_sql(f"BEGIN {mode}")


def _optimize_on_close(db: Database) -> None:
    """Let SQLite refresh the query planner's statistics where they are stale (PRAGMA
    optimize, as SQLite advises before closing), so a big import does not leave the planner
    guessing on the next start."""
    if db.read_only:
        return
    try:
        with db.engine.connect() as conn:
            raw = driver_connection(conn)
            # Bounded: sampling 400 rows per index keeps closing instant at any size.
            raw.execute("PRAGMA analysis_limit=400")
            raw.execute("PRAGMA optimize")
    except (sqlite3.Error, sa_exc.DBAPIError):
        pass  # statistics are an optimisation; closing must not fail over them


SQLITE_CAPABILITIES = Capabilities(online_backup=True, change_counter=True, notify=False)


def connect(path: Path, *, read_only: bool | None = None,
            busy_timeout_ms: int = BUSY_TIMEOUT_MS, vfs: str | None = None,
            create: bool = True) -> Database:
    """Open (creating if needed and `create`) the SQLite file at `path` without migrating it.
    `busy_timeout_ms` is how long a write waits for another program's lock before it fails;
    `vfs` names an SQLite VFS (a test harness registers one). A folder, a device, an empty
    or non-SQLite file is refused untouched; whether it is a Rolodeck database this version
    may change is db.migrate.open_database's question, asked before this is called."""
    path = Path(path).expanduser().absolute()
    info = examine(path)
    if info is None:
        if not create:
            raise MissingDatabaseError(
                f"No Rolodeck database at {shown(path)} (nothing was created).")
        check_name_length(path)
        try:
            create_private_file(path)
        except FileExistsError:
            pass  # another process made it a moment ago; examined below like any file
        except OSError as exc:
            raise translate(exc, path, "creating it") or StorageError(
                f"Cannot create {shown(path)}: {exc.strerror}") from exc
        info = examine(path, fresh=True)
        if info is None:  # made a moment ago, and gone again: another program removed it
            raise MissingDatabaseError(
                f"{shown(path)} disappeared as soon as it was created; nothing was opened.")
    if read_only is None:
        # SQLite writes -wal and -shm beside the file: a folder we may not write is as
        # read-only as the file.
        read_only = not (info.file_writable and info.folder_writable)
    if read_only:
        uri = read_only_uri(info, vfs=vfs)
    else:
        check_name_length(path)
        uri = sqlite_uri(path, mode="rw", **({"vfs": vfs} if vfs else {}))

    def creator() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    # The URL only names the file (for SQLAlchemy's choice of pool and for display); the
    # connections come from `creator`, with the URI built above.
    engine = create_engine(URL.create("sqlite", database=str(path)), creator=creator)
    _install_sqlite_hooks(engine, read_only, busy_timeout_ms)
    writer = sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"),
                          expire_on_commit=False)
    reader = sessionmaker(engine, expire_on_commit=False)
    return Database(engine.url, engine, read_only, SQLITE_CAPABILITIES, writer, reader,
                    file=path, _closers=[_optimize_on_close])
