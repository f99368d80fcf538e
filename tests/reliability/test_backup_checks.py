"""RELIABILITY 7 and 37: a backup is only reported once it is known to restore; a damaged
source is said to be damaged; an existing file is never silently replaced; a restore never
copies a database onto itself, and never waits forever for another program's lock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time

import pytest

from app.domain.contact import Contact, Phone
from app.domain.errors import CorruptDatabaseError, DatabaseLockedError, StorageError
from app.services.contacts import ContactService
from app.services.maintenance import MaintenanceService
from db import backup as backups
from db.migrate import open_database
from tests.reliability.files import cli, listing, one_line, rows, sha256
from tests.reliability.storage import Child, build_baseline, revision


def _many(db, n: int = 3000) -> None:
    ContactService(db).bulk_create(
        [Contact(given=f"Many{i}", family="People", notes="n" * 300,
                 phones=[Phone(f"+1 555 {i:07d}")]) for i in range(n)])


def _damage_a_data_page(path) -> None:
    """Garbage over one leaf page of the contacts table: the schema and the first page stay
    intact, so the file opens, as a disk's bad sector would leave it."""
    conn = sqlite3.connect(path)
    pages = [r[0] for r in conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'contacts' AND pagetype = 'leaf' "
        "ORDER BY pageno")]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(path, "r+b") as f:
        f.seek((pages[len(pages) // 2] - 1) * page_size + 8)
        f.write(bytes(range(256)) * (page_size // 256 - 1))  # the same damage every run


def test_a_backup_of_a_damaged_database_is_refused_and_says_the_source_is_damaged(db_path,
                                                                                   tmp_path):
    db = open_database(db_path)
    _many(db)
    db.close()
    _damage_a_data_page(db_path)
    dest = tmp_path / "out" / "monday.db"

    result = cli("--db", db_path, "backup", dest)
    assert result.returncode == 1
    line = one_line(result)
    # Said when the backup's check finds it, or when opening the file already does.
    assert f"{db_path} is damaged" in line, line
    assert not dest.exists()
    assert listing(dest.parent) == []  # no partial copy, no journal


def test_a_copy_that_does_not_check_out_is_not_given_the_name(db, tmp_path, monkeypatch):
    real_copy = backups._copy

    def copy_then_lose_a_table(source, tmp):
        counts = real_copy(source, tmp)
        conn = sqlite3.connect(tmp)
        with conn:
            conn.execute("DELETE FROM settings")
        conn.close()
        return counts | {"settings": counts.get("settings", 0) + 1}

    monkeypatch.setattr(backups, "_copy", copy_then_lose_a_table)
    dest = tmp_path / "out" / "b.db"
    with pytest.raises(StorageError, match="did not check out"):
        MaintenanceService(db).backup(dest)
    assert listing(tmp_path / "out") == []


def test_an_upgrade_does_not_proceed_when_its_safety_copy_fails(tmp_path):
    path = tmp_path / "rolodeck.db"
    build_baseline(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO settings(key, value) VALUES (?, ?)",
            [(f"k{i}", "v" * 400) for i in range(3000)])
    conn.close()
    conn = sqlite3.connect(path)
    pages = [r[0] for r in conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'settings' AND pagetype = 'leaf'")]
    conn.close()
    with open(path, "r+b") as f:
        f.seek((pages[len(pages) // 2] - 1) * 4096 + 8)
        f.write(bytes(range(256)) * 15)

    with pytest.raises(CorruptDatabaseError) as refused:
        open_database(path)
    message = str(refused.value)
    assert "is damaged" in message and "was not upgraded" in message, message
    assert revision(path) == "0001"
    assert list((tmp_path / "backups").iterdir()) == []


def test_an_existing_file_is_replaced_only_with_force(db, db_path, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a backup")
    old_backup = MaintenanceService(db).backup(tmp_path / "old.db")
    ContactService(db).create(Contact(given="Later"))
    for existing in (notes, old_backup):
        before = sha256(existing)
        result = cli("--db", db_path, "backup", existing)
        assert result.returncode == 1
        assert "already exists" in one_line(result) and "--force" in one_line(result)
        assert sha256(existing) == before
    assert {n for n in os.listdir(tmp_path) if not n.endswith(("-wal", "-shm"))} == {
        "notes.txt", "old.db", "rolodeck.db"}

    forced = cli("--db", db_path, "backup", "--force", old_backup)
    assert forced.returncode == 0, forced.stderr
    assert rows(old_backup, "contacts") == 1


def test_a_backup_onto_the_database_itself_is_refused_by_any_name(db, db_path, tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    hard = tmp_path / "hard.db"
    os.link(db_path, hard)
    for name in (db_path, link, hard, tmp_path / "sub" / ".." / "rolodeck.db"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(StorageError, match="cannot overwrite the database it copies"):
            MaintenanceService(db).backup(name, force=True)


def test_a_restore_of_the_database_onto_itself_is_refused_by_any_name(db, db_path, tmp_path):
    ContactService(db).create(Contact(given="Kept"))
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    hard = tmp_path / "hard.db"
    os.link(db_path, hard)
    (tmp_path / "sub").mkdir()
    for name in (db_path, link, hard, tmp_path / "sub" / ".." / "rolodeck.db"):
        with pytest.raises(StorageError, match="is the database itself"):
            MaintenanceService(db).restore(name)
    assert not (tmp_path / "backups").exists()  # not even a safety copy was needed
    assert rows(db_path, "contacts") == 1


LOCKER = """
    import sqlite3
    import sys

    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO settings(key, value) VALUES ('locker', 'was here')")
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_a_restore_gives_up_on_another_programs_lock_after_the_busy_timeout(db_path,
                                                                            tmp_path):
    source = tmp_path / "saved.db"
    shutil.copyfile(db_path, source)
    db = open_database(db_path, busy_timeout_ms=300)
    outcome: list[BaseException | None] = []

    def restore() -> None:
        try:
            MaintenanceService(db).restore(source)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    try:
        with Child(tmp_path, LOCKER, str(db_path)) as locker:
            locker.wait_for("locked")
            started = time.monotonic()
            worker = threading.Thread(target=restore, daemon=True)
            worker.start()
            worker.join(timeout=30)
            waited = time.monotonic() - started
            assert not worker.is_alive(), "restore still waiting after 30 s"
    finally:
        worker.join(timeout=30)
        db.close()
    assert isinstance(outcome[0], DatabaseLockedError), outcome
    assert "waited for it and gave up" in str(outcome[0])
    assert 0.25 <= waited < 10
