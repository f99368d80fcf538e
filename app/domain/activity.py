"""Activities: what is scheduled (calls, meetings, to-dos), possibly recurring."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from app.domain.errors import ValidationError
from app.domain.record import SyncedRecord
from app.domain.recurrence import Schedule, normalize_rule, zone


class ActivityKind(enum.StrEnum):
    CALL = "call"
    MEETING = "meeting"
    TODO = "todo"


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class ActivityStatus(enum.StrEnum):
    OPEN = "open"
    CLEARED = "cleared"


@dataclass
class Activity(SyncedRecord):
    kind: ActivityKind
    regarding: str
    start: datetime  # naive wall-clock time in `tz` (midnight for all-day items)
    duration: timedelta = timedelta(minutes=30)
    tz: str | None = None  # IANA name; None for all-day / floating items
    all_day: bool = False
    priority: Priority = Priority.NORMAL
    location: str = ""
    details: str = ""
    rrule: str | None = None
    exdates: list[datetime] = field(default_factory=list)
    alarm_minutes: int | None = None
    attendee_ids: list[int] = field(default_factory=list)
    account_id: int | None = None
    status: ActivityStatus = ActivityStatus.OPEN
    # A single occurrence moved out of a series keeps a link to it (iCalendar RECURRENCE-ID).
    series_id: int | None = None
    recurrence_key: datetime | None = None

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.start, self.duration, self.tz, self.rrule, tuple(self.exdates))

    @property
    def recurring(self) -> bool:
        return bool(self.rrule)

    def validate(self) -> None:
        """Checks and normalises (the RRULE's UNTIL into wall time); raises ValidationError."""
        if not self.regarding.strip():
            raise ValidationError("Say what the activity is about ('Regarding')")
        if self.start.tzinfo is not None:
            raise ValidationError("An activity's start is wall-clock time plus a time zone name")
        if self.duration < timedelta(0):
            raise ValidationError("An activity cannot end before it starts")
        if self.all_day:
            if self.tz:
                raise ValidationError("All-day activities have no time zone")
            if self.start.time() != datetime.min.time() or self.duration.seconds:
                raise ValidationError("All-day activities start at midnight and last whole days")
        tz = zone(self.tz)
        if self.alarm_minutes is not None and self.alarm_minutes < 0:
            raise ValidationError("An alarm cannot ring after the activity starts")
        if self.rrule:
            self.rrule = normalize_rule(self.rrule, self.start, tz)


class Planned(NamedTuple):
    """What an agenda needs of an activity: enough to expand and show it, not to edit it.
    Reading a whole Activity (attendees, extra properties, record times) for every one in a
    window costs more than expanding them."""

    id: int
    kind: ActivityKind
    regarding: str
    all_day: bool
    priority: Priority
    location: str
    cleared: bool  # a one-off's status; a series' occurrences are cleared one by one
    schedule: Schedule

    @property
    def recurring(self) -> bool:
        return bool(self.schedule.rule)


class Occurrence(NamedTuple):
    """One concrete occurrence of an activity, as an agenda shows it. (A tuple: a week's
    agenda makes tens of thousands, and a frozen dataclass costs three times as much to
    make.)"""

    activity_id: int
    key: datetime  # the occurrence's original wall-clock start
    start: datetime  # aware
    end: datetime  # aware
    kind: ActivityKind
    regarding: str
    all_day: bool
    priority: Priority
    location: str
    recurring: bool
    cleared: bool
    attendees: tuple[str, ...] = ()
