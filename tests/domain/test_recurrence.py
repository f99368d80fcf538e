"""Recurrence expansion in wall-clock time, DST edges, bounds and hostile rules."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.errors import ValidationError
from app.domain.recurrence import Schedule, normalize_rule

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def weekly(start: datetime, rule: str, tz: str = "America/New_York", **kw) -> Schedule:
    return Schedule(start, timedelta(hours=1), tz, normalize_rule(rule, start, ZoneInfo(tz)), **kw)


def test_weekly_meeting_keeps_its_wall_clock_time_across_spring_forward():
    s = weekly(datetime(2026, 3, 2, 9, 0), "FREQ=WEEKLY;COUNT=3")
    slots = s.slots(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC), UTC)
    assert [x.start.astimezone(NY).hour for x in slots] == [9, 9, 9]
    # ...which means the UTC instant moves by an hour on 8 March.
    assert [x.start.astimezone(UTC).hour for x in slots] == [14, 13, 13]


def test_fall_back_and_gap_times():
    # 01:30 on 1 Nov 2026 happens twice in New York: the first (EDT) is the one meant.
    s = Schedule(datetime(2026, 11, 1, 1, 30), timedelta(minutes=30), "America/New_York")
    (slot,) = s.slots(datetime(2026, 10, 31, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC), UTC)
    assert slot.start.utcoffset() == timedelta(hours=-4)
    # 02:30 on 8 Mar 2026 does not exist; RFC 5545 reads it with the offset before the gap.
    s = Schedule(datetime(2026, 3, 8, 2, 30), timedelta(minutes=30), "America/New_York")
    (slot,) = s.slots(datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC), UTC)
    assert (slot.start.hour, slot.start.minute) == (3, 30)


def test_exdates_are_skipped_and_window_edges_respected():
    start = datetime(2026, 1, 5, 10, 0)
    s = weekly(start, "FREQ=DAILY;COUNT=10", "Europe/Berlin",
               exdates=(datetime(2026, 1, 7, 10, 0),))
    window = (datetime(2026, 1, 6, 9, tzinfo=BERLIN), datetime(2026, 1, 9, 10, tzinfo=BERLIN))
    days = [x.key.day for x in s.slots(*window, UTC)]
    # 6th and 8th; the 7th is excluded and the 9th starts exactly at the window's end.
    assert days == [6, 8]


def test_all_day_items_follow_the_viewers_zone():
    s = Schedule(datetime(2026, 5, 1), timedelta(days=1), None)
    tokyo = ZoneInfo("Asia/Tokyo")
    in_tokyo = s.slots(datetime(2026, 5, 1, tzinfo=tokyo), datetime(2026, 5, 2, tzinfo=tokyo),
                       tokyo)
    assert len(in_tokyo) == 1 and in_tokyo[0].start.utcoffset() == timedelta(hours=9)


def test_until_in_utc_is_read_in_local_time():
    start = datetime(2026, 6, 1, 23, 30)
    rule = normalize_rule("FREQ=DAILY;UNTIL=20260604T033000Z", start, NY)
    s = Schedule(start, timedelta(minutes=15), "America/New_York", rule)
    # 03:30Z on 4 June is 23:30 on 3 June in New York: 1, 2 and 3 June.
    keys = [x.key.day for x in s.slots(datetime(2026, 5, 1, tzinfo=UTC),
                                       datetime(2026, 7, 1, tzinfo=UTC), UTC)]
    assert keys == [1, 2, 3]


def test_bounds_for_finite_and_endless_series():
    finite = weekly(datetime(2026, 3, 2, 9, 0), "FREQ=WEEKLY;COUNT=4")
    first, last = finite.utc_bounds()
    assert first == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    assert last == datetime(2026, 3, 23, 14, 0, tzinfo=UTC)
    assert weekly(datetime(2026, 3, 2, 9, 0), "FREQ=WEEKLY").utc_bounds()[1] is None


@pytest.mark.parametrize("rule, reason", [
    ("FREQ=SECONDLY", "hourly"),
    ("FREQ=MINUTELY;COUNT=5", "hourly"),
    ("FREQ=DAILY;INTERVAL=0", "interval"),
    ("FREQ=DAILY;COUNT=0", "COUNT"),
    ("COUNT=3", "FREQ"),
    ("FREQ=WEEKLY;COUNT=2;UNTIL=20270101", "both"),
    ("FREQ=WEEKLY;BYDAY", "NAME=VALUE"),
    ("FREQ=WEEKLY;UNTIL=tomorrow", "UNTIL"),
    ("FREQ=FORTNIGHTLY", "fortnightly"),
])
def test_bad_rules_are_refused_with_a_reason(rule, reason):
    with pytest.raises(ValidationError, match=reason):
        normalize_rule(rule, datetime(2026, 1, 1, 9), NY)


def test_an_endless_dense_rule_expands_quickly_and_is_capped():
    start = datetime(2000, 1, 1, 0, 0)
    s = Schedule(start, timedelta(minutes=5), "UTC", normalize_rule("FREQ=HOURLY", start, UTC))
    began = time.perf_counter()
    slots = s.slots(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), UTC,
                    limit=1000)
    assert len(slots) == 1000
    assert time.perf_counter() - began < 2.0
