"""Contact use cases. Each function takes the unit of work it runs in, so an import, a merge, a
sync batch or an undo is one transaction made of the same use cases the editor calls; the
ContactService methods are the one-call wrappers the window and the command line use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from app.domain.account import Account
from app.domain.changes import ChangeSet
from app.domain.contact import Contact, ContactStatus
from app.domain.errors import ValidationError
from app.domain.groups import FieldOwner
from app.services import accounts as account_cases
from app.services import relationships as relationship_cases
from app.services.duplicates import Choice, combine
from app.services.progress import CancelToken, Progress, no_progress, paused_collection
from app.services.wording import plural
from db.database import Database
from db.queries import directory as directory_queries
from db.repositories import bulk
from db.repositories import contacts as repo
from db.repositories import organize as organize_repo
from db.unit import Origin, Unit

BULK_CHUNK = 5000



def create(tx: Unit, contact: Contact) -> int:
    contact.validate()
    return repo.add(tx.session, contact)


def update(tx: Unit, contact: Contact) -> None:
    """Save an edited contact; it must state the version it was read at (ConflictError when
    someone saved it since)."""
    if contact.id is None:
        raise ValidationError("Only a saved contact can be updated")
    contact.validate()
    repo.save(tx.session, contact)


def bulk_create(tx: Unit, contacts: Sequence[Contact], cancel: CancelToken | None = None,
                progress: Progress = no_progress) -> list[int]:
    """Many contacts through the bulk path, inside the caller's unit: all or nothing."""
    for i, c in enumerate(contacts, 1):
        try:
            c.validate()
        except ValidationError as exc:
            raise ValidationError(f"Contact {i} ({c.display_name or 'unnamed'}): {exc}") \
                from exc
    ids: list[int] = []
    with paused_collection():
        for start in range(0, len(contacts), BULK_CHUNK):
            if cancel:
                cancel.raise_if_set()
            ids += bulk.add_contacts(tx.session, contacts[start:start + BULK_CHUNK])
            progress(len(ids), len(contacts))
    return ids


def delete(tx: Unit, ids: Sequence[int]) -> list[int]:
    return repo.set_deleted(tx.session, ids, deleted=True)


def restore(tx: Unit, ids: Sequence[int]) -> list[int]:
    return repo.set_deleted(tx.session, ids, deleted=False)


def purge(tx: Unit, ids: Sequence[int]) -> list[int]:
    """Delete for good, only contacts already in the trash. Checked before anything is
    deleted: a mix of trashed and live ids deletes nothing."""
    wanted = list(dict.fromkeys(ids))
    trashed = set(repo.trashed(tx.session, wanted))
    live = [i for i in wanted if i not in trashed]
    if live:
        raise ValidationError(f"Contact {live[0]} is not in the trash; move it there first")
    return repo.purge(tx.session, wanted)


def link_account(tx: Unit, contact_ids: Sequence[int], account_id: int | None) -> None:
    repo.link_account(tx.session, contact_ids, account_id)


def merge(tx: Unit, keep_id: int, other_id: int,
          prefer: Mapping[str, Choice] | None = None) -> None:
    """Fold `other` into `keep`: `keep`'s own values win where both have one, every phone,
    e-mail, address, web site, IM handle, tag and group of `other` that `keep` lacks is added,
    empty fields are filled from `other`, its history, activities and quotes move over, and
    `other` goes to the trash (undo brings everything back as it was). `prefer` picks, per
    field, whose value the merged contact has ("keep" or "other"; for notes also "both",
    the default): see duplicates.combine, which does the folding."""
    if keep_id == other_id:
        raise ValidationError("A contact cannot be merged with itself")
    s = tx.session
    keep = combine(repo.get(s, keep_id), repo.get(s, other_id), prefer)
    if prefer:
        keep.validate()  # a pick can leave it with no name (nor e-mail) to show
    repo.save(s, keep)
    repo.move_links(s, other_id, keep_id)
    relationship_cases.move_contact(tx, other_id, keep_id)
    for group_id in organize_repo.group_ids_of(s, FieldOwner.CONTACT, other_id):
        organize_repo.add_members(s, group_id, FieldOwner.CONTACT, [keep_id])
    repo.set_deleted(s, [other_id], deleted=True)


