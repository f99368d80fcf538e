"""The common recurrence rules, expanded by arithmetic straight into a window.

dateutil builds and filters every period's candidate days one period after another, and every
series pays for parsing its rule text. Nearly every stored rule is simple: every n days; every
n weeks on some weekdays; every n months on some days of the month or an nth weekday; every n
years on some dates; ending at UNTIL, after COUNT, or never. With one time of day (no BYHOUR,
BYMINUTE or BYSECOND) each occurrence is DTSTART plus a whole number of days, and the days of
any window can be computed directly. `compile_rule` gives such a plan, or None for anything
else (HOURLY, BYSETPOS, BYWEEKNO, BYYEARDAY, a yearly nth weekday, text that is not plainly
canonical), which stays with dateutil (rrule_jump).

The days must be exactly dateutil's, quirks included: a monthly 31st skips short months, "1MO"
in a weekly rule means every Monday, BYDAY and BYMONTHDAY together must both hold, only
occurrences at or after DTSTART count. tests/domain/test_occurrences_match_dateutil.py holds
the two to that.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from math import lcm
from typing import NamedTuple

_WEEKDAY = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_FREQS = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_KEYS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"}
_LAST_DAY = date.max.toordinal()
_NUMBER = re.compile(r"[0-9]{1,7}")
_BYDAY = re.compile(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_MONTHDAY = re.compile(r"-?[0-9]{1,2}")
_UNTIL = re.compile(r"[0-9]{8}(T[0-9]{6})?")
# Finding a COUNT rule's end means walking it once from DTSTART; a daily or weekly rule whose
# filters let few days through (BYMONTH with BYMONTHDAY) is left to dateutil when its end is
# further than this, rather than stall a view.
_WALK_DAYS = 150_000
_STEPS = tuple(timedelta(days=d) for d in range(31))


@dataclass(frozen=True)
class _Text:
    """One RRULE value, parsed once for every series that uses the same text."""

    freq: str
    interval: int
    count: int | None
    until: datetime | None
    weekdays: frozenset[int] | None  # BYDAY without ordinals (all of it below MONTHLY)
    nth: frozenset[tuple[int, int]] | None  # monthly BYDAY with ordinals: (weekday, n)
    monthdays: frozenset[int] | None  # BYMONTHDAY; negative counts from the month's end
    months: frozenset[int] | None
    wkst: int | None


def _ints(value: str, pattern: re.Pattern[str], low: int, high: int) -> frozenset[int] | None:
    out = set()
    for item in value.split(","):
        if not pattern.fullmatch(item) or not low <= int(item) <= high or int(item) == 0:
            return None
        out.add(int(item))
    return frozenset(out)


def _until(value: str) -> datetime | None:
    """As dateutil's parser reads UNTIL: a bare date is its midnight."""
    if not _UNTIL.fullmatch(value):
        return None
    try:
        day = datetime(int(value[:4]), int(value[4:6]), int(value[6:8]))
        if len(value) == 8:
            return day
        return day.replace(hour=int(value[9:11]), minute=int(value[11:13]),
                           second=int(value[13:15]))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _parse(rule: str) -> _Text | None:
    text = rule.upper()  # as rrulestr reads it
    if text.startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for item in text.split(";"):
        key, sep, value = item.partition("=")
        if not sep or key not in _KEYS or key in parts:
            return None
        parts[key] = value
    freq = parts.get("FREQ")
    if freq not in _FREQS or ("COUNT" in parts and "UNTIL" in parts):
        return None
    numbers = {}
    for key in ("INTERVAL", "COUNT"):
        if key in parts:
            if not _NUMBER.fullmatch(parts[key]) or int(parts[key]) < 1:
                return None
            numbers[key] = int(parts[key])
    until = None
    if "UNTIL" in parts and (until := _until(parts["UNTIL"])) is None:
        return None
    weekdays: set[int] | None = None
    nth: set[tuple[int, int]] | None = None
    if "BYDAY" in parts:
        weekdays, nth = set(), set()
        for item in parts["BYDAY"].split(","):
            if not (m := _BYDAY.fullmatch(item)):
                return None
            n = int(m[1]) if m[1] else 0
            if m[1] and n == 0:
                return None  # dateutil refuses "0MO"
            if n and freq == "YEARLY":
                return None  # the nth weekday of a year, or of each BYMONTH: dateutil's
            if n and freq == "MONTHLY":
                nth.add((_WEEKDAY[m[2]], n))
            else:
                weekdays.add(_WEEKDAY[m[2]])
    monthdays = months = None
    if "BYMONTHDAY" in parts and (
            monthdays := _ints(parts["BYMONTHDAY"], _MONTHDAY, -31, 31)) is None:
        return None
    if "BYMONTH" in parts and (months := _ints(parts["BYMONTH"], _NUMBER, 1, 12)) is None:
        return None
    wkst = None
    if "WKST" in parts:
        if parts["WKST"] not in _WEEKDAY:
            return None
        wkst = _WEEKDAY[parts["WKST"]]
    return _Text(freq, numbers.get("INTERVAL", 1), numbers.get("COUNT"), until,
                 frozenset(weekdays) if weekdays else None, frozenset(nth) if nth else None,
                 monthdays, months, wkst)


