"""RFC 5545 recurrence, expanded in wall-clock time so a 9:00 meeting stays at 9:00 across DST.

Rules are stored as the RRULE value text. Expansion is always bounded: by the window asked for
and by MAX_OCCURRENCES, so a hostile or careless rule cannot hang a view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr

from app.domain.errors import ValidationError

MAX_OCCURRENCES = 5000
_ALLOWED_FREQ = {"HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
# Padding for floating and all-day times, whose UTC instant depends on the viewer's zone.
_FLOATING_SLACK = timedelta(hours=14)


def zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"Unknown time zone '{name}'") from exc


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach a zone to a wall-clock time. A time inside a DST gap is read with the offset before
    the gap (RFC 5545 3.3.5), which moves it forward by the gap's length."""
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz)


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

    def _wall_starts(self) -> Iterable[datetime]:
        if not self.rule:
            return (self.start,)
        return rrulestr(self.rule, dtstart=self.start)

    def slots(self, window_start: datetime, window_end: datetime, viewer: tzinfo,
              limit: int = MAX_OCCURRENCES) -> list[Slot]:
        """Occurrences overlapping [window_start, window_end) (aware datetimes), in order."""
        tz = self._zone(viewer)
        skip = set(self.exdates)
        # Work in wall time with a day of slack either side, then compare exact instants.
        lo = (window_start - self.duration).astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
        hi = window_end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
        if self.rule:
            walls: Iterable[datetime] = rrulestr(self.rule, dtstart=self.start).xafter(
                max(lo, self.start), inc=True)
        else:
            walls = (self.start,)
        out: list[Slot] = []
        for wall in walls:
            if wall > hi or len(out) >= limit:
                break
            if wall in skip:
                continue
            start = localize(wall, tz)
            end = start + self.duration if self.duration else start
            if end > window_start and start < window_end or (
                    not self.duration and window_start <= start < window_end):
                out.append(Slot(wall, start, end))
        return out

    def occurs_at(self, wall: datetime) -> bool:
        if wall in set(self.exdates):
            return False
        if not self.rule:
            return wall == self.start
        return wall in rrulestr(self.rule, dtstart=self.start).between(
            wall - timedelta(seconds=1), wall + timedelta(seconds=1), inc=True)

    def utc_bounds(self) -> tuple[datetime, datetime | None]:
        """First start and last end as UTC instants, for pruning range queries; the end is None
        for a rule without end (or with more occurrences than we are willing to walk)."""
        slack = _FLOATING_SLACK if self.tz is None else timedelta(0)
        tz = self._zone(UTC)
        first = localize(self.start, tz).astimezone(UTC) - slack
        if not self.rule:
            return first, localize(self.start, tz).astimezone(UTC) + self.duration + slack
        rule = rrulestr(self.rule, dtstart=self.start)
        if "COUNT=" not in self.rule.upper() and "UNTIL=" not in self.rule.upper():
            return first, None
        last = None
        for i, wall in enumerate(rule):
            if i >= 100_000:
                return first, None
            last = wall
        if last is None:
            return first, first + self.duration + 2 * slack
        return first, localize(last, tz).astimezone(UTC) + self.duration + slack
