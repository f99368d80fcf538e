"""An open database, whatever holds it: a URL, an engine, and what the backend can do.

Nothing outside db/ needs to know whether the data lives in an SQLite file or on a server:
modules that only make sense for a file (backup, the change counter) ask `capabilities` and use
`file`; messages name the database through `name`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import URL, Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from app.domain.errors import ReadOnlyDatabaseError, StorageError
from db.errors import translate


@dataclass(frozen=True)
class Capabilities:
    """What the backend offers beyond plain SQL."""

    online_backup: bool = False  # a consistent copy while others write (SQLite backup API)
    change_counter: bool = False  # a cheap "did another connection commit?" (data_version)
    notify: bool = False  # pushes change notices to other clients (LISTEN/NOTIFY)


@dataclass
class Database:
    """Reads run `with db.read() as s:`; every change runs in a unit of work,
    `with db.unit("Edit Ada Lovelace") as tx:` (db.unit). Both translate storage faults into
    StorageError subclasses."""

    url: URL
    engine: Engine
    read_only: bool
    capabilities: Capabilities
    _writer: sessionmaker[Session]
    _reader: sessionmaker[Session]
    # The SQLite file, for the few modules that work on a file; None on a server.
    file: Path | None = None
    _closers: list = field(default_factory=list)

    @property
    def name(self) -> str:
        """How messages name this database: its file, or its URL without the password."""
        if self.file is not None:
            return str(self.file)
        return self.url.render_as_string(hide_password=True)

    def require_file(self, what: str) -> Path:
        """The SQLite file, for what only works on a file (a backup, a restore)."""
        if self.file is None:
            raise StorageError(
                f"{self.name} is not a database file, so {what} is not possible. "
                "Nothing was changed.")
        return self.file

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def check_writable(self, what: str) -> None:
        if self.read_only:
            raise ReadOnlyDatabaseError(
                f"{self.name} is read-only, so {what} is not possible. Nothing was changed.")

    @contextmanager
    def transaction(self, what: str) -> Iterator[Session]:
        """One raw write transaction: commits on success, rolls back on any error. Every change
        to records goes through a unit (db.unit), which is built on this and journals it."""
        self.check_writable(what)
        with self.translating(what), self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.translating("reading"), self._reader() as session:
            yield session

    @contextmanager
    def translating(self, what: str) -> Iterator[None]:
        """Driver faults (a full disk, a lock, damage) become the typed, readable errors."""
        try:
            yield
        # sqlite3.Error too: the SQLite-specific modules write through the driver's cursor,
        # whose errors SQLAlchemy never sees.
        except (sa_exc.DBAPIError, sqlite3.Error, OSError) as exc:
            storage = translate(exc, self.name, what)
            if storage is None:
                raise
            raise storage from exc

    def unit(self, label: str, origin=None, **kw):
        """A unit of work: see db.unit.Unit."""
        from db.unit import Origin, open_unit

        return open_unit(self, label, origin or Origin.USER, **kw)

    def close(self) -> None:
        for closer in self._closers:
            closer(self)
        self.engine.dispose()
