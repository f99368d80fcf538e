"""TZID values as IANA zone names, which is all an Activity can carry.

In order: the name itself (`Europe/Berlin`, the `US/Eastern` kind of alias), a Windows name
(`W. Europe Standard Time`, through icalendar's CLDR table), a vendor prefix dropped
(`/mozilla.org/20050126_1/America/New_York`, `/softwarestudio.org/.../Europe/Vienna`), a
fixed offset (`UTC+11`, `GMT-0500`); then the file's VTIMEZONE for it: its X-LIC-LOCATION, or
the zone whose UTC offsets match it week by week in the event's year (`US-Eastern`, Lotus
Notes' `Eastern`, Exchange's `(UTC+01:00) Amsterdam, Berlin, ...`), a city named in the TZID
breaking ties; then a city named in the TZID alone, then the calendar's X-WR-TIMEZONE. What
none of these places is read as floating time, with a warning: the wall-clock times are what
the sender saw, and Rolodeck shows them as they are.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache, lru_cache
from typing import NamedTuple
from zoneinfo import available_timezones

from icalendar import Timezone
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

_OFFSET_NAME = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\Z", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")
_NOT_PLACES = ("US/", "Etc/", "Canada/", "Mexico/", "Brazil/", "Chile/", "SystemV/")
_UTC_NAMES = frozenset({"UTC", "GMT", "Z", "ZULU", "UNIVERSAL", "UT"})
_WEEKS = 53
_NEAR = 4  # weeks a VTIMEZONE's DST dates may be off and still name a zone
_LONGEST = 256  # a longer TZID names nothing (and is not remembered)
_REMEMBERED = 4096


class Resolved(NamedTuple):
    name: str | None  # an IANA name, or None: floating time
    warning: str | None


@cache
def _names() -> frozenset[str]:
    return frozenset(n for n in available_timezones() if n not in ("Factory", "localtime"))


@cache
def _places() -> dict[str, str]:
    """A zone's last name part (lower case, `_` as space) -> the zone: `new york` -> ..."""
    out: dict[str, str] = {}
    for name in sorted(_names()):
        if "/" in name and not name.startswith(_NOT_PLACES):
            out.setdefault(name.rsplit("/", 1)[1].replace("_", " ").lower(), name)
    return out


_GOLDEN = frozenset(WINDOWS_TO_OLSON.values())


def by_name(tzid: str) -> str | None:
    """The IANA zone a TZID names by itself, or None."""
    return None if len(tzid) > _LONGEST else _by_name(tzid)


@lru_cache(maxsize=4096)
def _by_name(tzid: str) -> str | None:
    text = tzid.strip().strip('"').strip()
    cleaned = text.strip("/")
    names = _names()
    if cleaned in names:
        return cleaned
    if cleaned.upper() in _UTC_NAMES:
        return "UTC"
    if (windows := WINDOWS_TO_OLSON.get(cleaned)) in names:
        return windows
    for variant in (cleaned.replace("-", "/"), cleaned.replace(" ", "_")):  # US-Eastern
        if variant in names:
            return variant
    if "/" in cleaned:  # a vendor prefix (`/mozilla.org/.../`, `custom_`): the longest zone
        for name in _by_length():
            if cleaned.endswith(name) and not cleaned[-len(name) - 1].isalpha():
                return name
    return fixed_offset(cleaned)


@cache
def _by_length() -> list[str]:
    return sorted((n for n in _names() if "/" in n), key=len, reverse=True)


def fixed_offset(text: str) -> str | None:
    """`UTC+11`, `GMT-05:00`, `+0100` as an Etc/GMT zone, where the offset is whole hours."""
    found = _OFFSET_NAME.match(text.strip())
    if not found:
        return None
    hours, minutes = int(found.group(2)), int(found.group(3) or 0)
    if minutes or hours > 14:
        return None
    if hours == 0:
        return "UTC"
    # The Etc names are POSIX-style: Etc/GMT-11 is eleven hours *ahead* of UTC.
    return f"Etc/GMT{'-' if found.group(1) == '+' else '+'}{hours}"


def by_city(tzid: str) -> str | None:
    """A zone named after the first city the TZID mentions (`(UTC+01:00) Amsterdam, Berlin`,
    `(GMT-05:00) Eastern Time (US & Canada)` names none)."""
    places = _places()
    words = [w.lower() for w in _WORD.findall(tzid)]
    for i in range(len(words)):
        for n in (3, 2, 1):
            if i + n <= len(words) and (found := places.get(" ".join(words[i:i + n]))):
                return found
    return None


