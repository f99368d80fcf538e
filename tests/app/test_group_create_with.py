"""A new group and its first members made as one unit of work: what Contact ▸ Add to Group…
does with a name that is not a group yet. One undo takes back both."""

from __future__ import annotations

import pytest

from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.errors import NotFoundError, ValidationError
from app.domain.groups import Group
from app.services.registry import Services


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def add(s: Services, given: str) -> int:
    return s.contacts.create(Contact(given=given, family="Smith")).new_id(Entity.CONTACT)


def test_one_undo_removes_the_new_group_and_its_members(s):
    ann, bob = add(s, "Ann"), add(s, "Bob")
    changes = s.organize.create_group_with(Group("  Trade   show "), [ann, bob, ann])
    gid = changes.new_id(Entity.GROUP)
    assert changes.updated[Entity.CONTACT] == {ann, bob}
    assert s.organize.group_members(gid) == ([ann, bob], [])
    assert s.journal.undo_target().label == "Add 2 contacts to new group 'Trade show'"

    undone = s.journal.undo()
    assert undone.touches(Entity.GROUP)
    assert s.organize.groups() == []
    assert s.organize.groups_of_contact(ann) == [] and s.organize.groups_of_contact(bob) == []
    assert s.journal.undo_target().label == "Add Bob Smith"  # the step before, untouched

    s.journal.redo()
    (group,) = s.organize.groups()
    assert (group.name, group.contact_count) == ("Trade show", 2)


def test_a_refused_name_or_member_leaves_no_group_behind(s):
    ann = add(s, "Ann")
    s.organize.create_group(Group("Clients"))
    with pytest.raises(ValidationError, match="A group called 'clients' already exists"):
        s.organize.create_group_with(Group("clients"), [ann])
    s.contacts.delete([ann])
    with pytest.raises(NotFoundError, match="in the trash"):
        s.organize.create_group_with(Group("Leads"), [ann])
    assert [g.name for g in s.organize.groups()] == ["Clients"]


def test_undo_of_a_membership_change_names_the_group_for_views_to_refresh(db):
    from app.domain.changes import Entity
    from app.domain.contact import Contact
    from app.domain.groups import Group
    from app.services.registry import Services

    s = Services.over(db)
    cid = s.contacts.create(Contact(given="Ada")).new_id(Entity.CONTACT)
    gid = s.organize.create_group(Group("Pioneers")).new_id(Entity.GROUP)
    s.organize.add_to_group(gid, [cid])
    undone = s.journal.undo()
    assert undone.updated.get(Entity.GROUP) == {gid}
    assert undone.updated.get(Entity.CONTACT) == {cid}
    redone = s.journal.redo()
    assert redone.updated.get(Entity.GROUP) == {gid}
