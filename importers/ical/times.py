"""Dates, date-times and durations of one component, as Activity holds them: naive wall time
plus an IANA zone name (None: floating, or a date)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from icalendar.prop import vDDDTypes

from app.domain.recurrence import localize, zone
from importers.ical.content import Prop
from importers.ical.zones import Zones

MIDNIGHT = time()
_LEADING = re.compile(r"\d{8}(?:T\d{6}Z?)?")


class When(NamedTuple):
    value: date | datetime  # a date, or a naive wall-clock datetime in `zone`
    zone: str | None  # IANA name; None for a date or floating time
    utc: bool = False  # written with a Z

    @property
    def is_date(self) -> bool:
        return not isinstance(self.value, datetime)


class Bad(ValueError):
    """A value that is not what its property needs; the message says so in words."""


def shorten(text: str, size: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= size else f"{text[:size]}..."


def parse_value(text: str, what: str, warnings: list[str] | None = None
                ) -> date | datetime | timedelta:
    text = text.strip()
    size = len(text)
    # The forms nearly every value has, read directly (datetime() checks them as icalendar
    # would: no month 13, no 30 February, no year 0); anything else is icalendar's.
    if (size == 8 or size in (15, 16) and text[8] == "T" and (size == 15 or text[15] in "Zz")
            ) and text[:8].isdigit() and text[:8].isascii():
        try:
            if size == 8:
                return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
            clock = text[9:15]
            if clock.isdigit() and clock.isascii():
                return datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(clock[:2]),
                                int(clock[2:4]), int(clock[4:6]),
                                tzinfo=UTC if size == 16 else None)
        except ValueError:
            pass  # not a real date: icalendar says so below (or repairs what it can)
    try:
        return vDDDTypes.from_ical(text)
    except (ValueError, TypeError, OverflowError) as exc:
        # A valid date or date-time with junk after it (`20130910T170000T`): the junk goes.
        found = _LEADING.match(text)
        if found is not None and warnings is not None:
            try:
                value = vDDDTypes.from_ical(found.group(0))
            except (ValueError, TypeError, OverflowError):
                pass
            else:
                warnings.append(f"{what} '{shorten(text)}' has junk after the date; read as "
                                f"'{found.group(0)}'")
                return value
        raise Bad(f"{what} '{shorten(text)}' is not a valid date or time") from exc


def when(prop: Prop, text: str, zones: Zones, floating_zone: str | None,
         warnings: list[str]) -> When:
    """One DATE or DATE-TIME value of `prop` (text: the value, or one item of a list)."""
    value = parse_value(text, prop.name, warnings)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return When(value.replace(tzinfo=None), "UTC", True)
        tzid = prop.param("TZID")
        if tzid:
            resolved = zones.resolve(tzid, value.year)
            if resolved.warning and resolved.warning not in warnings:
                warnings.append(resolved.warning)
            return When(value, resolved.name)
        return When(value, floating_zone)
    if isinstance(value, date):
        return When(value, None)
    raise Bad(f"{prop.name} '{shorten(text)}' is a duration or period, not a date or time")


def duration(text: str, what: str) -> timedelta:
    value = parse_value(text, what)
    if not isinstance(value, timedelta):
        raise Bad(f"{what} '{shorten(text)}' is not a duration")
    return value


def wall_in(moment: When, target: str | None) -> datetime:
    """A timed value as wall-clock time in `target` (floating either side: unchanged)."""
    value = moment.value
    if not isinstance(value, datetime):
        return datetime.combine(value, MIDNIGHT)
    if not moment.zone or not target or moment.zone == target:
        return value
    try:
        aware = localize(value, zone(moment.zone))  # type: ignore[arg-type]
        return aware.astimezone(zone(target)).replace(tzinfo=None)
    except OverflowError:
        return value


def instant(wall: datetime, tz: str | None, floating) -> datetime | None:
    """The aware instant of a wall time (floating: read in `floating`), None at the edges."""
    try:
        return localize(wall, zone(tz) or floating).astimezone(UTC)
    except OverflowError:
        return None


def between(start: When, end: When) -> timedelta:
    """end - start, as instants where both have zones, else as wall-clock times."""
    a, b = start.value, end.value
    if not isinstance(a, datetime) or not isinstance(b, datetime):
        a = a if not isinstance(a, datetime) else a.date()
        b = b if not isinstance(b, datetime) else b.date()
        return timedelta(days=(b - a).days)
    if start.zone and end.zone and start.zone != end.zone:
        x, y = instant(a, start.zone, UTC), instant(b, end.zone, UTC)
        if x is not None and y is not None:
            return y - x
    return b - a
