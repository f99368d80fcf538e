"""The calendar as an export format (.ics): the activities of the contacts exported (every
activity, for all contacts), with their time zones, repeat rules, moved occurrences, alarms
and attendees, through importers.ical's writer. imports_export lists it among the formats
and writes the file as it writes the others (whole, then moved into place)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from app.domain.activity import Activity
from app.services.progress import CancelToken, Progress
from db.queries import calendar_import as q
from db.queries import directory as directory_queries
from importers.ical import Attendee, write_ical

CHUNK = 2000


def calendar_texts(s, contact_ids: Sequence[int] | None, cancel: CancelToken | None,
                   progress: Progress) -> tuple[Iterator[str], int]:
    """The .ics file's text pieces and how many activities they hold. `contact_ids`: the
    contacts whose activities are wanted (None: all)."""
    conn = s.connection()
    ids = q.exported_activities(conn, contact_ids)
    activities: list[Activity] = []
    for start in range(0, len(ids), CHUNK):
        if cancel:
            cancel.raise_if_set()
        activities += q.activities_by_id(s, ids[start:start + CHUNK])
        progress(min(start + CHUNK, len(ids)), len(ids) + 1)
    people: dict[int, Attendee] = {}
    wanted = sorted({i for a in activities for i in a.attendee_ids})
    for start in range(0, len(wanted), CHUNK):
        for c in directory_queries.contact_summaries(conn, wanted[start:start + CHUNK]):
            if c.email:
                people[c.id] = Attendee(c.email, c.display_name)

    def attendees(a: Activity) -> Iterator[Attendee]:
        return (people[i] for i in a.attendee_ids if i in people)

    return write_ical(activities, attendees=attendees), len(activities)
