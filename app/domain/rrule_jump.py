"""Expanding a recurrence rule near a window without walking it from its first start.

dateutil generates a rule's occurrences one after another from DTSTART, so a weekly meeting
begun two years ago costs a hundred steps before this week's comes out, on every agenda. A rule
whose occurrences repeat with a fixed period (every INTERVAL days, weeks, months, years or
hours, whatever its BYxxx filters) gives the same occurrences from any later start that is a
whole number of periods on, with its implicit parts spelled out (a monthly rule's day of the
month, a yearly rule's month and day, which dateutil would otherwise take from the new start).
So the rule is restarted one period before the window. Rules whose occurrences depend on how
many came before (COUNT) are walked from the start as before; the COUNT bounds that walk.

All this is the fallback: the common simple rules are expanded by arithmetic (rrule_fast),
without dateutil or its parsing, which costs more than a week's expansion.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from math import lcm
from typing import Literal

from dateutil.rrule import rrule, rrulestr

from app.domain.rrule_fast import compile_rule

# A COUNT rule longer than this is treated as having no end when its end is asked for.
MAX_WALK = 100_000
# Parts that make dateutil take a monthly or yearly rule's day (and a yearly rule's month)
# from DTSTART when none of them is given.
_DAY_PARTS = {"BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYEASTER"}


def _parts(rule: str) -> dict[str, str]:
    text = rule[6:] if rule.upper().startswith("RRULE:") else rule
    return {k.strip().upper(): v.strip() for k, _, v in
            (item.partition("=") for item in text.split(";") if item)}


def _months(start: datetime, lo: datetime) -> int:
    return (lo.year - start.year) * 12 + lo.month - start.month


class Plan:
    def __init__(self, rule: str, start: datetime):
        self.rule = rule
        self.start = start
        self.fast = compile_rule(rule, start)
        if self.fast is None:
            self.whole  # noqa: B018  parsed now: an invalid rule fails here, as it always did

    # Parsed only when dateutil is to expand the rule: an agenda asks for thousands of plans.
    @cached_property
    def parts(self) -> dict[str, str]:
        return _parts(self.rule)

    @cached_property
    def freq(self) -> str:
        return self.parts.get("FREQ", "").upper()

    @cached_property
    def interval(self) -> int:
        return int(self.parts.get("INTERVAL", "1") or 1)

    @cached_property
    def periodic(self) -> bool:
        # BYxxx filters and BYSETPOS work within each period, so only COUNT, which numbers
        # the occurrences from the first, ties a rule to its start.
        return "COUNT" not in self.parts

    @cached_property
    def whole(self) -> rrule:
        return _parsed(self.rule, self.start)

    def _restart(self, lo: datetime) -> tuple[datetime, str] | None:
        """A start a whole number of periods on, one period before `lo`, and the rule with
        its implicit parts written out; None when there is nothing to gain or it is unsafe."""
        if not self.periodic or lo <= self.start:
            return None
        s, n, parts = self.start, self.interval, dict(self.parts)
        try:
            if self.freq in ("DAILY", "WEEKLY"):
                period = n * (7 if self.freq == "WEEKLY" else 1)
                if self.freq == "DAILY" and "BYDAY" in parts:
                    period = lcm(period, 7)  # the weekday filter repeats weekly
                k = (lo - s).days // period - 1
                if k <= 0:
                    return None
                return s + timedelta(days=k * period), self.rule
            if self.freq == "HOURLY":
                if set(parts) - {"FREQ", "INTERVAL", "BYMINUTE", "BYSECOND", "UNTIL", "WKST"}:
                    return None
                hours = int((lo - s).total_seconds() // 3600) // n * n - n
                if hours <= 0:
                    return None
                return s + timedelta(hours=hours), self.rule
            if self.freq == "MONTHLY":
                k = _months(s, lo) // n - 1
                if k <= 0:
                    return None
                if not _DAY_PARTS & set(parts):
                    parts["BYMONTHDAY"] = str(s.day)
                total = s.month - 1 + k * n
                moved = s.replace(year=s.year + total // 12, month=total % 12 + 1, day=1)
            elif self.freq == "YEARLY":
                k = (lo.year - s.year) // n - 1
                if k <= 0:
                    return None
                if not _DAY_PARTS & set(parts):
                    parts.setdefault("BYMONTH", str(s.month))
                    parts["BYMONTHDAY"] = str(s.day)
                moved = s.replace(year=s.year + k * n, month=1, day=1)
            else:
                return None
        except (OverflowError, ValueError):
            return None
        return moved, ";".join(f"{k}={v}" for k, v in parts.items())

    def walls(self, lo: datetime, hi: datetime) -> Iterable[datetime]:
        """Occurrences (wall clock) from `lo` to `hi`, both included, in order."""
        if self.fast is not None:
            return self.fast.walls(lo, hi)
        return self._walk(lo, hi)

    def _walk(self, lo: datetime, hi: datetime) -> Iterator[datetime]:
        restart = self._restart(lo)
        source = self.whole if restart is None else _rule(restart[1], restart[0])
        try:
            for wall in source.xafter(max(lo, self.start), inc=True):
                if wall > hi:
                    return
                yield wall
        except (OverflowError, ValueError):  # past the year 9999: there are no more
            return

    def last(self) -> datetime | Literal[True] | None:
        """The last occurrence, None if there is none, True if there is no end (or more than
        MAX_WALK to walk)."""
        if "COUNT" in self.parts:
            last, seen = None, 0
            try:
                for wall in self.whole:
                    if seen >= MAX_WALK:
                        return True
                    last, seen = wall, seen + 1
            except (OverflowError, ValueError):
                return True  # it runs past the calendar's last day: as good as endless
            if last is not None and seen < int(self.parts["COUNT"]) and last.year == 9999:
                return True  # dateutil stopped at the calendar's end, not at COUNT
            return last
        until = _until(self.parts.get("UNTIL"))
        if until is None:
            return True
        for span in (timedelta(days=800), timedelta(days=40_000), None):
            lo = self.start if span is None else max(self.start, until - span)
            found = None
            for found in self.walls(lo, until):  # noqa: B007  the last one is wanted
                pass
            if found is not None:
                return found
        return None


def _until(text: str | None) -> datetime | None:
    """The rule's UNTIL as a wall-clock time (normalize_rule wrote it so: no zone)."""
    if not text:
        return None
    value = text.upper().rstrip("Z")
    try:
        if len(value) == 8:
            return datetime.strptime(value, "%Y%m%d").replace(hour=23, minute=59, second=59)
        return datetime.strptime(value, "%Y%m%dT%H%M%S")
    except ValueError:
        return None


def _parsed(rule: str, start: datetime) -> rrule:
    parsed = rrulestr(rule, dtstart=start)
    if not isinstance(parsed, rrule):  # an RRULE value is one rule, never a set
        raise ValueError(f"'{rule}' is not a single recurrence rule")
    return parsed


@lru_cache(maxsize=4096)
def _rule(rule: str, start: datetime) -> rrule:
    return _parsed(rule, start)


@lru_cache(maxsize=32768)
def plan(rule: str, start: datetime) -> Plan:
    """The parsed rule for (rule, start), kept: an agenda asks for the same series again."""
    return Plan(rule, start)
