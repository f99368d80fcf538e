"""Recurrence expansion in wall-clock time, DST edges, bounds and hostile rules."""

from __future__ import annotations

import random
import time
import warnings
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from app.domain.errors import ValidationError
from app.domain.recurrence import Schedule, Slot, localize, normalize_rule, zone

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


# -- restarting near the window must change nothing but the cost --------------------------------

_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_ZONES = ["America/New_York", "Europe/Berlin", None]


def _random_rule(rng: random.Random) -> str:
    freq = rng.choice(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"] * 9 + ["HOURLY"])
    parts = [f"FREQ={freq}"]
    if rng.random() < 0.6:
        parts.append(f"INTERVAL={rng.randint(1, 5)}")
    if rng.random() < 0.5:
        days = rng.sample(_DAYS, rng.randint(1, 3))
        if freq in ("MONTHLY", "YEARLY") and rng.random() < 0.6:
            days = [f"{rng.choice([1, 2, 3, 4, 5, -1, -2])}{d}" for d in days]
        parts.append("BYDAY=" + ",".join(days))
    # BYMONTHDAY is not combined with BYDAY or BYMONTH here: combinations that never occur
    # (2TH with 29, Feb with 30) make dateutil itself scan to year 9999, in both expansions.
    if rng.random() < 0.35 and "BYDAY" not in parts[-1]:
        days = rng.sample([1, 2, 15, 28, 29, 30, 31, -1, -2, -28, -31], rng.randint(1, 2))
        parts.append("BYMONTHDAY=" + ",".join(map(str, days)))
    elif rng.random() < 0.2:
        parts.append("BYMONTH=" + ",".join(map(str, rng.sample(range(1, 13), rng.randint(1, 4)))))
    # BYSETPOS picks within a month or a year; an hourly or daily set of one item has no second
    # (dateutil would scan to the year 9999 for it, in both expansions).
    if rng.random() < 0.07 and freq in ("MONTHLY", "YEARLY"):
        parts.append("BYSETPOS=" + rng.choice(["1", "-1", "2"]))
    if rng.random() < 0.07 and freq != "HOURLY":
        parts.append("BYHOUR=" + ",".join(map(str, rng.sample(range(24), 2))))
    if rng.random() < 0.05:
        parts.append("WKST=" + rng.choice(_DAYS))
    end = rng.random()
    if end < 0.3:
        parts.append(f"COUNT={rng.choice([1, 3, 10, 24, 200, 1000])}")
    elif end < 0.5:
        until = datetime(2026, 1, 1) + timedelta(days=rng.randint(-400, 3000))
        parts.append(f"UNTIL={until:%Y%m%dT%H%M%S}")
    return ";".join(parts)


def _random_start(rng: random.Random) -> datetime:
    start = datetime(2026, 1, 1) + timedelta(days=rng.randint(-800, 200),
                                             minutes=15 * rng.randint(0, 95))
    if rng.random() < 0.1:  # month ends and leap days, where MONTHLY and YEARLY skip
        start = start.replace(year=2024, month=2, day=29) if rng.random() < 0.5 else start.replace(
            month=rng.choice([1, 3, 5, 7, 8, 10, 12]), day=31)
    if rng.random() < 0.1:  # all-day
        start = start.replace(hour=0, minute=0)
    return start


def _reference_walls(rule: str, start: datetime, lo: datetime, hi: datetime) -> list[datetime]:
    """The plain dateutil walk from DTSTART; UNTIL clipped at hi only so the test ends."""
    base = rrulestr(rule, dtstart=start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # COUNT together with UNTIL
        clipped = base.replace(until=min(base._until or hi, hi))
    return [w for w in clipped if w >= lo]


def _reference_slots(s: Schedule, lo: datetime, hi: datetime, viewer) -> list[Slot]:
    """Schedule.slots as it was before restarting rules, with the same instant tests."""
    tz = zone(s.tz) or viewer
    wlo = (lo - s.duration).astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    whi = hi.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    out = []
    for wall in _reference_walls(s.rule, s.start, max(wlo, s.start), whi):
        start = localize(wall, tz)
        end = start + s.duration
        if wall not in s.exdates and (end > lo and start < hi or (
                not s.duration and lo <= start < hi)):
            out.append(Slot(wall, start, end))
    return out


def _windows(rng: random.Random, start: datetime) -> list[tuple[datetime, datetime]]:
    out = []
    for _ in range(3):
        lo = start + timedelta(days=rng.randint(-30, 2500), hours=rng.randint(0, 23))
        out.append((lo, lo + timedelta(days=rng.choice([1, 7, 31, 400]))))
    # DST changes: Berlin 29 Mar / 25 Oct 2026, New York 8 Mar / 1 Nov 2026.
    for day in (datetime(2026, 3, 8), datetime(2026, 3, 29), datetime(2026, 10, 25),
                datetime(2026, 11, 1)):
        out.append((day - timedelta(hours=6), day + timedelta(hours=30)))
    return out


def test_restarted_expansion_matches_the_plain_dateutil_walk():
    rng = random.Random(20260601)
    checked = 0
    for _ in range(120):
        rule, start = _random_rule(rng), _random_start(rng)
        name = rng.choice(_ZONES)
        try:
            rule = normalize_rule(rule, start, zone(name))
        except ValidationError:
            continue  # e.g. BYMONTHDAY=31 with BYMONTH=2, refused by dateutil
        walls = _reference_walls(rule, start, start, start + timedelta(days=400))
        exdates = tuple(rng.sample(walls, min(len(walls), 3)))
        s = Schedule(start, timedelta(minutes=rng.choice([0, 45, 1440])), name, rule, exdates)
        for lo, hi in _windows(rng, start):
            window = (lo.replace(tzinfo=NY), hi.replace(tzinfo=NY))
            got, want = s.slots(*window, BERLIN), _reference_slots(s, *window, BERLIN)
            assert got == want, (rule, start, name, lo, hi)
            checked += len(got)
            for wall in (*exdates, *(x.key for x in want[:2]), start + timedelta(minutes=7)):
                assert s.occurs_at(wall) == (
                    wall not in exdates and wall in _reference_walls(rule, start, wall, wall))
    assert checked > 1200  # the windows really held occurrences


def test_last_occurrence_matches_the_plain_dateutil_walk():
    rng = random.Random(7)
    compared = 0
    for _ in range(400):
        rule, start = _random_rule(rng), _random_start(rng)
        if "COUNT" not in rule and "UNTIL" not in rule:
            continue
        try:
            rule = normalize_rule(rule, start, UTC)
        except ValidationError:
            continue
        walls = _reference_walls(rule, start, start, datetime(2060, 1, 1))
        base = rrulestr(rule, dtstart=start)
        if base._count and len(walls) < base._count:
            continue  # would end past 2060, or never: too slow to check by walking
        first, last = Schedule(start, timedelta(minutes=30), "UTC", rule).utc_bounds()
        want = walls[-1].replace(tzinfo=UTC) + timedelta(minutes=30) if walls else (
            first + timedelta(minutes=30))
        assert last == want, (rule, start)
        compared += 1
    assert compared > 80


@pytest.mark.parametrize("rule, start, window, keys", [
    # The second week of a MO,WE series keeps its weeks, whatever the week of the window.
    # (2030-06-03 is in an off week: 335 weeks after the week of 2024-01-03.)
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", datetime(2024, 1, 3, 9), datetime(2030, 6, 3),
     [datetime(2030, 6, 10, 9), datetime(2030, 6, 12, 9)]),
    ("FREQ=MONTHLY;BYMONTHDAY=31", datetime(2024, 1, 31, 9), datetime(2030, 4, 1),
     [datetime(2030, 5, 31, 9), datetime(2030, 7, 31, 9)]),
    ("FREQ=YEARLY", datetime(2024, 2, 29, 9), datetime(2030, 1, 1), [datetime(2032, 2, 29, 9)]),
    # COUNT: occurrence 24 of MO,WE,FR from a Wednesday, and no 25th.
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=24", datetime(2026, 1, 7, 9), datetime(2026, 2, 20),
     [datetime(2026, 2, 20, 9), datetime(2026, 2, 23, 9)]),
])
def test_restarts_keep_alignment(rule, start, window, keys):
    s = Schedule(start, timedelta(hours=1), "UTC", rule)
    got = s.slots(window.replace(tzinfo=UTC), (window + timedelta(days=800)).replace(tzinfo=UTC),
                  UTC, limit=2)
    assert [x.key for x in got] == keys


