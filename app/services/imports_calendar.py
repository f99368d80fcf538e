"""Calendar events of an import (.ics, .vcs): what each becomes, and saving it.

Each VEVENT or VTODO the reader gives (importers.ical) becomes a plan line:
- an activity: created; or, where an activity of the same UID is stored, updated (only what
  the file changed; an activity cleared in Rolodeck stays cleared, its attendees are kept)
  or left unchanged; a series' moved occurrence (RECURRENCE-ID) is linked to its series,
  which skips that occurrence; a cancelled occurrence only makes the series skip it;
- a history item, for an event that has already happened when `past_as_history` is on and
  whose organizer or attendees are contacts (history must be about someone): "a meeting
  with Ada" in her timeline. A past event that names no contact stays an activity, marked
  done, so years of old meetings do not fill the overdue list;
- skipped: a one-off event cancelled in the calendar, or one whose stored copy is in the
  trash (the same event, deleted on purpose: it is not brought back).
Attendees and organizers are matched to contacts by e-mail address: the contacts of the same
import first, then the stored ones. Lookups are a few queries per import, not per event.

The events are decided once the whole import is read (a moved occurrence may come before its
series, an attendee's contact in a later file), so they are held in memory: some 2 KB each,
40 MB for a 20,000-event calendar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from app.domain import matching as m
from app.domain.activity import Activity, ActivityStatus
from app.domain.errors import ValidationError
from app.services.imports_plan import Action, ImportOptions, Issue, PlanLine
from db.queries import calendar_import as q
from db.repositories import activities as activity_repo
from db.repositories import bulk, bulk_records
from db.repositories import history as history_repo
from db.unit import Unit
from importers.ical import Attendee, ParsedActivity

Lookup = Callable[[list[str]], dict[str, "int | PlanLine"]]
_COMPARED = ("kind", "regarding", "start", "duration", "tz", "all_day", "priority",
             "location", "details", "rrule", "alarm_minutes", "extra")


def occurrence_uid(series_uid: str, key: datetime) -> str:
    """The UID Rolodeck keeps a moved occurrence under (the file gives it its series' UID
    and a RECURRENCE-ID; stored UIDs are one per record). Export writes the series' UID."""
    return f"{series_uid}/{key:%Y%m%dT%H%M%S}"


