"""Activities as an iCalendar (RFC 5545) file: one VCALENDAR, a VTIMEZONE for every zone the
activities use, a VEVENT per call or meeting and a VTODO per to-do.

    with open(path, "w", encoding="utf-8", newline="") as f:
        f.writelines(write_ical(activities, attendees=lookup))

Lossless for what came from a file: every raw property (`extra`) is written back where it
was, a shadow (event.py) in place of the writer's own form while it still means what the
activity says, a kept VALARM with the current lead time put back in. Reading the output
gives the same activities (import, export, import again changes nothing), but for what
Rolodeck keeps outside the activity: DTSTAMP is the time of writing, and an override's own
UID and series id live in the database (the reader gives `series_uid` instead).

Our own properties: X-ROLODECK-KIND (call or meeting, so the kind survives whatever rule the
reader uses) and X-ROLODECK-STATUS:cleared (a meeting done in Rolodeck; a to-do says
STATUS:COMPLETED).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from app.domain.activity import Activity, ActivityKind, ActivityStatus
from app.domain.record import RawProperty
from app.domain.recurrence import localize, zone
from importers.ical.alarms import PLAIN_ACTION, PLAIN_DESCRIPTION, PRIMARY
from importers.ical.content import escape, unescape
from importers.ical.model import COMPONENT_GROUP, X_KIND, X_STATUS, Attendee, CalendarInfo
from importers.ical.people import email_of
from importers.ical.vocabulary import (
    WRITTEN_PRIORITY,
    WRITTEN_TODO_STATUS,
    priority_of,
    status_of,
)
from importers.ical.writer_zones import vtimezones

PRODUCT = "-//Rolodeck//Rolodeck//EN"
CRLF = "\r\n"
FOLD_AT = 75
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_PARAM_QUOTE = re.compile(r"[,:;\\]")  # and a backslash, which Apple uses as an escape
_NAME = re.compile(r"[A-Za-z0-9-]+\Z")

People = Callable[[Activity], Iterable[Attendee]]


def write_ical(activities: Iterable[Activity], *, attendees: People | None = None,
               series_uids: Mapping[int, str] | None = None,
               calendar: CalendarInfo | None = None, product: str = PRODUCT,
               now: datetime | None = None) -> Iterator[str]:
    """The calendar as text pieces (CRLF line ends, folded): the header with the VTIMEZONEs,
    then one piece per activity, then the END. `attendees(activity)`: the people behind
    its attendee_ids, added as ATTENDEE where its raw properties do not already name them.
    `series_uids`: series id -> UID for moved occurrences whose series is not among the
    activities (an export of a selection); without it such an occurrence is written as an
    event of its own. `calendar`: X-WR-CALNAME, X-WR-TIMEZONE and the other calendar-level
    properties of an imported calendar, written back. The activities are read once into a
    list, to find the zones and the overrides of each series before anything is written."""
    items = list(activities)
    stamp = _utc_text(now or datetime.now(UTC))
    yield _header(items, calendar, product)
    uids = {**(series_uids or {}), **{a.id: a.uid for a in items if a.id is not None}}
    overridden: dict[int, set[datetime]] = {}
    for a in items:
        if a.series_id is not None and a.recurrence_key is not None:
            overridden.setdefault(a.series_id, set()).add(a.recurrence_key)
    for a in items:
        skip = overridden.get(a.id, set()) if a.id is not None else set()
        series_uid = uids.get(a.series_id) if a.series_id is not None else None
        yield _Component(a, stamp, series_uid, skip, attendees).text()
    yield "END:VCALENDAR" + CRLF


def ical_text(activities: Iterable[Activity], **options) -> str:
    return "".join(write_ical(activities, **options))


def _header(items: Sequence[Activity], calendar: CalendarInfo | None, product: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_clean(product)}",
             "CALSCALE:GREGORIAN"]
    if calendar is not None:
        if calendar.name:
            lines.append(f"X-WR-CALNAME:{escape(_clean(calendar.name))}")
        if calendar.zone:
            lines.append(f"X-WR-TIMEZONE:{calendar.zone}")
        lines += [_raw_line(p) for p in calendar.extra
                  if p.name not in ("VERSION", "PRODID", "CALSCALE", "METHOD")]
    text = CRLF.join(fold(line) for line in lines) + CRLF
    return text + "".join(vtimezones(items))


class _Component:
    def __init__(self, a: Activity, stamp: str, series_uid: str | None, skip: set[datetime],
                 attendees: People | None):
        self.a = a
        self.todo = a.kind == ActivityKind.TODO
        self.stamp = stamp
        self.series_uid = series_uid if a.recurrence_key is not None else None
        self.skip = skip
        self.attendees = attendees
        self.lines: list[str] = []

    def text(self) -> str:
        a = self.a
        name = "VTODO" if self.todo else "VEVENT"
        shadows = self._shadows()
        out = self.lines
        out += [f"BEGIN:{name}", f"UID:{_clean(self.series_uid or a.uid or _new_uid())}",
                f"DTSTAMP:{self.stamp}"]
        if self.series_uid is not None and a.recurrence_key is not None:
            out.append(self._when("RECURRENCE-ID", a.recurrence_key))
        self._times()
        for prop_name in ("SUMMARY", "DESCRIPTION", "LOCATION", "PRIORITY", "STATUS"):
            if not shadows.get(prop_name, (None, False))[1]:
                out += self._modelled(prop_name)
        if not self.todo:
            out.append(f"{X_KIND}:{a.kind.value}")
            if a.status == ActivityStatus.CLEARED:
                out.append(f"{X_STATUS}:{ActivityStatus.CLEARED.value}")
        self._recurrence()
        emails = set()
        components = []
        for raw in a.extra:
            if raw.group == COMPONENT_GROUP:
                components.append(raw)
                continue
            shadow = shadows.get(raw.name)
            if shadow is not None and shadow[0] is raw:
                if shadow[1]:
                    out.append(_raw_line(raw))
                continue
            if self.todo and a.status != ActivityStatus.CLEARED and (
                    raw.name == "COMPLETED" or raw.name == "PERCENT-COMPLETE"
                    and raw.value.strip() == "100"):
                continue  # reopened in Rolodeck: "done" would otherwise come back
            if raw.name in ("ATTENDEE", "ORGANIZER"):
                emails.add(email_of(raw.value).lower())
            out.append(_raw_line(raw))
        if self.attendees is not None:
            for person in self.attendees(a):
                if person.email and person.email.lower() not in emails:
                    emails.add(person.email.lower())
                    out.append(_attendee(person))
        self._alarms(components)
        out.append(f"END:{name}")
        return CRLF.join(fold(line) for line in out) + CRLF

    # -- modelled properties ------------------------------------------------------------------

    def _shadows(self) -> dict[str, tuple[RawProperty, bool]]:
        """The first raw property of each shadowed name, and whether it still means what
        the activity says (then it is written in place of the writer's own form; a stale
        one is left out)."""
        found: dict[str, tuple[RawProperty, bool]] = {}
        names = ("SUMMARY", "DESCRIPTION", "LOCATION", "PRIORITY") + (
            ("STATUS",) if self.todo else ())
        for raw in self.a.extra:
            if raw.name in names and raw.name not in found and raw.group != COMPONENT_GROUP:
                found[raw.name] = (raw, self._still(raw))
        return found

    def _still(self, raw: RawProperty) -> bool:
        a = self.a
        if raw.name == "PRIORITY":
            return priority_of(raw.value)[0] == a.priority
        if raw.name == "STATUS":
            return status_of(raw.value)[0] == a.status
        current = {"SUMMARY": a.regarding, "DESCRIPTION": a.details, "LOCATION": a.location}
        return unescape(raw.value).strip() == current[raw.name]

    def _modelled(self, name: str) -> list[str]:
        a = self.a
        if name == "PRIORITY":
            value = WRITTEN_PRIORITY.get(a.priority)
            return [f"PRIORITY:{value}"] if value else []
        if name == "STATUS":
            status = WRITTEN_TODO_STATUS.get(a.status) if self.todo else None
            return [f"STATUS:{status}"] if status else []
        text = {"SUMMARY": a.regarding, "DESCRIPTION": a.details, "LOCATION": a.location}[name]
        if not text and name != "SUMMARY":
            return []
        return [f"{name}:{escape(_clean(text))}"]

    def _times(self) -> None:
        a = self.a
        try:
            end: datetime | None = a.start + a.duration
        except OverflowError:
            end = None
        if self.todo:
            if a.duration:
                self.lines.append(self._when("DTSTART", a.start))
            if end is not None:
                self.lines.append(self._when("DUE", end))
            else:
                self.lines.append(f"DURATION:{_duration(a.duration)}")
            return
        self.lines.append(self._when("DTSTART", a.start))
        if end is not None:
            self.lines.append(self._when("DTEND", end))
        else:
            self.lines.append(f"DURATION:{_duration(a.duration)}")

    def _when(self, name: str, wall: datetime) -> str:
        a = self.a
        if a.all_day:
            return f"{name};VALUE=DATE:{_date_text(wall.date())}"
        if a.tz == "UTC":
            return f"{name}:{_datetime_text(wall)}Z"
        if a.tz:
            return f"{name};TZID={_param(a.tz)}:{_datetime_text(wall)}"
        return f"{name}:{_datetime_text(wall)}"

    def _recurrence(self) -> None:
        a = self.a
        if not a.rrule or self.series_uid is not None:
            return
        self.lines.append(f"RRULE:{self._rule(a.rrule)}")
        dates = [d for d in a.exdates if d not in self.skip]
        if dates:
            head = self._when("EXDATE", dates[0]).rsplit(":", 1)[0]
            values = [self._when("EXDATE", d).rsplit(":", 1)[1] for d in dates]
            self.lines.append(f"{head}:{','.join(values)}")

    def _rule(self, rule: str) -> str:
        """The stored rule, its UNTIL (kept in wall-clock time) as RFC 5545 wants it: a date
        for all-day items, UTC where the start has a zone."""
        a = self.a
        parts = []
        for part in rule.split(";"):
            key, _, value = part.partition("=")
            if key.upper() == "UNTIL" and len(value) == 15:
                if a.all_day:
                    value = value[:8]
                elif a.tz:
                    try:
                        wall = datetime.strptime(value, "%Y%m%dT%H%M%S")
                        value = _utc_text(localize(wall, zone(a.tz)))  # type: ignore[arg-type]
                    except (ValueError, OverflowError):
                        pass
            parts.append(f"{key}={value}")
        return ";".join(parts)

    def _alarms(self, components: list[RawProperty]) -> None:
        """The reminder (the kept form of the one that was read, or a plain one first), and
        every other kept sub-component, in the order they were read."""
        minutes = self.a.alarm_minutes
        trigger = f"TRIGGER:-PT{minutes}M"
        primary = next((c for c in components if c.params == PRIMARY), None)
        if minutes is not None and primary is None:
            self.lines += ["BEGIN:VALARM", f"ACTION:{PLAIN_ACTION}",
                           f"DESCRIPTION:{PLAIN_DESCRIPTION}", trigger, "END:VALARM"]
        for c in components:
            lines = _balanced(c.value.split(CRLF))
            if c is primary:
                if minutes is not None:  # no lead time: the reminder was removed
                    self.lines += [lines[0], trigger, *lines[1:]]
            else:
                self.lines += lines


def _balanced(lines: list[str]) -> list[str]:
    """A kept sub-component's lines with every BEGIN closed by an END of its own name: one
    left open (kept from a file cut short, or by an older Rolodeck) would leave the event
    it is written into unclosed, and a reader would take the events after it for a part of
    it. An END that closes nothing is left out."""
    out: list[str] = []
    open_: list[str] = []
    for line in lines:
        word, colon, name = line.partition(":")
        word = word.strip().upper() if colon and len(word) < 8 else ""
        if word == "BEGIN":
            open_.append(name.strip().upper())
        elif word == "END":
            if not open_:
                continue
            line = f"END:{open_.pop()}"
        out.append(line)
    out += [f"END:{name}" for name in reversed(open_)]
    return out


def _new_uid() -> str:
    return f"rolodeck-{uuid.uuid4()}"


def _attendee(person: Attendee) -> str:
    params = f";CN={_param(person.name)}" if person.name else ""
    return f"ATTENDEE{params}:mailto:{_clean(person.email)}"


def _raw_line(raw: RawProperty) -> str:
    params = "".join(f";{k}={','.join(_param(v) for v in vs)}"
                     for k, vs in _grouped(raw.params).items())
    return f"{raw.name}{params}:{_clean(raw.value).replace(chr(10), chr(92) + 'n')}"


def _grouped(params: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in params:
        if _NAME.match(key):
            out.setdefault(key.upper(), []).append(value)
    return out


def _param(value: str) -> str:
    text = _clean(value).replace("^", "^^").replace("\n", "^n").replace('"', "^'")
    quote = _PARAM_QUOTE.search(text) or text != text.strip()  # a reader strips a bare value
    return f'"{text}"' if quote else text


def _clean(text: str) -> str:
    """No control characters but TAB and LF (LF is what a text escape turns into \\n)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def _date_text(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _datetime_text(when: datetime) -> str:
    return f"{_date_text(when.date())}T{when.hour:02d}{when.minute:02d}{when.second:02d}"


def _utc_text(when: datetime) -> str:
    return _datetime_text(when.astimezone(UTC)) + "Z"


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    time = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S"))
                   if n)
    if days:
        return f"{sign}P{days}D" + (f"T{time}" if time else "")
    return f"{sign}PT{time}" if time else "PT0S"


def fold(line: str) -> str:
    """A content line folded at 75 octets (CRLF and a space), never inside a UTF-8 sequence
    and never straight after a backslash (some readers then lose the escape)."""
    if len(line) <= FOLD_AT // 4:
        return line
    data = line.encode("utf-8", "surrogatepass")
    if len(data) <= FOLD_AT:
        return line
    out: list[str] = []
    start, limit, size = 0, FOLD_AT, len(data)
    while size - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation octet: cut before its sequence
            end -= 1
        if data[end - 1] == 0x5C and end - 1 > start:  # a backslash: keep it with its letter
            end -= 1
        out.append(data[start:end].decode("utf-8", "surrogatepass"))
        start, limit = end, FOLD_AT - 1
    out.append(data[start:].decode("utf-8", "surrogatepass"))
    return "\r\n ".join(out)
