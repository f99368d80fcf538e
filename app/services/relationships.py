"""Relationship use cases: who is whose assistant, manager, spouse, referrer, or anything the
user names (app.domain.relationship).

Each write is one unit of work. A relationship is its own journaled record, so Undo, Redo,
revert and field history treat it like any other; the ChangeSets name Entity.RELATIONSHIP,
and undoing one does too, so the Relationships tab of either contact refreshes either way.
A contact moved to the trash keeps its relationships (they are hidden from the other side
meanwhile and back on restore); one deleted for good takes them, in both directions, and the
undo of that brings them back.

The functions take the unit they run in, so a merge or an import can use them inside its own;
RelationshipService holds the one-call wrappers the window and the command line use.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.changes import ChangeSet
from app.domain.errors import NotFoundError, ValidationError
from app.domain.record import stored_id
from app.domain.relationship import (
    ROLES,
    Relationship,
    RelationshipSummary,
    role_of,
)
from app.services.wording import plural
from db.database import Database
from db.repositories import relationships as repo
from db.unit import Unit


def _checked(r: Relationship) -> Relationship:
    r = r.cleaned()
    r.validate()
    return r


def _require_people(tx: Unit, r: Relationship) -> dict[int, str]:
    """Both contacts' names; a missing one, or one in the trash, is an error to act on."""
    found = repo.contacts(tx.session, (r.from_contact_id, r.to_contact_id))
    for cid in (r.from_contact_id, r.to_contact_id):
        if cid not in found:
            raise NotFoundError(f"No contact with id {cid}; it may have been deleted for good")
        name, trashed = found[cid]
        if trashed:
            raise ValidationError(f"{name or 'That contact'} is in the Trash; restore them "
                                  "first to record a relationship with them")
    return {cid: name for cid, (name, _) in found.items()}


def _refuse_duplicate(tx: Unit, r: Relationship, names: dict[int, str]) -> None:
    same = repo.same_as(tx.session, r)
    if same is not None:
        said = same.sentence(names.get(same.from_contact_id, ""),
                             names.get(same.to_contact_id, ""))
        raise ValidationError(f"“{said}” is already recorded; edit that relationship to "
                              "change its note")


def add(tx: Unit, r: Relationship) -> int:
    r = _checked(r)
    _refuse_duplicate(tx, r, _require_people(tx, r))
    return repo.add(tx.session, r)


def update(tx: Unit, r: Relationship) -> None:
    """Save an edited relationship; it must state the version it was read at (ConflictError
    when it was changed since)."""
    r = _checked(r)
    stored = repo.get(tx.session, stored_id(r))
    turned = r.swapped()
    if ((r.from_contact_id, r.to_contact_id) == (stored.to_contact_id, stored.from_contact_id)
            and turned.key() == r.key()):
        # The same relationship typed from the other end (a spouse, a named relation): kept
        # the way round it is stored, so the journal shows only what really changed.
        r = turned
    _refuse_duplicate(tx, r, _require_people(tx, r))
    repo.save(tx.session, r)


def remove(tx: Unit, ids: Sequence[int]) -> list[int]:
    return repo.remove(tx.session, ids)


def move_contact(tx: Unit, from_id: int, to_id: int) -> list[int]:
    """For a merge: `from_id`'s relationships become `to_id`'s (see repo.move_contact)."""
    return repo.move_contact(tx.session, from_id, to_id)


def _order(s: RelationshipSummary) -> tuple:
    role = role_of(s.relationship, s.contact_id)
    return (ROLES.index(role), s.phrase.casefold(), s.other_name.casefold(), s.id or 0)


class RelationshipService:
    def __init__(self, db: Database):
        self._db = db

    def of_contact(self, contact_id: int) -> list[RelationshipSummary]:
        """The contact's relationships in both directions, each read from their side
        ("Reports to Bob Smith", "Manages Alice Jones"), grouped by role and then by name.
        Those with someone in the Trash are left out until that person is restored."""
        with self._db.read() as s:
            found = repo.of_contact(s, contact_id)
            people = repo.contacts(s, [contact_id, *(r.other(contact_id) for r in found)])
        if contact_id not in people:
            raise NotFoundError(f"No contact with id {contact_id}")
        names = {cid: name for cid, (name, _) in people.items()}
        shown = [RelationshipSummary.of(r, contact_id, names) for r in found
                 if not people.get(r.other(contact_id), ("", True))[1]]
        return sorted(shown, key=_order)

    def get(self, relationship_id: int) -> Relationship:
        with self._db.read() as s:
            return repo.get(s, relationship_id)

    def add(self, relationship: Relationship) -> ChangeSet:
        with self._db.unit(f"Add relationship: {self._said(relationship)}") as tx:
            add(tx, relationship)
        return tx.changes

    def update(self, relationship: Relationship) -> ChangeSet:
        with self._db.unit(f"Edit relationship: {self._said(relationship)}") as tx:
            update(tx, relationship)
        return tx.changes

    def remove(self, ids: int | Sequence[int]) -> ChangeSet:
        """Remove relationships (one id or several); Undo brings them back."""
        wanted = [ids] if isinstance(ids, int) else list(dict.fromkeys(ids))
        if len(wanted) == 1:
            with self._db.read() as s:
                one = repo.find(s, wanted[0])
            if one is None:
                raise NotFoundError("This relationship was already removed")
            label = f"Remove relationship: {self._said(one)}"
        else:
            label = f"Remove {plural(len(wanted), 'relationship')}"
        with self._db.unit(label) as tx:
            remove(tx, wanted)
        return tx.changes

    def _said(self, r: Relationship) -> str:
        """The relationship in words for the Edit menu and the journal."""
        with self._db.read() as s:
            people = repo.contacts(s, (r.from_contact_id, r.to_contact_id))
        a = people.get(r.from_contact_id, (f"contact {r.from_contact_id}", False))[0]
        b = people.get(r.to_contact_id, (f"contact {r.to_contact_id}", False))[0]
        return r.cleaned().sentence(a, b)