class CalendarPlanner:
    """Collects the events of an import, then (`finish`) decides them in one go.
    `people(emails)`: the contacts (an id, or a record of this import) behind e-mail keys."""

    def __init__(self, session, options: ImportOptions, people: Lookup,
                 now: datetime | None = None):
        self.session = session
        self.options = options
        self.people = people
        self.now = now or datetime.now(UTC)
        self.items: list[ParsedActivity] = []
        self.lines: list[PlanLine] = []
        self.files: dict[str, int] = {}  # in the order read: lines are reported so

    def add(self, item: ParsedActivity) -> None:
        self.files.setdefault(item.file, len(self.files))
        self.items.append(item)

    def refuse(self, issue: Issue) -> PlanLine:
        self.files.setdefault(issue.file, len(self.files))
        line = PlanLine(Action.REFUSE, issue.file, issue.line, issue.record, "",
                        issue.message, event=True)
        self.lines.append(line)
        return line

    def finish(self) -> list[PlanLine]:
        items, twice = _distinct(self.items)
        self.items = []
        for it, first in twice:
            self.lines.append(PlanLine(
                Action.SKIP, it.file, it.line, it.component, it.activity.regarding,
                f"the same event as line {first.line:,} (same UID and content); imported once",
                uid=it.activity.uid, event=True))
        stored = q.activities_by_uid(self.session, [it.activity.uid for it in items]
                                     + [it.series_uid for it in items if it.series_uid])
        logged = q.history_by_uid(self.session.connection(),
                                  [it.activity.uid for it in items if it.history is not None])
        found = self.people(sorted({m.email_key(e) for it in items for e in it.emails}))
        series: dict[str, PlanLine] = {}
        overrides: list[tuple[PlanLine, ParsedActivity]] = []
        for it in items:
            people = list(dict.fromkeys(
                p for e in it.emails if (p := found.get(m.email_key(e))) is not None))
            line = self._decide(it, people, stored, logged)
            self.lines.append(line)
            if it.series_uid is not None:
                overrides.append((line, it))
            elif line.activity is not None and line.activity.rrule:
                series.setdefault(it.activity.uid, line)
        for line, it in overrides:
            self._link(line, it, series, stored)
        out, self.lines = self.lines, []
        out.sort(key=lambda ln: (self.files.get(ln.file, 0), ln.record or 0))
        return out

    # --- one event ----------------------------------------------------------------------

    def _decide(self, it: ParsedActivity, people: list[int | PlanLine],
                stored: dict[str, Activity], logged: dict[str, q.StoredHistory]) -> PlanLine:
        a = it.activity
        line = PlanLine(Action.CREATE, it.file, it.line, it.component, a.regarding,
                        "", uid=a.uid, event=True, people=people)
        notes = "; ".join(it.warnings)
        if it.cancelled and it.series_uid is None and it.history is None:
            return self._skip(line, "cancelled in the calendar (STATUS:CANCELLED); not "
                                    "scheduled")
        if it.history is not None and self.options.past_as_history and people:
            return self._as_history(line, it, logged.get(a.uid), notes)
        if it.series_uid is None and not a.rrule and self._over(a):
            a.status = ActivityStatus.CLEARED
        a.attendee_ids = []
        old = stored.get(a.uid)
        if old is not None and old.deleted_at is not None:
            return self._skip(line, "it is in the trash (the same event, deleted in "
                                    "Rolodeck); restore it from there to bring it back")
        if old is not None and self.options.on_duplicate == "skip":
            return self._skip(line, "already in Rolodeck (same UID); skipped as asked")
        try:
            a.validate()
        except ValidationError as exc:
            line.action, line.reason = Action.REFUSE, str(exc)
            return line
        if old is None:
            line.activity, line.reason = a, notes or "new " + _what(a)
            return line
        line.target_id = old.id
        merged = _updated(old, a)
        changed = [n for n in _COMPARED if getattr(merged, n) != getattr(old, n)]
        if not changed and set(_ids(people)) <= set(old.attendee_ids):
            line.action, line.reason = Action.UNCHANGED, "already in Rolodeck as the file has it"
            return line
        line.action, line.activity = Action.UPDATE, merged
        line.changes = tuple(changed) or ("attendees",)
        line.reason = "changed in the file: " + ", ".join(line.changes)
        return line

    def _as_history(self, line: PlanLine, it: ParsedActivity,
                    old: q.StoredHistory | None, notes: str) -> PlanLine:
        h = it.history
        assert h is not None
        h.uid = it.activity.uid
        h.details = _with_where(h.details, it)
        line.history = h
        line.reason = notes or "happened already: logged as history"
        if old is None:
            return line
        line.target_id = old.id
        if old.deleted:
            return self._skip(line, "it is in the trash (the same event, deleted in "
                                    "Rolodeck); restore it from there to bring it back")
        same = (old.regarding, old.details, old.occurred_at, old.duration_minutes,
                old.outcome) == (h.regarding, h.details, h.occurred_at, h.duration_minutes,
                                 h.outcome.value)
        if same or self.options.on_duplicate == "skip":
            line.history = None
            line.action = Action.UNCHANGED if same else Action.SKIP
            line.reason = ("already in the history as the file has it" if same else
                           "already in the history (same UID); skipped as asked")
            return line
        h.id, h.version = old.id, old.version
        line.action, line.reason = Action.UPDATE, "changed in the file"
        return line

    def _link(self, line: PlanLine, it: ParsedActivity, series: dict[str, PlanLine],
              stored: dict[str, Activity]) -> None:
        """A moved or cancelled occurrence and its series (of this import, else stored)."""
        uid = it.series_uid
        assert uid is not None
        key = it.activity.recurrence_key
        target: PlanLine | int | None = series.get(uid)
        old = stored.get(uid)
        if target is None and old is not None and old.deleted_at is None and old.rrule:
            target = old.id
        if target is None:
            if it.cancelled:
                line.action, line.activity, line.history = Action.SKIP, None, None
                line.reason = "cancels an occurrence of a repeating event that is not here"
            elif line.activity is not None:
                line.activity.recurrence_key = None
                line.reason = ("a changed occurrence of a repeating event that is not in "
                               "the file or in Rolodeck; imported as an event of its own")
            return
        line.series = target
        if isinstance(target, PlanLine) and target.activity is not None and key is not None:
            target.activity.exdates = sorted({*target.activity.exdates, key})
        if it.cancelled:
            line.activity, line.history = None, None
            skipped = (old is not None and isinstance(target, int) and key in old.exdates)
            line.action = Action.UNCHANGED if skipped else Action.UPDATE
            line.reason = f"cancels the occurrence of {key:%Y-%m-%d %H:%M}" if key else ""
            if isinstance(target, PlanLine):
                line.into = target

    def _skip(self, line: PlanLine, reason: str) -> PlanLine:
        line.action, line.reason = Action.SKIP, reason
        line.activity = line.history = None
        return line

    def _over(self, a: Activity) -> bool:
        try:
            _first, last = a.schedule.utc_bounds()
        except (ValueError, OverflowError):
            return False
        return last is not None and last < self.now


