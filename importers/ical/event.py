"""One VEVENT or VTODO as an Activity, with everything Rolodeck does not model kept raw.

What is mapped: UID, SUMMARY, DESCRIPTION, LOCATION, DTSTART, DTEND / DUE / DURATION, RRULE,
EXDATE, RECURRENCE-ID, PRIORITY, a to-do's STATUS, the first reminder VALARM (its lead time),
and our own X-ROLODECK-KIND / X-ROLODECK-STATUS. Everything else (ATTENDEE, ORGANIZER,
CATEGORIES, SEQUENCE, CREATED, RDATE, X- properties, other alarms, unknown components) is kept
verbatim in `extra` and written back on export. A mapped property whose form the writer would
not reproduce (parameters such as LANGUAGE, PRIORITY:5, STATUS:CANCELLED, a second SUMMARY)
is kept too, as a "shadow": the writer writes it instead of its own form while it still
means what the activity says (writer.py). ATTENDEE and ORGANIZER are both kept and parsed
(`attendees`, `emails`), so the pipeline can match them to contacts.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta

from app.domain.activity import Activity, ActivityKind, ActivityStatus
from app.domain.errors import ValidationError
from app.domain.record import RawProperty
from app.domain.recurrence import normalize_rule, zone
from importers.ical import alarms, people, vcal
from importers.ical.component import Context, Props
from importers.ical.content import Node, Prop, unescape
from importers.ical.model import (
    COMPONENT_GROUP,
    X_KIND,
    X_STATUS,
    Level,
    ParsedActivity,
    Problem,
)
from importers.ical.times import MIDNIGHT, Bad, When, between, duration, shorten, wall_in, when
from importers.ical.vocabulary import priority_of, status_of

_TITLE_FROM_DETAILS = 120
_GENERATED_KEPT = 100_000  # generated UIDs remembered, to tell identical events apart
_RULE_SPACE = re.compile(r"\s*([;,=])\s*")
_WHOLE_DAY_UNTIL = re.compile(r"(?<=UNTIL=)(\d{8})T\d{6}")
_UNTIL = re.compile(r"(?:^|;)UNTIL=(\d{8}T\d{6})")


def parse(node: Node, ctx: Context, ordinal: int) -> ParsedActivity | Problem:
    try:
        return _Mapping(node, ctx, ordinal).parsed()
    except (Bad, ValidationError) as exc:
        return Problem(ctx.file, node.line, ordinal, Level.ERROR,
                       f"{node.name} not imported: {exc}", node.name)
    except (ValueError, TypeError, OverflowError, KeyError) as exc:
        # A value no check above foresaw: this component is lost, not the whole import.
        return Problem(ctx.file, node.line, ordinal, Level.ERROR,
                       f"{node.name} not imported: it could not be read "
                       f"({type(exc).__name__}: {shorten(str(exc), 120)})", node.name)


class _Mapping:
    def __init__(self, node: Node, ctx: Context, ordinal: int):
        self.node, self.ctx, self.ordinal = node, ctx, ordinal
        self.todo = node.name == "VTODO"
        self.props = Props(node.props)
        self.children: dict[int, RawProperty | None] = {}
        self.warnings: list[str] = [f"line {n}: '{shorten(t)}' is not a property; skipped"
                                    for n, t in node.junk]

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def when(self, prop: Prop, text: str | None = None) -> When:
        return when(prop, prop.value if text is None else text, self.ctx.zones,
                    self.ctx.calendar.zone, self.warnings)

    def parsed(self) -> ParsedActivity:
        p = self.props
        uid_prop = p.first("UID")
        uid = unescape(uid_prop.value).strip() if uid_prop else ""
        start, all_day, length = self._schedule()
        tz = None if all_day else start.zone
        if (start.utc and self.ctx.calendar.zone and not p.all("RRULE")
                and not p.all("RECURRENCE-ID")):
            # Google writes one-off events in UTC and names the calendar's zone apart; the
            # instant is the same, the wall-clock time is the one its owner sees. (A series
            # stays in UTC: in another zone its occurrences would move across DST.)
            tz = self.ctx.calendar.zone
        start_wall = wall_in(start, tz)
        recurrence_key, override_of = self._recurrence_id(uid, tz, all_day, start_wall)
        rule = None if override_of else self._rule(start_wall, tz, all_day)
        regarding, details, location = self._texts()
        prio = p.first("PRIORITY", lambda q: priority_of(q.value)[1])
        status, cancelled = self._status()
        found_alarm, self.children = alarms.alarm(self.node, p, start, self.ctx, self.warnings)
        activity = Activity(
            kind=self._kind(regarding), regarding=regarding, start=start_wall,
            duration=length, tz=tz, all_day=all_day,
            priority=priority_of(prio.value)[0] if prio else priority_of("")[0],
            location=location, details=details, rrule=rule,
            exdates=self._exdates(rule, tz, all_day, start_wall),
            alarm_minutes=found_alarm, status=status, recurrence_key=recurrence_key,
            uid="" if override_of else uid, extra=self._extras())
        if not uid and not override_of:
            activity.uid = self._generated_uid()
        activity.validate()
        if unkept := p.unkept_params():
            self.warn(f"parameters Rolodeck does not keep were left out: {', '.join(unkept)}")
        attendees, organizer = people.of(p.props, self.ctx.vcal)
        item = ParsedActivity(
            activity=activity, file=self.ctx.file, line=self.node.line,
            component=self.ordinal, source=self.node.name, calendar=self.ctx.calendar,
            attendees=attendees, organizer=organizer, series_uid=override_of,
            sequence=_number(p.first("SEQUENCE")), stamp=self._moment("DTSTAMP"),
            last_modified=self._moment("LAST-MODIFIED"),
            cancelled=cancelled, uid_generated=not uid, warnings=tuple(self.warnings))
        if self.ctx.history_before is not None:
            from importers.ical.history import history_of

            item.history = history_of(item, self.ctx.history_before, self.ctx.floating)
        return item

    # -- when -------------------------------------------------------------------------------

    def _schedule(self) -> tuple[When, bool, timedelta]:
        """The start, whether it is all-day, and the length."""
        p = self.props
        begin, end_name = p.first("DTSTART"), "DUE" if self.todo else "DTEND"
        end = p.first(end_name)
        span = p.first("DURATION")
        if begin is not None:
            start = self.when(begin)
        elif self.todo and end is not None:
            start, end = self.when(end), None
        else:
            start = self._no_start()
        all_day = start.is_date
        length = timedelta(0) if self.todo or not all_day else timedelta(days=1)
        if end is not None:
            try:
                stop = self.when(end)
                length = between(start, stop)
                if all_day and not stop.is_date:
                    self.warn(f"{end_name} has a time but DTSTART is a date; read as all-day")
            except Bad as exc:
                self.warn(f"{exc}; the length is a guess")
                p.keep_raw(end)
        elif span is not None:
            try:
                length = duration(span.value, "DURATION")
            except Bad as exc:
                self.warn(f"{exc}; the length is a guess")
                p.keep_raw(span)
        if length < timedelta(0):
            self.warn("it ends before it starts; read as "
                      f"{'lasting one day' if all_day and not self.todo else 'taking no time'}")
            length = timedelta(days=1) if all_day and not self.todo else timedelta(0)
        if all_day:
            whole = length.days + (1 if length.seconds or length.microseconds else 0)
            if whole == 0 and not self.todo:
                whole = 1  # DTEND = DTSTART: the day itself, as calendar programs show it
            length = timedelta(days=whole)
        return start, all_day, length

    def _no_start(self) -> When:
        if self.node.truncated:
            raise Bad("the file is cut short before its start (DTSTART)")
        p = self.props
        for name in ("RECURRENCE-ID", "CREATED", "DTSTAMP", "LAST-MODIFIED"):
            for prop in p.all(name):
                try:
                    found = self.when(prop)
                except Bad:
                    continue
                if name != "RECURRENCE-ID":
                    found = When(_date_of(found), None)
                self.warn(f"it has no start (DTSTART); placed on its {name} "
                          f"{_shown(found)}")
                return found
        self.warn("it has no start (DTSTART) or any other date; placed on the day imported")
        return When(self.ctx.today, None)

    def _recurrence_id(self, uid: str, tz: str | None, all_day: bool,
                       start: datetime) -> tuple[datetime | None, str | None]:
        prop = self.props.first("RECURRENCE-ID")
        if prop is None:
            return None, None
        try:
            moment = self.when(prop)
        except Bad as exc:
            self.warn(f"{exc}; read as an event of its own")
            self.props.keep_raw(prop)
            return None, None
        if prop.param("RANGE"):
            self.warn(f"RANGE={prop.param('RANGE')}: Rolodeck moves only this occurrence, "
                      "not the ones after it")
        key = datetime.combine(_date_of(moment), MIDNIGHT) if all_day else wall_in(moment, tz)
        if not uid:
            self.warn("a changed occurrence (RECURRENCE-ID) without a UID; read as an event "
                      "of its own")
            self.props.keep_raw(prop)
            return None, None
        return key, uid

    def _rule(self, start: datetime, tz: str | None, all_day: bool) -> str | None:
        prop = self.props.first("RRULE")
        if prop is None:
            return None
        text = prop.value.replace("\\;", ";").replace("\\,", ",")
        text = _RULE_SPACE.sub(r"\1", text).strip()  # `BYDAY=MO, TU`; vCalendar's own kept
        if text.upper().startswith("RRULE:"):
            text = text[6:]
        if self.ctx.vcal and not text.upper().startswith("FREQ="):
            converted = vcal.rule(text)
            if converted is None:
                self._unusable(prop, "is not a vCalendar 1.0 rule Rolodeck knows")
                return None
            text = converted
        try:
            rule = normalize_rule(text, start, zone(tz))
        except ValidationError as exc:
            self._unusable(prop, f"cannot be used ({exc})")
            return None
        except (ValueError, TypeError, OverflowError):  # e.g. a COUNT of digits int() refuses
            self._unusable(prop, "is not a valid rule")
            return None
        if all_day:  # an all-day series ends on a day: any UNTIL time that day means the same
            rule = _WHOLE_DAY_UNTIL.sub(r"\1T235959", rule)
        until = _UNTIL.search(rule)
        if until is not None and until.group(1) < (
                f"{start.year:04d}{start.month:02d}{start.day:02d}"
                f"T{start.hour:02d}{start.minute:02d}{start.second:02d}"):
            # RFC 5545 counts DTSTART as the first occurrence whatever the rule says; a
            # series expanded from it would have none, and the event would show nowhere.
            self._unusable(prop, "ends (UNTIL) before the event begins")
            return None
        return rule

    def _unusable(self, prop: Prop, why: str) -> None:
        self.props.keep_raw(prop)
        self.warn(f"the repeat rule '{shorten(prop.value)}' {why}; imported as a single "
                  "occurrence, the rule is kept for export")
        return None

    def _exdates(self, rule: str | None, tz: str | None, all_day: bool,
                 start: datetime) -> list[datetime]:
        if rules := self.props.all("RDATE"):
            self.warn(f"{len(rules)} RDATE line(s) (extra dates of the series) are kept for "
                      "export, but Rolodeck does not show those occurrences")
        props = self.props.all("EXDATE")
        if rule is None:
            for prop in props:
                self.props.keep_raw(prop)
            return []
        out: set[datetime] = set()
        for prop in props:
            items = prop.value.replace(";", ",").split(",") if self.ctx.vcal else (
                prop.value.split(","))
            for text in items:
                if not text.strip():
                    self.warn(f"line {prop.line}: an empty EXDATE was skipped")
                    continue
                try:
                    moment = self.when(prop, text)
                except Bad as exc:
                    self.warn(f"line {prop.line}: {exc}; that exception was skipped")
                    continue
                if all_day:
                    out.add(datetime.combine(_date_of(moment), MIDNIGHT))
                elif moment.is_date:
                    out.add(datetime.combine(_date_of(moment), start.time()))
                else:
                    out.add(wall_in(moment, tz))
        return sorted(out)

    # -- what ---------------------------------------------------------------------------------

    def _texts(self) -> tuple[str, str, str]:
        p = self.props
        texts = []
        for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
            prop = p.first(name, lambda q: True)
            texts.append(unescape(prop.value).strip() if prop else "")
        regarding, details, location = texts
        if not regarding:
            noun = "to-do" if self.todo else "event"
            first = details.strip().split("\n", 1)[0].strip()
            regarding = (first if len(first) <= _TITLE_FROM_DETAILS
                         else f"{first[:_TITLE_FROM_DETAILS - 3]}...") or f"Untitled {noun}"
            self.warn(f"it has no title (SUMMARY); called '{regarding}'")
        return regarding, details, location

    def _kind(self, regarding: str) -> ActivityKind:
        if self.todo:
            return ActivityKind.TODO
        marked = self.props.first(X_KIND)
        if marked is not None:
            value = marked.value.strip().lower()
            if value in (ActivityKind.CALL, ActivityKind.MEETING):
                return ActivityKind(value)
            self.props.keep_raw(marked)
        categories = [c for prop in self.props.all("CATEGORIES")
                      for c in people.split_list(prop.value, self.ctx.vcal)]
        return ActivityKind.CALL if self.ctx.is_call(regarding, categories) else (
            ActivityKind.MEETING)

    def _status(self) -> tuple[ActivityStatus, bool]:
        p = self.props
        if not self.todo:
            cancelled = any(vcal.status(s.value) == "CANCELLED" for s in p.all("STATUS"))
            mark = p.first(X_STATUS)
            if mark is not None and mark.value.strip().lower() == ActivityStatus.CLEARED:
                return ActivityStatus.CLEARED, cancelled
            if mark is not None:
                p.keep_raw(mark)
            return ActivityStatus.OPEN, cancelled
        prop = p.first("STATUS", lambda q: status_of(q.value)[2])
        status, cancelled, _ = status_of(prop.value if prop else "")
        done = any(_number(q) == 100 for q in p.all("PERCENT-COMPLETE")) or bool(
            p.all("COMPLETED"))
        if done and status == ActivityStatus.OPEN and not cancelled:
            status = ActivityStatus.CLEARED
        return status, cancelled

    # -- the rest ---------------------------------------------------------------------------

    def _moment(self, name: str) -> datetime | None:
        prop = self.props.all(name)
        if not prop:
            return None
        try:
            moment = when(prop[0], prop[0].value, self.ctx.zones, None, [])
        except Bad:
            return None
        if not isinstance(moment.value, datetime):
            return None
        return moment.value.replace(tzinfo=zone(moment.zone) or UTC)

    def _extras(self) -> list[RawProperty]:
        """Kept properties in file order, then kept sub-components in file order (as the
        writer writes them, so a second round trip does not reorder them)."""
        kept = [raw for _, raw in self.props.extras()]
        for i, child in enumerate(self.node.children):
            raw = self.children.get(i, alarms.KEEP)
            if raw is alarms.KEEP:
                raw = RawProperty(child.name, "\r\n".join(child.text), (), COMPONENT_GROUP)
            if raw is not None:
                kept.append(raw)
        return kept

    def _generated_uid(self) -> str:
        # Stable across imports of the same file: the content, less what changes with every
        # export (DTSTAMP), names the event.
        digest = hashlib.sha1(usedforsecurity=False)
        for prop in self.node.props:
            if prop.name not in ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE"):
                digest.update(f"{prop.name}:{prop.value}\n".encode("utf-8", "surrogatepass"))
        uid = f"rolodeck-{digest.hexdigest()[:32]}"
        if len(self.ctx.generated) >= _GENERATED_KEPT:
            self.ctx.generated.clear()  # bounded: a later twin then shares its UID
        seen = self.ctx.generated.get(uid, 0)
        self.ctx.generated[uid] = seen + 1
        return uid if not seen else f"{uid}-{seen + 1}"


def _number(prop: Prop | None) -> int:
    if prop is None:
        return 0
    text = prop.value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0


def _date_of(moment: When) -> date:
    value = moment.value
    return value.date() if isinstance(value, datetime) else value


def _shown(moment: When) -> str:
    value = moment.value
    return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else f"{value:%Y-%m-%d}"
