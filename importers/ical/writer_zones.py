"""The VTIMEZONEs an export needs: one per zone its timed activities use, covering the years
they fall in (a series: up to 2038, as far as icalendar's transitions reach), made by
icalendar from the IANA database. UTC times are written with Z and need none; all-day and
floating items have no zone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache

from icalendar import Timezone

from app.domain.activity import Activity

_SERIES_UNTIL = 2038


def vtimezones(items: Iterable[Activity]) -> Iterator[str]:
    spans: dict[str, tuple[int, int]] = {}
    for a in items:
        if a.all_day or not a.tz or a.tz == "UTC":
            continue
        year = a.start.year
        last = max(year, _SERIES_UNTIL) if a.rrule else year
        known = spans.get(a.tz)
        spans[a.tz] = (year, last) if known is None else (min(known[0], year),
                                                          max(known[1], last))
    for name in sorted(spans):
        first, last = spans[name]
        text = _vtimezone(name, max(first - 1, 1), min(last + 1, 9999))
        if text:
            yield text


@lru_cache(maxsize=256)
def _vtimezone(name: str, first: int, last: int) -> str:
    # Near year 9999 icalendar overflows; the rules of the database's last years stand in.
    for low, high in ((first, last), (min(first, _SERIES_UNTIL - 1), min(last, _SERIES_UNTIL))):
        try:
            component = Timezone.from_tzid(name, first_date=date(low, 1, 1),
                                           last_date=date(high, 12, 31))
            return component.to_ical().decode("utf-8")
        except Exception:  # noqa: BLE001, S112 - icalendar raises what it meets; try again
            continue
    return ""  # no VTIMEZONE then: the TZID is an IANA name, which readers know anyway
