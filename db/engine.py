"""Opening a database: the engine, its pragmas, transactions and file permissions.

SQLite is opened in WAL mode with foreign keys on, synchronous=FULL (a commit the UI reports as
saved survives power loss), a busy timeout, and our own BEGIN so that SAVEPOINTs and DDL are
transactional (pysqlite's legacy mode would not BEGIN before them).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import sessionmaker

from db.database import Capabilities, Database

BUSY_TIMEOUT_MS = 5000
# Bulk writes (imports, the search index) spill far less with a larger page cache than the
# 2 MB default; memory is cheap next to a desktop user waiting.
CACHE_KIB = 65536


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


def create_private_file(path: Path) -> None:
    """Create `path` as 0600 (and any folder it needs 0700) whatever the umask: contact data
    is personal. SQLite gives the -wal and -shm files the database file's mode."""
    _create_private_folders(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # O_CREAT's mode is filtered through the umask


def _writable(path: Path) -> bool:
    # Root can write a 0444 file, but a user who made it read-only meant it.
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return os.access(path.parent, os.W_OK)
    return os.access(path, os.W_OK) and bool(mode & stat.S_IWUSR)


def _install_sqlite_hooks(engine: Engine, read_only: bool, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cur.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _optimize_on_close(db: Database) -> None:
    """Let SQLite refresh the query planner's statistics where they are stale (PRAGMA
    optimize, as SQLite advises before closing), so a big import does not leave the planner
    guessing on the next start."""
    if db.read_only:
        return
    try:
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            # Bounded: sampling 400 rows per index keeps closing instant at any size.
            raw.execute("PRAGMA analysis_limit=400")
            raw.execute("PRAGMA optimize")
    except (sqlite3.Error, sa_exc.DBAPIError):
        pass  # statistics are an optimisation; closing must not fail over them


SQLITE_CAPABILITIES = Capabilities(online_backup=True, change_counter=True, notify=False)


def connect(path: Path, *, read_only: bool | None = None,
            busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open (creating if needed) the SQLite file at `path` without migrating it.
    `busy_timeout_ms` is how long a write waits for another program's lock before it fails."""
    path = Path(path).expanduser().absolute()
    if not path.exists():
        create_private_file(path)
    if read_only is None:
        read_only = not _writable(path)
    url = f"sqlite:///file:{path}?mode=ro&uri=true" if read_only else f"sqlite:///{path}"
    engine = create_engine(url, connect_args={"check_same_thread": False})
    _install_sqlite_hooks(engine, read_only, busy_timeout_ms)
    writer = sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"),
                          expire_on_commit=False)
    reader = sessionmaker(engine, expire_on_commit=False)
    return Database(engine.url, engine, read_only, SQLITE_CAPABILITIES, writer, reader,
                    file=path, _closers=[_optimize_on_close])
