"""Expanding every recurring series for an agenda: ~10,000 series shaped like the sample data
(mostly weekly without end, begun up to two years ago), over a week and over a year, against the
plain dateutil walk from DTSTART that Schedule.slots used before. The cold figure starts with
no rule parsed and no wall time placed in its zone.

    .venv/bin/python bench/agenda.py
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from common import median, report, timed
from dateutil.rrule import rrulestr

from app.domain.recurrence import Schedule, clear_caches, localize, zone

SERIES = 10_000
RUNS = 5
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC", None]
RULES = [("FREQ=WEEKLY;BYDAY={wd}", 30), ("FREQ=WEEKLY;INTERVAL=2;BYDAY={wd}", 15),
         ("FREQ=MONTHLY;BYMONTHDAY=1;COUNT=12", 8), ("FREQ=MONTHLY;BYDAY=1{wd}", 10),
         ("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=24", 8), ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", 7),
         ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10", 5),
         ("FREQ=WEEKLY;BYDAY={wd};UNTIL={until}", 10),
         ("FREQ=YEARLY;COUNT=5", 4), ("FREQ=MONTHLY;BYDAY=-1FR", 3)]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def series(rng: random.Random, today: date) -> list[Schedule]:
    templates, weights = zip(*RULES, strict=True)
    out = []
    for _ in range(SERIES):
        template = rng.choices(templates, weights)[0]
        day = today - timedelta(days=rng.randint(0, 730))
        until = day + timedelta(days=rng.choice((90, 180, 365, 1000)))
        rule = template.format(wd=rng.choice(WEEKDAYS), until=f"{until:%Y%m%dT235959}")
        tz = rng.choice(ZONES)
        start = datetime.combine(day, time(rng.randrange(8, 18), rng.choice((0, 15, 30, 45))))
        if tz is None:
            start = datetime.combine(day, time())
        out.append(Schedule(start, timedelta(days=1) if tz is None else timedelta(minutes=45),
                            tz, rule))
    return out


def fast(all_series: list[Schedule], lo: datetime, hi: datetime) -> int:
    return sum(len(s.slots(lo, hi, UTC)) for s in all_series)


def walked(all_series: list[Schedule], lo: datetime, hi: datetime) -> int:
    """The former Schedule.slots: parse the rule and walk it from its first start."""
    total = 0
    for s in all_series:
        tz = zone(s.tz) or UTC
        wlo = (lo - s.duration).astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
        whi = hi.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
        for wall in rrulestr(s.rule, dtstart=s.start).xafter(max(wlo, s.start), inc=True):
            if wall > whi:
                break
            start = localize(wall, tz)
            total += start + s.duration > lo and start < hi
    return total


def main() -> None:
    today = date.today()
    all_series = series(random.Random(11), today)
    monday = datetime.combine(today - timedelta(days=today.weekday()), time(), UTC)
    week = (monday, monday + timedelta(days=7))
    year = (monday, monday + timedelta(days=365))
    assert fast(all_series, *year) == walked(all_series, *year), "expansions disagree"
    clear_caches()
    cold = timed(lambda: fast(all_series, *year)) * 1000  # parsing every rule included
    years = [timed(lambda: fast(all_series, *year)) * 1000 for _ in range(RUNS)]
    weeks = [timed(lambda: fast(all_series, *week)) * 1000 for _ in range(RUNS)]
    old = [timed(lambda: walked(all_series, *year)) * 1000 for _ in range(3)]
    report("expand_year_all_series", median(years), "ms", "<", 1000)
    report("expand_year_all_series_cold", cold, "ms", "<", 1000)
    report("expand_week_all_series", median(weeks), "ms", "<", 100)
    report("expand_year_all_series_walked", median(old), "ms", "<", 1e9)
    report("expand_year_speedup", median(old) / median(years), "x", ">", 1)


if __name__ == "__main__":
    main()
