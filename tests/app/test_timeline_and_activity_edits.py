"""Editing what is already logged or scheduled: history items and activities change, go to the
trash and come back, and a whole series moves without losing what was done or moved in it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.activity import Activity, ActivityKind
from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.errors import NotFoundError
from app.domain.history import HistoryItem, HistoryKind
from app.services.registry import Services

NY = ZoneInfo("America/New_York")


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


@pytest.fixture
def bob(s) -> int:
    return s.contacts.create(Contact(given="Bob", family="Ng")).new_id(Entity.CONTACT)


def history_hits(s: Services, text: str) -> list[tuple[str, int]]:
    return [(h.kind, h.id) for h in s.directory.search(text) if h.matched == "history"]


def window(first: date, days: int, tz=NY):
    return (datetime.combine(first, time(), tz),
            datetime.combine(first + timedelta(days=days), time(), tz), tz)


# --- history items ----------------------------------------------------------------------------

@pytest.fixture
def call(s, bob) -> int:
    return s.timeline.log(HistoryItem(
        HistoryKind.CALL, datetime(2026, 5, 4, 15, 0, tzinfo=UTC), "Quarterly review",
        "Talked about the zeppelin order", contact_ids=[bob])).new_id(Entity.HISTORY)


def test_editing_a_history_item_changes_what_the_timeline_and_search_show(s, bob, call):
    item = s.timeline.get(call)
    s.timeline.edit(replace(item, regarding="Annual review",
                            details="Signed the airship contract"))
    (entry,) = s.timeline.for_contact(bob)
    assert (entry.regarding, entry.details) == ("Annual review", "Signed the airship contract")
    assert history_hits(s, "airship") == [("contact", bob)]
    assert history_hits(s, "zeppelin") == []
    assert s.timeline.get(call).version == item.version + 1


def test_a_trashed_history_item_leaves_the_timeline_and_search_and_comes_back(s, bob, call):
    assert history_hits(s, "zeppelin") == [("contact", bob)]
    s.timeline.delete([call])
    assert s.timeline.for_contact(bob) == []
    assert history_hits(s, "zeppelin") == []
    s.timeline.restore([call])
    assert [e.id for e in s.timeline.for_contact(bob)] == [call]
    assert history_hits(s, "zeppelin") == [("contact", bob)]


def test_undo_of_a_history_edit_and_of_its_trashing(s, bob, call):
    s.timeline.edit(replace(s.timeline.get(call), details="Signed the airship contract"))
    s.timeline.delete([call])
    s.journal.undo()
    assert [e.details for e in s.timeline.for_contact(bob)] == ["Signed the airship contract"]
    s.journal.undo()
    assert [e.details for e in s.timeline.for_contact(bob)] == ["Talked about the zeppelin order"]
    assert history_hits(s, "zeppelin") == [("contact", bob)]
    assert history_hits(s, "airship") == []


# --- activities -------------------------------------------------------------------------------

def schedule(s, **kw) -> int:
    return s.activities.schedule(Activity(**kw)).new_id(Entity.ACTIVITY)


def test_update_delete_and_restore_an_activity(s, bob):
    aid = schedule(s, kind=ActivityKind.MEETING, regarding="Site visit",
                   start=datetime(2026, 4, 14, 10, 0), tz="America/New_York",
                   attendee_ids=[bob], location="Plant 1")
    a = s.activities.get(aid)
    s.activities.update(replace(a, regarding="Site visit and lunch", location="Plant 2",
                                duration=timedelta(hours=2)))
    (occ,) = s.activities.occurrences(*window(date(2026, 4, 13), 7))
    assert (occ.regarding, occ.location) == ("Site visit and lunch", "Plant 2")
    assert occ.end - occ.start == timedelta(hours=2)
    assert occ.attendees == ("Bob Ng",)
    s.activities.delete([aid])
    assert s.activities.occurrences(*window(date(2026, 4, 13), 7)) == []
    with pytest.raises(NotFoundError):
        s.activities.get(aid)
    s.activities.restore([aid])
    (occ,) = s.activities.occurrences(*window(date(2026, 4, 13), 7))
    assert occ.activity_id == aid and occ.regarding == "Site visit and lunch"


def _series(s, bob) -> int:
    """A weekly stand-up, its 9 March occurrence done and its 16 March one moved to Tuesday."""
    aid = schedule(s, kind=ActivityKind.MEETING, regarding="Stand-up",
                   start=datetime(2026, 3, 2, 9, 0), tz="America/New_York",
                   rrule="FREQ=WEEKLY;COUNT=6", attendee_ids=[bob])
    s.activities.clear(aid, occurrence=datetime(2026, 3, 9, 9, 0))
    s.activities.reschedule_occurrence(aid, datetime(2026, 3, 16, 9, 0),
                                       datetime(2026, 3, 17, 14, 0))
    return aid


def _agenda(s) -> list[tuple[str, bool, bool]]:
    return [(o.start.astimezone(NY).strftime("%m-%d %H:%M"), o.recurring, o.cleared)
            for o in s.activities.occurrences(*window(date(2026, 3, 1), 60))]


def test_rescheduling_a_whole_series_keeps_cleared_and_moved_occurrences(s, bob):
    aid = _series(s, bob)
    assert _agenda(s) == [("03-02 09:00", True, False), ("03-09 09:00", True, True),
                          ("03-17 14:00", False, False), ("03-23 09:00", True, False),
                          ("03-30 09:00", True, False), ("04-06 09:00", True, False)]
    s.activities.reschedule(aid, datetime(2026, 3, 2, 10, 30))
    # The done one stays done, the moved one is shown once (where it was moved to), not
    # again at its old slot in the series.
    assert _agenda(s) == [("03-02 10:30", True, False), ("03-09 10:30", True, True),
                          ("03-17 14:00", False, False), ("03-23 10:30", True, False),
                          ("03-30 10:30", True, False), ("04-06 10:30", True, False)]
    assert s.activities.get(aid).exdates == [datetime(2026, 3, 16, 10, 30)]


def test_rescheduling_a_series_by_days_moves_its_exceptions_along(s, bob):
    aid = _series(s, bob)
    s.activities.reschedule(aid, datetime(2026, 3, 3, 9, 0))  # every stand-up a day later
    assert _agenda(s) == [("03-03 09:00", True, False), ("03-10 09:00", True, True),
                          ("03-17 14:00", False, False), ("03-24 09:00", True, False),
                          ("03-31 09:00", True, False), ("04-07 09:00", True, False)]


def test_undo_of_a_series_reschedule_puts_its_exceptions_back(s, bob):
    aid = _series(s, bob)
    before = _agenda(s)
    s.activities.reschedule(aid, datetime(2026, 3, 2, 10, 30))
    s.journal.undo()
    assert _agenda(s) == before
    assert s.activities.get(aid).exdates == [datetime(2026, 3, 16, 9, 0)]
