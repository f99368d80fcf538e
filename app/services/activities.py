"""Scheduling: schedule, reschedule, clear, and the occurrences in a date range."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from operator import itemgetter

from app.domain.activity import Activity, ActivityKind, ActivityStatus, Occurrence, Planned
from app.domain.changes import ChangeSet, Entity
from app.domain.errors import ValidationError
from app.domain.history import HistoryItem, HistoryKind, Outcome
from app.domain.record import stored_id
from app.domain.recurrence import Shown, TimedSlot, localize, placed, zone
from app.services.progress import paused_collection
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
        their own zone; all-day and floating items are read in `viewer`'s zone. Starts and
        ends are given in `viewer`'s zone (the same instants), as an agenda shows them."""
        _check_range(start, end)
        with paused_collection(), self._db.read() as s:
            conn = s.connection()
            found = repo.in_window(conn, start.astimezone(UTC), end.astimezone(UTC),
                                   include_cleared=include_cleared, contact_id=contact_id)
            # Cleared keys and names only for what has an occurrence here: a series can be
            # live and still skip the window (the first Monday of the month, say).
            expanded = _expand(found, start, end, viewer)
            cleared, names = _details(conn, expanded)
            return _in_order(_occurrences(expanded, cleared, names, viewer,
                                          include_cleared=include_cleared))

    def overdue(self, before: datetime, viewer: tzinfo,
                lookback_days: int = OVERDUE_SERIES_DAYS) -> list[Occurrence]:
        """Open one-off activities that started before `before` and were never cleared, and
        the occurrences of repeating ones in the last `lookback_days` that nobody cleared (a
        weekly call missed yesterday is overdue; one missed in March is not still due in
        June). Oldest first; in `viewer`'s zone, as occurrences() gives them."""
        back = before - timedelta(days=lookback_days)
        _check_range(back, before)
        with paused_collection(), self._db.read() as s:
            conn = s.connection()
            late = _late(repo.open_singles(conn, before.astimezone(UTC) + _FLOATING),
                         before, viewer)
            series = repo.in_window(conn, back.astimezone(UTC), before.astimezone(UTC),
                                    include_cleared=False, recurring_only=True)
            missed = _expand([a for a in series if a.recurring], back, before, viewer)
            cleared, names = _details(conn, missed, late)
            return self._overdue_of(late, missed, cleared, names, before, viewer)

    def due_and_overdue(self, start: datetime, end: datetime, viewer: tzinfo,
                        lookback_days: int = OVERDUE_SERIES_DAYS,
                        ) -> tuple[list[Occurrence], list[Occurrence]]:
        """occurrences(start, end, viewer, include_cleared=False) and overdue(start, viewer),
        from one read: what the two read overlaps (every live series, the open one-offs), and
        reading it is most of their cost. Each activity is kept to the windows its stored
        bounds reach, as the two queries would keep it."""
        back = start - timedelta(days=lookback_days)
        _check_range(back, start)
        _check_range(start, end)
        start_utc, end_utc, back_utc = (t.astimezone(UTC) for t in (start, end, back))
        due: list[_Expanded] = []
        missed: list[_Expanded] = []
        with paused_collection(), self._db.read() as s:
            conn = s.connection()
            for a, first, last in repo.series_in(conn, back_utc, end_utc):
                if (last is None or last >= start_utc) and (
                        slots := a.schedule.timed_slots(start, end, viewer)):
                    due.append((a, slots))
                if a.recurring and first < start_utc and (
                        slots := a.schedule.timed_slots(back, start, viewer)):
                    missed.append((a, slots))
            singles = repo.open_singles(conn, max(end_utc, start_utc + _FLOATING))
            due += _expand([a for a, first, last in singles
                            if first < end_utc and (last is None or last >= start_utc)],
                           start, end, viewer)
            late = _late([b for b in singles if b[1] < start_utc + _FLOATING], start, viewer)
            cleared, names = _details(conn, due + missed, late)
            return (_in_order(_occurrences(due, cleared, names, viewer, include_cleared=False)),
                    self._overdue_of(late, missed, cleared, names, start, viewer))

    @staticmethod
    def _overdue_of(late: list[_Late], missed: list[_Expanded],
                    cleared: set[tuple[int, datetime]], names: dict[int, list[str]],
                    before: datetime, viewer: tzinfo) -> list[Occurrence]:
        shown = Shown(viewer)
        out: list[_Sortable] = [
            (instant, a.id, Occurrence(
                a.id, a.schedule.start, shown(started), shown(started + a.schedule.duration),
                a.kind, a.regarding, a.all_day, a.priority, a.location, False, False,
                tuple(names.get(a.id, ()))))
            for a, started, instant in late]
        out += _occurrences(missed, cleared, names, viewer, include_cleared=False,
                            starts_before=before)
        return _in_order(out)