def test_an_old_endless_series_expands_a_far_future_day_quickly():
    rules = ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=HOURLY;INTERVAL=7",
             "FREQ=MONTHLY;BYDAY=-2FR", "FREQ=YEARLY;BYWEEKNO=52;BYDAY=MO",
             "FREQ=DAILY;BYSETPOS=1;BYHOUR=9,10"]
    began = time.perf_counter()
    for rule in rules:
        s = Schedule(datetime(2020, 1, 1, 9), timedelta(hours=1), "Europe/Berlin", rule)
        day = s.slots(datetime(9999, 12, 24, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC), UTC)
        assert day and all(x.start.year == 9999 for x in day)
        assert s.utc_bounds()[1] is None
    assert time.perf_counter() - began < 0.5


def test_the_calendars_edges_do_not_overflow():
    last_day = Schedule(datetime(9999, 12, 31, 22), timedelta(hours=5), "Pacific/Kiritimati",
                        "FREQ=HOURLY")
    slots = last_day.slots(datetime(9999, 12, 31, tzinfo=UTC), datetime.max.replace(tzinfo=UTC),
                           UTC)
    assert [x.key.hour for x in slots] == [22, 23]  # and nothing after the last hour
    first, last = last_day.utc_bounds()
    assert first == datetime(9999, 12, 31, 8, tzinfo=UTC) and last is None
    daily = Schedule(datetime(1, 1, 1, 0, 30), timedelta(hours=1), "America/New_York",
                     "FREQ=DAILY;COUNT=3")
    got = daily.slots(datetime.min.replace(tzinfo=UTC), datetime(1, 1, 5, tzinfo=UTC), UTC)
    assert [x.key.day for x in got] == [1, 2, 3]
    assert daily.utc_bounds()[1] == datetime(1, 1, 3, 6, 26, 2, tzinfo=UTC)  # LMT, -4:56:02
    weeks = Schedule(datetime(9999, 12, 1, 9), timedelta(days=1), None, "FREQ=WEEKLY;COUNT=9")
    assert len(weeks.slots(datetime(9999, 11, 1, tzinfo=UTC), datetime(9999, 12, 31, 23,
                                                                         tzinfo=UTC), UTC)) == 5
    assert weeks.utc_bounds()[1] is None  # its ninth week would be in year 10000
    assert not Schedule(datetime(9999, 12, 31), timedelta(days=1), None).slots(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC), UTC)


@pytest.mark.parametrize("name", [
    "Europe", "America/", "Nowhere/Town", "x" * 5000, "Europe/Ber\0lin", "../../etc/passwd",
    "Europe/../Europe/Berlin", "/usr/share/zoneinfo/UTC", "zone1970.tab", ".", "Europe//Berlin",
    "tzdata.zi", "Europe\\Berlin"])
def test_every_bad_zone_name_is_a_validation_error(name):
    with pytest.raises(ValidationError, match="Unknown time zone"):
        zone(name)


def test_good_zone_names_still_work():
    assert zone("Europe/Berlin") is BERLIN and zone(None) is None and zone("") is None


@pytest.mark.parametrize("rule", ["FREQ=DAILY;COUNT=¹", "FREQ=DAILY;INTERVAL=٣",
                                  "FREQ=WEEKLY;COUNT=²⁰", "FREQ=DAILY;INTERVAL=１"])
def test_digits_of_other_scripts_are_refused_in_words_not_with_a_crash(rule):
    from app.domain.errors import ValidationError
    from app.domain.recurrence import normalize_rule

    with pytest.raises(ValidationError):
        normalize_rule(rule, datetime(2026, 12, 1, 9, tzinfo=UTC), UTC)
