"""Account (company) use cases: functions that take the unit of work, and the one-call
AccountService wrappers."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.account import Account
from app.domain.changes import ChangeSet
from app.domain.errors import ValidationError
from app.services.wording import plural
from db.database import Database
from db.repositories import accounts as repo
from db.unit import Unit


def create(tx: Unit, account: Account) -> int:
    account.validate()
    return repo.add(tx.session, account)


def update(tx: Unit, account: Account) -> None:
    """Save an edited account (stating the version it was read at). A rename changes how its
    contacts look too: the unit reports them and reindexes them in one set-based pass."""
    if account.id is None:
        raise ValidationError("Only a saved account can be updated")
    account.validate()
    repo.save(tx.session, account)


def delete(tx: Unit, ids: Sequence[int]) -> list[int]:
    return repo.set_deleted(tx.session, ids, deleted=True)


def restore(tx: Unit, ids: Sequence[int]) -> list[int]:
    return repo.set_deleted(tx.session, ids, deleted=False)


def purge(tx: Unit, ids: Sequence[int]) -> list[int]:
    """Delete for good, only accounts already in the trash (checked first: nothing is
    deleted when one of them is live). Their contacts stay, without a company."""
    wanted = list(dict.fromkeys(ids))
    trashed = set(repo.trashed(tx.session, wanted))
    live = [i for i in wanted if i not in trashed]
    if live:
        raise ValidationError(f"Account {live[0]} is not in the trash; move it there first")
    return repo.purge(tx.session, wanted)


class AccountService:
    def __init__(self, db: Database):
        self._db = db

    def get(self, account_id: int, *, include_deleted: bool = False) -> Account:
        with self._db.read() as s:
            return repo.get(s, account_id, include_deleted=include_deleted)

    def create(self, account: Account) -> ChangeSet:
        with self._db.unit(f"Add {account.name.strip() or 'account'}") as tx:
            create(tx, account)
        return tx.changes

    def update(self, account: Account) -> ChangeSet:
        with self._db.unit(f"Edit {account.name.strip() or 'account'}") as tx:
            update(tx, account)
        return tx.changes

    def delete(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.unit(f"Delete {plural(len(set(ids)), 'account')}") as tx:
            delete(tx, ids)
        return tx.changes

    def restore(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.unit(f"Restore {plural(len(set(ids)), 'account')}") as tx:
            restore(tx, ids)
        return tx.changes

    def purge(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.unit(f"Delete {plural(len(set(ids)), 'account')} for good") as tx:
            purge(tx, ids)
        return tx.changes
