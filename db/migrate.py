"""Bring a database to the current schema: check its revision, back it up, upgrade it.

Every database, new or old, is built by upgrading from base, so the path a new database takes is
the path upgrades take. The upgrade runs in one transaction with foreign keys off (batch
migrations recreate tables) and checks them before it commits: an interrupted upgrade leaves the
old version intact, and the automatic backup taken first is there as well.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlalchemy import exc as sa_exc

from app.domain.errors import MigrationError, NewerDatabaseError
from db import backup as backups
from db.database import Database
from db.engine import BUSY_TIMEOUT_MS, connect
from db.errors import translate

# Folders of revisions beyond our own, in the order given. Only tests pass them (to run a
# throwaway revision through the app's own upgrade path); the app never does.
Extra = tuple[str, ...]


def alembic_config(extra_versions: Extra = ()) -> Config:
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
    return ScriptDirectory.from_config(alembic_config(extra_versions))


def head(extra_versions: Extra = ()) -> str:
    return _script(extra_versions).get_current_head()


def known(revision: str, extra_versions: Extra = ()) -> bool:
    try:
        return _script(extra_versions).get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _has_tables(conn: Connection) -> bool:
    return bool(inspect(conn).get_table_names())


def check_version(db: Database, extra_versions: Extra = ()) -> str | None:
    """The database's revision; NewerDatabaseError if a newer Rolodeck wrote it."""
    with db.engine.connect() as conn:
        rev = current(conn)
        if rev is None and _has_tables(conn) and "alembic_version" not in inspect(
                conn).get_table_names():
            raise MigrationError(f"{db.name} is an SQLite file, but not a Rolodeck database")
    if rev is not None and not known(rev, extra_versions):
        raise NewerDatabaseError(
            f"{db.name} was written by a newer version of Rolodeck (schema {rev}). "
            "Update Rolodeck to open it; this version will not change the file.")
    return rev


def upgrade(db: Database, extra_versions: Extra = ()) -> Path | None:
    """Upgrade to head if needed; returns the automatic backup's path when one was taken."""
    rev = check_version(db, extra_versions)
    target = head(extra_versions)
    if rev == target:
        return None
    if db.read_only:
        raise MigrationError(
            f"{db.name} needs an upgrade to this version's format, but it is read-only")
    saved = None
    if rev is not None:
        saved = backups.automatic_backup(db, f"pre-{target}")
    cfg = alembic_config(extra_versions)
    try:
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            # Through the driver, so SQLAlchemy does not BEGIN first: inside a transaction
            # this pragma is silently ignored.
            raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if bad:
                        raise MigrationError(
                            f"Upgrading {db.name} would break {len(bad)} links between "
                            f"records (first in table {bad[0][0]}); the file was left as it "
                            "was.")
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


def open_database(path: Path | str, *, migrate: bool = True,
                  busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open the database at `path`, creating and upgrading it as needed."""
    db = connect(Path(path), busy_timeout_ms=busy_timeout_ms)
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
