"""Logging calls, meetings and notes, and reading a contact's or account's timeline."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.changes import ChangeSet
from app.domain.errors import ValidationError
from app.domain.history import HistoryItem
from app.domain.summaries import HistoryEntry
from app.services.wording import plural
from db.database import Database
from db.repositories import contacts as contact_repo
from db.repositories import history as repo
from db.unit import Unit


def log(tx: Unit, item: HistoryItem) -> int:
    item.validate()
    return repo.add(tx.session, item)


def edit(tx: Unit, item: HistoryItem) -> None:
    if item.id is None:
        raise ValidationError("Only a saved history item can be edited")
    item.validate()
    repo.save(tx.session, item)


class TimelineService:
    def __init__(self, db: Database):
        self._db = db

    def get(self, history_id: int) -> HistoryItem:
        with self._db.read() as s:
            return repo.get(s, history_id)

    def log(self, item: HistoryItem) -> ChangeSet:
        """Record a call, meeting, note or e-mail against contacts and/or an account."""
        with self._db.unit(f"Log {item.kind.value.replace('_', ' ')}"
                           + (f" '{item.regarding}'" if item.regarding else "")) as tx:
            log(tx, item)
        return tx.changes

    def edit(self, item: HistoryItem) -> ChangeSet:
        with self._db.unit(f"Edit {item.kind.value.replace('_', ' ')}") as tx:
            edit(tx, item)
        return tx.changes

    def delete(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.unit(f"Delete {plural(len(set(ids)), 'history item')}") as tx:
            repo.set_deleted(tx.session, ids, deleted=True)
        return tx.changes

    def restore(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.unit(f"Restore {plural(len(set(ids)), 'history item')}") as tx:
            repo.set_deleted(tx.session, ids, deleted=False)
        return tx.changes

    def for_contact(self, contact_id: int, limit: int = 100,
                    offset: int = 0) -> list[HistoryEntry]:
        with self._db.read() as s:
            contact_repo.get(s, contact_id, include_deleted=True)  # NotFoundError if unknown
            return repo.for_contact(s.connection(), contact_id, limit, offset)

    def for_account(self, account_id: int, limit: int = 100,
                    offset: int = 0) -> list[HistoryEntry]:
        with self._db.read() as s:
            return repo.for_account(s.connection(), account_id, limit, offset)
