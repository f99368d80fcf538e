"""RELIABILITY 50 and 38: a file Rolodeck refuses stays exactly as it was. Another program's
SQLite file (rollback journal or WAL), a newer Rolodeck's database, a damaged one, an empty or
one-byte file, a database whose schema record is damaged: one clear line, the same sha256, and
no -wal, -shm or -journal left beside it. Before the fix, a foreign SQLite file was switched to
WAL (its header changed) before the refusal said "this version will not change the file"."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from app.domain.errors import RolodeckError
from db.migrate import open_database
from tests.reliability.files import cli, listing, one_line, sha256


def _other_app(path, journal: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={journal}")
    with conn:
        conn.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO notes(body) VALUES (?)", [("x" * 500,)] * 50)
    conn.close()


def _rolodeck(template, path, *statements: str) -> None:
    shutil.copyfile(template, path)
    conn = sqlite3.connect(path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _overwrite(path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def _truncate(template, path) -> None:
    _rolodeck(template, path)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


# name -> (how to make it, what the one line says)
KINDS = {
    "empty": (lambda t, p: p.write_bytes(b""), "is an empty file, not a Rolodeck database"),
    "one byte": (lambda t, p: p.write_bytes(b"R"), "not an SQLite file at all"),
    "text": (lambda t, p: p.write_text("BEGIN:VCARD\nFN:Ada\nEND:VCARD\n" * 20),
             "not an SQLite file at all"),
    "other app, rollback journal": (lambda t, p: _other_app(p, "DELETE"),
                                    "an SQLite file, but not a Rolodeck database"),
    "other app, WAL": (lambda t, p: _other_app(p, "WAL"),
                       "an SQLite file, but not a Rolodeck database"),
    "newer Rolodeck": (
        lambda t, p: _rolodeck(t, p, "UPDATE alembic_version SET version_num = 'ff99'"),
        "newer version of Rolodeck (schema ff99)"),
    "damaged first page": (
        lambda t, p: (_rolodeck(t, p), _overwrite(p, 100, b"\xa5" * 3000)),
        "is damaged or is not a Rolodeck database"),
    "cut short": (_truncate, "is damaged: the file is shorter than its own header says"),
    "no schema record": (
        lambda t, p: _rolodeck(t, p, "DELETE FROM alembic_version",
                               "INSERT INTO settings(key, value) VALUES ('k', 'v')"),
        "schema record is damaged (alembic_version holds 0 rows, not one)"),
    "two schema records": (
        lambda t, p: _rolodeck(t, p, "INSERT INTO alembic_version VALUES ('0001')"),
        "schema record is damaged (alembic_version holds 2 rows, not one)"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_file_is_left_exactly_as_it_was(kind, template_db, tmp_path):
    make, says = KINDS[kind]
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "rolodeck.db"
    make(template_db, path)
    before, names = sha256(path), listing(folder)
    header = path.read_bytes()[:100]

    for attempt in (lambda: open_database(path), lambda: open_database(path, migrate=False)):
        with pytest.raises(RolodeckError) as refused:
            attempt()
        message = str(refused.value)
        assert says in message and str(path) in message and "\n" not in message, message

    result = cli("--db", path, "stats")
    assert result.returncode == 1
    line = one_line(result)
    assert says in line, line

    assert path.read_bytes()[:100] == header  # in particular, not switched to WAL
    assert sha256(path) == before
    assert listing(folder) == names  # no -wal, -shm, -journal, backups folder


def test_an_empty_file_rolodeck_did_not_make_is_not_taken_for_a_new_database(tmp_path):
    # Rolodeck never leaves an empty file where a database goes (a new one is built beside it
    # and linked into place), so an empty file there is someone else's.
    path = tmp_path / "placeholder.db"
    path.touch()
    with pytest.raises(RolodeckError, match="delete the empty file or choose another name"):
        open_database(path)
    assert path.stat().st_size == 0 and listing(tmp_path) == ["placeholder.db"]


def test_a_new_database_appears_complete_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "new" / "rolodeck.db"
    open_database(path).close()
    assert listing(tmp_path) == ["new", "new/rolodeck.db"]
    assert sqlite3.connect(path).execute("SELECT count(*) FROM alembic_version").fetchone() \
        == (1,)
