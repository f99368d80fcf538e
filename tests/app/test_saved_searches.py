"""Saved searches: a search and its filters kept under a name as a dynamic group, undoable,
kept apart from the listed groups, and refused members or a damaged value in words."""

from __future__ import annotations

import pytest

from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.errors import ValidationError
from app.domain.filters import ContactFilter, SavedSearch
from app.domain.groups import Group
from app.services.registry import Services


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def test_a_saved_search_round_trips_and_stays_out_of_the_group_list(s):
    search = SavedSearch("berlin", ContactFilter(status="customer", tag="VIP"))
    gid = s.organize.save_search("  Berlin   customers ", search).new_id(Entity.GROUP)
    assert s.journal.undo_target().label == "Save search 'Berlin customers'"
    s.organize.create_group(Group("Newsletter"))
    (saved,) = s.organize.saved_searches()
    assert (saved.id, saved.name, saved.saved_search) == (gid, "Berlin customers", search)
    assert [g.name for g in s.organize.groups()] == ["Newsletter"]


def test_undo_takes_it_away_and_redo_brings_it_back(s):
    s.organize.save_search("Leads", SavedSearch(filters=ContactFilter(status="lead")))
    s.journal.undo()
    assert s.organize.saved_searches() == []
    s.journal.redo()
    assert [g.saved_search for g in s.organize.saved_searches()] == [
        SavedSearch(filters=ContactFilter(status="lead"))]


def test_it_can_be_renamed_and_deleted_as_a_group_is(s):
    gid = s.organize.save_search("Leads", SavedSearch("x")).new_id(Entity.GROUP)
    s.organize.rename_group(gid, "Warm leads")
    assert [g.name for g in s.organize.saved_searches()] == ["Warm leads"]
    s.organize.delete_group(gid)
    assert s.organize.saved_searches() == []


@pytest.mark.parametrize("search", [SavedSearch(), SavedSearch("   "),
                                    SavedSearch("", ContactFilter())])
def test_an_empty_search_is_refused(s, search):
    with pytest.raises(ValidationError, match="some text to search for or a filter"):
        s.organize.save_search("Nothing", search)
    assert s.organize.saved_searches() == []


def test_a_name_a_group_has_is_refused(s):
    s.organize.create_group(Group("Leads"))
    with pytest.raises(ValidationError):
        s.organize.save_search("leads", SavedSearch("x"))


def test_people_cannot_be_added_to_a_saved_search(s):
    gid = s.organize.save_search("Leads", SavedSearch("x")).new_id(Entity.GROUP)
    cid = s.contacts.create(Contact(given="Ada")).new_id(Entity.CONTACT)
    with pytest.raises(ValidationError, match="is a saved search"):
        s.organize.add_to_group(gid, [cid])


@pytest.mark.parametrize("stored", ['[1, 2]', '{"text": 5}', '{"group_id": "x"}',
                                    '{"tag": ["a"]}', 'not json', '{"group_id": -1}'])
def test_a_damaged_value_is_refused_in_words(stored):
    with pytest.raises(ValidationError, match="damaged"):
        SavedSearch.from_json(stored)


def test_hostile_text_survives_the_round_trip():
    search = SavedSearch('"; DROP TABLE groups; -- \n\u202e 💥 \\', ContactFilter(
        owner="O'Brien", group_id=2 ** 62))
    assert SavedSearch.from_json(search.to_json()) == search
