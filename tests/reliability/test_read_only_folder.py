"""RELIABILITY 5: a WAL database in a folder the user may not write (or on a read-only mount)
opens read-only, as a read-only file does; where SQLite cannot read it without writing beside
it, one line says why. Run as an unprivileged user in a child process: root ignores modes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.domain.contact import Contact
from app.services.contacts import ContactService
from db.migrate import open_database
from tests.reliability.files import cli, listing, one_line, sha256
from tests.reliability.storage import ROOT

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root to become another user (setpriv)")

CRASHED_WRITER = """
import os
import sqlite3
import sys

conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint=0")  # the new rows stay in the -wal
conn.execute("INSERT INTO settings(key, value) VALUES ('only-in-wal', 'yes')")
os._exit(0)  # killed: no checkpoint, -wal and -shm left behind
"""


@pytest.fixture
def shared_folder():
    """A folder nobody may read but not write (tmp_path's parents are closed to nobody)."""
    folder = Path(tempfile.mkdtemp(prefix="rolodeck-ro-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder)


def _database(folder: Path, contacts: int = 3) -> Path:
    path = folder / "rolodeck.db"
    db = open_database(path)
    try:
        ContactService(db).bulk_create([Contact(given=f"Shared{i}") for i in range(contacts)])
    finally:
        db.close()
    return path


def _readable(folder: Path) -> None:
    for name in os.listdir(folder):
        os.chmod(folder / name, 0o644)


def _as_nobody(path: Path, *command: str):
    return cli("--db", path, *command, user="nobody")


def test_a_closed_wal_database_in_a_read_only_folder_opens_for_reading(shared_folder):
    path = _database(shared_folder)
    _readable(shared_folder)
    before, names = sha256(path), listing(shared_folder)

    shown = _as_nobody(path, "stats", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["contacts"] == 3
    edit = _as_nobody(path, "demo", "--contacts", "2", "--force")
    assert edit.returncode == 1
    assert "read-only" in one_line(edit)
    assert sha256(path) == before and listing(shared_folder) == names


def test_changes_left_in_the_wal_are_read_when_the_shm_is_there(shared_folder):
    path = _database(shared_folder)
    crashed = subprocess.run([sys.executable, "-c", CRASHED_WRITER, str(path)], cwd=ROOT)
    assert crashed.returncode == 0
    assert sorted(os.listdir(shared_folder)) == ["rolodeck.db", "rolodeck.db-shm",
                                                 "rolodeck.db-wal"]
    _readable(shared_folder)
    before = {n: sha256(shared_folder / n) for n in ("rolodeck.db", "rolodeck.db-wal")}

    probe = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable,
         "-c", "import sys; from db.migrate import open_database; "
               "db = open_database(sys.argv[1]); "
               "from sqlalchemy import text\n"
               "with db.read() as s: print(db.read_only, s.execute(text("
               "\"SELECT value FROM settings WHERE key = 'only-in-wal'\")).scalar())",
         str(path)], cwd=ROOT, capture_output=True, env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.decode().split() == ["True", "yes"]
    assert {n: sha256(shared_folder / n) for n in before} == before


def test_changes_left_in_the_wal_without_the_shm_are_explained(shared_folder):
    path = _database(shared_folder)
    subprocess.run([sys.executable, "-c", CRASHED_WRITER, str(path)], cwd=ROOT, check=True)
    os.unlink(shared_folder / "rolodeck.db-shm")
    _readable(shared_folder)
    before, names = sha256(path), listing(shared_folder)

    result = _as_nobody(path, "stats")
    assert result.returncode == 1
    line = one_line(result)
    assert "not closed cleanly" in line and "rolodeck.db-wal" in line, line
    assert "where the folder is writable" in line, line
    assert sha256(path) == before and listing(shared_folder) == names
