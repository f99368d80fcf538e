"""RFC 5545 recurrence, expanded in wall-clock time so a 9:00 meeting stays at 9:00 across DST.

Rules are stored as the RRULE value text. Expansion is always bounded: by the window asked for
and by MAX_OCCURRENCES, so a hostile or careless rule cannot hang a view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any, Literal, NamedTuple, overload
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from app.domain.errors import ValidationError
from app.domain.rrule_fast import clear_caches as clear_rule_caches
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
    # isdigit() alone takes "¹" and "٣", which int() then refuses: ASCII digits only.
    if "INTERVAL" in parts and (not _digits(parts["INTERVAL"]) or int(parts["INTERVAL"]) < 1):
        raise ValidationError("A recurrence interval must be a whole number of at least 1")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValidationError("A recurrence rule cannot have both COUNT and UNTIL")
    if "COUNT" in parts and (not _digits(parts["COUNT"]) or int(parts["COUNT"]) < 1):
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


class Slot(NamedTuple):
    """One occurrence: `key` is its original wall-clock start (the RECURRENCE-ID)."""

    key: datetime
    start: datetime
    end: datetime


# (key, start, end, the start as a UTC instant to sort by)
TimedSlot = tuple[datetime, datetime, datetime, datetime]


class _Zone:
    """What one zone has already worked out. Series share wall-clock starts (9:00 on Mondays
    in Berlin) and windows, and placing a wall time in its zone is most of an expansion's
    cost otherwise; more so in a viewer's dateutil zone, whose offsets are Python code."""

    __slots__ = ("tz", "places", "windows", "shown")

    def __init__(self, tz: tzinfo):
        self.tz = tz  # held, so the id it is filed under is not reused
        self.places: dict[datetime, tuple[datetime, datetime | None]] = {}
        self.windows: dict[tuple[datetime, datetime, timedelta, int, int], _Window] = {}
        self.shown: dict[datetime, datetime] = {}  # an aware time: the same in this zone


_ZONES: dict[int, _Zone] = {}
_PLACES_LIMIT = 100_000
_NEVER = datetime.max.replace(tzinfo=UTC)


def _zone_memo(tz: tzinfo) -> _Zone:
    memo = _ZONES.get(id(tz))
    if memo is None:
        if len(_ZONES) >= 64:  # viewers' zones made afresh, in a long-running window
            _ZONES.clear()
        memo = _ZONES[id(tz)] = _Zone(tz)
    return memo


def clear_caches() -> None:
    """Forget every parsed rule and placed time: for benchmarks that measure a cold start."""
    _ZONES.clear()
    plan.cache_clear()
    clear_rule_caches()


def _remember(memo: dict, key: datetime, value: Any) -> Any:
    if len(memo) >= _PLACES_LIMIT:
        memo.clear()
    memo[key] = value
    return value


class Shown:
    """`when.astimezone(tz)`, remembered: an agenda shows thousands of starts and ends in the
    viewer's zone, many at the same instants, and a dateutil zone (the machine's, as the
    command line reads it) converts each in Python. Unchanged at the calendar's edges.
    A caller in a hot loop may look in `seen` first for a time with fold=0, catching KeyError
    and OverflowError."""

    def __init__(self, tz: tzinfo):
        self.tz = tz
        # Keyed by the aware time itself: equal keys are the same instant (Python never finds
        # a time in a fold or gap equal to one in another zone, so those only miss).
        self.seen = _zone_memo(tz).shown

    def __call__(self, when: datetime) -> datetime:
        if when.tzinfo is self.tz:
            return when
        try:
            if when.fold:  # equal to its fold=0 twin in its own zone, yet another instant
                return when.astimezone(self.tz)
            found = self.seen.get(when)
            return (_remember(self.seen, when, when.astimezone(self.tz)) if found is None
                    else found)
        except OverflowError:
            return when


def placed(wall: datetime, tz: tzinfo) -> tuple[datetime, datetime | None]:
    """localize(wall, tz) and its UTC instant (None where that would leave the calendar),
    remembered for the next series with the same start."""
    if wall.fold:  # equal to its fold=0 twin, yet the later of the two
        return _place(wall, tz)
    places = _zone_memo(tz).places
    found = places.get(wall)
    return _remember(places, wall, _place(wall, tz)) if found is None else found


