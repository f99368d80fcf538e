"""Scheduling, clearing, the agenda over ranges and time zones, and the today summary."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.activity import Activity, ActivityKind, Priority
from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.dates import PartialDate
from app.domain.errors import NotFoundError, ValidationError
from app.domain.history import HistoryKind, Outcome
from app.services.registry import Services

LONDON = ZoneInfo("Europe/London")
NY = ZoneInfo("America/New_York")


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


@pytest.fixture
def bob(s) -> int:
    return s.contacts.create(Contact(given="Bob", family="Ng")).new_id(Entity.CONTACT)


def schedule(s, **kw) -> int:
    return s.activities.schedule(Activity(**kw)).new_id(Entity.ACTIVITY)


def window(first: date, days: int, tz=LONDON):
    return (datetime.combine(first, time(), tz),
            datetime.combine(first + timedelta(days=days), time(), tz), tz)


def test_clearing_a_call_writes_its_history(s, bob):
    aid = schedule(s, kind=ActivityKind.CALL, regarding="Renewal call",
                   start=datetime(2026, 4, 2, 15, 0), tz="Europe/London", attendee_ids=[bob],
                   duration=timedelta(minutes=20), priority=Priority.HIGH)
    changes = s.activities.clear(aid, outcome=Outcome.LEFT_MESSAGE, details="Voicemail")
    assert changes.touches(Entity.HISTORY)
    (entry,) = s.timeline.for_contact(bob)
    assert (entry.kind, entry.outcome, entry.regarding, entry.details) == (
        HistoryKind.CALL, Outcome.LEFT_MESSAGE, "Renewal call", "Voicemail")
    assert entry.duration_minutes == 20 and entry.contacts == ("Bob Ng",)
    assert entry.occurred_at == datetime(2026, 4, 2, 14, 0, tzinfo=UTC)  # BST
    with pytest.raises(ValidationError, match="already cleared"):
        s.activities.clear(aid)
    (occ,) = s.activities.occurrences(*window(date(2026, 4, 1), 3))
    assert occ.cleared
    assert s.activities.occurrences(*window(date(2026, 4, 1), 3), include_cleared=False) == []


def test_clearing_one_occurrence_of_a_series(s, bob):
    aid = schedule(s, kind=ActivityKind.MEETING, regarding="Stand-up",
                   start=datetime(2026, 3, 2, 9, 0), tz="America/New_York",
                   rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=6", attendee_ids=[bob])
    with pytest.raises(ValidationError, match="which occurrence"):
        s.activities.clear(aid)
    with pytest.raises(ValidationError, match="no occurrence"):
        s.activities.clear(aid, occurrence=datetime(2026, 3, 3, 9, 0))
    s.activities.clear(aid, occurrence=datetime(2026, 3, 9, 9, 0))
    occ = s.activities.occurrences(*window(date(2026, 3, 1), 60, NY))
    assert [o.cleared for o in occ] == [False, True, False, False, False, False]
    assert all(o.start.astimezone(NY).hour == 9 for o in occ)
    assert len(s.timeline.for_contact(bob)) == 1


def test_moving_one_occurrence_detaches_it(s, bob):
    aid = schedule(s, kind=ActivityKind.CALL, regarding="Weekly check-in",
                   start=datetime(2026, 6, 1, 11, 0), tz="Europe/London",
                   rrule="FREQ=WEEKLY;COUNT=3", attendee_ids=[bob])
    s.activities.reschedule_occurrence(aid, datetime(2026, 6, 8, 11, 0),
                                       datetime(2026, 6, 9, 16, 30))
    starts = [o.start.astimezone(LONDON).strftime("%d %H:%M")
              for o in s.activities.occurrences(*window(date(2026, 6, 1), 30))]
    assert starts == ["01 11:00", "09 16:30", "15 11:00"]


def test_reschedule_a_single_activity(s, bob):
    aid = schedule(s, kind=ActivityKind.TODO, regarding="Send brochure",
                   start=datetime(2026, 7, 1, 9, 0), tz="Europe/London", attendee_ids=[bob])
    s.activities.reschedule(aid, datetime(2026, 7, 3, 10, 0))
    (occ,) = s.activities.occurrences(*window(date(2026, 7, 1), 7))
    assert occ.start.astimezone(LONDON).day == 3


def test_agenda_in_the_viewers_zone(s, bob):
    schedule(s, kind=ActivityKind.MEETING, regarding="Tokyo call",
             start=datetime(2026, 9, 1, 8, 0), tz="Asia/Tokyo", attendee_ids=[bob])
    schedule(s, kind=ActivityKind.TODO, regarding="Holiday",
             start=datetime(2026, 9, 1), duration=timedelta(days=1), all_day=True)
    # 08:00 in Tokyo on 1 Sep is 31 Aug in New York: it is in the 31 Aug agenda there.
    on_31st = s.activities.occurrences(*window(date(2026, 8, 31), 1, NY))
    assert [o.regarding for o in on_31st] == ["Tokyo call"]
    on_1st = s.activities.occurrences(*window(date(2026, 9, 1), 1, NY))
    assert [o.regarding for o in on_1st] == ["Holiday"]


def test_endless_series_show_up_years_later(s, bob):
    schedule(s, kind=ActivityKind.CALL, regarding="Monthly report",
             start=datetime(2020, 1, 31, 9, 0), tz="Europe/Berlin",
             rrule="FREQ=MONTHLY;BYMONTHDAY=-1", attendee_ids=[bob])
    occ = s.activities.occurrences(*window(date(2031, 2, 1), 28))
    assert [o.key for o in occ] == [datetime(2031, 2, 28, 9, 0)]


def test_bad_schedules_are_refused(s, bob):
    with pytest.raises(ValidationError, match="hourly"):
        schedule(s, kind=ActivityKind.CALL, regarding="Spam", start=datetime(2026, 1, 1),
                 tz="UTC", rrule="FREQ=SECONDLY")
    with pytest.raises(ValidationError, match="Unknown time zone"):
        schedule(s, kind=ActivityKind.CALL, regarding="Where?", start=datetime(2026, 1, 1),
                 tz="Mars/Olympus")
    with pytest.raises(NotFoundError, match="No contact"):
        schedule(s, kind=ActivityKind.CALL, regarding="Ghost", start=datetime(2026, 1, 1),
                 tz="UTC", attendee_ids=[999])


def test_today_summary(s, bob):
    today = date(2026, 11, 23)
    schedule(s, kind=ActivityKind.CALL, regarding="Due today",
             start=datetime(2026, 11, 23, 14, 0), tz="Europe/London", attendee_ids=[bob])
    schedule(s, kind=ActivityKind.TODO, regarding="Forgotten",
             start=datetime(2026, 11, 20, 9, 0), tz="Europe/London", attendee_ids=[bob])
    done = schedule(s, kind=ActivityKind.TODO, regarding="Done already",
                    start=datetime(2026, 11, 19, 9, 0), tz="Europe/London", attendee_ids=[bob])
    s.activities.clear(done)
    s.contacts.create(Contact(given="Leap", birthday=PartialDate(2, 29, 1992)))
    s.contacts.create(Contact(given="Soon", birthday=PartialDate(12, 1)))
    s.contacts.create(Contact(given="Later", birthday=PartialDate(12, 25, 1990)))
    summary = s.today.summary(today, LONDON)
    assert [o.regarding for o in summary.due_today] == ["Due today"]
    assert [o.regarding for o in summary.overdue] == ["Forgotten"]
    assert [(b.display_name, b.on, b.turns) for b in summary.birthdays] == [
        ("Soon", date(2026, 12, 1), None)]
    feb = s.today.birthdays(date(2027, 2, 20))
    assert [(b.display_name, b.on, b.turns) for b in feb] == [("Leap", date(2027, 2, 28), 35)]


def test_missed_occurrences_of_a_series_are_overdue_for_two_weeks(s, bob):
    """A weekly call nobody cleared last Monday is overdue; one from a month ago is history."""
    aid = schedule(s, kind=ActivityKind.CALL, regarding="Weekly check-in",
                   start=datetime(2026, 3, 2, 9, 0), tz="Europe/London", attendee_ids=[bob],
                   rrule="FREQ=WEEKLY")
    s.activities.clear(aid, occurrence=datetime(2026, 3, 23, 9, 0))
    today = datetime(2026, 4, 1, 0, 0, tzinfo=LONDON)  # a Wednesday
    overdue = s.activities.overdue(today, LONDON)
    # Mar 23 was cleared; Mar 30 was missed; Mar 16 and before are more than 14 days back.
    assert [(o.regarding, o.key) for o in overdue] == [
        ("Weekly check-in", datetime(2026, 3, 30, 9, 0))]
    assert s.today.summary(date(2026, 4, 1), LONDON).overdue == overdue