def _distinct(items: list[ParsedActivity]
              ) -> tuple[list[ParsedActivity], list[tuple[ParsedActivity, ParsedActivity]]]:
    """Each event under a UID of its own: a moved occurrence under its series' UID and its
    RECURRENCE-ID (occurrence_uid); a second event of the same UID is dropped when it says
    the same (a calendar exported twice into one file), else kept under "UID/2", "UID/3"...
    (stored UIDs are unique; nothing in the file is lost)."""
    seen: dict[str, ParsedActivity] = {}
    kept: list[ParsedActivity] = []
    twice: list[tuple[ParsedActivity, ParsedActivity]] = []
    for it in items:
        a = it.activity
        if it.series_uid is not None and a.recurrence_key is not None:
            a.uid = occurrence_uid(it.series_uid, a.recurrence_key)
        first = seen.get(a.uid)
        if first is not None:
            if _same_event(first, it):
                twice.append((it, first))
                continue
            n = 2
            while f"{a.uid}/{n}" in seen:
                n += 1
            a.uid = f"{a.uid}/{n}"
            it.warnings = (*it.warnings, f"another event of line {first.line:,} has the same "
                           f"UID; this one is kept as {a.uid}")
        seen[a.uid] = it
        kept.append(it)
    return kept, twice


def _same_event(x: ParsedActivity, y: ParsedActivity) -> bool:
    return (all(getattr(x.activity, n) == getattr(y.activity, n) for n in _COMPARED)
            and x.activity.exdates == y.activity.exdates and x.emails == y.emails)


def _ids(people: list[int | PlanLine]) -> list[int]:
    out = []
    for p in people:
        i = p.resolved_id if isinstance(p, PlanLine) else p
        if i is not None:
            out.append(i)
    return out


def _updated(old: Activity, new: Activity) -> Activity:
    """The stored activity with the file's values: what Rolodeck alone knows stays (cleared
    stays cleared; its attendees and account stay, the file's are added)."""
    status = ActivityStatus.CLEARED if old.status == ActivityStatus.CLEARED else new.status
    return replace(new, id=old.id, uid=old.uid, version=old.version, created_at=old.created_at,
                   status=status, attendee_ids=list(old.attendee_ids),
                   account_id=old.account_id if old.account_id is not None else new.account_id,
                   series_id=old.series_id, deleted_at=None)


def _what(a: Activity) -> str:
    return "repeating " + a.kind.value if a.rrule else a.kind.value


def _with_where(details: str, it: ParsedActivity) -> str:
    """A history item has no place and no attendee list of its own: they go in its text,
    so an imported meeting still says where and with whom."""
    extra = []
    if it.activity.location:
        extra.append(f"Where: {it.activity.location}")
    people = [_person(p) for p in (it.organizer, *it.attendees) if p is not None]
    if people:
        extra.append("With: " + ", ".join(dict.fromkeys(people)))
    return "\n".join([details, *extra]).strip() if extra else details


