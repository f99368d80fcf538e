"""The change journal as a user meets it: Undo/Redo (also after a restart), reverting an old
change, field history, optimistic versions, and the journal as a change feed."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.conflict import ConflictError
from app.domain.contact import Address, Contact, Email, ImHandle, Phone, Website
from app.domain.errors import NotFoundError, ValidationError
from app.domain.groups import CustomFieldDef, FieldKind, FieldOwner, Group
from app.domain.history import HistoryItem, HistoryKind
from app.services import contacts as contact_cases
from app.services.journal import RevertRefused
from app.services.registry import Services
from db.journal import store
from db.migrate import open_database
from db.repositories import contacts as contact_repo
from db.repositories import organize as org_repo
from db.unit import Origin, current_actor
from tests.reliability.storage import dump, scalar, sql


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def add(s: Services, given: str, family: str = "", **kw) -> int:
    return s.contacts.create(Contact(given=given, family=family, **kw)).new_id(Entity.CONTACT)


def found(s: Services, text: str) -> list[int]:
    return s.directory.contact_ids(text, limit=10_000)


def changes(db, seq: int) -> list[store.ChangeRow]:
    with db.read() as session:
        return store.changes_of(session.connection(), seq)


def edit(s: Services, cid: int, **fields) -> None:
    s.contacts.update(replace(s.contacts.get(cid), **fields))


# --- what a unit journals ---------------------------------------------------------------------

def test_a_committed_unit_journals_label_origin_actor_time_and_only_what_changed(s, db):
    before = datetime.now(UTC)
    cid = add(s, "Ada", "Lovelace", title="Analyst", phones=[Phone("+44 20 7946 0001")])
    edit(s, cid, title="Countess")
    after = datetime.now(UTC)
    edit_unit, add_unit = s.journal.units(limit=2)
    assert (edit_unit.label, edit_unit.origin, edit_unit.actor) == (
        "Edit Ada Lovelace", "user", current_actor())
    assert add_unit.label == "Add Ada Lovelace" and add_unit.seq < edit_unit.seq
    assert before <= add_unit.created_at <= edit_unit.created_at <= after
    assert edit_unit.records == 1
    (change,) = changes(db, edit_unit.seq)
    # Only the field the user changed: an unchanged phone list, a moved updated_at and the
    # bumped version are not changes a history should show.
    assert (change.entity, change.op, change.record_id) == (Entity.CONTACT, "update", cid)
    assert change.fields == {"title": ["Analyst", "Countess"]}
    (created,) = changes(db, add_unit.seq)
    assert created.op == "insert" and created.fields["given"] == "Ada"
    assert created.fields["phones"][0]["value"] == "+44 20 7946 0001"


def test_a_save_that_leaves_details_alone_journals_and_undoes_only_what_it_changed(s, db):
    # A save rewrites only the lists that differ from what is stored; what it left alone
    # must neither show in the history nor be touched by its undo.
    cid = add(s, "Ada", "Lovelace", title="Analyst", tags=["VIP", "Board"],
              phones=[Phone("+44 20 7946 0001", "work")],
              emails=[Email("ada@example.org", "work")])
    c = s.contacts.get(cid)
    edit(s, cid, title="Countess", tags=["vip", "BOARD"])  # same tags, other capitals
    (change,) = changes(db, s.journal.units(limit=1)[0].seq)
    assert change.fields == {"title": ["Analyst", "Countess"]}
    assert sorted(s.contacts.get(cid).tags, key=str.casefold) == ["Board", "VIP"]
    edit(s, cid, emails=[Email("ada@example.org", "home")])
    (change,) = changes(db, s.journal.units(limit=1)[0].seq)
    assert list(change.fields) == ["emails"]
    s.journal.undo()
    s.journal.undo()
    back = s.contacts.get(cid)
    assert (back.title, back.phones, back.emails, back.tags) == (
        c.title, c.phones, c.emails, c.tags)


def test_one_unit_that_saves_a_contact_and_then_changes_it_otherwise_journals_both(s, db):
    cid = add(s, "Grace", "Hopper", phones=[Phone("+1 555 0100")])
    group = s.organize.create_group(Group("Navy")).new_id(Entity.GROUP)
    c = s.contacts.get(cid)
    with db.unit("Edit and file", Origin.USER) as tx:
        contact_cases.update(tx, replace(c, title="Rear Admiral"))
        org_repo.add_members(tx.session, group, FieldOwner.CONTACT, [cid])
        again = s.contacts.get(cid)  # outside the unit: still the old version
        assert again.title == ""
    (change,) = changes(db, tx.seq)
    assert change.fields["title"] == ["", "Rear Admiral"]
    assert change.fields["groups"] == [[], [group]]
    s.journal.undo()
    assert s.contacts.get(cid).title == ""
    with db.read() as session:
        assert org_repo.members(session, group, FieldOwner.CONTACT) == []


def test_two_saves_of_one_contact_in_one_unit_journal_both_changes(s, db):
    cid = add(s, "Alan", "Turing", phones=[Phone("+44 161 555 0100")])
    first = s.contacts.get(cid)
    with db.unit("Two saves", Origin.USER) as tx:
        contact_cases.update(tx, replace(first, title="Reader"))
        mid = contact_repo.get(tx.session, cid)
        contact_cases.update(tx, replace(mid, phones=[Phone("+44 161 555 0199")]))
    (change,) = changes(db, tx.seq)
    assert change.fields["title"] == ["", "Reader"]
    assert [p["value"] for p in change.fields["phones"][1]] == ["+44 161 555 0199"]
    s.journal.undo()
    assert s.contacts.get(cid).phones == first.phones


def test_an_origin_other_than_user_is_journaled_as_given(s, db):
    with db.unit("Import cards.vcf", Origin.IMPORT) as tx:
        contact_cases.create(tx, Contact(given="Imported"))
    (unit,) = s.journal.units(limit=1)
    assert (unit.label, unit.origin) == ("Import cards.vcf", "import")


def test_a_failed_unit_leaves_no_rows_and_no_journal_entry(s, db, db_path):
    add(s, "Existing")
    before = dump(db_path)
    last = s.journal.last_seq()
    with pytest.raises(RuntimeError, match="power cut"), \
            db.unit("Import doomed.vcf", Origin.IMPORT) as tx:
        contact_cases.create(tx, Contact(given="Half", family="Written"))
        contact_cases.bulk_create(tx, [Contact(given=f"Bulk{i}") for i in range(50)])
        raise RuntimeError("power cut")
    assert dump(db_path) == before
    assert s.journal.last_seq() == last
    assert found(s, "Half") == [] and found(s, "Bulk1") == []


def test_purging_a_mix_of_trashed_and_live_contacts_deletes_nothing(s, db_path):
    trashed, live = add(s, "Trashed"), add(s, "Live")
    s.contacts.delete([trashed])
    before = dump(db_path)
    with pytest.raises(ValidationError, match="not in the trash"):
        s.contacts.purge([trashed, live])
    assert dump(db_path) == before
    assert s.contacts.get(trashed, include_deleted=True).deleted_at is not None


# --- undo and redo ----------------------------------------------------------------------------

def test_undo_then_redo_an_edit(s):
    cid = add(s, "Grace", "Hopper", title="Lieutenant")
    edit(s, cid, title="Rear Admiral")
    assert s.journal.undo_target().label == "Edit Grace Hopper"
    s.journal.undo()
    assert s.contacts.get(cid).title == "Lieutenant"
    assert s.journal.redo_target() is not None
    s.journal.redo()
    assert s.contacts.get(cid).title == "Rear Admiral"
    assert s.journal.redo_target() is None
    # What Ctrl+Z offers next is the redone edit, then the creation.
    assert s.journal.undo_target().label == "Edit Grace Hopper"


def test_undo_works_after_closing_and_reopening_the_database(db, db_path):
    first = Services.over(db)
    cid = add(first, "Katherine", "Johnson", title="Computer")
    edit(first, cid, title="Mathematician")
    db.close()
    reopened = Services.over(open_database(db_path))
    try:
        assert reopened.journal.undo_target().label == "Edit Katherine Johnson"
        reopened.journal.undo()
        assert reopened.contacts.get(cid).title == "Computer"
        reopened.journal.redo()
        assert reopened.contacts.get(cid).title == "Mathematician"
    finally:
        reopened.close()


def test_undo_of_create_removes_the_contact_from_lists_and_search(s):
    cid = add(s, "Zephyrine", "Quill", phones=[Phone("+1 202 555 0147")])
    assert found(s, "Zephyrine") == [cid]
    s.journal.undo()
    with pytest.raises(NotFoundError):
        s.contacts.get(cid, include_deleted=True)
    assert found(s, "Zephyrine") == [] and found(s, "0147") == []
    assert cid not in s.directory.contact_ids()
    s.journal.redo()
    assert found(s, "Zephyrine") == [cid]


def test_undo_of_delete_brings_the_contact_back_to_the_list_and_search(s):
    cid = add(s, "Barnaby", "Thistlewood")
    s.contacts.delete([cid])
    assert cid not in s.directory.contact_ids() and found(s, "Thistlewood") == []
    s.journal.undo()
    assert cid in s.directory.contact_ids()
    assert found(s, "Thistlewood") == [cid]
    assert s.contacts.get(cid).deleted_at is None


@pytest.fixture
def shoe(s) -> int:
    return s.organize.define_field(CustomFieldDef(FieldOwner.CONTACT, "Shoe size",
                                                  FieldKind.TEXT)).new_id(Entity.CUSTOM_FIELD)


@pytest.fixture
def clients(s) -> int:
    return s.organize.create_group(Group("Clients")).new_id(Entity.GROUP)


def test_undo_of_purge_brings_the_contact_back_whole_under_its_own_id_and_uid(s, shoe,
                                                                             clients):
    cid = add(s, "Ottoline", "Ferrars", phones=[Phone("+1 202 555 0111", "work", True),
                                               Phone("+1 202 555 0112", "mobile")],
              emails=[Email("o@ferrars.example")], tags=["VIP", "Board"],
              custom={"Shoe size": "38"})
    s.organize.add_to_group(clients, [cid])
    s.timeline.log(HistoryItem(HistoryKind.CALL, datetime(2026, 3, 1, 10, tzinfo=UTC),
                               "Renewal", "Agreed terms", contact_ids=[cid]))
    original = s.contacts.get(cid)
    s.contacts.delete([cid])
    s.contacts.purge([cid])
    with pytest.raises(NotFoundError):
        s.contacts.get(cid, include_deleted=True)
    s.journal.undo()  # the purge
    s.journal.undo()  # the move to the trash
    back = s.contacts.get(cid)
    assert (back.id, back.uid) == (original.id, original.uid)
    assert back.phones == original.phones and back.emails == original.emails
    assert back.tags == ["Board", "VIP"] and back.custom == {"Shoe size": "38"}
    assert [g.id for g in s.organize.groups_of_contact(cid)] == [clients]
    assert [h.regarding for h in s.timeline.for_contact(cid)] == ["Renewal"]
    assert found(s, "Ferrars") == [cid] and found(s, "0112") == [cid]


def test_undo_of_a_merge_puts_both_contacts_back_as_they_were(s, db_path, clients):
    keep = add(s, "Ann", "Smith", phones=[Phone("+1 202 555 0100")], tags=["VIP"])
    other = add(s, "Anne", "Smith", title="Buyer", phones=[Phone("+1 202 555 0199")],
                emails=[Email("anne@smith.example")], tags=["Lead"])
    s.organize.add_to_group(clients, [other])
    s.timeline.log(HistoryItem(HistoryKind.MEETING, datetime(2026, 2, 2, 9, tzinfo=UTC),
                               "Intro", contact_ids=[other]))
    before = {k: s.contacts.get(k) for k in (keep, other)}
    s.contacts.merge(keep, other)
    merged = s.contacts.get(keep)
    assert len(merged.phones) == 2 and merged.title == "Buyer"
    assert [h.regarding for h in s.timeline.for_contact(keep)] == ["Intro"]
    s.journal.undo()
    for k, was in before.items():
        now = s.contacts.get(k)
        assert replace(now, version=0, updated_at=None) == replace(was, version=0,
                                                                   updated_at=None), k
    assert [h.regarding for h in s.timeline.for_contact(other)] == ["Intro"]
    assert s.timeline.for_contact(keep) == []
    assert [g.id for g in s.organize.groups_of_contact(other)] == [clients]
    assert s.organize.groups_of_contact(keep) == []
    assert found(s, "anne@smith.example") == [other]


def test_undo_of_an_account_rename_finds_its_people_by_the_old_name_again(s):
    acme = s.accounts.create(Account(name="Acme Rockets")).new_id(Entity.ACCOUNT)
    cid = add(s, "Wile", "Coyote", account_id=acme)
    s.accounts.update(replace(s.accounts.get(acme), name="Zenith Dynamics"))
    assert cid in found(s, "Zenith") and found(s, "Rockets") == []
    s.journal.undo()
    assert s.accounts.get(acme).name == "Acme Rockets"
    assert cid in found(s, "Rockets") and found(s, "Zenith") == []
    assert s.contacts.get(cid).account_name == "Acme Rockets"


def test_undo_of_an_account_purge_links_its_contacts_again(s):
    acme = s.accounts.create(Account(name="Acme Rockets")).new_id(Entity.ACCOUNT)
    people = [add(s, f"Worker{i}", "Acme", account_id=acme) for i in range(3)]
    s.accounts.delete([acme])
    s.accounts.purge([acme])
    assert all(s.contacts.get(p).account_id is None for p in people)
    s.journal.undo()  # the purge
    s.journal.undo()  # the move to the trash
    assert all(s.contacts.get(p).account_id == acme for p in people)
    assert s.accounts.get(acme).name == "Acme Rockets"
    assert set(people) <= set(found(s, "Rockets"))


BULK = 2000


def test_undo_and_redo_of_a_bulk_create(s, db_path):
    phones = [Phone("+1 312 555 0111", "work", True), Phone("+1 312 555 0112", "home")]
    existing = add(s, "Existing")
    people = [Contact(given=f"Bulk{i}", family="Imported", phones=phones) for i in range(BULK)]
    started = time.perf_counter()
    s.contacts.bulk_create(people, label="Import big.vcf", origin=Origin.IMPORT)
    took = time.perf_counter() - started
    assert scalar(db_path, "SELECT count(*) FROM contacts") == BULK + 1
    s.journal.undo()
    assert s.directory.contact_ids() == [existing]
    assert scalar(db_path, "SELECT count(*) FROM contact_phones") == 0
    assert found(s, "Imported") == []
    started = time.perf_counter()
    s.journal.redo()
    redo_took = time.perf_counter() - started
    assert len(s.directory.contact_ids()) == BULK + 1
    assert scalar(db_path, "SELECT count(*) FROM contact_phones") == 2 * BULK
    assert len(found(s, "Imported")) == BULK
    assert s.contacts.get(s.directory.contact_ids("Bulk7")[0]).phones == phones
    # Redo of an import is as much an import as the first one: it must not crawl through the
    # rows one statement at a time (tens of minutes for 100,000 contacts).
    assert redo_took < 10 * took + 2, (
        f"redo of {BULK:,} contacts took {redo_took:.1f}s, the import {took:.1f}s")


def _rich(i: int) -> Contact:
    return Contact(
        given=f"Run{i}", family="Imported", title="Buyer", notes=f"note {i}",
        phones=[Phone(f"+1 312 555 {i:04d}", "work", True, (("TYPE", "CELL"),), "item1")],
        emails=[Email(f"run{i}@example.org")],
        addresses=[Address(f"{i} Main St", "Springfield")],
        tags=["Imported", f"T{i % 3}"], custom={"Shoe size": str(36 + i % 5)})


def test_undoing_a_long_run_of_records_journals_it_column_wise_and_redo_is_exact(
        s, db, db_path, shoe):
    # The undo of an import is one journal row per run of ids, not one per record; what it
    # puts back on redo is every row as it was, tags, custom values and groups included.
    group = s.organize.create_group(Group("Trade show")).new_id(Entity.GROUP)
    made = s.contacts.bulk_create([_rich(i) for i in range(150)], label="Import run.vcf",
                                  origin=Origin.IMPORT).inserted[Entity.CONTACT]
    s.organize.add_to_group(group, sorted(made)[10:20])
    s.journal.undo()  # the group membership
    s.organize.add_to_group(group, sorted(made)[10:20])
    with_members = dump(db_path)
    s.journal.undo()
    s.journal.undo()  # the import: its contacts were moved on by nothing since
    assert scalar(db_path, "SELECT count(*) FROM contacts") == 0
    assert found(s, "Imported") == []
    undo = s.journal.units(limit=1)[0]
    ops = [c.op for c in changes(db, undo.seq)]
    assert ops == ["bulk_delete"], ops
    assert scalar(db_path, "SELECT count(*) FROM tombstones WHERE unit_seq = ?",
                  (undo.seq,)) == 150
    assert scalar(db_path, "SELECT count(*) FROM tags") == 0  # nothing carries them now
    s.journal.redo()
    s.journal.redo()
    again = dump(db_path)
    cols = [r[1] for r in sql(db_path, "PRAGMA table_info(contacts)")]
    moved = {cols.index("version"), cols.index("updated_at")}  # move on; the rest is as was

    def steady(rows):
        return [[v for k, v in enumerate(r) if k not in moved] for r in rows]
    assert len(again["contacts"]) == 150
    assert steady(again["contacts"]) == steady(with_members["contacts"])
    assert sorted(r[1] for r in again["tags"]) == sorted(r[1] for r in with_members["tags"])
    for table in ("contact_phones", "contact_emails", "contact_addresses", "contact_tags",
                  "custom_values", "group_contacts"):
        assert again[table] == with_members[table], table
    assert len(found(s, "Imported")) == 150
    assert s.contacts.get(sorted(made)[15]).custom == {"Shoe size": str(36 + 15 % 5)}
    # Undo and redo again: the runs round-trip more than once.
    s.journal.undo()
    s.journal.undo()
    assert s.directory.contact_ids() == []
    s.journal.redo()
    assert len(s.directory.contact_ids()) == 150


def test_a_run_put_back_by_redo_is_refused_when_one_of_its_uids_is_taken(s, db_path, shoe):
    made = sorted(s.contacts.bulk_create([_rich(i) for i in range(80)]).inserted[
        Entity.CONTACT])
    uid = s.contacts.get(made[40]).uid
    s.journal.undo()
    undo = s.journal.units(limit=1)[0].seq
    s.contacts.create(Contact(given="Squatter", uid=uid))  # (redo is gone: revert the undo)
    before = dump(db_path)
    with pytest.raises(RevertRefused, match="in use again") as refused:
        s.journal.revert(undo)
    assert [p.record_id for p in refused.value.problems] == [made[40]]
    assert dump(db_path) == before


def test_emptying_a_trash_of_a_long_run_then_undo_brings_every_contact_back(s, db_path,
                                                                              shoe):
    made = sorted(s.contacts.bulk_create([_rich(i) for i in range(100)]).inserted[
        Entity.CONTACT])
    s.contacts.delete(made)
    s.contacts.purge(made)
    assert scalar(db_path, "SELECT count(*) FROM contacts") == 0
    s.journal.undo()
    assert s.contacts.get(made[0], include_deleted=True).tags == ["Imported", "T0"]
    assert scalar(db_path, "SELECT count(*) FROM contacts") == 100


def test_a_failed_savepoint_takes_back_its_rows_and_its_journal_notes_alone(s, db, db_path):
    # What an import does per card: a card that fails rolls back alone, and the journal
    # holds exactly what the unit kept, nested savepoints included.
    keep = add(s, "Keep", "Me", title="Old")
    gone = add(s, "Trashed", "One")
    s.contacts.delete([gone])
    with db.unit("Import cards.vcf", Origin.IMPORT) as tx:
        first = contact_cases.create(tx, Contact(given="First"))
        with pytest.raises(ValidationError), tx.savepoint():
            contact_cases.create(tx, Contact(given="Doomed"))
            contact_cases.update(tx, replace(contact_repo.get(tx.session, keep), title="New"))
            contact_cases.purge(tx, [gone])
            with tx.savepoint():  # succeeded, but inside the one that fails
                contact_cases.bulk_create(tx, [Contact(given=f"Inner{i}") for i in range(3)])
            raise ValidationError("card 2: bad N property")
        with tx.savepoint():
            second = contact_cases.create(tx, Contact(given="Second"))
        with pytest.raises(ValidationError), tx.savepoint():
            contact_cases.update(tx, replace(contact_repo.get(tx.session, keep), title="Newer"))
            raise ValidationError("card 4: bad BDAY")
    journaled = sorted((c.op, c.record_id) for c in changes(db, tx.seq))
    assert journaled == sorted([("insert", first), ("insert", second)])
    assert scalar(db_path, "SELECT title FROM contacts WHERE id = ?", (keep,)) == "Old"
    assert scalar(db_path, "SELECT count(*) FROM contacts WHERE id = ?", (gone,)) == 1
    assert sorted(found(s, "Inner")) == [] and found(s, "Doomed") == []
    assert tx.changes.inserted == {Entity.CONTACT: frozenset({first, second})}
    s.journal.undo()
    assert sorted(s.directory.contact_ids()) == [keep]


# --- revert -----------------------------------------------------------------------------------

def test_revert_of_an_older_unit_whose_fields_nobody_touched_since(s):
    cid = add(s, "Mary", "Jackson", title="Computer", department="West")
    edit(s, cid, title="Engineer")
    title_unit = s.journal.last_seq()
    edit(s, cid, department="Langley")
    s.journal.revert(title_unit)
    now = s.contacts.get(cid)
    assert (now.title, now.department) == ("Computer", "Langley")
    assert s.journal.unit(title_unit).reverted_by == s.journal.last_seq()


def test_revert_refused_when_a_later_unit_changed_the_same_field(s, db_path):
    cid = add(s, "Dorothy", "Vaughan", title="Computer")
    edit(s, cid, title="Supervisor")
    first = s.journal.last_seq()
    edit(s, cid, title="Programmer")
    later = s.journal.unit(s.journal.last_seq())
    before = dump(db_path)
    with pytest.raises(RevertRefused) as refused:
        s.journal.revert(first)
    message = str(refused.value)
    assert "Dorothy Vaughan" in message and "title" in message
    assert later.label in message and f"change {later.seq}" in message
    assert "Nothing was changed" in message
    (problem,) = refused.value.problems
    assert (problem.entity, problem.record_id) == (Entity.CONTACT, cid)
    assert dump(db_path) == before
    assert s.contacts.get(cid).title == "Programmer"


def test_undo_of_a_create_refused_once_the_contact_was_edited_elsewhere(s, db_path):
    # A second window edits what the first created; Ctrl+Z in the first must not delete it
    # behind the second one's back.
    cid = add(s, "Created", "Here")
    create = s.journal.last_seq()
    with s.db.unit("Edit from a sync", Origin.SYNC) as tx:
        contact_cases.update(tx, replace(s.contacts.get(cid), title="Synced"))
    before = dump(db_path)
    assert s.journal.undo_target().seq == create
    with pytest.raises(RevertRefused, match="Created Here"):
        s.journal.undo()
    assert dump(db_path) == before


# --- versions and conflicts -------------------------------------------------------------------

def test_a_stale_save_raises_a_conflict_and_overwrites_nothing(s, db_path):
    cid = add(s, "Hedy", "Lamarr", title="Actress")
    mine = s.contacts.get(cid)
    theirs = replace(s.contacts.get(cid), title="Inventor")
    s.contacts.update(theirs)
    stored_rows = sql(db_path, "SELECT * FROM contacts")
    with pytest.raises(ConflictError) as conflict:
        s.contacts.update(replace(mine, title="Engineer", department="Radio"))
    err = conflict.value
    assert err.stored.title == "Inventor" and err.stored.version == mine.version + 1
    assert err.attempted.title == "Engineer" and err.attempted.department == "Radio"
    assert set(err.fields) == {"title", "department"}
    assert sql(db_path, "SELECT * FROM contacts") == stored_rows
    assert s.contacts.get(cid).title == "Inventor"


def test_a_save_without_a_version_is_refused(s):
    cid = add(s, "Joan", "Clarke")
    with pytest.raises(ValidationError, match="version"):
        s.contacts.update(replace(s.contacts.get(cid), version=0, title="Cryptanalyst"))
    assert s.contacts.get(cid).title == ""


def test_every_committed_change_moves_the_version_on(s):
    cid = add(s, "Version", "Counter")
    assert s.contacts.get(cid).version == 1
    edit(s, cid, title="Two")
    assert s.contacts.get(cid).version == 2
    s.journal.undo()
    assert s.contacts.get(cid).version == 3  # an undo is a change too, for other windows


# --- field history ----------------------------------------------------------------------------

def test_field_history_lists_title_changes_newest_first_with_who_and_when(s):
    cid = add(s, "Radia", "Perlman", title="Student")
    for title in ("Engineer", "Architect", "Fellow"):
        edit(s, cid, title=title)
    titles = [h for h in s.journal.history(Entity.CONTACT, cid) if h.field == "title"]
    assert [(h.before, h.after) for h in titles] == [
        ("Architect", "Fellow"), ("Engineer", "Architect"), ("Student", "Engineer")]
    assert [h.seq for h in titles] == sorted((h.seq for h in titles), reverse=True)
    assert all(h.actor == current_actor() and h.when.tzinfo is not None for h in titles)
    assert all(h.label == "Edit Radia Perlman" for h in titles)
    assert s.journal.history(Entity.CONTACT, cid)[-1].op == "insert"


def test_restore_value_puts_an_old_title_back_as_a_new_undoable_unit(s):
    cid = add(s, "Frances", "Allen", title="Teacher")
    edit(s, cid, title="Programmer")
    edit(s, cid, title="Fellow")
    oldest = [h for h in s.journal.history(Entity.CONTACT, cid) if h.field == "title"][-1]
    assert (oldest.before, oldest.after) == ("Teacher", "Programmer")
    s.journal.restore_value(Entity.CONTACT, cid, oldest.change_id, "title")
    assert s.contacts.get(cid).title == "Teacher"
    newest = s.journal.history(Entity.CONTACT, cid)[0]
    assert (newest.field, newest.before, newest.after) == ("title", "Fellow", "Teacher")
    s.journal.undo()
    assert s.contacts.get(cid).title == "Fellow"


# --- the journal as a change feed -------------------------------------------------------------

def test_seq_only_grows_and_a_purge_leaves_a_tombstone(s, db_path):
    cid = add(s, "Tomb", "Stone")
    uid = s.contacts.get(cid).uid
    s.contacts.delete([cid])
    s.contacts.purge([cid])
    s.journal.undo()
    s.journal.redo()
    seqs = [u.seq for u in reversed(s.journal.units())]
    assert seqs == sorted(set(seqs)) and len(seqs) == 5
    purge_seq = next(u.seq for u in s.journal.units()
                     if u.label.endswith("for good") and u.origin == "user")
    stones = sql(db_path, "SELECT entity, uid, record_id, unit_seq FROM tombstones "
                          "ORDER BY id")
    # The purge, and the redo of the purge: a sync must hear of both deletions.
    assert stones[0] == ("contact", uid, cid, purge_seq)
    assert stones[-1][:3] == ("contact", uid, cid) and stones[-1][3] == seqs[-1]


def test_retention_prunes_a_prefix_and_what_remains_still_undoes_and_redoes(s, db_path):
    cids = [add(s, f"Old{i}") for i in range(3)]
    old_last = s.journal.last_seq()
    edit(s, cids[0], title="Recent one")
    edit(s, cids[1], title="Recent two")
    s.journal.set_retention(1, 1)
    # Older than the kept day: the three creations only.
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE journal_units SET created_at = '2000-01-01 00:00:00.000000' "
                     "WHERE seq <= ?", (old_last,))
    conn.close()
    assert s.journal.prune() == 3
    remaining = sorted(u.seq for u in s.journal.units())
    assert remaining[0] == old_last + 1 and remaining == list(
        range(old_last + 1, old_last + 1 + len(remaining)))
    assert scalar(db_path, "SELECT count(*) FROM journal_changes WHERE unit_seq <= ?",
                  (old_last,)) == 0
    s.journal.undo()
    s.journal.undo()
    assert [s.contacts.get(c).title for c in cids[:2]] == ["", ""]
    assert s.journal.undo_target() is None  # the creations are forgotten, not undone
    s.journal.redo()
    s.journal.redo()
    assert [s.contacts.get(c).title for c in cids[:2]] == ["Recent one", "Recent two"]
    assert s.journal.last_seq() > old_last + 2  # numbers keep growing past a prune


# --- groups -----------------------------------------------------------------------------------

def test_group_names_differing_only_in_case_are_one_group_even_through_raw_sql(s, db_path):
    s.organize.create_group(Group("Clients"))
    with pytest.raises(ValidationError, match="already exists"):
        s.organize.create_group(Group("clients"))
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError), conn:
            conn.execute(
                "INSERT INTO groups (version, name, name_key, description, uid, "
                "created_at, updated_at) VALUES (1, 'clients', 'clients', '', 'raw-1', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        # A writer that leaves out the key is refused too.
        with pytest.raises(sqlite3.IntegrityError), conn:
            conn.execute(
                "INSERT INTO groups (version, name, description, uid, created_at, "
                "updated_at) VALUES (1, 'CLIENTS', '', 'raw-2', '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00')")
    finally:
        conn.close()
    assert [g.name for g in s.organize.groups()] == ["Clients"]


# --- the bulk and single paths store the same rows --------------------------------------------

DETAIL_TABLES = ("contact_phones", "contact_emails", "contact_addresses", "contact_websites",
                 "contact_ims")


def _rows(path, table: str, owner_col: str, owner: int, skip: set[str]) -> list[dict]:
    conn = sqlite3.connect(path)
    try:
        cur = conn.execute(f"SELECT * FROM {table} WHERE {owner_col} = ? ORDER BY rowid",
                           (owner,))
        names = [d[0] for d in cur.description]
        # The Python type too: SQL NULL and the JSON text 'null' read back the same through
        # the ORM but are different bytes, and queries (IS NULL) tell them apart.
        return [{k: (v, type(v).__name__) for k, v in zip(names, r, strict=True)
                 if k not in skip} for r in cur.fetchall()]
    finally:
        conn.close()


def test_bulk_and_single_paths_store_the_same_contact_rows(s, db_path, shoe):
    vcard = (("TYPE", "CELL"), ("X-SERVICE", "signal"))
    people = []
    for extra in ((), (("PREF", "1"),)):  # details with and without vCard parameters
        people.append(Contact(
            prefix="Dr.", given="Émilie", family="du Châtelet", nickname="La Marquise",
            title="Physicist", notes="Translated Newton",
            phones=[Phone("+33 1 23 45 67 89", "work", True, vcard + extra, "item1"),
                    Phone("+33 6 12 34 56 78", "mobile")],
            emails=[Email("emilie@cirey.example", "home", False, extra, "item2")],
            addresses=[Address("1 Rue du Château", "Cirey", "", "52110", "France",
                               params=extra, group="item3")],
            websites=[Website("https://cirey.example", params=extra)],
            ims=[ImHandle("emilie", "xmpp", params=vcard + extra, group="item4")],
            tags=["Science", "VIP"], custom={"Shoe size": "37"}))
    differ: dict[str, list] = {}
    for n, person in enumerate(people):
        single = s.contacts.create(replace(person)).new_id(Entity.CONTACT)
        (bulk,) = s.contacts.bulk_create([replace(person)]).inserted[Entity.CONTACT]
        tables = [("contacts", "id", {"id", "uid", "created_at", "updated_at"})]
        tables += [(t, "contact_id", {"id", "contact_id"}) for t in DETAIL_TABLES]
        tables += [(t, "contact_id", {"id", "contact_id"})
                   for t in ("contact_tags", "custom_values", "group_contacts")]
        for table, owner, skip in tables:
            a, b = (_rows(db_path, table, owner, i, skip) for i in (single, bulk))
            assert len(a) == len(b), table
            for x, y in zip(a, b, strict=True):
                if x != y:
                    differ.setdefault(f"{table} (contact {n})", []).append(
                        {k: (x[k], y[k]) for k in x if x[k] != y[k]})
    # Every column that differs, single path first: one failure shows them all.
    assert differ == {}


def test_a_restore_is_journaled_as_a_whole_change_and_undo_stops_there(db, tmp_path):
    """After a restore the journal is the backup's; Ctrl+Z must not reach into it and undo an
    edit the user made days before the backup was taken."""
    s = Services.over(db)
    s.contacts.create(Contact(given="Before", family="Backup"))
    copy = s.maintenance.backup(tmp_path / "copy.db")
    s.contacts.create(Contact(given="After", family="Backup"))
    s.maintenance.restore(copy)
    last = s.journal.units(1)[0]
    assert (last.origin, last.whole) == ("restore", True)
    assert s.journal.undo_target() is None and s.journal.redo_target() is None
    assert [c.display_name for c in s.directory.contacts()] == ["Before Backup"]


@pytest.mark.parametrize("label", ["Import caf\udce9.vcf", "Import a\x00b.vcf",
                                   "Restore from " + "x" * 10_000, "Import 😀\n#?%41.vcf"])
def test_a_unit_named_after_a_hostile_file_name_is_still_journaled(db, label):
    s = Services.over(db)
    with db.unit(label, Origin.IMPORT) as tx:
        contact_cases.create(tx, Contact(given="Named", family="Oddly"))
    stored = s.journal.units(1)[0].label
    assert stored.startswith(label[:8]) and len(stored) <= 512
    assert s.journal.undo_target().seq == s.journal.last_seq()


def test_every_record_of_an_undone_run_lists_its_deletion_in_its_history(s, shoe):
    made = sorted(s.contacts.bulk_create([_rich(i) for i in range(70)]).inserted[
        Entity.CONTACT])
    s.journal.undo()
    for rid in (made[0], made[35], made[-1]):
        ops = [f.op for f in s.journal.history(Entity.CONTACT, rid)]
        assert ops == ["bulk_delete", "bulk_insert"], (rid, ops)
