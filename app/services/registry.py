"""All services over one open database: what main.py builds and hands to the UI or CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.services.accounts import AccountService
from app.services.activities import ActivityService
from app.services.contacts import ContactService
from app.services.directory import Directory
from app.services.journal import JournalService
from app.services.maintenance import MaintenanceService
from app.services.organize import OrganizeService
from app.services.quotes import QuoteService
from app.services.timeline import TimelineService
from app.services.today import TodayService
from db import upkeep
from db.database import Database
from db.migrate import open_database


@dataclass
class Services:
    db: Database
    contacts: ContactService
    accounts: AccountService
    directory: Directory
    organize: OrganizeService
    timeline: TimelineService
    activities: ActivityService
    quotes: QuoteService
    today: TodayService
    maintenance: MaintenanceService
    journal: JournalService

    @classmethod
    def over(cls, db: Database) -> Services:
        activities = ActivityService(db)
        quotes = QuoteService(db)
        return cls(db, ContactService(db), AccountService(db), Directory(db),
                   OrganizeService(db), TimelineService(db), activities, quotes,
                   TodayService(db, activities, quotes), MaintenanceService(db),
                   JournalService(db))

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Services:
        """Open (create, upgrade) the database at `path` and build the services over it.
        With `create=False` a missing file is MissingDatabaseError and nothing is created,
        neither the file nor its folders: what reading commands want for a mistyped path."""
        db = open_database(path, create=create)
        try:
            upkeep.run(db)
        except BaseException:
            db.close()
            raise
        return cls.over(db)

    @property
    def path(self) -> Path:
        return self.db.require_file("naming its file")

    def close(self) -> None:
        self.db.close()
