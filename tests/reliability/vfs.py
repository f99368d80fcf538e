"""A fault-injecting SQLite VFS for RELIABILITY 3 (power loss) and 6 (I/O errors), written with
apsw the way SQLite's own crash tests use their crash VFS.

A kill -9 cannot show a power loss: the page cache outlives the process, so every write the
process made reaches the disk. This VFS keeps, for every file, its content as of the last xSync;
when the power "goes", everything written since is thrown away (or, in the harsher models, only
part of it reached the platter), which is what a machine that loses power leaves behind.

The app's connections are Python sqlite3 connections made by SQLAlchemy. A VFS registered by
apsw lives in the SQLite library apsw is linked against, so apsw must be built against the same
shared libsqlite3 that Python's _sqlite3 uses (see `require_shared_sqlite`); the app's engine
then names the VFS in its URI (`file:...?vfs=NAME`) and every read, write and sync it does runs
through the methods below.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import os
import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from db.database import Database
from db.migrate import open_database

try:
    import apsw
except ImportError:  # the check below says what to install
    apsw = None

SECTOR = 512  # the unit a disk writes atomically, or tears

INSTALL = ('DIST_EXTRA_CONFIG=<cfg with "[build] fetch = 0, enable_all_extensions = 0"> '
           'pip install --no-binary apsw "apsw==3.40.1.0"')


def require_shared_sqlite() -> None:
    """Fail (never skip) unless apsw and Python's sqlite3 share one SQLite library: a VFS
    registered in a copy bundled inside apsw is invisible to the app's connections."""
    if apsw is None:
        pytest.fail(f"apsw is not installed; the power-loss tests need it: {INSTALL}")
    if apsw.using_amalgamation or apsw.sqlitelibversion() != sqlite3.sqlite_version:
        pytest.fail(
            f"apsw {apsw.apswversion()} carries its own SQLite {apsw.sqlitelibversion()} "
            f"(amalgamation: {apsw.using_amalgamation}); Python's sqlite3 uses "
            f"{sqlite3.sqlite_version}. A VFS registered there would never see the app's "
            f"writes. Build apsw against the system library: {INSTALL}")


class Injected(Exception):
    """Raised by the VFS on purpose; anything else raised in it is a bug in the test."""


@functools.cache
def _injected(kind: type) -> type:
    return type(kind.__name__, (kind, Injected), {})


def _error(kind: type, extended: int, message: str) -> Exception:
    exc = _injected(kind)(message)
    exc.extendedresult = extended  # apsw hands this code to SQLite instead of the primary one
    return exc


def _name(name) -> str | None:
    if name is None:
        return None
    return name.filename() if hasattr(name, "filename") else str(name)


# --- what survives a power loss -----------------------------------------------------------

@dataclass
class FileState:
    """One file name, across every handle SQLite opens on it (a pool of connections opens the
    database and its -wal once each; fsync works on the file, not the handle)."""

    path: str
    # Content as of the last xSync of the current incarnation; None while a newly created
    # file has never been synced (its directory entry is not on disk yet either).
    synced: bytearray | None
    # A deleted incarnation that may come back: SQLite deletes the -wal without syncing the
    # directory, so after a power loss the old file can still be there.
    ghost: bytes | None = None
    pending: list[tuple[str, int, bytes]] = field(default_factory=list)  # since the sync

    def sync(self) -> None:
        if self.synced is None:
            self.synced = bytearray()
            self.ghost = None  # unix fsyncs the directory on a journal's first sync
        _apply(self.synced, self.pending)
        self.pending.clear()


def _apply(image: bytearray, ops) -> None:
    for op, offset, data in ops:
        if op == "truncate":
            del image[offset:]
            image.extend(bytes(max(0, offset - len(image))))
        else:
            if offset > len(image):
                image.extend(bytes(offset - len(image)))
            image[offset:offset + len(data)] = data


