"""iCalendar (.ics) and vCalendar 1.0 (.vcs): activities in (reader.py) and out (writer.py),
streamed. See reader.py for the choices made on what files get wrong."""

from importers.ical.model import (
    COMPONENT_GROUP,
    Attendee,
    CalendarInfo,
    Level,
    Parsed,
    ParsedActivity,
    Problem,
    looks_like_call,
)
from importers.ical.reader import read_ical
from importers.ical.writer import ical_text, write_ical

__all__ = ["COMPONENT_GROUP", "Attendee", "CalendarInfo", "Level", "Parsed", "ParsedActivity",
           "Problem", "ical_text", "looks_like_call", "read_ical", "write_ical"]
