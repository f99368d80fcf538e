"""Bring a database to the current schema: check its revision, back it up, upgrade it.

Every database, new or old, is built by upgrading from base, so the path a new database takes is
the path upgrades take. The upgrade runs in one transaction with foreign keys off (batch
migrations recreate tables) and checks them before it commits: an interrupted upgrade leaves the
old version intact, and the automatic backup taken first is there as well.
"""

from __future__ import annotations

import os
import re
import sqlite3
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection
from sqlalchemy import exc as sa_exc

from app.domain.errors import (
    DatabaseLockedError,
    MigrationError,
    MissingDatabaseError,
    NewerDatabaseError,
    StorageError,
)
from db import backup as backups
from db.database import Database
from db.driver import driver_connection
from db.engine import (
    BUSY_TIMEOUT_MS,
    FileInfo,
    check_name_length,
    companion,
    connect,
    create_private_folders,
    examine,
    fsync_folder,
    read_only_uri,
    remove_quietly,
    sibling_name,
)
from db.errors import shown, translate

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

NEW = "new"  # the kind of temporary file a new database is built in
VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_REVISION = re.compile(r'^revision\s*=\s*["\']([^"\']+)["\']', re.M)
_DOWN = re.compile(r'^down_revision\s*=\s*["\']([^"\']+)["\']', re.M)

# Folders of revisions beyond our own, in the order given. Only tests pass them (to run a
# throwaway revision through the app's own upgrade path); the app never does.
Extra = tuple[str, ...]


def alembic_config(extra_versions: Extra = ()) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "db:migrations")
    if extra_versions:
        # Setting version_locations replaces the default folder, so ours is listed first.
        # Newline-separated: "db:migrations/versions" itself contains a colon.
        cfg.set_main_option("path_separator", "newline")
        cfg.set_main_option("version_locations",
                            "\n".join(("db:migrations/versions", *extra_versions)))
    return cfg


@cache
def _script(extra_versions: Extra = ()) -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(extra_versions))


@cache
def _own() -> tuple[frozenset[str], str]:
    """Our revisions and the head, read from the revision files themselves. Importing Alembic
    costs a command-line run a third of its time, and it is only needed to upgrade (a test
    checks this agrees with Alembic's own reading)."""
    revisions, downs = set(), set()
    for path in VERSIONS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if m := _REVISION.search(text):
            revisions.add(m[1])
        if m := _DOWN.search(text):
            downs.add(m[1])
    heads = revisions - downs
    if len(heads) != 1:
        raise MigrationError(f"Rolodeck's own schema history has {len(heads)} heads")
    return frozenset(revisions), heads.pop()


def head(extra_versions: Extra = ()) -> str:
    if not extra_versions:
        return _own()[1]
    current = _script(extra_versions).get_current_head()
    if current is None:
        raise MigrationError("Rolodeck's schema history has no revisions")
    return current


