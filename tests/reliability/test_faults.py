"""RELIABILITY 4 and 5: a full disk, a read-only file and another program's lock each end in a
clear, typed error with nothing half-saved, and the app keeps working."""

from __future__ import annotations

import dataclasses
import os
import time

import pytest
from sqlalchemy import event, text

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact, Email, Phone
from app.domain.errors import (
    DatabaseLockedError,
    DiskFullError,
    ReadOnlyDatabaseError,
)
from app.services.accounts import AccountService
from app.services.contacts import ContactService
from app.services.directory import Directory
from app.services.maintenance import MaintenanceService
from db.engine import connect
from db.migrate import open_database
from tests.reliability.storage import (
    Child,
    assert_consistent,
    count,
    saved_fields,
    scalar,
    two_versions,
)


class PageCap:
    """A size limit on the database, the way a full disk looks to SQLite (SQLITE_FULL).
    max_page_count is per connection, so it is set on every connection the engine opens, and
    the pool is emptied whenever it changes: pooled connections would keep the old limit."""

    def __init__(self, db):
        self.db = db
        self.pages: int | None = None
        event.listen(db.engine, "connect", self._on_connect)
        db.engine.dispose()

    def _on_connect(self, dbapi_conn, _record) -> None:
        if self.pages is not None:
            dbapi_conn.execute(f"PRAGMA max_page_count={self.pages}")

    def set(self, pages: int | None) -> None:
        self.pages = pages
        self.db.engine.dispose()

    def page_count(self) -> int:
        with self.db.read() as s:
            return s.execute(text("PRAGMA page_count")).scalar_one()


def _batch(n: int) -> list[Contact]:
    return [Contact(given=f"Import{i}", family="Batch", notes="x" * 200,
                    phones=[Phone(f"+1 555 {i:07d}")], emails=[Email(f"i{i}@batch.example")])
            for i in range(n)]


def test_disk_full_mid_import_keeps_everything_and_the_import_succeeds_later(db, db_path):
    svc = ContactService(db)
    kept = svc.create(Contact(given="Kept", family="Safe", phones=[Phone("+1 555 0100")]))
    kept_id = kept.new_id(Entity.CONTACT)
    svc.bulk_create(_batch(50))
    kept_before = saved_fields(svc.get(kept_id))
    contacts, phones = count(db_path, "contacts"), count(db_path, "contact_phones")
    cap = PageCap(db)
    cap.set(cap.page_count() + 40)  # ~160 KB of room: far less than the import needs
    batch = _batch(3000)

    with pytest.raises(DiskFullError) as failure:
        svc.bulk_create(batch)
    message = str(failure.value)
    assert "is full" in message and "nothing" in message and "saved" in message, message
    assert str(db_path) in message and "Add 3,000 contacts" in message, message

    # The app keeps running on the same Database, and nothing of the import is there.
    assert count(db_path, "contacts") == contacts
    assert count(db_path, "contact_phones") == phones
    assert saved_fields(svc.get(kept_id)) == kept_before
    assert len(Directory(db).contact_ids()) == contacts
    assert_consistent(db_path)

    cap.set(None)  # space freed
    svc.bulk_create(batch)
    assert count(db_path, "contacts") == contacts + 3000
    assert_consistent(db_path)


def test_disk_full_mid_edit_keeps_the_old_version(db, db_path):
    svc = ContactService(db)
    cid = svc.create(Contact(given="Edit", family="Me")).new_id(Entity.CONTACT)
    old = saved_fields(svc.get(cid))
    cap = PageCap(db)
    cap.set(cap.page_count() + 2)
    new, _ = two_versions(svc.get(cid))
    new.notes = "a long note " * 100_000  # about 1.2 MB: needs far more than two pages

    with pytest.raises(DiskFullError, match="is full"):
        svc.update(new)
    assert saved_fields(svc.get(cid)) == old
    assert_consistent(db_path)

    cap.set(None)
    svc.update(new)
    assert saved_fields(svc.get(cid)) == saved_fields(new)


