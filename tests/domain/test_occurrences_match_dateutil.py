"""The arithmetic expansion (rrule_fast) gives exactly dateutil's occurrences.

Random rules of the shapes it takes (and some it leaves to dateutil), random DTSTARTs from
1900 to 2199 with month ends and leap days, random windows, zones with DST (Lord Howe's is
half an hour), floating all-day items, EXDATEs. The reference is the plain dateutil walk from
DTSTART, and for slots the same instant tests Schedule.slots makes.

Generated rules always occur again within a few years: one that never does (the 30th of
February, a 1st Monday on the 15th) sends dateutil itself scanning to the year 9999.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.recurrence import Schedule, Slot, localize, zone
from app.domain.rrule_fast import compile_rule
from app.domain.rrule_jump import plan

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ZONES = [None, "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]
VIEWERS = [UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"),
           ZoneInfo("Australia/Lord_Howe")]
FIRST, LAST = datetime(1900, 1, 1), datetime(2199, 12, 31, 23, 59, 59)
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@st.composite
def starts(draw) -> datetime:
    year = draw(st.one_of(st.integers(1900, 2199), st.sampled_from([1900, 2024, 2026, 2199])))
    month = draw(st.integers(1, 12))
    last = (datetime(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    day = draw(st.one_of(st.integers(1, last), st.just(last), st.just(min(29, last))))
    if draw(st.booleans()) and year % 4 == 0 and (year % 100 or year % 400 == 0):
        month, day = 2, 29
    if draw(st.integers(0, 9)) == 0:  # all-day: midnight
        return datetime(year, month, day)
    return datetime(year, month, day, draw(st.integers(0, 23)),
                    draw(st.sampled_from([0, 15, 30, 45, 59])),
                    draw(st.sampled_from([0, 0, 0, 1, 30])))


@st.composite
def rules(draw, start: datetime) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    interval = draw(st.sampled_from([1, 1, 1, 2, 3, 4, 5, 7, 12]))
    parts = [f"FREQ={freq}"]
    if interval > 1 or draw(st.booleans()):
        parts.append(f"INTERVAL={interval}")
    weekdays = nth = monthdays = months = None
    shape = draw(st.sampled_from(["plain", "byday", "byday", "monthday", "month", "nth",
                                  "byday+monthday", "month+monthday", "mixed", "dateutil's"]))
    if shape == "dateutil's":  # left to dateutil: the plan must still give its answer
        parts += draw(st.sampled_from([
            ["BYDAY=MO,TU,WE,TH,FR", "BYSETPOS=-1"], ["BYDAY=SA,SU", "BYSETPOS=1,2"],
            ["BYHOUR=8,17"], ["BYMONTH=3,10", "BYDAY=-1SU"], ["BYYEARDAY=1,-1"]]))
        if freq in ("DAILY", "WEEKLY") and "BYSETPOS" in parts[-1]:
            parts[0] = "FREQ=MONTHLY"  # a set of one day a period has no second
        if "BYDAY=-1SU" in parts[-1] and freq != "YEARLY":
            parts[0] = "FREQ=YEARLY"
        shape = "plain"
    if shape in ("byday", "byday+monthday", "mixed") or (shape == "nth" and freq != "MONTHLY"):
        weekdays = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=5, unique=True))
        if freq == "DAILY" and interval % 7 == 0:
            weekdays.append(DAYS[start.weekday()])  # else no day of the cycle is kept
        if freq == "WEEKLY" and draw(st.booleans()):  # ordinals mean nothing weekly
            weekdays = [f"{draw(st.sampled_from(['1', '+2', '-1']))}{d}" for d in weekdays]
    if shape in ("nth", "mixed") and freq == "MONTHLY":
        nth = [f"{draw(st.sampled_from([1, 2, 3, 4, -1, -2, 5, -5]))}{d}"
               for d in draw(st.lists(st.sampled_from(weekdays or DAYS), min_size=1,
                                      max_size=3, unique=True))]
    if shape in ("monthday", "byday+monthday"):
        monthdays = draw(st.lists(st.sampled_from(
            [1, 2, 13, 15, 28, 29, 30, 31, -1, -2, -15, -28, -29, -31]), min_size=1,
            max_size=3, unique=True))
    if shape in ("month", "month+monthday"):
        months = draw(st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True))
        if shape == "month+monthday":  # every month has days 1-28
            monthdays = draw(st.lists(st.sampled_from([1, 5, 28, -1, -7, -28]), min_size=1,
                                      max_size=2, unique=True))
    byday = (weekdays or []) + (nth or [])
    if byday:
        parts.append("BYDAY=" + ",".join(byday))
    if monthdays:
        parts.append("BYMONTHDAY=" + ",".join(map(str, monthdays)))
    if months:
        parts.append("BYMONTH=" + ",".join(map(str, months)))
    if draw(st.integers(0, 5)) == 0:
        parts.append(f"WKST={draw(st.sampled_from(DAYS))}")
    rare = weekdays and monthdays  # Friday the 13th: months or years apart
    end = draw(st.sampled_from(["none", "none", "count", "count", "until", "untildate"]))
    if end == "count":
        counts = [1, 2, 5, 12, 24, 60] if rare else [1, 2, 5, 12, 24, 60, 500]
        parts.append(f"COUNT={draw(st.sampled_from(counts))}")
    elif end.startswith("until"):
        until = start + timedelta(days=draw(st.integers(-3, 3000)),
                                  seconds=draw(st.integers(-3600, 3600)))
        until = min(max(until, FIRST), LAST)
        parts.append(f"UNTIL={until:%Y%m%d}" if end == "untildate"
                     else f"UNTIL={until:%Y%m%dT%H%M%S}")
    draw(st.randoms()).shuffle(parts)  # dateutil reads the parts in any order
    return ";".join(parts)


@st.composite
def cases(draw):
    start = draw(starts())
    rule = draw(rules(start))
    pick = draw(st.integers(0, 7))
    if pick == 0:  # a window on the calendar's edge the CLI allows
        lo = max(draw(st.sampled_from([FIRST, datetime(2199, 12, 20)])),
                 start - timedelta(days=3))
    elif pick < 5:  # around an occurrence, exactly on it or a moment off
        some = list(islice(rrulestr(rule, dtstart=start), 300))
        anchor = draw(st.sampled_from(some)) if some else start
        lo = anchor + draw(st.sampled_from([timedelta(0), timedelta(seconds=1),
                                            -timedelta(seconds=1), -timedelta(hours=1),
                                            -timedelta(days=1), -timedelta(days=8)]))
    else:
        lo = start + timedelta(days=draw(st.integers(-40, 7300)),
                               hours=draw(st.integers(0, 23)))
    lo = min(max(lo, FIRST), LAST)
    span = timedelta(hours=draw(st.sampled_from([1, 24, 24 * 7, 24 * 31, 24 * 92, 24 * 400])))
    return rule, start, lo, min(lo + span, LAST)


def reference_walls(rule: str, start: datetime, lo: datetime, hi: datetime) -> list[datetime]:
    """dateutil from DTSTART, as Plan.walls reads it: from max(lo, DTSTART) to hi."""
    out = []
    for wall in rrulestr(rule, dtstart=start):
        if wall > hi:
            break
        if wall >= max(lo, start):
            out.append(wall)
    return out


@SETTINGS
@given(cases())
def test_walls_are_dateutils(case):
    rule, start, lo, hi = case
    want = reference_walls(rule, start, lo, hi)
    assert list(plan(rule, start).walls(max(lo, start), hi)) == want, (rule, start, lo, hi)
    fast = compile_rule(rule, start)
    if fast is not None:
        assert fast.walls(max(lo, start), hi) == want, (rule, start, lo, hi)
        for wall in want[:3] + [lo, start + timedelta(minutes=1)]:
            assert fast.occurs_at(wall) == (wall in want or wall in reference_walls(
                rule, start, wall, wall)), (rule, start, wall)


def reference_slots(s: Schedule, lo: datetime, hi: datetime, viewer) -> list[Slot]:
    """Schedule.slots before the arithmetic: the dateutil walk, localized, the same tests."""
    tz = zone(s.tz) or viewer
    wlo = (lo - s.duration).astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    whi = hi.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    out = []
    assert s.rule is not None
    for wall in reference_walls(s.rule, s.start, wlo, whi):
        start = localize(wall, tz)
        end = start + s.duration
        if wall not in s.exdates and (end > lo and start < hi or (
                not s.duration and lo <= start < hi)):
            out.append(Slot(wall, start, end))
    return out


@SETTINGS
@given(cases(), st.sampled_from(ZONES), st.sampled_from(VIEWERS),
       st.sampled_from([timedelta(0), timedelta(minutes=45), timedelta(hours=3),
                        timedelta(days=1), timedelta(days=3)]),
       st.integers(0, 3), st.sampled_from(VIEWERS), st.data())
def test_slots_are_dateutils_in_every_zone(case, name, viewer, duration, skipped, window_tz,
                                           data):
    rule, start, lo, hi = case
    if name is None:  # floating, all-day: midnight, whole days
        start, duration = start.replace(hour=0, minute=0, second=0), timedelta(days=1)
    walls = reference_walls(rule, start, start, start + timedelta(days=60))
    exdates = tuple(data.draw(st.permutations(walls))[:skipped]) if walls else ()
    s = Schedule(start, duration, name, rule, exdates)
    window = (lo.replace(tzinfo=window_tz), hi.replace(tzinfo=window_tz))
    if window[1] <= window[0]:
        return
    got = s.slots(*window, viewer)
    assert got == reference_slots(s, *window, viewer), (rule, start, name, window)
    timed = s.timed_slots(*window, viewer)
    assert [Slot(*t[:3]) for t in timed] == got
    # (Compared in UTC: Python finds no time of a fold equal to one in another zone.)
    assert all(t[3] == t[1].astimezone(UTC) and t[3].tzinfo is UTC for t in timed)


def test_the_common_rules_take_the_arithmetic_path():
    start = datetime(2025, 3, 4, 9, 30)
    for rule in ["FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
                 "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=12", "FREQ=MONTHLY;BYDAY=1TU",
                 "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=24",
                 "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "FREQ=YEARLY;COUNT=5",
                 "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270525T235959", "FREQ=MONTHLY;BYMONTHDAY=31",
                 "freq=daily;interval=3", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"]:
        assert compile_rule(rule, start) is not None, rule
    for rule in ["FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", "FREQ=YEARLY;BYWEEKNO=1",
                 "FREQ=YEARLY;BYDAY=1MO", "FREQ=DAILY;BYHOUR=9,17", "FREQ=HOURLY",
                 "FREQ=WEEKLY; BYDAY=MO", "FREQ=WEEKLY;UNTIL=20270101T000000Z",
                 "FREQ=WEEKLY;BYDAY=MO(+1)", "FREQ=MONTHLY;BYMONTHDAY=0"]:
        assert compile_rule(rule, start) is None, rule
    assert compile_rule("FREQ=WEEKLY", start.replace(microsecond=5)) is None


def test_count_is_exact_whatever_the_window():
    """The COUNT-th occurrence ends the series, however far the window is from DTSTART."""
    for rule, start in [("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=24", datetime(2026, 1, 7, 9)),
                        ("FREQ=DAILY;INTERVAL=3;BYDAY=SA,SU;COUNT=40", datetime(2026, 1, 1)),
                        ("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=7", datetime(2025, 1, 31, 8)),
                        ("FREQ=YEARLY;COUNT=5", datetime(2024, 2, 29, 12)),
                        ("FREQ=MONTHLY;BYDAY=5FR;COUNT=9", datetime(2026, 1, 1, 10)),
                        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=3", datetime(1900, 1, 1)),
                        ("FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,MO;COUNT=11",
                         datetime(2026, 3, 3, 7))]:
        everything = list(rrulestr(rule, dtstart=start))
        p = compile_rule(rule, start)
        assert p is not None, rule
        assert p.walls(start, datetime(2199, 12, 31)) == everything, rule
        for k in range(len(everything)):  # every window that starts at an occurrence
            assert p.walls(everything[k], datetime(2199, 12, 31)) == everything[k:], rule


def test_the_calendars_last_days():
    for rule in ["FREQ=WEEKLY;BYDAY=FR,SA,SU", "FREQ=MONTHLY;BYMONTHDAY=-1",
                 "FREQ=DAILY;INTERVAL=5;COUNT=1000", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"]:
        start = datetime(9999, 11, 3, 23, 30)
        want: list[datetime] = []
        with suppress(ValueError):  # dateutil steps past the year 9999: there are no more
            want.extend(rrulestr(rule, dtstart=start))
        assert want[-1].year == 9999
        got = plan(rule, start).walls(start, datetime.max)
        assert list(got) == want, rule
    s = Schedule(datetime(9999, 12, 30, 20), timedelta(hours=5), "Pacific/Kiritimati",
                 "FREQ=DAILY")
    assert [x.key.day for x in s.slots(datetime(9999, 12, 1, tzinfo=UTC),
                                       datetime.max.replace(tzinfo=UTC), UTC)] == [30, 31]


def test_times_that_differ_only_in_fold_are_not_confused():
    """01:30 on 1 Nov 2026 happens twice in New York; Python finds the two equal in their
    zone, so nothing remembered for one may answer for the other."""
    ny = ZoneInfo("America/New_York")
    first, later = datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 1, 30, fold=1)
    window = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
    for wall in (first, later, first):
        (slot,) = Schedule(wall, timedelta(minutes=10), "America/New_York").slots(*window, UTC)
        assert slot.start == localize(wall, ny), wall
    # A window from the later 01:00 (06:00 UTC) leaves out 05:20 UTC; one from the first
    # 01:00 (05:00 UTC) has it.
    s = Schedule(datetime(2026, 10, 31, 5, 20), timedelta(minutes=5), "UTC", "FREQ=DAILY")
    for fold, days in ((0, [1, 2, 3]), (1, [2, 3]), (0, [1, 2, 3])):
        lo = datetime(2026, 11, 1, 1, 0, fold=fold, tzinfo=ny)
        hi = lo + timedelta(days=2)
        assert [x.key.day for x in s.slots(lo, hi, UTC)] == days, fold
        assert s.slots(lo, hi, UTC) == reference_slots(s, lo, hi, UTC)