class ContactService:
    def __init__(self, db: Database):
        self._db = db

    def get(self, contact_id: int, *, include_deleted: bool = False) -> Contact:
        with self._db.read() as s:
            return repo.get(s, contact_id, include_deleted=include_deleted)

    def create(self, contact: Contact) -> ChangeSet:
        with self._db.unit(f"Add {contact.display_name or 'contact'}") as tx:
            create(tx, contact)
        return tx.changes

    def update(self, contact: Contact) -> ChangeSet:
        with self._db.unit(f"Edit {contact.display_name or 'contact'}") as tx:
            update(tx, contact)
        return tx.changes

    def bulk_create(self, contacts: Sequence[Contact], cancel: CancelToken | None = None,
                    progress: Progress = no_progress, *, label: str | None = None,
                    origin: Origin = Origin.USER) -> ChangeSet:
        """All or nothing, in one unit: a cancel or a crash leaves none of them."""
        with self._db.unit(label or f"Add {plural(len(contacts), 'contact')}", origin) as tx:
            bulk_create(tx, contacts, cancel, progress)
        return tx.changes

    def _what(self, ids: Sequence[int]) -> str:
        """How a change to `ids` is named in the Edit menu and the journal: the contact's
        name when there is one ("Delete Ada Lovelace"), else a count."""
        unique = set(ids)
        if len(unique) == 1:
            with self._db.read() as s:  # the list's one-row summary: a name, not a contact
                found = directory_queries.contact_summaries(s.connection(), list(unique))
            if found and found[0].display_name:
                return found[0].display_name
        return plural(len(unique), "contact")

    def save(self, contact: Contact, *, new_account: str | None = None) -> ChangeSet:
        """Create or update `contact` (what the editor's Save does), with a new account for
        it made in the same unit when `new_account` names one: one Undo step, and a save that
        fails or meets a conflict leaves no account behind. `contact` itself is not changed."""
        verb = "Add" if contact.id is None else "Edit"
        with self._db.unit(f"{verb} {contact.display_name or 'contact'}") as tx:
            if new_account:
                contact = replace(contact, account_id=account_cases.create(
                    tx, Account(new_account)))
            if contact.id is None:
                create(tx, contact)
            else:
                update(tx, contact)
        return tx.changes

    def delete(self, ids: Sequence[int]) -> ChangeSet:
        """Move to the trash; restore() brings them back."""
        with self._db.unit(f"Delete {self._what(ids)}") as tx:
            delete(tx, ids)
        return tx.changes

    def restore(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.unit(f"Restore {self._what(ids)}") as tx:
            restore(tx, ids)
        return tx.changes

    def purge(self, ids: Sequence[int]) -> ChangeSet:
        """Delete for good. Only contacts already in the trash can be purged."""
        with self._db.unit(f"Delete {self._what(ids)} for good") as tx:
            purge(tx, ids)
        return tx.changes

    def merge(self, keep_id: int, other_id: int,
              prefer: Mapping[str, Choice] | None = None) -> ChangeSet:
        """One unit, named after both ("Merge Ada King into Ada Lovelace"), one Undo."""
        label = f"Merge {self._what([other_id])} into {self._what([keep_id])}"
        with self._db.unit(label) as tx:
            merge(tx, keep_id, other_id, prefer)
        return tx.changes

    def link_account(self, contact_ids: Sequence[int], account_id: int) -> ChangeSet:
        with self._db.unit(f"Link {plural(len(set(contact_ids)), 'contact')} to an account"
                           ) as tx:
            link_account(tx, contact_ids, account_id)
        return tx.changes

    def set_status(self, contact_ids: Sequence[int], status: ContactStatus | str) -> ChangeSet:
        """Mark the contacts as leads, prospects, customers...: one unit, one Undo."""
        try:
            chosen = ContactStatus(status)
        except ValueError:
            raise ValidationError(f"'{status}' is not a status; use one of "
                                  f"{', '.join(s.value for s in ContactStatus)}") from None
        with self._db.unit(f"Mark {self._what(contact_ids)} as {chosen.value.title()}") as tx:
            repo.set_status(tx.session, contact_ids, chosen.value)
        return tx.changes

    def unlink_account(self, contact_ids: Sequence[int]) -> ChangeSet:
        with self._db.unit(f"Unlink {plural(len(set(contact_ids)), 'contact')} from their "
                           "account") as tx:
            link_account(tx, contact_ids, None)
        return tx.changes