@lru_cache(maxsize=16384)
def _month_days(year: int, month: int, monthdays: frozenset[int] | None,
                weekdays: frozenset[int] | None,
                nth: frozenset[tuple[int, int]] | None) -> tuple[int, tuple[int, ...]]:
    """The ordinal of the month's first day, and the days of the month the filters keep."""
    first_weekday, length = calendar.monthrange(year, month)
    days: Sequence[int] = range(1, length + 1)
    if monthdays is not None:
        days = [d for d in days if d in monthdays or d - length - 1 in monthdays]
    if weekdays is not None:
        days = [d for d in days if (first_weekday + d - 1) % 7 in weekdays]
    if nth is not None:
        chosen = set()
        for weekday, n in nth:
            first = 1 + (weekday - first_weekday) % 7
            day = first + 7 * (n - 1) if n > 0 else (
                first + 7 * ((length - first) // 7) + 7 * (n + 1))
            chosen.add(day)
        days = [d for d in days if d in chosen]
    return date(year, month, 1).toordinal(), tuple(days)


class _Shape(NamedTuple):
    """What a series takes from its rule and the weekday (or day and month) of its DTSTART:
    shared by every series of that rule begun on such a day."""

    weekdays: frozenset[int] | None
    nth: frozenset[tuple[int, int]] | None
    monthdays: frozenset[int] | None
    months: frozenset[int] | None
    months_in_order: tuple[int, ...]  # yearly: the months to visit
    # Daily and weekly: a cycle of `period` days, from `back` days before DTSTART (the week's
    # start), holds occurrences at fixed offsets.
    back: int
    period: int
    offsets: tuple[int, ...]
    steps: tuple[timedelta, ...] | None  # the offsets as timedeltas; None: monthly, yearly
    jump: timedelta
    filtered: bool  # BYMONTH or BYMONTHDAY too, day by day


def _shape_of(text: _Text, start: datetime) -> _Shape:
    implicit = text.weekdays is None and text.nth is None and text.monthdays is None
    if text.freq in ("DAILY", "WEEKLY"):
        return _shape(text, start.weekday(), 0, 0)
    if not implicit:
        return _shape(text, 0, 0, 0)
    return _shape(text, 0, start.month if text.freq == "YEARLY" else 0, start.day)


@lru_cache(maxsize=4096)
def _shape(text: _Text, weekday: int, month: int, day: int) -> _Shape:
    weekdays, monthdays, months = text.weekdays, text.monthdays, text.months
    if weekdays is None and text.nth is None and monthdays is None:
        # dateutil's implicit parts, from DTSTART
        if text.freq == "YEARLY":
            months = months or frozenset((month,))
            monthdays = frozenset((day,))
        elif text.freq == "MONTHLY":
            monthdays = frozenset((day,))
        elif text.freq == "WEEKLY":
            weekdays = frozenset((weekday,))
    in_order = tuple(sorted(months or range(1, 13)))
    if text.freq not in ("DAILY", "WEEKLY"):
        return _Shape(weekdays, text.nth, monthdays, months, in_order, 0, 0, (), None,
                      timedelta(0), False)
    n = text.interval
    if text.freq == "DAILY":
        back, period = 0, n if weekdays is None else lcm(n, 7)
        offsets = tuple(o for o in range(0, period, n)
                        if weekdays is None or (weekday + o) % 7 in weekdays)
    else:
        wkst = calendar.firstweekday() if text.wkst is None else text.wkst
        back, period = (weekday - wkst) % 7, 7 * n
        offsets = tuple(sorted((w - wkst) % 7 for w in (weekdays or range(7))))
    return _Shape(weekdays, text.nth, monthdays, months, in_order, back, period, offsets,
                  tuple(timedelta(o) for o in offsets), timedelta(period),
                  months is not None or monthdays is not None)


class Arithmetic:
    """One series of a simple rule: DTSTART plus whole days, found without walking."""

    def __init__(self, text: _Text, start: datetime):
        self.start = start
        self.time = start.time()
        self.first = start.toordinal()
        self.freq = text.freq
        self.interval = text.interval
        (self.weekdays, self.nth, self.monthdays, self.months, self.months_in_order, back,
         self.period, self.offsets, self.steps, self.jump, self.filtered) = _shape_of(text, start)
        self.base = self.first - back
        self.last = _LAST_DAY
        if text.until is not None:
            self.last = text.until.toordinal() - (text.until.time() < self.time)
        elif text.count is not None:
            self.last = self._counted(text.count)

    def walls(self, lo: datetime, hi: datetime) -> list[datetime]:
        """Occurrences (wall clock) from `lo` to `hi`, both included, in order."""
        # Walls are DTSTART plus whole days: the first at or after lo is a ceiling of days.
        ahead, behind = lo - self.start, hi - self.start
        first = self.first + max(0, ahead.days + (ahead.seconds > 0 or ahead.microseconds > 0))
        last = min(self.first + behind.days, self.last)
        if first > last:
            return []
        try:
            if self.steps is None:
                return self._period_walls(first, last)
            if not self.filtered:
                return self._cycle_walls(first, last)
        except OverflowError:  # a week begun before the year 1
            pass
        start, origin = self.start, self.first
        return [start + timedelta(d - origin) for d in self._days(first, last)]

    def occurs_at(self, wall: datetime) -> bool:
        return bool(self.walls(wall, wall))

    # The two below are _days turned into wall times, without a generator or a timedelta
    # built per occurrence: an agenda of every series spends its time here.
    def _cycle_walls(self, lo: int, hi: int) -> list[datetime]:
        period, offsets, steps = self.period, self.offsets, self.steps or ()
        cycle = self.base + (lo - self.base) // period * period
        if len(offsets) == 1:  # most rules: one step, INTERVAL days or weeks apart
            day = cycle + offsets[0]
            if day < lo:
                day += period
            if day > hi:
                return []
            at, jump = self.start + timedelta(day - self.first), self.jump
            out = [at]
            append = out.append
            for _ in range((hi - day) // period):
                at += jump
                append(at)
            return out
        at, jump = self.start + timedelta(cycle - self.first), self.jump
        out = []
        while True:
            for offset, step in zip(offsets, steps):  # noqa: B905  equal by construction
                day = cycle + offset
                if day > hi:
                    return out
                if day >= lo:
                    out.append(at + step)
            cycle += period
            if cycle > hi:
                return out
            at += jump

    def _period_walls(self, lo: int, hi: int) -> list[datetime]:
        start, origin = self.start, self.first
        out: list[datetime] = []
        for month_start, days in self._months(date.fromordinal(lo), date.fromordinal(hi)):
            at = start + timedelta(month_start - origin)
            for d in days:
                day = month_start + d - 1
                if day > hi:
                    return out
                if day >= lo:
                    out.append(at + _STEPS[d - 1])
        return out

    def _days(self, lo: int, hi: int) -> Iterator[int]:
        """Occurrence days (ordinals) from lo to hi, both included; lo >= DTSTART's day."""
        if self.freq in ("DAILY", "WEEKLY"):
            days = self._cycle_days(lo, hi)
            return filter(self._keeps, days) if self.filtered else days
        return self._period_days(lo, hi)

    def _cycle_days(self, lo: int, hi: int) -> Iterator[int]:
        period, offsets = self.period, self.offsets
        if not offsets:
            return
        cycle = self.base + (lo - self.base) // period * period
        while cycle <= hi:
            for offset in offsets:
                day = cycle + offset
                if day > hi:
                    return
                if day >= lo:
                    yield day
            cycle += period

    def _keeps(self, ordinal: int) -> bool:
        day = date.fromordinal(ordinal)
        if self.months is not None and day.month not in self.months:
            return False
        if self.monthdays is not None and day.day not in self.monthdays:
            length = calendar.monthrange(day.year, day.month)[1]
            return day.day - length - 1 in self.monthdays
        return True

    def _period_days(self, lo: int, hi: int) -> Iterator[int]:
        for month_start, days in self._months(date.fromordinal(lo), date.fromordinal(hi)):
            for d in days:
                day = month_start + d - 1
                if day > hi:
                    return
                if day >= lo:
                    yield day

    def _months(self, low: date, high: date) -> Iterator[tuple[int, tuple[int, ...]]]:
        """Monthly and yearly rules: the kept days of each month of every INTERVAL-th month
        or year from low's to high's, as (ordinal of the month's first day, days)."""
        n, s = self.interval, self.start
        filters = self.monthdays, self.weekdays, self.nth
        months: Iterator[tuple[int, int]]
        if self.freq == "MONTHLY":
            origin = s.year * 12 + s.month - 1
            index = origin + max(0, -(-(low.year * 12 + low.month - 1 - origin) // n)) * n
            months = ((i // 12, i % 12 + 1) for i in range(index, high.year * 12 + high.month, n)
                      if self.months is None or i % 12 + 1 in self.months)
        else:
            year = s.year + max(0, -(-(low.year - s.year) // n)) * n
            months = ((y, m) for y in range(year, high.year + 1, n)
                      for m in self.months_in_order)
        for y, m in months:
            yield _month_days(y, m, *filters)

    def _counted(self, count: int) -> int:
        """The day of the COUNT-th occurrence; the calendar's last day if it never comes."""
        if self.freq not in ("DAILY", "WEEKLY"):
            seen = 0
            for month_start, days in self._months(self.start.date(), date.max):
                kept = [d for d in days if month_start + d - 1 >= self.first]
                if seen + len(kept) >= count:
                    return month_start + kept[count - seen - 1] - 1
                seen += len(kept)
            return _LAST_DAY
        offsets = self.offsets
        if not offsets:
            return self.first - 1
        if not self.filtered:
            opening = [o for o in offsets if self.base + o >= self.first]
            if count <= len(opening):
                return self.base + opening[count - 1]
            cycles, at = divmod(count - len(opening) - 1, len(offsets))
            return min(self.base + (1 + cycles) * self.period + offsets[at], _LAST_DAY)
        end = min(self.first + _WALK_DAYS, _LAST_DAY)
        for seen, day in enumerate(self._days(self.first, end), 1):
            if seen == count:
                return day
        if end < _LAST_DAY:
            raise _TooSlow
        return _LAST_DAY


class _TooSlow(Exception):
    pass


def compile_rule(rule: str, start: datetime) -> Arithmetic | None:
    """The arithmetic plan for (rule, DTSTART), or None when dateutil must expand it."""
    text = _parse(rule)
    if text is None or start.microsecond or start.tzinfo is not None:
        return None  # dateutil drops DTSTART's microseconds yet compares against them
    try:
        return Arithmetic(text, start)
    except (_TooSlow, OverflowError, ValueError):
        return None


def clear_caches() -> None:
    """For benchmarks that measure a cold start."""
    _parse.cache_clear()
    _shape.cache_clear()
    _month_days.cache_clear()
