"""Backup, restore and statistics."""

from __future__ import annotations

from pathlib import Path

from app.domain.errors import ReadOnlyDatabaseError, StorageError
from db import backup as backups
from db import migrate, upkeep
from db.database import Database
from db.engine import connect, examine, same_file
from db.errors import shown
from db.queries import stats
from db.unit import Origin

__all__ = ["MaintenanceService", "shown"]


class MaintenanceService:
    def __init__(self, db: Database):
        self._db = db

    def stats(self) -> dict[str, int]:
        with self._db.read() as s:
            return stats.counts(s.connection())

    def backup(self, dest: Path | str, *, force: bool = False) -> Path:
        """A consistent copy (mode 0600), safe while the app or another process writes, and
        checked before it is reported. An existing file at `dest`, of whatever kind, is only
        replaced with `force`."""
        return backups.backup(self._db, Path(dest), force=force)

    def restore(self, source: Path | str) -> Path:
        """Replace the current data with a backup's. The current data is first saved as an
        automatic backup, whose path is returned, so a restore can itself be undone."""
        source = Path(source).expanduser().absolute()
        if examine(source) is None:  # a folder, a device, an empty file: refused here
            raise StorageError(f"{shown(source)} does not exist.")
        if same_file(source, self._db.require_file("restoring a backup")):
            raise StorageError(
                f"{shown(source)} is the database itself (Rolodeck has it open as "
                f"{shown(self._db.name)}); restoring it onto itself would change nothing. "
                "Nothing was changed.")
        backups.check_file(source)
        probe = connect(source, read_only=True, create=False)
        try:
            rev = migrate.check_version(probe)  # refuses a backup from a newer Rolodeck
        finally:
            probe.close()
        if rev is None:
            raise StorageError(
                f"{shown(source)} is not a Rolodeck backup (it has no Rolodeck schema)")
        if self._db.read_only:
            raise ReadOnlyDatabaseError(
                f"{shown(self._db.name)} is read-only, so it cannot be restored into")
        safety = backups.automatic_backup(self._db, "before-restore")
        backups.copy_into(source, self._db)
        migrate.upgrade(self._db)  # an older backup comes up to this version's schema
        upkeep.run(self._db)  # and its sort keys and search index to this version's rules
        # The journal now is the backup's; this unit tells whoever reads it (sync, another
        # window, a team server) that everything may have changed.
        with self._db.unit(f"Restore from {source.name}", Origin.RESTORE) as tx:
            tx.everything()
        return safety
