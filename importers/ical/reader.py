"""Read an iCalendar (.ics) or vCalendar 1.0 (.vcs) file into activities, streaming.

    with open(path, "rb") as f:
        for item in read_ical(f, name=path.name):
            if isinstance(item, ParsedActivity): ...   # item.activity, item.emails, ...
            else: ...                                   # a Problem: file, line, reason

Work and memory are bounded by the largest component (lines.MAX_COMPONENT), not the file: the
file is split into top-level components as it is read, and each is mapped on its own. A
component that uses a TZID whose VTIMEZONE comes later in the file waits for it (at most
_PENDING_COMPONENTS of them, or _PENDING_BYTES); past that, or at the calendar's end, it is
read with what is known. Nothing here expands a recurrence.

Choices made for what the RFC leaves open or files get wrong (each also reported in words):
- Components outside any VCALENDAR (test fragments, some feeds) are read as if inside one,
  with a warning.
- Text is UTF-8 (a BOM is dropped, UTF-16 is recognised); a component that is not valid UTF-8
  is read as Windows-1252, with a warning naming its line.
- A TZID that no zone and no VTIMEZONE explains is read in the calendar's X-WR-TIMEZONE, or
  else as floating time (zones.py), with a warning on the item.
- A repeat rule Rolodeck cannot schedule (finer than hourly, RSCALE, malformed) leaves the
  activity a single occurrence; the rule is kept raw for export and the item says so.
- VJOURNAL, VFREEBUSY and unknown components are reported as SKIPPED problems.
- vCalendar 1.0 is read: its repeat rules are converted (vcal.py), DALARM/AALARM give the
  alarm, quoted-printable values are decoded.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from typing import BinaryIO

from icalendar import Component, Timezone

from app.domain.record import RawProperty
from app.domain.recurrence import zone
from importers.ical import event
from importers.ical.component import Context
from importers.ical.content import Node, decode, split, tree, unescape
from importers.ical.lines import Block, blocks
from importers.ical.model import CalendarInfo, Level, Parsed, Problem, looks_like_call
from importers.ical.times import shorten
from importers.ical.zones import Zones, by_name

_PENDING_COMPONENTS = 500
_PENDING_BYTES = 4 << 20
_JUNK_SHOWN = 20
_ZONES_KEPT = 1000  # VTIMEZONEs of one calendar
_RECORDS = {"VEVENT", "VTODO"}
_SKIPPED = {
    "VJOURNAL": "a journal entry (VJOURNAL); Rolodeck has no journal, so it was not imported",
    "VFREEBUSY": "free/busy time (VFREEBUSY), not an event; nothing to import",
    "VAVAILABILITY": "availability (VAVAILABILITY), not an event; nothing to import",
    "VCARD": "a contact (VCARD) inside a calendar file; import the file as contacts instead",
}


def read_ical(stream: BinaryIO, *, name: str,
              is_call: Callable[[str, Sequence[str]], bool] = looks_like_call,
              history_before: datetime | None = None, floating_zone: str | None = None,
              today: date | None = None) -> Iterator[Parsed]:
    """Every VEVENT and VTODO of the stream as a ParsedActivity, and every problem, in file
    order (but for components that wait for a later VTIMEZONE).

    name: the file's name, for messages. is_call(summary, categories): which events are
    calls (model.looks_like_call by default; our own X-ROLODECK-KIND wins over it).
    history_before: an aware time; events that ended before it also come as history items
    (ParsedActivity.history). floating_zone: the IANA zone floating times are placed in
    where an instant is needed (history), the machine's own by default. today: where a
    to-do without any date is placed (the day of the import by default)."""
    floating = zone(floating_zone) if floating_zone else datetime.now().astimezone().tzinfo
    assert floating is not None
    return _Reader(name, is_call, history_before, floating, today or date.today()).run(stream)


class _Reader:
    def __init__(self, file: str, is_call: Callable[[str, Sequence[str]], bool],
                 history_before: datetime | None, floating: tzinfo, today: date):
        self.file = file
        self.is_call = is_call
        self.history_before = history_before
        self.floating = floating
        self.today = today
        self.ordinal = 0
        self.generated: dict[str, int] = {}
        self.pending: list[tuple[Node, int, int, set[str]]] = []
        self.pending_bytes = 0
        self.junk = 0
        self.warned_bare = self.warned_charset = False
        self._calendar()

    def _calendar(self) -> None:
        self.info = CalendarInfo()
        self.zones = Zones()
        self.ctx = Context(self.file, self.zones, self.info, self.is_call, self.floating,
                           self.today, self.history_before, generated=self.generated)

    def problem(self, line: int | None, level: Level, reason: str, name: str | None = None,
                ordinal: int | None = None) -> Problem:
        return Problem(self.file, line or None, ordinal, level, reason, name)

    def run(self, stream: BinaryIO) -> Iterator[Parsed]:
        for block in blocks(stream):
            kind = block.kind
            if kind == "component":
                if block.bare and block.name == "VCARD":
                    yield self.problem(block.line, Level.ERROR, "This is a vCard file of "
                                       "contacts, not a calendar; import it as contacts")
                    return
                yield from self._component(block)
            elif kind == "property":
                yield from self._property(block)
            elif kind == "calendar":
                yield from self._flush()
                self._calendar()
            elif kind == "end":
                yield from self._flush()
                if block.reason:
                    yield self.problem(None, Level.WARNING, block.reason[0].upper()
                                       + block.reason[1:] + "; everything before is read")
                self._calendar()
            elif kind == "junk":
                self.junk += 1
                if self.junk <= _JUNK_SHOWN:
                    yield self.problem(block.line, Level.WARNING, block.reason)
            elif kind == "broken":
                ordinal = None
                if block.name != "VTIMEZONE":
                    self.ordinal += 1
                    ordinal = self.ordinal
                yield self.problem(block.line, Level.ERROR,
                                   f"{block.name} not imported: {block.reason}", block.name,
                                   ordinal)
            elif kind == "not-ical":
                yield self.problem(None, Level.ERROR, "This is not an iCalendar file: no "
                                   "BEGIN:VCALENDAR or BEGIN:VEVENT near its start")
                return
        yield from self._flush()
        if self.junk > _JUNK_SHOWN:
            yield self.problem(None, Level.WARNING, f"{self.junk - _JUNK_SHOWN} more lines "
                               "that are not iCalendar were skipped")

    def _component(self, block: Block) -> Iterator[Parsed]:
        if block.bare and not self.warned_bare:
            self.warned_bare = True
            yield self.problem(block.line, Level.WARNING,
                               f"{block.name} is not inside a VCALENDAR; read all the same")
        lines, fallback = decode(block.lines)
        if fallback and not self.warned_charset:
            self.warned_charset = True
            yield self.problem(block.line, Level.WARNING,
                               "The text is not valid UTF-8 here; read as Windows-1252")
        for note in block.notes:
            yield self.problem(block.line, Level.WARNING, f"{block.name}: {note}")
        if block.name == "VTIMEZONE":
            yield from self._timezone(lines, block.line)
            yield from self._flush(ready_only=True)
            return
        self.ordinal += 1
        if block.name not in _RECORDS:
            reason = _SKIPPED.get(block.name, f"an unknown component ({shorten(block.name)}); "
                                  "not imported")
            yield self.problem(block.line, Level.SKIPPED, reason[0].upper() + reason[1:],
                               block.name, self.ordinal)
            return
        node = tree(lines, block.numbers)
        node.truncated = block.truncated
        waiting = {tzid for p in node.props if (tzid := p.param("TZID")) is not None
                   and by_name(tzid) is None and not self.zones.defined(tzid)}
        if waiting:
            size = sum(len(line) for line in lines)
            self.pending.append((node, self.ordinal, size, waiting))
            self.pending_bytes += size
            while self.pending and (len(self.pending) > _PENDING_COMPONENTS
                                    or self.pending_bytes > _PENDING_BYTES):
                yield self._parse_pending(0)
            return
        yield event.parse(node, self.ctx, self.ordinal)

    def _parse_pending(self, index: int) -> Parsed:
        node, ordinal, size, _ = self.pending.pop(index)
        self.pending_bytes -= size
        return event.parse(node, self.ctx, ordinal)

    def _flush(self, ready_only: bool = False) -> Iterator[Parsed]:
        i = 0
        while i < len(self.pending):
            if not ready_only or all(self.zones.defined(t) for t in self.pending[i][3]):
                yield self._parse_pending(i)
            else:
                i += 1

    def _timezone(self, lines: list[str], line: int) -> Iterator[Parsed]:
        if self.zones.count >= _ZONES_KEPT:
            if self.zones.count == _ZONES_KEPT:
                self.zones.define_unreadable("")  # counted, so this is said once
                yield self.problem(line, Level.WARNING, f"More than {_ZONES_KEPT} time zones "
                                   "in one calendar; the rest are not used")
            return
        # Parsed under another name: icalendar files every VTIMEZONE it parses in a cache of
        # its own, for the whole process, which would lend this file's zones to every later
        # file (and to anything else using icalendar) that names the same TZID.
        renamed = ["BEGIN:X-ROLODECK-VTIMEZONE", *lines[1:-1], "END:X-ROLODECK-VTIMEZONE"]
        component: Timezone | None = None
        try:
            with warnings.catch_warnings():  # icalendar's guesses at TZIDs; zones.py decides
                warnings.simplefilter("ignore")
                parsed = Component.from_ical("\r\n".join(renamed) + "\r\n")
            component = Timezone()
            component.update(parsed)
            for sub in parsed.subcomponents:
                component.add_component(sub)
        except Exception:  # noqa: BLE001 - icalendar raises many kinds on broken input
            component = None
        if component is not None and component.get("TZID"):
            self.zones.define(component)
            return
        for text in lines:  # unreadable: its TZID is known, to be read by name or not at all
            prop = split(text, line)
            if prop is not None and prop.name == "TZID":
                self.zones.define_unreadable(unescape(prop.value).strip())
                return

    def _property(self, block: Block) -> Iterator[Parsed]:
        (text,), fallback = decode(block.lines)
        prop = split(text, block.line)
        if prop is None:
            return
        info = self.info
        value = unescape(prop.value).strip()
        if prop.name == "VERSION":
            info = dataclasses.replace(info, version=value)
            self.ctx.vcal = value == "1.0"
        elif prop.name == "PRODID":
            info = dataclasses.replace(info, product=value)
        elif prop.name == "METHOD":
            info = dataclasses.replace(info, method=value.upper())
        elif prop.name == "X-WR-CALNAME":
            info = dataclasses.replace(info, name=value)
        elif prop.name == "X-WR-TIMEZONE" and (found := by_name(value)) is not None:
            info = dataclasses.replace(info, zone=found)
            self.zones.calendar_zone = found
        else:
            if prop.name == "X-WR-TIMEZONE":
                yield self.problem(block.line, Level.WARNING,
                                   f"The calendar's time zone '{shorten(value)}' is not a "
                                   "known zone; it is kept but not used")
            info = dataclasses.replace(info, extra=(*info.extra, RawProperty(
                prop.name, prop.value, prop.params)))
        self.info = self.ctx.calendar = info
        if fallback and not self.warned_charset:
            self.warned_charset = True
            yield self.problem(block.line, Level.WARNING,
                               "The text is not valid UTF-8 here; read as Windows-1252")
