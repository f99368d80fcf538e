"""Logging calls, meetings and notes, and reading a contact's or account's timeline."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.changes import ChangeSet, Entity
from app.domain.errors import ValidationError
from app.domain.history import HistoryItem
from app.domain.summaries import HistoryEntry
from app.services.progress import CancelToken, Progress, no_progress
from db.database import Database
from db.repositories import bulk
from db.repositories import contacts as contact_repo
from db.repositories import history as repo

BULK_CHUNK = 20000


class TimelineService:
    def __init__(self, db: Database):
        self._db = db

    def get(self, history_id: int) -> HistoryItem:
        with self._db.read() as s:
            return repo.get(s, history_id)

    def log(self, item: HistoryItem) -> ChangeSet:
        """Record a call, meeting, note or e-mail against contacts and/or an account."""
        item.validate()
        with self._db.write(f"logging '{item.regarding or item.kind.value}'") as s:
            hid = repo.add(s, item)
        return ChangeSet.of(inserted={Entity.HISTORY: [hid]})

    def edit(self, item: HistoryItem) -> ChangeSet:
        if item.id is None:
            raise ValidationError("Only a saved history item can be edited")
        item.validate()
        with self._db.write("saving the history item") as s:
            repo.save(s, item)
        return ChangeSet.of(updated={Entity.HISTORY: [item.id]})

    def delete(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.write("moving history items to the trash") as s:
            changed = repo.set_deleted(s, ids, deleted=True)
        return ChangeSet.of(deleted={Entity.HISTORY: changed})

    def restore(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.write("restoring history items") as s:
            changed = repo.set_deleted(s, ids, deleted=False)
        return ChangeSet.of(inserted={Entity.HISTORY: changed})

    def bulk_log(self, items: Sequence[HistoryItem], cancel: CancelToken | None = None,
                 progress: Progress = no_progress) -> ChangeSet:
        """Many items in one transaction (imports, sample data): all or nothing."""
        for i, item in enumerate(items, 1):
            try:
                item.validate()
            except ValidationError as exc:
                raise ValidationError(f"History item {i}: {exc}") from exc
        ids: list[int] = []
        with self._db.write(f"logging {len(items)} history items") as s:
            for start in range(0, len(items), BULK_CHUNK):
                if cancel:
                    cancel.raise_if_set()
                ids += bulk.add_history(s, items[start:start + BULK_CHUNK])
                progress(len(ids), len(items))
        return ChangeSet.of(inserted={Entity.HISTORY: ids})

    def for_contact(self, contact_id: int, limit: int = 100,
                    offset: int = 0) -> list[HistoryEntry]:
        with self._db.read() as s:
            contact_repo.get(s, contact_id, include_deleted=True)  # NotFoundError if unknown
            return repo.for_contact(s.connection(), contact_id, limit, offset)

    def for_account(self, account_id: int, limit: int = 100,
                    offset: int = 0) -> list[HistoryEntry]:
        with self._db.read() as s:
            return repo.for_account(s.connection(), account_id, limit, offset)
