"""Helpers shared by the reliability tests: looking at a database file from outside the app, and
running a child process that can be killed at a chosen moment."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import fields, replace
from pathlib import Path

from alembic import command

from app.domain.contact import Address, Contact, ContactStatus, Email, Phone
from app.domain.dates import PartialDate
from db import migrate
from db.engine import connect

ROOT = Path(__file__).resolve().parents[2]


# --- the file, seen from outside ------------------------------------------------------------

def sql(path: Path, query: str, params: tuple = ()) -> list[tuple]:
    """One query on a fresh driver connection, so nothing the app caches can hide a fault."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def scalar(path: Path, query: str, params: tuple = ()) -> object:
    return sql(path, query, params)[0][0]


def assert_consistent(path: Path) -> None:
    """RELIABILITY's "consistent": integrity, foreign keys, and a search index in step."""
    assert sql(path, "PRAGMA integrity_check") == [("ok",)], path
    assert sql(path, "PRAGMA foreign_key_check") == [], path
    if "search_people" in tables(path):
        live_people = scalar(path, "SELECT (SELECT count(*) FROM contacts WHERE deleted_at IS "
                                   "NULL) + (SELECT count(*) FROM accounts WHERE deleted_at "
                                   "IS NULL)")
        assert scalar(path, "SELECT count(*) FROM search_people") == live_people, path
        live_history = scalar(path, "SELECT count(*) FROM history WHERE deleted_at IS NULL")
        assert scalar(path, "SELECT count(*) FROM search_history") == live_history, path


def tables(path: Path) -> set[str]:
    return {r[0] for r in sql(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def revision(path: Path) -> str | None:
    rows = sql(path, "SELECT version_num FROM alembic_version")
    return rows[0][0] if rows else None


def count(path: Path, table: str) -> int:
    return scalar(path, f"SELECT count(*) FROM {table}")  # type: ignore[return-value]


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (the search index aside), in a stable order."""
    out = {}
    for t in sorted(tables(path)):
        if t.startswith(("search_", "sqlite_")):
            continue
        columns = ", ".join(f'"{r[1]}"' for r in sql(path, f"PRAGMA table_info({t})"))
        out[t] = sql(path, f"SELECT * FROM {t} ORDER BY {columns}")
    return out


def file_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def build_baseline(path: Path) -> None:
    """A database at the first released schema (0001), built the way that release built it."""
    db = connect(path)
    try:
        cfg = migrate.alembic_config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001")
    finally:
        db.close()


# --- a child process to kill ------------------------------------------------------------------

class Child:
    """A Python child running `code` (with the project importable) whose stdout lines the test
    waits for, so a SIGKILL lands at a known stage of the work."""

    def __init__(self, tmp_path: Path, code: str, *args: str):
        script = tmp_path / f"child_{time.monotonic_ns()}.py"
        script.write_text(textwrap.dedent(code))
        env = os.environ | {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *args], cwd=ROOT, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        self._buffer = b""
        self.lines: list[str] = []

    def wait_for(self, prefix: str, timeout: float = 60) -> str:
        """Block until the child prints a line starting with `prefix`; return that line."""
        deadline = time.monotonic() + timeout
        while True:
            for i, line in enumerate(self.lines):
                if line.startswith(prefix):
                    del self.lines[:i + 1]
                    return line
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"child never printed {prefix!r}: {self.stderr()}")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                self.proc.wait()
                raise AssertionError(f"child exited ({self.proc.returncode}) before printing "
                                     f"{prefix!r}: {self.stderr()}")
            self._buffer += chunk
            *done, self._buffer = self._buffer.split(b"\n")
            self.lines += [d.decode() for d in done]

    def send(self, line: str) -> None:
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def kill(self) -> bool:
        """SIGKILL the child; True if it was still running (the kill interrupted it)."""
        running = self.proc.poll() is None
        if running:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.close()
        return running

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read().decode(errors="replace")[-3000:]

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        if not self.proc.stdout.closed:
            self.close()


# --- contacts for the edit tests ----------------------------------------------------------------

# What a read fills in by itself, so it is not part of what the user saved.
NOT_SAVED = {"created_at", "updated_at", "deleted_at", "account_name", "version"}


def saved_fields(contact: Contact) -> dict[str, object]:
    return {f.name: getattr(contact, f.name) for f in fields(Contact)
            if f.name not in NOT_SAVED}


def two_versions(base: Contact) -> tuple[Contact, Contact]:
    """Two full edits of one contact that differ in every one of ten-plus fields, child lists
    of different lengths included, so any mix of the two is visible."""
    a = replace(
        base, given="Ada", family="Lovelace", title="Analyst", department="Engines",
        notes="version A\nsecond line", birthday=PartialDate(12, 10, 1815),
        status=ContactStatus.CUSTOMER, tags=["alpha", "shared"],
        phones=[Phone("+44 20 7946 0001", "work", True), Phone("+44 7700 900001", "mobile")],
        emails=[Email("ada@a.example", "work", True)],
        addresses=[Address("1 A Street", "London", "", "N1 1AA", "UK")])
    b = replace(
        base, given="Grace", family="Hopper", title="Admiral", department="Navy",
        notes="version B", birthday=PartialDate(9, 12, 1906),
        status=ContactStatus.PROSPECT, tags=["beta"],
        phones=[Phone("+1 202 555 0102", "home")],
        emails=[Email("grace@b.example", "home"), Email("gh@b.example", "work", True)],
        addresses=[Address("2 B Road", "Arlington", "VA", "22202", "USA", label="home"),
                   Address("PO 9", "Arlington", "VA", "22203", "USA", label="other")])
    return a, b