class Zones:
    """The zones of one VCALENDAR: its VTIMEZONEs and X-WR-TIMEZONE."""

    def __init__(self, calendar_zone: str | None = None):
        self.calendar_zone = calendar_zone
        self._defined: dict[str, Timezone] = {}
        self._unreadable: set[str] = set()
        self._resolved: dict[str, Resolved] = {}

    def define(self, component: Timezone) -> str:
        tzid = str(component.get("TZID", "")).strip()
        if tzid:
            self._defined[tzid] = component
            self._resolved.pop(tzid, None)
        return tzid

    @property
    def count(self) -> int:
        return len(self._defined) + len(self._unreadable)

    def define_unreadable(self, tzid: str) -> None:
        """A VTIMEZONE that could not be read: nothing waits for it any longer."""
        self._unreadable.add(tzid)

    def defined(self, tzid: str) -> bool:
        tzid = tzid.strip()
        return tzid in self._defined or tzid in self._unreadable

    def resolve(self, tzid: str, year: int) -> Resolved:
        """The zone a TZID stands for, decided once per calendar (a VTIMEZONE matched by
        its offsets in `year`, the year of the first event that uses it): a series and its
        changed occurrences must not end up in two zones."""
        found = self._resolved.get(tzid)
        if found is None:
            found = self._resolve(tzid.strip(), year)
            if len(tzid) <= _LONGEST:
                if len(self._resolved) >= _REMEMBERED:
                    self._resolved.clear()
                self._resolved[tzid] = found
        return found

    def _resolve(self, tzid: str, year: int) -> Resolved:
        if (name := by_name(tzid)) is not None:
            return Resolved(name, None)
        shown = tzid if len(tzid) <= 80 else f"{tzid[:80]}..."
        component = self._defined.get(tzid)
        if component is not None:
            location = by_name(str(component.get("X-LIC-LOCATION", "")))
            if location is not None:
                return Resolved(location, None)
            matched = self._match(component, tzid, year)
            if matched is not None:
                return Resolved(matched, None)
        if (city := by_city(tzid)) is not None:
            return Resolved(city, None if component is None else (
                f"time zone '{shown}' matches no known zone; read as {city}, "
                "after the city it names"))
        why = ("its VTIMEZONE matches no known zone" if component is not None
               else "it is not a known zone and the file does not define it")
        if self.calendar_zone:
            return Resolved(self.calendar_zone,
                            f"time zone '{shown}': {why}; read in the calendar's zone "
                            f"{self.calendar_zone}")
        return Resolved(None, f"time zone '{shown}': {why}; the times are kept as the file "
                              "gives them, without a zone")

    def _match(self, component: Timezone, tzid: str, year: int) -> str | None:
        tz = _vtimezone_tz(component)
        if tz is None:
            return None
        year = min(max(year, 1971), 2037)
        offsets = _offsets(tz, year)
        if offsets is None:
            return None
        table = _table(year)
        candidates = table.get(offsets) or _nearest(table, offsets)
        if not candidates:
            return None
        if len(set(offsets)) == 1 and by_city(tzid) is None:
            fixed = _etc_name(offsets[0])
            if fixed is not None:
                return fixed
        hinted = by_city(tzid)
        for preferred in (hinted, self.calendar_zone):
            if preferred in candidates:
                return preferred
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", tzid)}
        golden = [c for c in candidates if c in _GOLDEN]

        def score(zone: str) -> tuple[int, float, int, str]:
            # Words the TZID shares with the zone's name, then with its Windows names
            # (`Eastern` is "Eastern Standard Time" more than "US Eastern Standard Time").
            named = set(re.findall(r"[a-z]+", zone.lower()))
            windows = max((len(words & set(k.lower().split())) / len(k.split())
                           for k, v in WINDOWS_TO_OLSON.items() if v == zone), default=0.0)
            return (-len(words & named), -windows, zone.count("/"), zone)

        return min(golden or candidates, key=score)


def _vtimezone_tz(component: Timezone) -> tzinfo | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return component.to_tz(lookup_tzid=False)
    except Exception:  # noqa: BLE001 - any VTIMEZONE dateutil cannot build is one we cannot use
        return None


def _samples(year: int) -> list[datetime]:
    start = datetime(year, 1, 1, 12, tzinfo=UTC)
    return [start + timedelta(weeks=k) for k in range(_WEEKS)]


def _offsets(tz: tzinfo, year: int) -> tuple[int, ...] | None:
    try:
        out = []
        for when in _samples(year):
            offset = when.astimezone(tz).utcoffset()
            if offset is None:
                return None
            out.append(int(offset.total_seconds()) // 60)
        return tuple(out)
    except Exception:  # noqa: BLE001 - a VTIMEZONE whose rules dateutil cannot apply
        return None


@lru_cache(maxsize=8)
def _table(year: int) -> dict[tuple[int, ...], list[str]]:
    """Every place zone's weekly UTC offsets in `year` -> the zones that have them."""
    from zoneinfo import ZoneInfo

    table: dict[tuple[int, ...], list[str]] = {}
    samples = _samples(year)
    for name in sorted(_names()):
        if "/" not in name or name.startswith(_NOT_PLACES):
            continue
        tz = ZoneInfo(name)
        key = tuple(int(s.astimezone(tz).utcoffset().total_seconds()) // 60  # type: ignore[union-attr]
                    for s in samples)
        table.setdefault(key, []).append(name)
    return table


def _nearest(table: dict[tuple[int, ...], list[str]], offsets: tuple[int, ...]) -> list[str]:
    """The zones whose offsets differ from these in the fewest weeks, at most _NEAR of them:
    Outlook and Lotus Notes export the rules they knew, and a country that has since moved
    its DST dates by a week or two is still that country."""
    kinds = set(offsets)
    best, found = _NEAR + 1, []
    for key, zones in table.items():
        if set(key) != kinds:
            continue
        distance = sum(a != b for a, b in zip(key, offsets, strict=True))
        if distance < best:
            best, found = distance, list(zones)
        elif distance == best:
            found += zones
    return found


def _etc_name(minutes: int) -> str | None:
    if minutes % 60:
        return None
    hours = minutes // 60
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"
