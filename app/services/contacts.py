"""Contact use cases. Each is one transaction and returns the ChangeSet views refresh from."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.changes import ChangeSet, Entity
from app.domain.contact import Contact
from app.domain.errors import ValidationError
from app.services.progress import CancelToken, Progress, no_progress
from db.database import Database
from db.repositories import bulk
from db.repositories import contacts as repo

BULK_CHUNK = 5000


class ContactService:
    def __init__(self, db: Database):
        self._db = db

    def get(self, contact_id: int, *, include_deleted: bool = False) -> Contact:
        with self._db.read() as s:
            return repo.get(s, contact_id, include_deleted=include_deleted)

    def create(self, contact: Contact) -> ChangeSet:
        contact.validate()
        with self._db.write(f"saving {contact.display_name}") as s:
            cid = repo.add(s, contact)
        return ChangeSet.of(inserted={Entity.CONTACT: [cid]})

    def update(self, contact: Contact) -> ChangeSet:
        if contact.id is None:
            raise ValidationError("Only a saved contact can be updated")
        contact.validate()
        with self._db.write(f"saving {contact.display_name}") as s:
            repo.save(s, contact)
        return ChangeSet.of(updated={Entity.CONTACT: [contact.id]})

    def bulk_create(self, contacts: Sequence[Contact], cancel: CancelToken | None = None,
                    progress: Progress = no_progress) -> ChangeSet:
        """All or nothing, in one transaction: a cancel or a crash leaves none of them."""
        for i, c in enumerate(contacts, 1):
            try:
                c.validate()
            except ValidationError as exc:
                raise ValidationError(f"Contact {i} ({c.display_name or 'unnamed'}): {exc}") \
                    from exc
        ids: list[int] = []
        with self._db.write(f"adding {len(contacts)} contacts") as s:
            for start in range(0, len(contacts), BULK_CHUNK):
                if cancel:
                    cancel.raise_if_set()
                ids += bulk.add_contacts(s, contacts[start:start + BULK_CHUNK])
                progress(len(ids), len(contacts))
        return ChangeSet.of(inserted={Entity.CONTACT: ids})

    def delete(self, ids: Sequence[int]) -> ChangeSet:
        """Move to the trash; restore() brings them back."""
        with self._db.write("moving contacts to the trash") as s:
            changed = repo.set_deleted(s, ids, deleted=True)
        return ChangeSet.of(deleted={Entity.CONTACT: changed})

    def restore(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.write("restoring contacts from the trash") as s:
            changed = repo.set_deleted(s, ids, deleted=False)
        return ChangeSet.of(inserted={Entity.CONTACT: changed})

    def purge(self, ids: Sequence[int]) -> ChangeSet:
        """Delete for good. Only contacts already in the trash can be purged."""
        with self._db.write("deleting contacts for good") as s:
            gone = repo.purge(s, ids)
        not_in_trash = set(ids) - set(gone)
        if not_in_trash:
            raise ValidationError(
                f"Contact {min(not_in_trash)} is not in the trash; move it there first")
        return ChangeSet.of(deleted={Entity.CONTACT: gone})

    def link_account(self, contact_ids: Sequence[int], account_id: int) -> ChangeSet:
        with self._db.write("linking contacts to an account") as s:
            repo.link_account(s, contact_ids, account_id)
        return ChangeSet.of(updated={Entity.CONTACT: contact_ids})

    def unlink_account(self, contact_ids: Sequence[int]) -> ChangeSet:
        with self._db.write("unlinking contacts from their account") as s:
            repo.link_account(s, contact_ids, None)
        return ChangeSet.of(updated={Entity.CONTACT: contact_ids})
