"""The agenda's lean read gives what expanding every whole activity gives, and the today
summary's one read gives what the agenda and the overdue list give apart."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.activity import Activity, ActivityKind, ActivityStatus, Priority
from app.domain.changes import Entity
from app.domain.contact import Contact
from app.services.registry import Services

ZONES = [None, "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Tokyo"]
RULES = [None, None, "FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
         "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10", "FREQ=MONTHLY;BYDAY=1WE",
         "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=DAILY", "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261120T000000",
         "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1", "FREQ=YEARLY;COUNT=3", "FREQ=DAILY;BYHOUR=9,15"]
TODAY = date(2026, 11, 25)


@pytest.fixture
def s(db) -> Services:
    services = Services.over(db)
    rng = random.Random(5)
    people = [services.contacts.create(Contact(given=g, family="Ng")).new_id(Entity.CONTACT)
              for g in ("Ana", "Bo", "Cy", "Di")]
    for i in range(120):
        name = rng.choice(ZONES)
        day = TODAY + timedelta(days=rng.randint(-60, 10))
        all_day = name is None
        start = datetime.combine(day, time() if all_day else time(rng.randrange(24),
                                                                    rng.choice((0, 30))))
        aid = services.activities.schedule(Activity(
            kind=rng.choice(list(ActivityKind)), regarding=f"Item {i}", start=start,
            duration=timedelta(days=1) if all_day else timedelta(minutes=rng.choice(
                (0, 15, 45, 180, 1500))),
            tz=name, all_day=all_day, rrule=rng.choice(RULES),
            priority=rng.choice(list(Priority)),
            attendee_ids=rng.sample(people, rng.randint(1, 3)))).new_id(Entity.ACTIVITY)
        a = services.activities.get(aid)
        if a.rrule:
            window = (datetime.combine(TODAY - timedelta(days=20), time(), UTC),
                      datetime.combine(TODAY, time(), UTC))
            for slot in a.schedule.slots(*window, UTC)[::4]:
                services.activities.clear(aid, occurrence=slot.key)
        elif rng.random() < 0.3:
            services.activities.clear(aid)
        if rng.random() < 0.05:
            services.activities.delete([aid])
    return services


def expanded_whole(s: Services, start: datetime, end: datetime, viewer, include_cleared: bool):
    """The occurrences from whole activities, each expanded on its own, cleared or not as
    the records say."""
    from db.repositories import activities as repo

    out = []
    with s.activities._db.read() as session:
        conn = session.connection()
        ids = [r[0] for r in conn.execute(repo.select(repo.T.c.id).where(
            repo.T.c.deleted_at.is_(None)))]
        whole = [repo.get(session, i) for i in ids]
        for a in whole:
            for slot in a.schedule.slots(start, end, viewer):
                done = (repo.is_cleared(conn, a.id, slot.key) if a.recurring
                        else a.status == ActivityStatus.CLEARED)
                if include_cleared or not done:
                    out.append((slot.start, a.id, slot.key, slot.end, done))
    return sorted(out, key=lambda o: (o[0].astimezone(UTC), o[1]))


VIEWERS = [UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")]


def test_the_agenda_is_every_activitys_own_expansion(s):
    for viewer in VIEWERS:
        for include_cleared in (True, False):
            start = datetime.combine(TODAY - timedelta(days=3), time(), viewer)
            end = start + timedelta(days=9)
            got = s.activities.occurrences(start, end, viewer, include_cleared=include_cleared)
            assert [(o.start, o.activity_id, o.key, o.end, o.cleared) for o in got] == (
                expanded_whole(s, start, end, viewer, include_cleared))
            assert all(o.start.tzinfo is viewer for o in got)  # as the agenda shows them
            assert len(got) > 100
            assert any(o.cleared for o in got) == include_cleared


def test_one_read_for_today_gives_the_agenda_and_the_overdue_list(s):
    for viewer in VIEWERS:
        for day in (TODAY, TODAY - timedelta(days=9), TODAY + timedelta(days=1)):
            start = datetime.combine(day, time(), viewer)
            end = datetime.combine(day + timedelta(days=1), time(), viewer)
            due, overdue = s.activities.due_and_overdue(start, end, viewer)
            assert due == s.activities.occurrences(start, end, viewer, include_cleared=False)
            assert overdue == s.activities.overdue(start, viewer)
            assert due and overdue and any(o.recurring for o in overdue)
            assert s.today.summary(day, viewer).overdue == overdue
