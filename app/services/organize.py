"""Organising use cases: groups (static membership), tags, and user-defined custom fields.

What the ChangeSets report: the group, tag or field itself, plus the contacts and accounts
whose set of groups, tags or custom values changed. A rename changes only a label, so it
reports only the label's entity; views that show labels refresh on `touches(Entity.TAG)` etc.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.domain.changes import ChangeSet, Entity
from app.domain.errors import NotFoundError, ValidationError
from app.domain.filters import SavedSearch
from app.domain.groups import CustomFieldDef, FieldKind, FieldOwner, Group, clean_name
from app.domain.record import stored_id
from app.services.wording import plural
from db.database import Database
from db.repositories import organize as repo

RECORD = {FieldOwner.CONTACT: Entity.CONTACT, FieldOwner.ACCOUNT: Entity.ACCOUNT}


def _tag_names(names: Iterable[str]) -> list[str]:
    if isinstance(names, str):  # a lone tag name would otherwise be split into letters
        names = [names]
    cleaned = [clean_name(n) for n in names]
    if not all(cleaned):
        raise ValidationError("A tag needs a name")
    return cleaned



class OrganizeService:
    def __init__(self, db: Database):
        self._db = db

    # -- groups -------------------------------------------------------------------------------

    def groups(self) -> list[Group]:
        """Every group by name, with how many live contacts and accounts it holds."""
        with self._db.read() as s:
            return repo.list_groups(s)

    def create_group(self, group: Group) -> ChangeSet:
        group.name = clean_name(group.name)
        group.validate()
        with self._db.unit(f"New group '{group.name}'") as tx:
            s = tx.session
            self._check_group_name(s, group.name, None)
            gid = repo.add_group(s, group)
        return ChangeSet.of(inserted={Entity.GROUP: [gid]})

    def saved_searches(self) -> list[Group]:
        """The saved searches (dynamic groups), by name; `saved_search` says what each finds."""
        with self._db.read() as s:
            return repo.list_groups(s, saved=True)

    def save_search(self, name: str, search: SavedSearch) -> ChangeSet:
        """Keep a search and its filters under a name, as a dynamic group (one Undo)."""
        group = Group(clean_name(name), saved_search=search)
        group.validate()
        with self._db.unit(f"Save search '{group.name}'") as tx:
            s = tx.session
            self._check_group_name(s, group.name, None)
            gid = repo.add_group(s, group)
        return ChangeSet.of(inserted={Entity.GROUP: [gid]})

    def create_group_with(self, group: Group, contact_ids: Sequence[int] = (),
                          account_ids: Sequence[int] = ()) -> ChangeSet:
        """Create the group and put the records in it as one unit: "Add to a new group" is
        one thing to the user, so one undo takes back both, never leaving an empty group."""
        group.name = clean_name(group.name)
        group.validate()
        count = len(set(contact_ids)) + len(set(account_ids))
        label = (f"Add {plural(count, 'record' if account_ids else 'contact')} to new group "
                 f"'{group.name}'") if count else f"New group '{group.name}'"
        with self._db.unit(label) as tx:
            s = tx.session
            self._check_group_name(s, group.name, None)
            gid = repo.add_group(s, group)
            added = {o: repo.add_members(s, gid, o, repo.require_live(s, o, ids))
                     for o, ids in ((FieldOwner.CONTACT, contact_ids),
                                    (FieldOwner.ACCOUNT, account_ids))}
        return ChangeSet.of(inserted={Entity.GROUP: [gid]},
                            updated={RECORD[o]: ids for o, ids in added.items()})

    def rename_group(self, group_id: int, name: str,
                     description: str | None = None) -> ChangeSet:
        """Rename; the description changes too when one is given."""
        name = clean_name(name)
        Group(name).validate()
        with self._db.unit(f"Rename group to '{name}'") as tx:
            s = tx.session
            repo.require_group(s, group_id)
            self._check_group_name(s, name, group_id)
            repo.update_group(s, group_id, name, description)
        return ChangeSet.of(updated={Entity.GROUP: [group_id]})

    def delete_group(self, group_id: int) -> ChangeSet:
        """Delete the group only; its contacts and accounts stay as they are."""
        with self._db.unit("Delete group") as tx:
            s = tx.session
            repo.require_group(s, group_id)
            members = repo.delete_group(s, group_id)
        return ChangeSet.of(deleted={Entity.GROUP: [group_id]},
                            updated={RECORD[o]: ids for o, ids in members.items()})

    def add_to_group(self, group_id: int, contact_ids: Sequence[int] = (),
                     account_ids: Sequence[int] = ()) -> ChangeSet:
        """Add members; ones already in the group are left alone, so repeating is harmless."""
        with self._db.unit("Add to group") as tx:
            s = tx.session
            repo.require_group(s, group_id, listed=True)
            added = {o: repo.add_members(s, group_id, o, repo.require_live(s, o, ids))
                     for o, ids in ((FieldOwner.CONTACT, contact_ids),
                                    (FieldOwner.ACCOUNT, account_ids))}
        return self._membership_change(group_id, added)

    def remove_from_group(self, group_id: int, contact_ids: Sequence[int] = (),
                          account_ids: Sequence[int] = ()) -> ChangeSet:
        with self._db.unit("Remove from group") as tx:
            s = tx.session
            repo.require_group(s, group_id)
            gone = {FieldOwner.CONTACT: repo.remove_members(s, group_id, FieldOwner.CONTACT,
                                                            list(contact_ids)),
                    FieldOwner.ACCOUNT: repo.remove_members(s, group_id, FieldOwner.ACCOUNT,
                                                            list(account_ids))}
        return self._membership_change(group_id, gone)

    def group_members(self, group_id: int) -> tuple[list[int], list[int]]:
        """(contact ids, account ids) of the live members, each in list order."""
        with self._db.read() as s:
            repo.require_group(s, group_id)
            return (repo.members(s, group_id, FieldOwner.CONTACT),
                    repo.members(s, group_id, FieldOwner.ACCOUNT))

    def groups_of_contact(self, contact_id: int) -> list[Group]:
        return self._groups_of(FieldOwner.CONTACT, contact_id)

    def groups_of_account(self, account_id: int) -> list[Group]:
        return self._groups_of(FieldOwner.ACCOUNT, account_id)

    def _groups_of(self, owner: FieldOwner, owner_id: int) -> list[Group]:
        with self._db.read() as s:
            return repo.list_groups(s, repo.group_ids_of(s, owner, owner_id))

    @staticmethod
    def _check_group_name(s, name: str, except_id: int | None) -> None:
        # The column's UNIQUE compares exact text; users see 'Clients' and 'clients' as one.
        if repo.group_name_taken(s, name, except_id):
            raise ValidationError(f"A group called '{name}' already exists")

    @staticmethod
    def _membership_change(group_id: int, changed: dict[FieldOwner, list[int]]) -> ChangeSet:
        if not any(changed.values()):
            return ChangeSet()
        return ChangeSet.of(updated={Entity.GROUP: [group_id]}
                            | {RECORD[o]: ids for o, ids in changed.items()})

    # -- tags ---------------------------------------------------------------------------------

    def all_tags(self) -> list[tuple[str, int]]:
        """(name, live contacts + accounts carrying it), by name."""
        with self._db.read() as s:
            return repo.tag_counts(s)

    def tag_contacts(self, contact_ids: Sequence[int], names: Iterable[str]) -> ChangeSet:
        return self._tag(FieldOwner.CONTACT, contact_ids, names)

    def untag_contacts(self, contact_ids: Sequence[int], names: Iterable[str]) -> ChangeSet:
        return self._untag(FieldOwner.CONTACT, contact_ids, names)

    def tag_accounts(self, account_ids: Sequence[int], names: Iterable[str]) -> ChangeSet:
        return self._tag(FieldOwner.ACCOUNT, account_ids, names)

    def untag_accounts(self, account_ids: Sequence[int], names: Iterable[str]) -> ChangeSet:
        return self._untag(FieldOwner.ACCOUNT, account_ids, names)

    def _tag(self, owner: FieldOwner, ids: Sequence[int], names: Iterable[str]) -> ChangeSet:
        """Add tags, keeping the ones already there. An existing tag is reused whatever the
        case it is typed in, and keeps the spelling it was first given."""
        names = _tag_names(names)
        with self._db.unit(f"Tag {owner.value}s") as tx:
            s = tx.session
            ids = repo.require_live(s, owner, ids)
            if not ids or not names:
                return ChangeSet()
            tag_ids, created = repo.ensure_tags(s, names)
            records, tags = repo.link_tags(s, owner, ids, tag_ids)
        return ChangeSet.of(inserted={Entity.TAG: created},
                            updated={Entity.TAG: tags - set(created), RECORD[owner]: records})

    def _untag(self, owner: FieldOwner, ids: Sequence[int], names: Iterable[str]) -> ChangeSet:
        names = _tag_names(names)
        with self._db.unit(f"Remove tags from {owner.value}s") as tx:
            s = tx.session
            found = [repo.find_tag(s, n) for n in names]
            tag_ids = [t[0] for t in found if t]
            records, tags = repo.unlink_tags(s, owner, list(ids), tag_ids)
            pruned = repo.prune_tags(s, tags)
        return ChangeSet.of(deleted={Entity.TAG: pruned},
                            updated={Entity.TAG: tags - set(pruned), RECORD[owner]: records})

    def rename_tag(self, old: str, new: str) -> ChangeSet:
        """Rename a tag everywhere. If a tag with the new name exists the two become one, and
        records that had both keep a single link."""
        (new,) = _tag_names([new])
        with self._db.unit(f"Rename tag '{old}' to '{new}'") as tx:
            s = tx.session
            tag_id = self._require_tag(s, old)
            target = repo.find_tag(s, new)
            if target is None or target[0] == tag_id:  # a new name, or a change of case
                repo.rename_tag(s, tag_id, new)
                return ChangeSet.of(updated={Entity.TAG: [tag_id]})
            holders = repo.tag_holders(s, tag_id)
            repo.merge_tag(s, tag_id, target[0])
        return ChangeSet.of(deleted={Entity.TAG: [tag_id]}, updated={Entity.TAG: [target[0]]}
                            | {RECORD[o]: ids for o, ids in holders.items()})

    def delete_tag(self, name: str) -> ChangeSet:
        """Take the tag off every contact and account and forget it."""
        with self._db.unit(f"Delete tag '{name}'") as tx:
            s = tx.session
            tag_id = self._require_tag(s, name)
            holders = repo.tag_holders(s, tag_id)
            repo.delete_tag(s, tag_id)
        return ChangeSet.of(deleted={Entity.TAG: [tag_id]},
                            updated={RECORD[o]: ids for o, ids in holders.items()})

    def contacts_tagged(self, name: str) -> list[int]:
        """Live contacts carrying the tag, in list order; none if there is no such tag."""
        return self._tagged(FieldOwner.CONTACT, name)

    def accounts_tagged(self, name: str) -> list[int]:
        return self._tagged(FieldOwner.ACCOUNT, name)

    def _tagged(self, owner: FieldOwner, name: str) -> list[int]:
        with self._db.read() as s:
            found = repo.find_tag(s, name)
            return repo.tagged(s, owner, found[0]) if found else []

    @staticmethod
    def _require_tag(s, name: str) -> int:
        found = repo.find_tag(s, name)
        if found is None:
            raise NotFoundError(f"There is no tag called '{clean_name(name)}'")
        return found[0]

    # -- custom fields ------------------------------------------------------------------------

    def fields(self, owner: FieldOwner) -> list[CustomFieldDef]:
        """The owner's custom fields in the order the user arranged them."""
        with self._db.read() as s:
            return repo.list_fields(s, owner)

    def define_field(self, definition: CustomFieldDef) -> ChangeSet:
        definition.name = clean_name(definition.name)
        definition.choices = [clean_name(c) for c in definition.choices]
        definition.validate()
        with self._db.unit(f"Add field '{definition.name}'") as tx:
            s = tx.session
            self._check_field_name(s, definition.owner, definition.name, None)
            fid = repo.add_field(s, definition)
        return ChangeSet.of(inserted={Entity.CUSTOM_FIELD: [fid]})

    def rename_field(self, field_id: int, name: str) -> ChangeSet:
        """Rename; values are tied to the field, not its name, so they all stay."""
        name = clean_name(name)
        with self._db.unit(f"Rename field to '{name}'") as tx:
            s = tx.session
            d = repo.get_field(s, field_id)
            d.name = name
            d.validate()
            self._check_field_name(s, d.owner, name, field_id)
            repo.update_field(s, field_id, name=name)
        return ChangeSet.of(updated={Entity.CUSTOM_FIELD: [field_id]})

    def set_choices(self, field_id: int, choices: Sequence[str]) -> ChangeSet:
        """Replace a choice field's list. A choice some record still holds cannot be taken
        away: that record would then hold a value its own field refuses."""
        with self._db.unit("Change field choices") as tx:
            s = tx.session
            d = repo.get_field(s, field_id)
            if d.kind != FieldKind.CHOICE:
                raise ValidationError(f"'{d.name}' is a {d.kind.value} field, not a choice field")
            removed = [c for c in d.choices if c not in {clean_name(x) for x in choices}]
            d.choices = [clean_name(c) for c in choices]
            d.validate()
            in_use = repo.choice_usage(s, d, removed)
            if in_use:
                choice, (total, trashed) = next(iter(in_use.items()))
                where = f" ({trashed} of them in the trash)" if trashed else ""
                raise ValidationError(
                    f"'{choice}' cannot be removed from '{d.name}': "
                    f"{plural(total, d.owner.value)} still use it{where}. "
                    f"Change their '{d.name}' first.")
            repo.update_field(s, field_id, choices=d.choices)
        return ChangeSet.of(updated={Entity.CUSTOM_FIELD: [field_id]})

    def remove_field(self, field_id: int) -> ChangeSet:
        """Delete the field and every value stored in it."""
        with self._db.unit("Remove custom field") as tx:
            s = tx.session
            d = repo.get_field(s, field_id)
            holders = repo.value_holders(s, d)
            repo.delete_field(s, field_id)
        return ChangeSet.of(deleted={Entity.CUSTOM_FIELD: [field_id]},
                            updated={RECORD[d.owner]: holders})

    def reorder_fields(self, owner: FieldOwner, ids: Sequence[int]) -> ChangeSet:
        """Put the owner's fields in the given order; `ids` must name each of them once."""
        with self._db.unit("Reorder custom fields") as tx:
            s = tx.session
            current = [stored_id(d) for d in repo.list_fields(s, owner)]
            if sorted(ids) != sorted(current):
                raise ValidationError(
                    f"The new order must list each of the {plural(len(current), 'field')} "
                    f"for {owner.value}s exactly once")
            repo.set_positions(s, ids)
        return ChangeSet.of(updated={Entity.CUSTOM_FIELD: ids})

    @staticmethod
    def _check_field_name(s, owner: FieldOwner, name: str, except_id: int | None) -> None:
        if repo.field_name_taken(s, owner, name, except_id):
            raise ValidationError(f"There is already a {owner.value} field called '{name}'")