def test_a_read_only_file_opens_for_reading_and_refuses_every_edit(db_path):
    db = open_database(db_path)
    svc = ContactService(db)
    cid = svc.create(Contact(given="Read", family="Only", emails=[Email("ro@x.example")])) \
        .new_id(Entity.CONTACT)
    db.close()
    os.chmod(db_path, 0o444)
    original = db_path.read_bytes()
    mtime = db_path.stat().st_mtime_ns
    if os.geteuid() == 0:
        # Root may write a 0444 file; Rolodeck must still take the owner's mode as meant.
        assert os.access(db_path, os.W_OK)

    db = open_database(db_path)
    try:
        assert db.read_only
        svc = ContactService(db)
        contact = svc.get(cid)
        assert [c.id for c in Directory(db).contacts()] == [cid]
        assert [h.id for h in Directory(db).search("Only")] == [cid]
        contact.notes = "typed before noticing"
        edits = {
            "create": lambda: svc.create(Contact(given="New")),
            "update": lambda: svc.update(contact),
            "bulk_create": lambda: svc.bulk_create([Contact(given="A"), Contact(given="B")]),
            "delete": lambda: svc.delete([cid]),
            "account": lambda: AccountService(db).create(Account(name="Acme")),
        }
        for name, edit in edits.items():
            with pytest.raises(ReadOnlyDatabaseError) as refused:
                edit()
            assert str(db_path) in str(refused.value), name
            assert "read-only" in str(refused.value), name
    finally:
        db.close()
    assert db_path.read_bytes() == original
    assert db_path.stat().st_mtime_ns == mtime
    os.chmod(db_path, 0o600)
    assert_consistent(db_path)


def test_restore_into_a_read_only_file_is_refused_as_read_only(db_path, tmp_path):
    db = open_database(db_path)
    backup = MaintenanceService(db).backup(tmp_path / "b.db")
    db.close()
    os.chmod(db_path, 0o444)
    db = open_database(db_path)
    try:
        with pytest.raises(ReadOnlyDatabaseError, match="read-only"):
            MaintenanceService(db).restore(backup)
    finally:
        db.close()


def test_sqlite_itself_refuses_a_write_on_a_read_only_connection(db_path):
    """Defence in depth: were the read-only flag ever bypassed, the connection (mode=ro) still
    refuses, and the refusal reaches the user as the same typed error."""
    db = connect(db_path, read_only=True)
    unguarded = dataclasses.replace(db, read_only=False)
    before = db_path.read_bytes()
    try:
        with pytest.raises(ReadOnlyDatabaseError, match="read-only"):
            ContactService(unguarded).create(Contact(given="Sneaky"))
    finally:
        db.close()
    assert db_path.read_bytes() == before


LOCKER = """
    import sqlite3
    import sys

    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("INSERT INTO settings(key, value) VALUES ('locker', 'was here')")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("COMMIT")
    print("released", flush=True)
    sys.stdin.readline()
"""


def test_a_lock_held_by_another_program_fails_after_the_busy_timeout_then_clears(db_path,
                                                                                  tmp_path):
    db = open_database(db_path, busy_timeout_ms=400)
    try:
        with db.read() as s:
            assert s.execute(text("PRAGMA busy_timeout")).scalar() == 400
        svc = ContactService(db)
        with Child(tmp_path, LOCKER, str(db_path)) as locker:
            locker.wait_for("locked")
            started = time.monotonic()
            with pytest.raises(DatabaseLockedError) as failure:
                svc.create(Contact(given="Waiting", family="Writer"))
            waited = time.monotonic() - started
            message = str(failure.value)
            assert "locked by another program" in message and str(db_path) in message
            assert "nothing was changed" in message
            assert waited >= 0.35, f"gave up after {waited:.2f}s, before the busy timeout"
            # WAL: reading goes on while another program holds the write lock.
            assert Directory(db).contact_ids() == []

            locker.send("release")
            locker.wait_for("released")
            svc.create(Contact(given="Waiting", family="Writer"))
            locker.send("exit")
        assert len(Directory(db).contact_ids()) == 1
    finally:
        db.close()
    assert scalar(db_path, "SELECT value FROM settings WHERE key = 'locker'") == "was here"
    assert_consistent(db_path)