def _place(wall: datetime, tz: tzinfo) -> tuple[datetime, datetime | None]:
    aware = wall.replace(tzinfo=tz)
    try:
        utc = aware.astimezone(UTC)
        return utc.astimezone(tz), utc
    except OverflowError:
        return aware, None


# A window as one zone sees it: the wall times worth expanding (lo, hi); the window in UTC
# (the calendar's last instant where that overflows, and then utc False); and a start this
# late ends after the window starts, whatever the offsets (each within a day of UTC), so its
# end need not be compared (the last instant where no such start exists).
_Window = tuple[datetime, datetime, datetime, datetime, datetime, bool]


def _window(window_start: datetime, window_end: datetime, duration: timedelta,
            tz: tzinfo) -> _Window:
    # Work in wall time with a day of slack either side, then compare exact instants.
    day = timedelta(days=1)
    lo = _shift(_wall(_shift(window_start, -duration), tz), -day)
    hi = _shift(_wall(window_end, tz), day)
    try:
        start_utc, end_utc = window_start.astimezone(UTC), window_end.astimezone(UTC)
    except OverflowError:
        return lo, hi, _NEVER, _NEVER, _NEVER, False
    try:
        surely_after = start_utc + 2 * day if duration >= timedelta(0) else _NEVER
    except OverflowError:
        surely_after = _NEVER
    return lo, hi, start_utc, end_utc, surely_after, True


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
        return self._expand(window_start, window_end, viewer, limit, False)

    def timed_slots(self, window_start: datetime, window_end: datetime, viewer: tzinfo,
                    limit: int = MAX_OCCURRENCES) -> list[TimedSlot]:
        """slots(), each with its start as a UTC instant to sort by (the start itself at the
        calendar's edges): sorting thousands of starts in as many zones would otherwise
        convert both sides of every comparison."""
        return self._expand(window_start, window_end, viewer, limit, True)

    @overload
    def _expand(self, window_start: datetime, window_end: datetime, viewer: tzinfo,
                limit: int, timed: Literal[False]) -> list[Slot]: ...

    @overload
    def _expand(self, window_start: datetime, window_end: datetime, viewer: tzinfo,
                limit: int, timed: Literal[True]) -> list[TimedSlot]: ...

    def _expand(self, window_start: datetime, window_end: datetime, viewer: tzinfo,
                limit: int, timed: bool) -> list[Slot] | list[TimedSlot]:
        tz = _zone(self.tz) if self.tz else viewer
        memo = _ZONES.get(id(tz)) or _zone_memo(tz)
        duration = self.duration
        # Times that differ only in fold are equal in their own zone, yet other instants.
        key = (window_start, window_end, duration, window_start.fold, window_end.fold)
        w = memo.windows.get(key)
        if w is None:
            if len(memo.windows) >= 256:
                memo.windows.clear()
            w = memo.windows[key] = _window(window_start, window_end, duration, tz)
        lo, hi, ws, we, after, utc = w
        walls: Iterable[datetime]
        if self.rule:
            p = plan(self.rule, self.start)
            walls = (p.fast or p).walls(max(lo, self.start), hi)
        else:
            walls = (self.start,) if lo <= self.start <= hi else ()
        skip = frozenset(self.exdates) if len(self.exdates) > 4 else self.exdates
        places = memo.places
        # Instants are compared in UTC, but a floating item in the viewer's zone is compared
        # as Python compares times in one zone, as wall times (cheap, too).
        exact = utc and window_start.tzinfo is not tz and window_end.tzinfo is not tz
        folded = self.start.fold  # only a one-off's start can be the later 1:30 of a fold
        make = tuple.__new__  # Slot(...) without the call through its __new__
        out: list = []
        if limit <= 0:
            return out
        for wall in walls:
            if skip and wall in skip:
                continue
            placed = places.get(wall)
            if placed is None or folded:
                placed = _place(wall, tz) if folded else _remember(places, wall,
                                                                    _place(wall, tz))
            start, start_utc = placed
            try:
                end = start + duration
            except OverflowError:
                end = _shift(start, duration)
            if exact and start_utc is not None:
                if start_utc >= we or start_utc < after and not (
                        end > ws or not duration and start_utc >= ws):
                    continue
            elif not (end > window_start and start < window_end or (
                    not duration and window_start <= start < window_end)):
                continue
            if timed:
                out.append((wall, start, end, start if start_utc is None else start_utc))
            else:
                out.append(make(Slot, (wall, start, end)))
            if len(out) >= limit:
                break
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


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()
