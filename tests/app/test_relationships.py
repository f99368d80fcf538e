"""Relationships between contacts as a user meets them: each side reads its own words, no one
is related to themselves and nothing is recorded twice, the trash keeps them and deleting for
good takes them, and every change is one undoable, journaled unit (Undo gives back the very
rows, ids included)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, rule, run_state_machine_as_test

from app.domain.changes import Entity
from app.domain.conflict import ConflictError
from app.domain.contact import Contact
from app.domain.errors import NotFoundError, ValidationError
from app.domain.relationship import ROLES, Relationship, RelationshipKind, labels_for, role_of
from app.services import relationships as cases
from app.services.journal import RevertRefused
from app.services.registry import Services
from db.journal import store
from db.migrate import open_database
from tests.reliability.storage import assert_consistent, scalar
from tests.reliability.test_undo_exact import UndoExact, build_template, differences, snapshot

K = RelationshipKind


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def person(s: Services, given: str, family: str) -> int:
    return s.contacts.create(Contact(given=given, family=family)).new_id(Entity.CONTACT)


@pytest.fixture
def people(s) -> tuple[int, int, int]:
    return (person(s, "Alice", "Jones"), person(s, "Bob", "Smith"),
            person(s, "Carol", "Wu"))


def lines(s: Services, cid: int) -> list[str]:
    """The Relationships tab of `cid` as words: phrase, name, note."""
    return [" ".join(x for x in (r.phrase, r.other_name, r.note and f"({r.note})") if x)
            for r in s.relationships.of_contact(cid)]


def relate(s: Services, kind: K, a: int, b: int, **kw) -> int:
    return s.relationships.add(Relationship(kind, a, b, **kw)).new_id(Entity.RELATIONSHIP)


# --- both directions, in words ---------------------------------------------------------------

def test_each_side_reads_the_relationship_in_its_own_words(s, people):
    alice, bob, carol = people
    relate(s, K.REPORTS_TO, alice, bob, note="since May")
    relate(s, K.ASSISTANT_OF, carol, bob)
    relate(s, K.SPOUSE_OF, alice, carol)
    relate(s, K.REFERRED_BY, carol, alice)
    relate(s, K.CUSTOM, bob, alice, label="Mentor of", reverse_label="Mentored by")
    assert lines(s, alice) == ["Reports to Bob Smith (since May)", "Spouse of Carol Wu",
                               "Referred Carol Wu", "Mentored by Bob Smith"]
    assert lines(s, bob) == ["Manages Alice Jones (since May)", "Assisted by Carol Wu",
                             "Mentor of Alice Jones"]
    assert lines(s, carol) == ["Assistant of Bob Smith", "Spouse of Alice Jones",
                               "Referred by Alice Jones"]
    (manages, *_) = s.relationships.of_contact(bob)
    assert manages.sentence == "Alice Jones reports to Bob Smith"
    assert manages.other_id == alice


def test_a_named_relation_without_other_wording_reads_the_same_from_both_sides(s, people):
    alice, bob, _ = people
    relate(s, K.CUSTOM, alice, bob, label="  Business   partner ")
    assert lines(s, alice) == ["Business partner Bob Smith"]
    assert lines(s, bob) == ["Business partner Alice Jones"]


def test_roles_offered_on_one_card_make_the_relationship_the_right_way_round(people):
    alice, bob, _ = people
    by_phrase = {role.phrase: role for role in ROLES}
    made = by_phrase["Manages"].build(bob, alice)
    assert (made.kind, made.from_contact_id, made.to_contact_id) == (K.REPORTS_TO, alice, bob)
    assert made.phrase(bob) == "Manages" and role_of(made, bob) == by_phrase["Manages"]
    assert role_of(made, alice) == by_phrase["Reports to"]
    named = by_phrase["Other…"].build(bob, alice, label="Mentor of", reverse_label="Mentored by")
    assert named.phrase(bob) == "Mentor of" and named.phrase(alice) == "Mentored by"
    assert labels_for(named, alice) == ("Mentored by", "Mentor of")


# --- what is refused ---------------------------------------------------------------------------

def test_no_one_is_related_to_themselves(s, people):
    alice, _, _ = people
    with pytest.raises(ValidationError, match="cannot have a relationship with themselves"):
        relate(s, K.REPORTS_TO, alice, alice)


def test_the_same_relationship_twice_is_refused_whichever_way_round(s, people, db_path):
    alice, bob, carol = people
    relate(s, K.SPOUSE_OF, alice, bob)
    relate(s, K.CUSTOM, alice, carol, label="Mentor of", reverse_label="Mentored by")
    last = s.journal.last_seq()
    for again in (Relationship(K.SPOUSE_OF, bob, alice, note="a different note"),
                  Relationship(K.CUSTOM, carol, alice, label="MENTORED  by",
                               reverse_label="mentor of")):
        with pytest.raises(ValidationError, match="is already recorded"):
            s.relationships.add(again)
    assert s.journal.last_seq() == last
    # Different ways of being related are different relationships.
    relate(s, K.REPORTS_TO, alice, bob)
    relate(s, K.REPORTS_TO, bob, alice)
    relate(s, K.CUSTOM, alice, carol, label="Mentor of")
    assert scalar(db_path, "SELECT count(*) FROM contact_relationships") == 5


def test_a_custom_relationship_needs_a_name_and_known_kinds_only(s, people):
    alice, bob, _ = people
    with pytest.raises(ValidationError, match="needs a name"):
        relate(s, K.CUSTOM, alice, bob, label="   ")
    with pytest.raises(ValidationError, match="not a kind of relationship"):
        s.relationships.add(Relationship("cousin_of", alice, bob))  # type: ignore[arg-type]


def test_someone_in_the_trash_or_gone_cannot_be_related(s, people):
    alice, bob, _ = people
    s.contacts.delete([bob])
    with pytest.raises(ValidationError, match="Bob Smith is in the Trash; restore them"):
        relate(s, K.REPORTS_TO, alice, bob)
    with pytest.raises(NotFoundError, match="No contact with id 999"):
        relate(s, K.REPORTS_TO, alice, 999)


# --- the trash and deleting for good -------------------------------------------------------

def test_the_trash_keeps_relationships_and_a_restore_shows_them_again(s, people):
    alice, bob, _ = people
    relate(s, K.REPORTS_TO, alice, bob)
    s.contacts.delete([bob])
    assert lines(s, alice) == []  # nobody the user can open is on the other end
    s.contacts.restore([bob])
    assert lines(s, alice) == ["Reports to Bob Smith"]


def test_deleting_for_good_takes_both_directions_and_undo_brings_them_back(s, people, db_path):
    alice, bob, carol = people
    rid_a = relate(s, K.REPORTS_TO, alice, bob)
    rid_c = relate(s, K.ASSISTANT_OF, carol, alice, note="Mornings")
    relate(s, K.SPOUSE_OF, bob, carol)
    before = snapshot(db_path)
    s.contacts.delete([alice])
    changes = s.contacts.purge([alice])
    assert changes.deleted[Entity.RELATIONSHIP] == {rid_a, rid_c}
    assert lines(s, bob) == ["Spouse of Carol Wu"]
    s.journal.undo()
    s.journal.undo()
    assert differences(before, snapshot(db_path)) == {}
    assert lines(s, alice) == ["Reports to Bob Smith", "Assisted by Carol Wu (Mornings)"]
    s.journal.redo()
    s.journal.redo()
    assert scalar(db_path, "SELECT count(*) FROM contact_relationships") == 1
    assert_consistent(db_path)


def test_emptying_a_trash_of_many_related_people_undoes_exactly(s, db_path):
    # Past 64 records a purge is journaled as runs; a relationship with both ends in the
    # trash is found from both of them and must be journaled once.
    ids = sorted(s.contacts.bulk_create([Contact(given=f"P{i}") for i in range(71)]
                                        ).inserted[Entity.CONTACT])
    with s.db.unit("Relate everyone") as tx:
        for a, b in zip(ids, ids[1:], strict=False):
            cases.add(tx, Relationship(K.REPORTS_TO, a, b))
    before = snapshot(db_path)
    s.contacts.delete(ids)
    s.contacts.purge(ids)
    assert scalar(db_path, "SELECT count(*) FROM contact_relationships") == 0
    s.journal.undo()
    s.journal.undo()
    assert differences(before, snapshot(db_path)) == {}
    assert_consistent(db_path)


# --- edits, undo, history ------------------------------------------------------------------------

def test_add_edit_remove_each_undo_and_redo_exactly(s, people, db_path):
    alice, bob, _ = people
    states = [snapshot(db_path)]
    rid = relate(s, K.REPORTS_TO, alice, bob)
    states.append(snapshot(db_path))
    assert s.journal.undo_target().label == ("Add relationship: Alice Jones reports to "
                                             "Bob Smith")
    changes = s.relationships.update(replace(s.relationships.get(rid), note="Dotted line"))
    assert changes.updated == {Entity.RELATIONSHIP: {rid}}
    states.append(snapshot(db_path))
    assert s.relationships.remove(rid).deleted == {Entity.RELATIONSHIP: {rid}}
    states.append(snapshot(db_path))
    for expected in reversed(states[:-1]):
        assert s.journal.undo().touches(Entity.RELATIONSHIP)
        assert differences(expected, snapshot(db_path)) == {}
    for expected in states[1:]:
        s.journal.redo()
        assert differences(expected, snapshot(db_path)) == {}
    assert lines(s, alice) == []


def test_an_edit_from_the_other_end_keeps_the_stored_way_round(s, people, db):
    alice, bob, _ = people
    rid = relate(s, K.SPOUSE_OF, alice, bob)
    read_on_bobs_card = ROLES[4].build(bob, alice, note="Married 2019")
    s.relationships.update(replace(read_on_bobs_card, id=rid, version=1))
    with db.read() as session:
        (change,) = store.changes_of(session.connection(), s.journal.last_seq())
    assert change.fields == {"note": ["", "Married 2019"]}
    history = s.journal.history(Entity.RELATIONSHIP, rid)
    assert [(h.field, h.before, h.after) for h in history if h.op == "update"] == [
        ("note", "", "Married 2019")]


def test_a_stale_edit_is_a_conflict_and_writes_nothing(s, people):
    alice, bob, carol = people
    rid = relate(s, K.REPORTS_TO, alice, bob)
    mine = s.relationships.get(rid)
    s.relationships.update(replace(mine, note="theirs"))
    with pytest.raises(ConflictError) as conflict:
        s.relationships.update(replace(mine, to_contact_id=carol))
    assert conflict.value.stored.note == "theirs"
    assert lines(s, alice) == ["Reports to Bob Smith (theirs)"]


def test_undo_of_an_add_is_refused_once_someone_edited_it(s, people):
    alice, bob, _ = people
    rid = relate(s, K.REFERRED_BY, alice, bob)
    added = s.journal.last_seq()
    s.relationships.update(replace(s.relationships.get(rid), note="At the fair"))
    with pytest.raises(RevertRefused, match="note"):
        s.journal.revert(added)
    assert lines(s, alice) == ["Referred by Bob Smith (At the fair)"]


def test_a_change_made_elsewhere_reaches_the_change_feed(s, people, db_path):
    alice, bob, _ = people
    seen = s.feed.head()
    other = Services.over(open_database(db_path))
    try:
        rid = relate(other, K.REPORTS_TO, alice, bob)
    finally:
        other.close()
    _head, units = s.feed.since(seen)
    assert [c.inserted for _seq, c in units] == [{Entity.RELATIONSHIP: {rid}}]


def test_a_merge_can_move_relationships_without_duplicates_or_self_links(s, people):
    alice, bob, carol = people
    relate(s, K.REPORTS_TO, alice, carol)
    relate(s, K.REPORTS_TO, bob, carol)  # the same once Bob is folded into Alice
    relate(s, K.SPOUSE_OF, alice, bob)  # Alice with herself once Bob is Alice
    relate(s, K.REFERRED_BY, bob, carol, note="kept")
    with s.db.unit("Merge") as tx:
        cases.move_contact(tx, bob, alice)
    assert lines(s, alice) == ["Reports to Carol Wu", "Referred by Carol Wu (kept)"]
    assert lines(s, bob) == []
    s.journal.undo()
    assert lines(s, bob) == ["Reports to Carol Wu", "Spouse of Alice Jones",
                             "Referred by Carol Wu (kept)"]


# --- exact undo over random runs -----------------------------------------------------------

kinds = st.sampled_from([K.ASSISTANT_OF, K.REPORTS_TO, K.SPOUSE_OF, K.REFERRED_BY, K.CUSTOM])
notes = st.sampled_from(["", "since May", "🚀 line one\nline two"])
pick = st.integers(min_value=0, max_value=10**6)


class RelationshipsUndoExact(UndoExact):
    """The undo machine of tests/reliability, with relationships added, edited and removed
    among its edits, trashes, purges and merges."""

    @initialize()
    def open(self):
        super().open()
        # Relationships among the people already there, made as units of the run, so every
        # run has some to edit, remove, trash and purge the people of.
        one, two, three, *_ = self._live()
        for kind, a, b in ((K.REPORTS_TO, one, two), (K.SPOUSE_OF, two, three),
                           (K.REFERRED_BY, three, one)):
            self.s.relationships.add(Relationship(kind, a, b))
            self.done += 1

    def _relationships(self) -> list[Relationship]:
        found = {r.id: r.relationship for cid in self._live()
                 for r in self.s.relationships.of_contact(cid)}
        return [found[k] for k in sorted(found)]

    @rule(a=pick, b=pick, kind=kinds, note=notes)
    def relate(self, a, b, kind, note):
        live = self._live()
        if len(live) >= 2:
            one = self._one(live, a)
            other = self._one([c for c in live if c != one], b)
            try:
                self.s.relationships.add(Relationship(kind, one, other, note=note,
                                                      label="Mentor of" * (kind == K.CUSTOM)))
            except ValidationError:  # already recorded
                return
            self.done += 1

    @rule(n=pick, note=notes)
    def edit_relationship(self, n, note):
        found = self._relationships()
        if found and self._one(found, n).note != note:
            self.s.relationships.update(replace(self._one(found, n), note=note))
            self.done += 1

    @rule(n=pick)
    def remove_relationship(self, n):
        found = self._relationships()
        if found:
            self.s.relationships.remove(self._one(found, n).id)
            self.done += 1


def test_undo_all_and_redo_all_are_exact_with_relationships_among_the_edits():
    folder = Path(tempfile.mkdtemp(prefix="relationships-undo-"))
    try:
        RelationshipsUndoExact.template = folder / "template.db"
        build_template(RelationshipsUndoExact.template)
        run_state_machine_as_test(RelationshipsUndoExact, settings=settings(
            max_examples=8, stateful_step_count=12, deadline=None, database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
