"""Scheduling: schedule, reschedule, clear, and the occurrences in a date range."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo

from app.domain.activity import Activity, ActivityKind, ActivityStatus, Occurrence
from app.domain.changes import ChangeSet, Entity
from app.domain.errors import ValidationError
from app.domain.history import HistoryItem, HistoryKind, Outcome
from app.domain.record import stored_id
from app.domain.recurrence import localize, zone
from db.database import Database
from db.repositories import activities as repo
from db.repositories import history as history_repo

# How far back a repeating activity's missed occurrences still count as overdue.
OVERDUE_SERIES_DAYS = 14
_HISTORY_KIND = {ActivityKind.CALL: HistoryKind.CALL, ActivityKind.MEETING: HistoryKind.MEETING,
                 ActivityKind.TODO: HistoryKind.TODO_DONE}


class ActivityService:
    def __init__(self, db: Database):
        self._db = db

    def get(self, activity_id: int) -> Activity:
        with self._db.read() as s:
            return repo.get(s, activity_id)

    def schedule(self, activity: Activity) -> ChangeSet:
        activity.validate()
        with self._db.unit(f"Schedule '{activity.regarding}'") as tx:
            s = tx.session
            aid = repo.add(s, activity)
        return ChangeSet.of(inserted={Entity.ACTIVITY: [aid]})

    def update(self, activity: Activity) -> ChangeSet:
        """Save an edited activity (for a series: every occurrence not yet cleared)."""
        if activity.id is None:
            raise ValidationError("Only a scheduled activity can be updated")
        activity.validate()
        with self._db.unit(f"Edit '{activity.regarding}'") as tx:
            s = tx.session
            repo.save(s, activity)
        return ChangeSet.of(updated={Entity.ACTIVITY: [activity.id]})

    def reschedule(self, activity_id: int, start: datetime,
                   duration: timedelta | None = None) -> ChangeSet:
        """Move an activity (or a whole series) to a new wall-clock start in its zone."""
        with self._db.unit("Reschedule activity") as tx:
            s = tx.session
            a = repo.get(s, activity_id)
            if a.status == ActivityStatus.CLEARED:
                raise ValidationError(f"'{a.regarding}' is already cleared")
            # Skipped and cleared occurrences are keyed by their wall-clock start: they move
            # with the series, or a cleared one would come back open and a moved one twice.
            shift = start - a.start
            moved = replace(a, start=start, duration=duration or a.duration,
                            exdates=[d + shift for d in a.exdates])
            moved.validate()
            repo.save(s, moved)
            if shift and a.recurring:
                repo.shift_occurrence_keys(s, stored_id(a), shift)
        return ChangeSet.of(updated={Entity.ACTIVITY: [activity_id]})

    def reschedule_occurrence(self, activity_id: int, occurrence: datetime, start: datetime,
                              duration: timedelta | None = None) -> ChangeSet:
        """Move one occurrence of a series: the series skips it (EXDATE) and a single activity
        linked to the series (iCalendar's RECURRENCE-ID) takes its place."""
        with self._db.unit("Reschedule one occurrence") as tx:
            s = tx.session
            series = repo.get(s, activity_id)
            self._check_occurrence(s, series, occurrence)
            series.exdates = sorted({*series.exdates, occurrence})
            repo.save(s, series)
            single = replace(series, start=start, duration=duration or series.duration,
                             rrule=None, exdates=[], series_id=series.id,
                             recurrence_key=occurrence, id=None, uid="", extra=[],
                             version=0)
            single.validate()
            new_id = repo.add(s, single)
        return ChangeSet.of(updated={Entity.ACTIVITY: [activity_id]},
                            inserted={Entity.ACTIVITY: [new_id]})

    def _check_occurrence(self, s, series: Activity, key: datetime) -> None:
        if not series.recurring:
            raise ValidationError(f"'{series.regarding}' does not repeat")
        if not series.schedule.occurs_at(key):
            raise ValidationError(
                f"'{series.regarding}' has no occurrence at {key:%Y-%m-%d %H:%M}")
        if repo.is_cleared(s.connection(), stored_id(series), key):
            raise ValidationError(
                f"The {key:%Y-%m-%d %H:%M} occurrence of '{series.regarding}' is already cleared")

    def clear(self, activity_id: int, *, occurrence: datetime | None = None,
              outcome: Outcome = Outcome.COMPLETED, details: str = "",
              when: datetime | None = None) -> ChangeSet:
        """Mark an activity (or one occurrence of a series) done, and write what happened to
        the history of its attendees and account."""
        with self._db.unit("Clear activity") as tx:
            s = tx.session
            a = repo.get(s, activity_id)
            if a.recurring:
                if occurrence is None:
                    raise ValidationError(
                        f"'{a.regarding}' repeats; say which occurrence to clear")
                self._check_occurrence(s, a, occurrence)
                started = localize(occurrence, zone(a.tz) or UTC)
            else:
                if a.status == ActivityStatus.CLEARED:
                    raise ValidationError(f"'{a.regarding}' is already cleared")
                started = localize(a.start, zone(a.tz) or UTC)
            item = HistoryItem(
                kind=_HISTORY_KIND[a.kind], occurred_at=when or started,
                regarding=a.regarding, details=details or a.details, outcome=outcome,
                duration_minutes=None if a.all_day else int(a.duration.total_seconds() // 60),
                contact_ids=list(a.attendee_ids), account_id=a.account_id, activity_id=a.id)
            if not item.contact_ids and item.account_id is None:
                raise ValidationError(
                    f"'{a.regarding}' has no attendees or account to record the result against")
            hid = history_repo.add(s, item)
            repo.mark_cleared(s, stored_id(a), occurrence if a.recurring else None, hid)
        return ChangeSet.of(updated={Entity.ACTIVITY: [activity_id]},
                            inserted={Entity.HISTORY: [hid]})

    def delete(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.unit("Delete activities") as tx:
            s = tx.session
            changed = repo.set_deleted(s, ids, deleted=True)
        return ChangeSet.of(deleted={Entity.ACTIVITY: changed})

    def restore(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.unit("Restore activities") as tx:
            s = tx.session
            changed = repo.set_deleted(s, ids, deleted=False)
        return ChangeSet.of(inserted={Entity.ACTIVITY: changed})

    def occurrences(self, start: datetime, end: datetime, viewer: tzinfo, *,
                    include_cleared: bool = True,
                    contact_id: int | None = None) -> list[Occurrence]:
        """Every occurrence overlapping [start, end) (aware datetimes), recurrences expanded in
        their own zone; all-day and floating items are read in `viewer`'s zone."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValidationError("An agenda range needs time zones")
        if end <= start:
            raise ValidationError("An agenda range must end after it starts")
        with self._db.read() as s:
            conn = s.connection()
            found = repo.candidates(conn, start.astimezone(UTC), end.astimezone(UTC),
                                    include_cleared=include_cleared, contact_id=contact_id)
            ids = [stored_id(a) for a in found]
            cleared = repo.cleared_keys(conn, [stored_id(a) for a in found if a.recurring])
            names = repo.attendee_names(conn, ids)
        out: list[Occurrence] = []
        for a in found:
            for slot in a.schedule.slots(start, end, viewer):
                done = ((a.id, slot.key) in cleared if a.recurring
                        else a.status == ActivityStatus.CLEARED)
                if done and not include_cleared:
                    continue
                out.append(Occurrence(
                    stored_id(a), slot.key, slot.start, slot.end, a.kind, a.regarding, a.all_day,
                    a.priority, a.location, a.recurring, done, tuple(names.get(stored_id(a), ()))))
        out.sort(key=lambda o: (o.start, o.activity_id))
        return out

    def overdue(self, before: datetime, viewer: tzinfo,
                lookback_days: int = OVERDUE_SERIES_DAYS) -> list[Occurrence]:
        """Open one-off activities that started before `before` and were never cleared, and
        the occurrences of repeating ones in the last `lookback_days` that nobody cleared (a
        weekly call missed yesterday is overdue; one missed in March is not still due in
        June). Oldest first."""
        with self._db.read() as s:
            conn = s.connection()
            found = repo.overdue_singles(conn, before.astimezone(UTC) + timedelta(hours=14))
            names = repo.attendee_names(conn, [stored_id(a) for a in found])
        out = []
        for a in found:
            started = localize(a.start, zone(a.tz) or viewer)
            if started < before:
                out.append(Occurrence(stored_id(a), a.start, started, started + a.duration, a.kind,
                                      a.regarding, a.all_day, a.priority, a.location, False,
                                      False, tuple(names.get(stored_id(a), ()))))
        missed = [o for o in self.occurrences(before - timedelta(days=lookback_days), before,
                                              viewer, include_cleared=False)
                  if o.recurring and o.start < before]
        return sorted(out + missed, key=lambda o: (o.start, o.activity_id))
