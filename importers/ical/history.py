"""A past event as a history item, for the wizard's "events in the past become history".

Only what has happened once can be history: a one-off event (or a changed occurrence of a
series) that ended before the given moment, and a to-do done (STATUS:COMPLETED) whose date
has passed. A series stays an activity whatever its age. The item has no contacts yet: the
pipeline links it to the contacts it matched from the item's `emails` and validates it.
History items carry no raw properties, so importing an event as history keeps only what the
history item shows.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from app.domain.activity import ActivityKind, ActivityStatus
from app.domain.history import HistoryItem, HistoryKind, Outcome
from importers.ical.model import ParsedActivity
from importers.ical.times import instant

_KINDS = {ActivityKind.CALL: HistoryKind.CALL, ActivityKind.MEETING: HistoryKind.MEETING,
          ActivityKind.TODO: HistoryKind.TODO_DONE}


def history_of(item: ParsedActivity, before: datetime, floating: tzinfo) -> HistoryItem | None:
    a = item.activity
    if a.recurring:
        return None
    if a.kind == ActivityKind.TODO and a.status != ActivityStatus.CLEARED:
        return None
    started = instant(a.start, a.tz, floating)
    if started is None:
        return None
    try:
        ended = started + a.duration
    except OverflowError:
        return None
    if ended >= before.astimezone(UTC):
        return None
    return HistoryItem(
        kind=_KINDS[a.kind], occurred_at=started.astimezone(floating if a.tz is None else UTC),
        regarding=a.regarding, details=a.details,
        outcome=Outcome.CANCELLED if item.cancelled else Outcome.COMPLETED,
        duration_minutes=None if a.all_day else int(a.duration.total_seconds() // 60),
        uid=a.uid)
