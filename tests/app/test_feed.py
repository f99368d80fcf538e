"""The journal read as a change feed: what a window learns about changes made elsewhere."""

from __future__ import annotations

from app.domain.changes import ChangeSet, Entity
from app.domain.contact import Contact
from app.services.registry import Services
from db.journal import feed


def test_each_unit_after_a_point_comes_with_its_own_changeset(db):
    s = Services.over(db)
    start = s.feed.head()
    ada = s.contacts.create(Contact(given="Ada")).new_id(Entity.CONTACT)
    made = s.contacts.bulk_create([Contact(given=f"B{i}") for i in range(100)])
    s.contacts.delete([ada])
    head, units = s.feed.since(start)
    assert head == s.feed.head() and head.seq > start.seq
    assert [seq for seq, _ in units] == sorted(seq for seq, _ in units) and len(units) == 3
    created, bulk, trashed = (c for _, c in units)
    assert created.inserted == {Entity.CONTACT: frozenset({ada})}
    assert bulk.inserted[Entity.CONTACT] == made.inserted[Entity.CONTACT]
    # A move to the trash reads as a deletion, as the unit's own ChangeSet says it.
    assert trashed.deleted == {Entity.CONTACT: frozenset({ada})} and not trashed.updated
    assert s.feed.since(head) == (head, [])


def test_a_unit_carries_its_seq_so_a_window_can_skip_its_own(db):
    s = Services.over(db)
    start = s.feed.head()
    changes = s.contacts.create(Contact(given="Grace"))
    (seq, _), = s.feed.since(start)[1]
    assert changes.seq == seq


def test_a_journal_that_no_longer_continues_from_the_point_means_reload_everything(db,
                                                                                   tmp_path):
    s = Services.over(db)
    s.contacts.create(Contact(given="Alan"))
    backup = s.maintenance.backup(tmp_path / "b.rolodeck-backup")
    s.contacts.create(Contact(given="Dorothy"))
    seen = s.feed.head()
    s.maintenance.restore(backup)  # the journal goes back; its own unit may reuse seen.seq
    assert s.feed.since(seen)[1] == [(0, ChangeSet.whole())]


def test_more_changes_than_are_worth_applying_means_reload_everything(db, monkeypatch):
    s = Services.over(db)
    start = s.feed.head()
    monkeypatch.setattr(feed, "MAX_ROWS", 3)
    for name in ("A", "B", "C", "D"):
        s.contacts.create(Contact(given=name))
    assert s.feed.since(start)[1] == [(0, ChangeSet.whole())]
