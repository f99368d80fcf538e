"""RELIABILITY 44: under the common umask 022 every file Rolodeck writes is 0600 and every
folder it creates is 0700: contact data is personal."""

from __future__ import annotations

import os
import shutil

import pytest

from app.domain.contact import Contact
from app.services.contacts import ContactService
from app.services.maintenance import MaintenanceService
from db.migrate import open_database
from tests.reliability.storage import build_baseline, file_mode


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_database_its_wal_and_shm_and_new_folders_are_private(tmp_path, umask_022):
    path = tmp_path / "profile" / "rolodeck" / "data" / "rolodeck.db"
    db = open_database(path)
    try:
        ContactService(db).create(Contact(given="Private"))  # so the WAL holds a frame
        wal, shm = path.with_name("rolodeck.db-wal"), path.with_name("rolodeck.db-shm")
        assert wal.exists() and shm.exists()  # the connection is still open
        assert {p.name: file_mode(p) for p in (path, wal, shm)} == {
            "rolodeck.db": 0o600, "rolodeck.db-wal": 0o600, "rolodeck.db-shm": 0o600}
        for folder in (path.parent, path.parent.parent, path.parent.parent.parent):
            assert file_mode(folder) == 0o700, folder
    finally:
        db.close()


def test_a_backup_and_its_new_folder_are_private(db, tmp_path, umask_022):
    dest = MaintenanceService(db).backup(tmp_path / "exports" / "friday" / "rolodeck.db")
    assert file_mode(dest) == 0o600
    assert file_mode(dest.parent) == 0o700
    assert file_mode(dest.parent.parent) == 0o700
    assert not list(dest.parent.glob(".*partial"))


def test_the_automatic_pre_migration_backup_and_its_folder_are_private(tmp_path, umask_022):
    template = tmp_path / "template.db"
    build_baseline(template)
    path = tmp_path / "rolodeck.db"
    shutil.copyfile(template, path)
    os.chmod(path, 0o600)
    open_database(path).close()
    folder = tmp_path / "backups"
    saved = list(folder.iterdir())
    assert len(saved) == 1
    assert file_mode(folder) == 0o700
    assert file_mode(saved[0]) == 0o600
