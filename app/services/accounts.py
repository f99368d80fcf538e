"""Account (company) use cases."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.account import Account
from app.domain.changes import ChangeSet, Entity
from app.domain.errors import ValidationError
from db.database import Database
from db.repositories import accounts as repo


class AccountService:
    def __init__(self, db: Database):
        self._db = db

    def get(self, account_id: int, *, include_deleted: bool = False) -> Account:
        with self._db.read() as s:
            return repo.get(s, account_id, include_deleted=include_deleted)

    def create(self, account: Account) -> ChangeSet:
        account.validate()
        with self._db.write(f"saving {account.name}") as s:
            aid = repo.add(s, account)
        return ChangeSet.of(inserted={Entity.ACCOUNT: [aid]})

    def update(self, account: Account) -> ChangeSet:
        if account.id is None:
            raise ValidationError("Only a saved account can be updated")
        account.validate()
        with self._db.write(f"saving {account.name}") as s:
            renamed = repo.save(s, account)
        # Contacts show their company's name, so a rename changes how they look too.
        return ChangeSet.of(updated={Entity.ACCOUNT: [account.id], Entity.CONTACT: renamed})

    def delete(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.write("moving accounts to the trash") as s:
            changed = repo.set_deleted(s, ids, deleted=True)
        return ChangeSet.of(deleted={Entity.ACCOUNT: changed})

    def restore(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.write("restoring accounts from the trash") as s:
            changed = repo.set_deleted(s, ids, deleted=False)
        return ChangeSet.of(inserted={Entity.ACCOUNT: changed})

    def purge(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.write("deleting accounts for good") as s:
            gone = repo.purge(s, ids)
        not_in_trash = set(ids) - set(gone)
        if not_in_trash:
            raise ValidationError(
                f"Account {min(not_in_trash)} is not in the trash; move it there first")
        return ChangeSet.of(deleted={Entity.ACCOUNT: gone})
