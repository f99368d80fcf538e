"""Automatic safety copies do not fill the disk."""

from __future__ import annotations

import os

from db import backup as backups
from db.engine import create_private_file


def test_only_the_newest_automatic_backups_are_kept(db):
    folder = db.file.parent / "backups"
    made = [backups.automatic_backup(db, "before-restore", keep=3) for _ in range(5)]
    other = backups.automatic_backup(db, "pre-9999", keep=3)
    left = sorted(p.name for p in folder.glob("*.db"))
    assert left == sorted(p.name for p in [*made[-3:], other])  # per reason, newest kept
    for path in made[-3:]:
        backups.check_file(path)


def test_a_half_written_backup_left_by_a_crash_is_cleared(db):
    folder = db.file.parent / "backups"
    folder.mkdir(mode=0o700)
    stale = folder / f".{db.file.stem}.before-restore.20260101T000000000000Z.db.0badc0de.partial"
    create_private_file(stale)
    os.utime(stale, (1_700_000_000, 1_700_000_000))  # long ago: its writer is gone
    unrelated = folder / "notes.txt"
    unrelated.write_text("mine")
    backups.automatic_backup(db, "before-restore")
    assert not stale.exists() and unrelated.exists()