# What the stored bounds of a floating (all-day) activity allow for the viewer's zone.
_FLOATING = timedelta(hours=14)
# An activity with its occurrences in a window, and a one-off that is late: with its start
# (in its zone) and that start as a UTC instant.
_Expanded = tuple[Planned, list[TimedSlot]]
_Late = tuple[Planned, datetime, datetime]


def _check_range(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError("An agenda range needs time zones")
    if end <= start:
        raise ValidationError("An agenda range must end after it starts")


def _expand(found: list[Planned], start: datetime, end: datetime,
            viewer: tzinfo) -> list[_Expanded]:
    return [(a, slots) for a in found if (slots := a.schedule.timed_slots(start, end, viewer))]


def _late(singles: list[repo.Bounded], before: datetime, viewer: tzinfo) -> list[_Late]:
    out = []
    for a, _, _ in singles:
        started, instant = placed(a.schedule.start, zone(a.schedule.tz) or viewer)
        if started < before:
            out.append((a, started, started if instant is None else instant))
    return out


def _details(conn, expanded: list[_Expanded], late: Sequence[_Late] = (),
             ) -> tuple[set[tuple[int, datetime]], dict[int, list[str]]]:
    """The cleared occurrences of the series, and everyone's attendees' names."""
    ids = list(dict.fromkeys([a.id for a, _ in expanded] + [a.id for a, _, _ in late]))
    cleared = repo.cleared_keys(conn, list(dict.fromkeys(
        a.id for a, _ in expanded if a.recurring)))
    return cleared, repo.attendee_names(conn, ids)


def _occurrences(expanded: list[_Expanded], cleared: set[tuple[int, datetime]],
                 names: dict[int, list[str]], viewer: tzinfo, *, include_cleared: bool,
                 starts_before: datetime | None = None) -> list[_Sortable]:
    """The occurrences of each activity's slots; with `starts_before`, only those that start
    before it, compared as the occurrence's own start always was."""
    shown = Shown(viewer)
    seen = shown.seen
    make = tuple.__new__  # Occurrence(...) without the call through its __new__
    out: list[_Sortable] = []
    for a, slots in expanded:
        aid, recurring = a.id, a.recurring
        who = tuple(names.get(aid, ()))
        for key, slot_start, slot_end, instant in slots:
            if starts_before is not None and not slot_start < starts_before:
                continue
            done = (aid, key) in cleared if recurring else a.cleared
            if done and not include_cleared:
                continue
            if slot_start.tzinfo is not viewer:  # Shown, without a call per time
                try:
                    if slot_start.fold or slot_end.fold:
                        raise KeyError
                    slot_start, slot_end = seen[slot_start], seen[slot_end]
                except (KeyError, OverflowError):
                    slot_start, slot_end = shown(slot_start), shown(slot_end)
            out.append((instant, aid, make(Occurrence, (
                aid, key, slot_start, slot_end, a.kind, a.regarding, a.all_day, a.priority,
                a.location, recurring, done, who))))
    return out


# An occurrence with what it sorts by: its start as a UTC instant, then its activity's id.
_Sortable = tuple[datetime, int, Occurrence]


def _in_order(items: list[_Sortable]) -> list[Occurrence]:
    """Sorted by start instant, then activity id. Sorting by the occurrences' own starts would
    compare instants in many zones, converting both sides of every comparison."""
    items.sort(key=_ORDER)
    return [occurrence for _, _, occurrence in items]


_ORDER = itemgetter(0, 1)