def _sectors(offset: int, data: bytes):
    """A write cut where the disk's sectors begin: each part is written whole, or torn."""
    start = offset
    while start < offset + len(data):
        end = min((start // SECTOR + 1) * SECTOR, offset + len(data))
        yield start, data[start - offset:end - offset]
        start = end


def _garbage(rng: random.Random, n: int) -> bytes:
    return rng.randbytes(n)


def survivor(state: FileState, model: str, rng: random.Random) -> bytes | None:
    """What the disk holds for `state` after the power went. Models, from kind to cruel:
    "drop": nothing written since the last sync is there;
    "torn": the writes since the sync reached the disk in order up to a random point, and the
        sector being written then holds junk (only bytes that write covered: SQLite assumes
        powersafe overwrite, as the unix VFS reports);
    "scatter": every sector written since the sync independently arrived, did not, or holds
        junk, and a truncation happened or not (SQLite's crash test, test6.c)."""
    if state.synced is None:
        return state.ghost if rng.random() < 0.5 else None
    image = bytearray(state.synced)
    if model == "drop" or not state.pending:
        return bytes(image)
    if model == "torn":
        cut = rng.randrange(len(state.pending))
        _apply(image, state.pending[:cut])
        op, offset, data = state.pending[cut]
        if op == "write":
            parts = list(_sectors(offset, data))
            kept = rng.randrange(len(parts))
            _apply(image, [("write", o, d) for o, d in parts[:kept]])
            o, d = parts[kept]
            _apply(image, [("write", o, _garbage(rng, len(d)))])
        return bytes(image)
    if model == "scatter":
        for op, offset, data in state.pending:
            if op == "truncate":
                if rng.random() < 0.5:
                    _apply(image, [(op, offset, data)])
                continue
            for o, d in _sectors(offset, data):
                fate = rng.random()
                if fate < 0.4:
                    _apply(image, [("write", o, d)])
                elif fate < 0.5:
                    _apply(image, [("write", o, _garbage(rng, len(d)))])
        return bytes(image)
    raise ValueError(model)


# --- faults -----------------------------------------------------------------------------------

@dataclass
class Fault:
    """Fail the `nth` xWrite / xSync / xRead (counted from when it is armed) with `error`
    ("ioerr" or "full"); once, or that one and every later one of the kind."""

    kind: str
    nth: int
    error: str = "ioerr"
    persistent: bool = False
    seen: int = 0
    fired: int = 0

    _EXTENDED = {"write": "SQLITE_IOERR_WRITE", "sync": "SQLITE_IOERR_FSYNC",
                 "read": "SQLITE_IOERR_READ"}

    def check(self, kind: str, path: str) -> None:
        if kind != self.kind:
            return
        self.seen += 1
        if self.seen == self.nth or (self.persistent and self.seen > self.nth):
            self.fired += 1
            if self.error == "full":
                raise _error(apsw.FullError, apsw.SQLITE_FULL, f"injected: {path} is full")
            raise _error(apsw.IOError, getattr(apsw, self._EXTENDED[kind]),
                         f"injected: {kind} #{self.seen} of {path} failed")


# --- the VFS ----------------------------------------------------------------------------------

_serial = itertools.count()


class TestVFS(apsw.VFS if apsw else object):
    """A VFS over the default one that records what is durable (for a power loss) and can fail
    a chosen operation. `crash_at`: the power goes at the crash_at-th write/sync/truncate
    (counted over every file), before that operation completes. Registered under a fresh name,
    so tests never see each other's instances."""

    __test__ = False  # not a pytest class

    def __init__(self, *, crash_at: int | None = None, fault: Fault | None = None):
        self.name = f"rolodeck-test-{os.getpid()}-{next(_serial)}"
        super().__init__(self.name, "")
        self.files: dict[str, FileState] = {}
        self.events = 0  # writes, syncs and truncations so far
        self.writes_by_file: dict[str, int] = {}
        self.crash_at = crash_at
        self.fault = fault
        self.dead = False  # the power is off: nothing reaches any file any more
        self.frozen: dict[str, bytes] = {}  # other files as they were when it went off
        self.unexpected: list[BaseException] = []

    # apsw calls this with exceptions raised in our methods; ours are expected, others are
    # bugs in the test that must fail it rather than scroll by on stderr.
    def excepthook(self, etype, value, tb) -> None:
        if not isinstance(value, Injected):
            self.unexpected.append(value)

    def state(self, path: str) -> FileState:
        if path not in self.files:
            try:
                content = bytearray(Path(path).read_bytes())
            except FileNotFoundError:
                content = None
            self.files[path] = FileState(path, content)
        return self.files[path]

    def xOpen(self, name, flags):
        if self.dead:
            raise _error(apsw.IOError, apsw.SQLITE_IOERR, "injected: the power is off")
        path = _name(name)
        if path is not None:
            self.state(path)
        return TestFile(self, name, path, flags)

    def xDelete(self, filename, syncdir):
        if self.dead:
            raise _error(apsw.IOError, apsw.SQLITE_IOERR_DELETE, "injected: the power is off")
        path = _name(filename)
        if path in self.files:
            state = self.files[path]
            if syncdir:
                state.ghost = None
            elif state.synced is not None:
                state.ghost = bytes(state.synced)
            state.synced, state.pending = None, []
        return super().xDelete(filename, syncdir)

    def event(self, kind: str, path: str, op: tuple | None = None) -> None:
        """Called before every write, sync and truncate of a tracked file."""
        if self.dead:
            raise _error(apsw.IOError, apsw.SQLITE_IOERR, "injected: the power is off")
        if self.fault is not None:
            self.fault.check(kind, path)
        if kind == "read":
            return
        self.events += 1
        if kind == "write":
            self.writes_by_file[path] = self.writes_by_file.get(path, 0) + 1
        if self.crash_at is not None and self.events >= self.crash_at:
            if op is not None:  # the operation under way when the power went: maybe partly
                self.files[path].pending.append(op)
            self.pull_plug()
            raise _error(apsw.IOError, apsw.SQLITE_IOERR, "injected: power loss")

    def pull_plug(self) -> None:
        """The power goes now. From here on no file method reaches the disk; and since the
        app's own os calls (a rename, an unlink) would in truth never happen either, every
        other file beside the database is frozen as it is now, for power_on to put back."""
        if self.dead:
            return
        self.dead = True
        self.frozen = {}
        for folder in {Path(p).parent for p in self.files}:
            for f in folder.rglob("*"):
                if f.is_file() and str(f) not in self.files and not f.name.endswith("-shm"):
                    self.frozen[str(f)] = f.read_bytes()

    def power_on(self, model: str, rng: random.Random) -> None:
        """After every connection is closed: put on disk what a power loss left, as the next
        boot would find it. The -shm is not persistent state (SQLite rebuilds it)."""
        assert self.dead, "pull_plug() first"
        for folder in {Path(p).parent for p in self.files}:
            for f in folder.rglob("*"):
                if f.is_file() and str(f) not in self.files and str(f) not in self.frozen:
                    f.unlink()  # made after the power went: it never was
        for path, content in self.frozen.items():
            Path(path).write_bytes(content)
        for path, state in self.files.items():
            content = survivor(state, model, rng)
            if content is None:
                Path(path).unlink(missing_ok=True)
            else:
                Path(path).write_bytes(content)
        for path in list(self.files):
            Path(path + "-shm").unlink(missing_ok=True)
        self.files.clear()

    def close(self) -> None:
        self.unregister()


class TestFile(apsw.VFSFile if apsw else object):
    __test__ = False

    def __init__(self, vfs: TestVFS, name, path: str | None, flags):
        super().__init__("", name, flags)
        self.vfs = vfs
        self.path = path

    def excepthook(self, etype, value, tb) -> None:
        self.vfs.excepthook(etype, value, tb)

    def xRead(self, amount, offset):
        if self.path is not None:
            self.vfs.event("read", self.path)
        return super().xRead(amount, offset)

    def xWrite(self, data, offset):
        if self.path is not None:
            op = ("write", offset, bytes(data))
            self.vfs.event("write", self.path, op)
            self.vfs.files[self.path].pending.append(op)
        return super().xWrite(data, offset)

    def xTruncate(self, newsize):
        if self.path is not None:
            op = ("truncate", newsize, b"")
            self.vfs.event("truncate", self.path, op)
            self.vfs.files[self.path].pending.append(op)
        return super().xTruncate(newsize)

    def xSync(self, flags):
        # No real fsync: what is durable is what this VFS says it is, and the machine's own
        # disk never loses power under the test. Skipping it makes a commit ~40x cheaper.
        if self.path is not None:
            self.vfs.event("sync", self.path)
            self.vfs.files[self.path].sync()
        else:
            super().xSync(flags)

    def xFileSize(self):
        if self.vfs.dead:
            raise _error(apsw.IOError, apsw.SQLITE_IOERR_FSTAT, "injected: the power is off")
        return super().xFileSize()


# --- the app's database, through the VFS ------------------------------------------------------

def open_app_database(path: Path, vfs: TestVFS, *, migrate: bool = True) -> Database:
    """The app's own open (create, upgrade) of `path`, every connection through `vfs`."""
    if "vfs" not in inspect.signature(open_database).parameters:
        pytest.fail("db.migrate.open_database(path, vfs=NAME) is needed: it opens the app's "
                    "connections with the URI file:PATH?vfs=NAME, so a test VFS sees them")
    return open_database(path, migrate=migrate, vfs=vfs.name)
