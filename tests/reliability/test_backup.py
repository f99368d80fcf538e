"""RELIABILITY 7: a backup taken while another connection keeps writing is a consistent
snapshot, private, at its schema version, and restores exactly what it holds."""

from __future__ import annotations

import threading

import pytest

from app.domain.contact import Contact, Email, Phone
from app.services.contacts import ContactService
from app.services.directory import Directory
from app.services.maintenance import MaintenanceService
from db.migrate import head, open_database
from tests.reliability.storage import (
    assert_consistent,
    count,
    file_mode,
    revision,
    sql,
)

PER_WRITE = 5  # contacts per transaction: a snapshot that splits one would show a remainder
BASE = 20_000


def _people(prefix: str, n: int) -> list[Contact]:
    return [Contact(given=f"{prefix}{i}", family="Person", phones=[Phone(f"+1 555 {i:07d}")],
                    emails=[Email(f"{prefix.lower()}{i}@x.example")]) for i in range(n)]


class Writer(threading.Thread):
    """Another connection (its own engine) adding contacts in small transactions."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.db = open_database(path)
        self.stop = threading.Event()
        self.commits = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        svc = ContactService(self.db)
        try:
            while not self.stop.is_set():
                svc.bulk_create(_people(f"W{self.commits}x", PER_WRITE))
                self.commits += 1
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc

    def finish(self) -> None:
        self.stop.set()
        self.join(timeout=30)
        self.db.close()
        assert self.error is None, self.error


def _uids(path) -> set[str]:
    return {r[0] for r in sql(path, "SELECT uid FROM contacts")}


def _check_snapshot(backup, before: int, after: int) -> None:
    assert_consistent(backup)
    assert file_mode(backup) == 0o600
    assert revision(backup) == head()
    assert sql(backup, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    in_backup = count(backup, "contacts")
    assert before <= in_backup <= after
    assert (in_backup - BASE) % PER_WRITE == 0, "the backup holds part of a transaction"
    assert count(backup, "contact_phones") == in_backup


def test_backup_under_concurrent_writes_is_a_consistent_snapshot_and_restores(db, db_path,
                                                                              tmp_path):
    # Big enough that the copy takes a while and several commits land while it runs.
    ContactService(db).bulk_create(_people("Base", BASE))
    maintenance = MaintenanceService(db)
    writer = Writer(db_path)
    writer.start()
    try:
        while writer.commits < 10 and writer.is_alive():
            threading.Event().wait(0.01)
        # A few tries at most: what is being tested is a backup that overlapped commits.
        for attempt in range(5):
            before = count(db_path, "contacts")
            backup = maintenance.backup(tmp_path / "saved" / f"monday{attempt}.db")
            after = count(db_path, "contacts")
            _check_snapshot(backup, before, after)
            if after > before:
                break
        else:
            pytest.fail("no write ever ran alongside the backup; nothing tested")
    finally:
        writer.finish()
    backed_up = _uids(backup)

    other_path = tmp_path / "other" / "other.db"
    other = open_database(other_path)
    try:
        ContactService(other).bulk_create(_people("Replaced", 7))
        replaced = _uids(other_path)
        safety = MaintenanceService(other).restore(backup)
        assert _uids(other_path) == backed_up
        # Views of the restored database work, the search index included.
        assert Directory(other).search("Base123 Person")[0].title == "Base123 Person"
        assert Directory(other).search("Replaced3") == []
    finally:
        other.close()
    assert_consistent(other_path)
    assert revision(other_path) == head()

    assert safety.parent == other_path.parent / "backups"
    assert "before-restore" in safety.name
    assert file_mode(safety) == 0o600
    assert_consistent(safety)
    assert _uids(safety) == replaced
