"""All services over one open database: what main.py builds and hands to the UI or CLI.

Each service is built, and its module imported, the first time it is asked for: a command
that only searches need not import every use case and the repositories and tables behind
them, which cost a short command more than its own work."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from db import upkeep
from db.database import Database
from db.migrate import open_database

if TYPE_CHECKING:
    from app.services.accounts import AccountService
    from app.services.activities import ActivityService
    from app.services.contacts import ContactService
    from app.services.directory import Directory
    from app.services.exchange import ExchangeService
    from app.services.feed import ChangeFeed
    from app.services.imports import ImportService
    from app.services.journal import JournalService
    from app.services.maintenance import MaintenanceService
    from app.services.organize import OrganizeService
    from app.services.quotes import QuoteService
    from app.services.relationships import RelationshipService
    from app.services.timeline import TimelineService
    from app.services.today import TodayService


class Services:
    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def over(cls, db: Database) -> Services:
        return cls(db)

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

    @cached_property
    def feed(self) -> ChangeFeed:
        from app.services.feed import ChangeFeed

        return ChangeFeed(self.db)

    @cached_property
    def contacts(self) -> ContactService:
        from app.services.contacts import ContactService

        return ContactService(self.db)

    @cached_property
    def accounts(self) -> AccountService:
        from app.services.accounts import AccountService

        return AccountService(self.db)

    @cached_property
    def directory(self) -> Directory:
        from app.services.directory import Directory

        return Directory(self.db)

    @cached_property
    def organize(self) -> OrganizeService:
        from app.services.organize import OrganizeService

        return OrganizeService(self.db)

    @cached_property
    def relationships(self) -> RelationshipService:
        from app.services.relationships import RelationshipService

        return RelationshipService(self.db)

    @cached_property
    def timeline(self) -> TimelineService:
        from app.services.timeline import TimelineService

        return TimelineService(self.db)

    @cached_property
    def activities(self) -> ActivityService:
        from app.services.activities import ActivityService

        return ActivityService(self.db)

    @cached_property
    def quotes(self) -> QuoteService:
        from app.services.quotes import QuoteService

        return QuoteService(self.db)

    @cached_property
    def today(self) -> TodayService:
        from app.services.today import TodayService

        # The same activity and quote services the others use, not copies.
        return TodayService(self.db, self.activities, self.quotes)

    @cached_property
    def maintenance(self) -> MaintenanceService:
        from app.services.maintenance import MaintenanceService

        return MaintenanceService(self.db)

    @cached_property
    def journal(self) -> JournalService:
        from app.services.journal import JournalService

        return JournalService(self.db)

    @cached_property
    def exchange(self) -> ExchangeService:
        from app.services.exchange import ExchangeService

        return ExchangeService(self.db)

    @cached_property
    def imports(self) -> ImportService:
        from app.services.imports import ImportService

        return ImportService(self.db)

    @property
    def path(self) -> Path:
        return self.db.require_file("naming its file")

    def close(self) -> None:
        self.db.close()