def _person(p: Attendee) -> str:
    if p.name and p.email:
        return f"{p.name} <{p.email}>"
    return p.name or p.email or p.address


class EventWriter:
    """Saves the event lines in the import's unit: new activities and history items through
    the bulk path, changed ones one by one through the repositories (journaled)."""

    def __init__(self, tx: Unit):
        self.tx = tx
        self.made = 0

    def write(self, lines: list[PlanLine]) -> int:
        s = self.tx.session
        todo = [ln for ln in lines if ln.action in (Action.CREATE, Action.UPDATE)]
        # Series first: their moved occurrences need their ids.
        todo.sort(key=lambda ln: ln.series is not None)
        new_history = [ln for ln in todo if ln.history is not None and ln.target_id is None]
        for ln in new_history:
            assert ln.history is not None
            ln.history.contact_ids = _ids(ln.people)
        if new_history:
            ids = bulk.add_history(s, [ln.history for ln in new_history if ln.history])
            for ln, hid in zip(new_history, ids, strict=True):
                ln.event_id, ln.history = hid, None
        plain = [ln for ln in todo if ln.activity is not None and ln.target_id is None
                 and ln.series is None]
        self._add(plain)
        moved = [ln for ln in todo if ln.activity is not None and ln.target_id is None
                 and ln.series is not None]
        for ln in moved:
            assert ln.activity is not None
            ln.activity.series_id = _series_id(ln)
        self._add(moved)
        for ln in todo:
            self._change(ln)
        self._skip_stored(lines)
        return sum(1 for ln in todo if ln.event_id is not None or ln.action == Action.UPDATE)

    def _add(self, lines: list[PlanLine]) -> None:
        if not lines:
            return
        acts = [ln.activity for ln in lines if ln.activity is not None]
        for ln, act in zip(lines, acts, strict=True):
            act.attendee_ids = _ids(ln.people)
        ids = bulk_records.add_activities(self.tx.session, acts)
        for ln, aid in zip(lines, ids, strict=True):
            ln.event_id, ln.activity = aid, None

    def _change(self, ln: PlanLine) -> None:
        s = self.tx.session
        if ln.target_id is None:
            return
        if ln.history is not None:
            ln.history.contact_ids = sorted({*history_repo.get(s, ln.target_id).contact_ids,
                                             *_ids(ln.people)})
            history_repo.save(s, ln.history)
        elif ln.activity is not None:
            a = ln.activity
            a.attendee_ids = sorted({*a.attendee_ids, *_ids(ln.people)})
            if ln.series is not None:
                a.series_id = _series_id(ln)
            activity_repo.save(s, a)
        else:
            return
        ln.event_id, ln.activity, ln.history = ln.target_id, None, None

    def _skip_stored(self, lines: list[PlanLine]) -> None:
        """Occurrences moved or cancelled by the file, of series already stored: the series
        skips them from now on."""
        s = self.tx.session
        keys: dict[int, set[datetime]] = {}
        for ln in lines:
            if isinstance(ln.series, int) and ln.action != Action.REFUSE:
                key = _key_of(ln)
                if key is not None:
                    keys.setdefault(ln.series, set()).add(key)
        for series_id, wanted in keys.items():
            series = activity_repo.get(s, series_id)
            if not wanted <= set(series.exdates):
                series.exdates = sorted({*series.exdates, *wanted})
                activity_repo.save(s, series)


def _key_of(ln: PlanLine) -> datetime | None:
    uid = ln.uid
    if "/" not in uid:
        return None
    try:
        return datetime.strptime(uid.rsplit("/", 1)[1], "%Y%m%dT%H%M%S")
    except ValueError:
        return None


def _series_id(ln: PlanLine) -> int | None:
    s = ln.series
    if isinstance(s, PlanLine):
        return s.event_id if s.event_id is not None else s.target_id
    return s

