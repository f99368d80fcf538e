"""Helpers for the tests of the edges every command meets (RELIABILITY 49-52): what a file
looks like from outside, and the command line as a user runs it."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.reliability.storage import ROOT

# The journal files SQLite may leave beside a database.
COMPANIONS = ("-wal", "-shm", "-journal")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    """Every name under `folder`, as bytes-faithful strings, recursively."""
    out = []
    for here, dirs, files in os.walk(folder):
        rel = os.path.relpath(here, folder)
        out += [os.path.normpath(os.path.join(rel, n)) for n in dirs + files]
    return sorted(out)


def ro_sql(path: Path, query: str) -> list[tuple]:
    """A query that cannot change the file (mode=ro, through a percent-encoded URI)."""
    from db.engine import sqlite_uri

    conn = sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def rows(path: Path, table: str) -> int:
    return ro_sql(path, f"SELECT count(*) FROM {table}")[0][0]


def cli(*args: str | bytes | Path, cwd: Path | None = None, user: str | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess:
    """`rolodeck ARGS` in a child process, as a user types it; `user` runs it as that
    unprivileged user (root ignores file modes)."""
    env = os.environ | {"PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, str(ROOT / "main.py"), *map(os.fsencode, args)]
    if user:
        command = ["setpriv", f"--reuid={user}", "--regid=nogroup", "--clear-groups",
                   *command]
    return subprocess.run(command, cwd=cwd or ROOT, env=env, capture_output=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def one_line(result: subprocess.CompletedProcess) -> str:
    """The single line a refusal prints on stderr (and no traceback)."""
    err = result.stderr.decode(errors="replace")
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("rolodeck: "), err
    return lines[0]
