"""What the iCalendar reader gives: parsed activities and problems, each saying where it is.

The reader yields `ParsedActivity` (a VEVENT or VTODO mapped to an `Activity`) and `Problem`
(something not imported, or a file-level warning). Warnings about one item (a guessed time
zone, a rule kept but not scheduled) travel on the item, so a report can show them beside it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.activity import Activity
from app.domain.history import HistoryItem
from app.domain.record import RawProperty

# A whole sub-component kept verbatim (an extra VALARM, an unknown nested component) is a
# RawProperty named after the component, with this group and its content lines (unfolded,
# BEGIN and END included) joined by CRLF as the value. iCalendar has no property groups, so
# the group cannot clash with a real property.
COMPONENT_GROUP = "BEGIN"

# Properties Rolodeck writes itself to carry what iCalendar has no property for.
X_KIND = "X-ROLODECK-KIND"  # call | meeting, on a VEVENT (a VTODO is always a to-do)
X_STATUS = "X-ROLODECK-STATUS"  # cleared, on a VEVENT done in Rolodeck


class Level(enum.StrEnum):
    ERROR = "error"  # something in the file is broken and was not imported
    WARNING = "warning"  # imported, but the file needed a guess or a repair
    SKIPPED = "skipped"  # valid, but nothing Rolodeck imports (VJOURNAL, VFREEBUSY, ...)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # the physical line (1-based) where the component or line begins
    component: int | None  # the record's ordinal in the file (VTIMEZONEs not counted)
    level: Level
    reason: str
    name: str | None = None  # the component's name (VEVENT, VJOURNAL, ...), where there is one

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Attendee:
    email: str  # as the file wrote it, `mailto:` removed; "" when the address is not an email
    name: str = ""  # CN
    role: str = ""  # ROLE (CHAIR, REQ-PARTICIPANT, ...), upper case
    status: str = ""  # PARTSTAT (ACCEPTED, NEEDS-ACTION, ...), upper case
    address: str = ""  # the property's value as written (a URI, or vCalendar's free text)


@dataclass(frozen=True)
class CalendarInfo:
    """The VCALENDAR an item came from (a file may hold several, one after another)."""

    version: str = ""
    product: str = ""
    method: str = ""
    name: str = ""  # X-WR-CALNAME
    zone: str | None = None  # X-WR-TIMEZONE resolved to an IANA name
    extra: tuple[RawProperty, ...] = ()  # every other calendar-level property, verbatim


@dataclass
class ParsedActivity:
    activity: Activity
    file: str
    line: int  # the physical line of its BEGIN
    component: int
    source: str  # VEVENT or VTODO
    calendar: CalendarInfo = field(default_factory=CalendarInfo)
    attendees: tuple[Attendee, ...] = ()
    organizer: Attendee | None = None
    # A RECURRENCE-ID override: the UID of its series (activity.recurrence_key is the
    # occurrence it replaces). The series is matched by UID in the same import or the
    # database; it should skip that occurrence (Rolodeck keeps the key in its exdates).
    series_uid: str | None = None
    sequence: int = 0
    stamp: datetime | None = None  # aware, from DTSTAMP (when the file was written)
    last_modified: datetime | None = None  # aware, from LAST-MODIFIED
    cancelled: bool = False  # STATUS:CANCELLED (on an override: that occurrence is removed)
    uid_generated: bool = False  # the file had no UID; this one is derived from the content
    warnings: tuple[str, ...] = ()
    # When the reader was asked for history: this past event as a history item (contacts and
    # account still to be filled in from `emails`); the pipeline imports one or the other.
    history: HistoryItem | None = None

    @property
    def emails(self) -> tuple[str, ...]:
        """Organizer and attendee emails, in file order, each once (compared ignoring case)."""
        seen: dict[str, str] = {}
        for person in (self.organizer, *self.attendees):
            if person and person.email:
                seen.setdefault(person.email.lower(), person.email)
        return tuple(seen.values())

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.source} '{self.activity.regarding}'"


Parsed = ParsedActivity | Problem

_CALL_WORDS = re.compile(r"\b(?:phone\s+)?calls?\b|\bphone\b|\btelephone\b", re.IGNORECASE)
_CALL_CATEGORIES = frozenset({"call", "calls", "phone call", "phone calls", "phone", "telephone"})


def looks_like_call(summary: str, categories: Sequence[str]) -> bool:
    """The default rule for which events are calls rather than meetings: a category that is
    "Call", "Calls", "Phone call" or "Phone" (any case), or the word "call", "calls" or "phone"
    in the title ("Sales call", "Call Anna", "Phone: supplier"; not "Recall", "Callback").
    The reader takes any `is_call(summary, categories)` in its place."""
    if any(c.strip().lower() in _CALL_CATEGORIES for c in categories):
        return True
    return _CALL_WORDS.search(summary) is not None