def known(revision: str, extra_versions: Extra = ()) -> bool:
    if not extra_versions:
        return revision in _own()[0]
    try:
        return _script(extra_versions).get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def _read_schema(run) -> tuple[set[str], list[str] | None]:
    """The tables, and the rows of alembic_version (None if there is no such table), read
    with `run(sql) -> rows`: what tells a Rolodeck database, and which version wrote it."""
    tables = {r[0] for r in run("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    if "alembic_version" not in tables:
        return tables, None
    return tables, [r[0] for r in run("SELECT version_num FROM alembic_version")]


def judge(name: str, tables: set[str], versions: list[str] | None,
          extra_versions: Extra = ()) -> str | None:
    """The revision of a database with these tables and alembic_version rows (None: empty,
    to be built), or the refusal that explains why this version may not change it."""
    ours = {t for t in tables if not t.startswith("sqlite_")}
    if versions is None:
        if ours:
            raise MigrationError(
                f"{name} is an SQLite file, but not a Rolodeck database; nothing was changed.")
        return None  # no tables at all: nothing to lose, built like a new database
    if len(versions) != 1 and (versions or ours - {"alembic_version"}):
        raise MigrationError(
            f"{name}'s schema record is damaged (alembic_version holds {len(versions)} rows, "
            "not one), so Rolodeck cannot tell which version wrote it. Restore it from a "
            "backup; nothing was changed.")
    if not versions:
        return None
    rev = versions[0]
    if not known(rev, extra_versions):
        raise NewerDatabaseError(
            f"{name} was written by a newer version of Rolodeck (schema {rev}). "
            "Update Rolodeck to open it; this version will not change the file.")
    return rev


def _revision(conn: Connection, name: str, extra_versions: Extra) -> str | None:
    return judge(name, *_read_schema(lambda q: conn.exec_driver_sql(q).fetchall()),
                 extra_versions)


def check_version(db: Database, extra_versions: Extra = ()) -> str | None:
    """The database's revision; NewerDatabaseError if a newer Rolodeck wrote it,
    MigrationError if it is not a Rolodeck database or its schema record is damaged."""
    with db.engine.connect() as conn:
        return _revision(conn, shown(db.name), extra_versions)


def _fingerprint(path: Path) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return st.st_ino, st.st_size, st.st_mtime_ns, companion(path, "-wal").exists()


def probe(info: FileInfo, extra_versions: Extra = (), vfs: str | None = None) -> str | None:
    """Ask an existing file for its revision without writing anything to it or beside it
    (no journal_mode change, no -wal or -shm left behind): judge() before connect().

    An immutable read (the file has no -wal) takes no locks, so a writer that appears during
    it could be checkpointing under it: the look is repeated if the file changed meanwhile."""
    path = info.path
    for _ in range(10):
        before = _fingerprint(path)
        uri = read_only_uri(info, vfs=vfs, leave_nothing=True)
        try:
            conn = sqlite3.connect(uri, uri=True)
            try:
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                schema = _read_schema(lambda q, c=conn: c.execute(q).fetchall())
            finally:
                conn.close()
        except sqlite3.Error as exc:
            if "immutable" in uri and _fingerprint(path) != before:
                info = examine(path) or info
                continue
            raise translate(exc, path, "opening it") or StorageError(
                f"Cannot open {shown(path)}: {exc}") from exc
        if "immutable" in uri and _fingerprint(path) != before:
            info = examine(path) or info
            continue
        return judge(shown(path), *schema, extra_versions)
    raise DatabaseLockedError(
        f"{shown(path)} kept changing while Rolodeck looked at it; try again in a moment.")


def _safety_copy(db: Database, target: str) -> Path:
    try:
        return backups.automatic_backup(db, f"pre-{target}")
    except StorageError as exc:
        # The same kind of error (a full disk stays DiskFullError), saying what did not happen.
        raise type(exc)(
            f"{exc} The safety copy taken before an upgrade could not be made, so "
            f"{shown(db.name)} was not upgraded; it is as it was.") from exc


def upgrade(db: Database, extra_versions: Extra = ()) -> Path | None:
    """Upgrade to head if needed; returns the automatic backup's path when one was taken.

    The write lock comes first (BEGIN IMMEDIATE, waiting up to the busy timeout) and the
    revision is read again inside it: of several processes starting at once, one upgrades
    and backs up, and the others find the work done. A transaction begun as a read could not
    take the lock later without failing at once."""
    name = shown(db.name)
    rev = check_version(db, extra_versions)
    target = head(extra_versions)
    if rev == target:
        return None
    if db.read_only:
        raise MigrationError(
            f"{name} needs an upgrade to this version's format, but it is read-only")
    saved = None
    from alembic import command

    cfg = alembic_config(extra_versions)
    try:
        with db.engine.connect() as conn:
            raw = driver_connection(conn)
            # Through the driver, so SQLAlchemy does not BEGIN first: inside a transaction
            # this pragma is silently ignored.
            raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.execution_options(sqlite_begin="IMMEDIATE").begin():
                    if _revision(conn, name, extra_versions) != target:
                        if rev is not None:
                            saved = _safety_copy(db, target)
                        cfg.attributes["connection"] = conn
                        command.upgrade(cfg, "head")
                        bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if bad:
                            raise MigrationError(
                                f"Upgrading {name} would break {len(bad)} links between "
                                f"records (first in table {bad[0][0]}); the file was left as "
                                "it was.")
            finally:
                raw.execute("PRAGMA foreign_keys=ON")
    # A full disk or another program's lock mid-upgrade must reach the user as the typed,
    # readable error (the transaction has rolled back: the old version is intact).
    except (sa_exc.DBAPIError, sqlite3.Error, OSError) as exc:
        readable = translate(exc, db.name, "upgrading it to this version's format")
        if readable is None:
            raise
        raise readable from exc
    return saved


def _create(path: Path, busy_timeout_ms: int, vfs: str | None) -> None:
    """Build a new database at `path` so that it appears there complete: built to head in a
    private file beside it, then linked into place. A name that is there is therefore never
    a half-built database of ours, and of several processes creating it at once, one file
    wins and the others open it."""
    check_name_length(path)
    create_private_folders(path.parent)
    backups.clear_stale_partials(path.parent, NEW)
    tmp = sibling_name(path, NEW)
    db = connect(tmp, read_only=False, busy_timeout_ms=busy_timeout_ms, vfs=vfs)
    try:
        with backups.holding(tmp):  # a clean-up may remove it only once we are gone
            try:
                upgrade(db)
            finally:
                db.close()
            try:
                os.link(tmp, path)  # never replaces: another process's database may be there
            except FileExistsError:
                pass
            except OSError:  # no hard links here (FAT): an exclusive create and a copy
                _copy_exclusive(tmp, path)
            fsync_folder(path.parent)
    finally:
        remove_quietly(tmp, *(companion(tmp, s) for s in ("-wal", "-shm", "-journal")))


def _copy_exclusive(tmp: Path, path: Path) -> None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, 0o600)
        with open(tmp, "rb") as src:
            while chunk := src.read(1 << 20):
                os.write(fd, chunk)
        os.fsync(fd)
    finally:
        os.close(fd)


def open_database(path: Path | str | bytes, *, migrate: bool = True,
                  busy_timeout_ms: int = BUSY_TIMEOUT_MS, create: bool = True,
                  vfs: str | None = None) -> Database:
    """Open the database at `path`, creating and upgrading it as needed. An existing file is
    looked at first, read-only: one that is not a Rolodeck database this version may open is
    refused with nothing written to it or beside it. `create=False`: a missing file is
    MissingDatabaseError, and nothing (no file, no folder) is created."""
    path = Path(os.fsdecode(path) if isinstance(path, bytes) else path).expanduser().absolute()
    try:
        info = examine(path)
        if info is None:
            if not create:
                raise MissingDatabaseError(
                    f"No Rolodeck database at {shown(path)} (nothing was created).")
            if migrate:
                _create(path, busy_timeout_ms, vfs)
        else:
            probe(info, vfs=vfs)
    except (sa_exc.DBAPIError, sqlite3.Error, OSError) as exc:
        readable = translate(exc, path, "opening it")
        if readable is None:
            raise
        raise readable from exc
    db = connect(path, busy_timeout_ms=busy_timeout_ms, vfs=vfs, create=create)
    try:
        if migrate:
            upgrade(db)
        else:
            check_version(db)
    except (sa_exc.DBAPIError, sqlite3.Error, OSError) as exc:
        db.engine.dispose()  # not close(): the file may not even be a database
        readable = translate(exc, db.name, "opening it")
        if readable is None:
            raise
        raise readable from exc
    except BaseException:
        db.engine.dispose()
        raise
    return db
