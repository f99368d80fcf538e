"""RFC 5545 recurrence, expanded in wall-clock time so a 9:00 meeting stays at 9:00 across DST.

Rules are stored as the RRULE value text. Expansion is always bounded: by the window asked for
and by MAX_OCCURRENCES, so a hostile or careless rule cannot hang a view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from app.domain.errors import ValidationError
from app.domain.rrule_jump import plan

MAX_OCCURRENCES = 5000
_ALLOWED_FREQ = {"HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
# Padding for floating and all-day times, whose UTC instant depends on the viewer's zone.
_FLOATING_SLACK = timedelta(hours=14)


def zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    return _zone(name)


@lru_cache(maxsize=1024)
def _zone(name: str) -> tzinfo:
    # Names reach the file system (tzdata resources, /usr/share/zoneinfo), so anything that is
    # not a plain relative key is refused before it can name a folder, a parent or a device.
    shown = name if len(name) <= 60 else f"{name[:60]}..."
    if (len(name) > 255 or "\0" in name or "\\" in name or name.startswith("/")
            or any(part in ("", ".", "..") for part in name.split("/"))):
        raise ValidationError(f"Unknown time zone '{shown}'")
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError, TypeError) as exc:  # KeyError: ZoneInfoNotFoundError
        raise ValidationError(f"Unknown time zone '{shown}'") from exc


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach a zone to a wall-clock time. A time inside a DST gap is read with the offset before
    the gap (RFC 5545 3.3.5), which moves it forward by the gap's length."""
    aware = naive.replace(tzinfo=tz)
    try:
        return aware.astimezone(UTC).astimezone(tz)
    except OverflowError:  # within hours of year 1 or 9999: no gap to correct for there
        return aware


def _shift(when: datetime, delta: timedelta) -> datetime:
    """when + delta, held at the calendar's first or last instant instead of overflowing."""
    try:
        return when + delta
    except OverflowError:
        edge = datetime.max if delta > timedelta(0) else datetime.min
        return edge.replace(tzinfo=when.tzinfo)


def _wall(when: datetime, tz: tzinfo) -> datetime:
    """The naive wall time in tz of an aware instant, held at the calendar's edges."""
    try:
        return when.astimezone(tz).replace(tzinfo=None)
    except OverflowError:
        return datetime.max if when.year > 1 else datetime.min


def normalize_rule(rule: str, start: datetime, tz: tzinfo | None) -> str:
    """Check an RRULE value and rewrite a UTC UNTIL into local wall time, as dateutil needs
    naive UNTIL with a naive DTSTART. Raises ValidationError with a readable reason."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for item in filter(None, text.split(";")):
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise ValidationError(f"Recurrence rule part '{item}' is not NAME=VALUE")
        parts[key.strip().upper()] = value.strip()
    freq = parts.get("FREQ", "").upper()
    if not freq:
        raise ValidationError("A recurrence rule needs FREQ (e.g. FREQ=WEEKLY)")
    if freq not in _ALLOWED_FREQ:
        raise ValidationError(
            f"Activities cannot repeat {freq.lower()}; the finest step is hourly")
    if "INTERVAL" in parts and (not parts["INTERVAL"].isdigit() or int(parts["INTERVAL"]) < 1):
        raise ValidationError("A recurrence interval must be a whole number of at least 1")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValidationError("A recurrence rule cannot have both COUNT and UNTIL")
    if "COUNT" in parts and (not parts["COUNT"].isdigit() or int(parts["COUNT"]) < 1):
        raise ValidationError("A recurrence COUNT must be a whole number of at least 1")
    if until := parts.get("UNTIL"):
        parts["UNTIL"] = _local_until(until, tz)
    out = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        rrulestr(out, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"Recurrence rule '{rule}' is not valid: {exc}") from exc
    return out


def _local_until(value: str, tz: tzinfo | None) -> str:
    v = value.upper()
    try:
        if len(v) == 8:
            return f"{v}T235959"
        if v.endswith("Z"):
            when = datetime.strptime(v, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            local = when.astimezone(tz) if tz else when
            return local.strftime("%Y%m%dT%H%M%S")
        datetime.strptime(v, "%Y%m%dT%H%M%S")
        return v
    except ValueError as exc:
        raise ValidationError(f"UNTIL '{value}' is not a date or date-time") from exc


@dataclass(frozen=True)
class Slot:
    """One occurrence: `key` is its original wall-clock start (the RECURRENCE-ID)."""

    key: datetime
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Schedule:
    start: datetime  # naive wall-clock time in `tz`
    duration: timedelta
    tz: str | None = None  # None: floating, read in the viewer's zone (all-day items)
    rule: str | None = None
    exdates: tuple[datetime, ...] = ()

    def _zone(self, viewer: tzinfo) -> tzinfo:
        return zone(self.tz) or viewer

    def slots(self, window_start: datetime, window_end: datetime, viewer: tzinfo,
              limit: int = MAX_OCCURRENCES) -> list[Slot]:
        """Occurrences overlapping [window_start, window_end) (aware datetimes), in order.
        The rule is restarted near the window, so the cost follows the window's occurrences,
        not the series' age: cheap enough to ask for, say, the last 30 days of every series."""
        tz = self._zone(viewer)
        skip = set(self.exdates)
        # Work in wall time with a day of slack either side, then compare exact instants.
        day = timedelta(days=1)
        lo = _shift(_wall(_shift(window_start, -self.duration), tz), -day)
        hi = _shift(_wall(window_end, tz), day)
        walls: Iterable[datetime]
        if self.rule:
            walls = plan(self.rule, self.start).walls(max(lo, self.start), hi)
        else:
            walls = (self.start,) if lo <= self.start <= hi else ()
        out: list[Slot] = []
        for wall in walls:
            if len(out) >= limit:
                break
            if wall in skip:
                continue
            start = localize(wall, tz)
            end = _shift(start, self.duration)
            if end > window_start and start < window_end or (
                    not self.duration and window_start <= start < window_end):
                out.append(Slot(wall, start, end))
        return out

    def occurs_at(self, wall: datetime) -> bool:
        if wall in set(self.exdates):
            return False
        if not self.rule:
            return wall == self.start
        return any(w == wall for w in plan(self.rule, self.start).walls(wall, wall))

    def utc_bounds(self) -> tuple[datetime, datetime | None]:
        """First start and last end as UTC instants, for pruning range queries; the end is None
        for a rule without end (or with more occurrences than we are willing to walk)."""
        slack = _FLOATING_SLACK if self.tz is None else timedelta(0)
        tz = self._zone(UTC)
        first_start = _utc(self.start, tz)
        first = _shift(first_start, -slack)
        if not self.rule:
            return first, _shift(_shift(first_start, self.duration), slack)
        last = plan(self.rule, self.start).last()
        if last is True:
            return first, None
        if last is None:
            return first, _shift(_shift(first, self.duration), 2 * slack)
        return first, _shift(_shift(_utc(last, tz), self.duration), slack)


def _utc(wall: datetime, tz: tzinfo) -> datetime:
    start = localize(wall, tz)
    try:
        return start.astimezone(UTC)
    except OverflowError:
        return (datetime.max if wall.year > 1 else datetime.min).replace(tzinfo=UTC)
