"""The iCalendar writer: what another calendar program would find in the file (zones, rules in
UTC, exceptions, alarms, attendees, our kept properties), and that reading the file back
gives the same activities, for hand-picked ones and for generated ones."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.activity import Activity, ActivityKind, ActivityStatus, Priority
from app.domain.record import RawProperty
from importers.ical import COMPONENT_GROUP, Attendee, CalendarInfo, ParsedActivity, read_ical
from importers.ical.writer import ical_text, write_ical

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def read(text: str) -> list[ParsedActivity]:
    items = list(read_ical(io.BytesIO(text.encode("utf-8")), name="export.ics"))
    assert all(isinstance(i, ParsedActivity) for i in items), items
    return items  # type: ignore[return-value]


def as_stored(items: list[ParsedActivity]) -> list[Activity]:
    """What the import pipeline keeps of parsed items: ids, each override linked to its
    series (which then skips that occurrence), the override's own UID the database's."""
    acts = [replace(i.activity, exdates=list(i.activity.exdates)) for i in items]
    series: dict[str, Activity] = {}
    for n, (item, a) in enumerate(zip(items, acts, strict=True), 1):
        a.id = n
        if item.series_uid is None and a.rrule:
            series.setdefault(a.uid, a)
    for item, a in zip(items, acts, strict=True):
        if item.series_uid is not None:
            a.uid = f"db-{item.series_uid}-{a.recurrence_key}"
            master = series.get(item.series_uid)
            if master is None:
                a.recurrence_key = None  # no series to belong to: an activity of its own
            else:
                a.series_id = master.id
                master.exdates = sorted({*master.exdates, a.recurrence_key})  # type: ignore
    return acts


def comparable(acts: list[Activity]) -> list[Activity]:
    """Activities without what the database assigns (ids, series links, overrides' UIDs)."""
    out = [replace(a, id=None, series_id=None, uid="" if a.series_id else a.uid) for a in acts]
    return sorted(out, key=repr)


def round_trip(acts: list[Activity], **options) -> list[Activity]:
    return as_stored(read(ical_text(acts, now=NOW, **options)))


def meeting(**kw) -> Activity:
    base = dict(kind=ActivityKind.MEETING, regarding="Budget review", start=datetime(2024, 3, 4, 9),
                duration=timedelta(hours=1), tz="Europe/Berlin", uid="m-1")
    base.update(kw)
    a = Activity(**base)  # type: ignore[arg-type]
    a.validate()
    return a


def lines_of(text: str) -> list[str]:
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")


def test_the_file_is_a_calendar_other_programs_read():
    a = meeting(rrule="FREQ=WEEKLY;BYDAY=MO;UNTIL=20240429T090000", alarm_minutes=15,
                location="Room 4, 2nd floor", details="Bring: figures; slides\nand notes")
    text = ical_text([a, meeting(uid="m-2", tz="America/New_York")], now=NOW)
    calendar = icalendar.Calendar.from_ical(text)
    assert [c.name for c in calendar.subcomponents] == [
        "VTIMEZONE", "VTIMEZONE", "VEVENT", "VEVENT"]
    assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} == {
        "Europe/Berlin", "America/New_York"}
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime(2024, 3, 4, 9, tzinfo=event.decoded(
        "DTSTART").tzinfo)
    assert str(event["LOCATION"]) == "Room 4, 2nd floor"
    assert str(event["DESCRIPTION"]) == "Bring: figures; slides\nand notes"
    assert event["DTSTAMP"].to_ical() == b"20240501T120000Z"
    # RFC 5545: with a zoned DTSTART, UNTIL is UTC (9:00 in Berlin in April is 7:00 UTC).
    assert "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20240429T070000Z" in lines_of(text)
    alarm = event.walk("VALARM")[0]
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=15)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_all_day_and_utc_and_floating_times_are_written_as_such():
    day = meeting(uid="d", all_day=True, tz=None, start=datetime(2024, 12, 24),
                  duration=timedelta(days=2), rrule="FREQ=YEARLY;UNTIL=20301224T235959")
    utc = meeting(uid="u", tz="UTC")
    floating = meeting(uid="f", tz=None)
    found = lines_of(ical_text([day, utc, floating], now=NOW))
    assert "DTSTART;VALUE=DATE:20241224" in found
    assert "DTEND;VALUE=DATE:20241226" in found
    assert "RRULE:FREQ=YEARLY;UNTIL=20301224" in found
    assert "DTSTART:20240304T090000Z" in found
    assert "DTSTART:20240304T090000" in found
    assert not any(line.startswith("BEGIN:VTIMEZONE") for line in found)


def test_a_series_skips_what_its_moved_occurrence_replaces():
    series = meeting(id=7, rrule="FREQ=DAILY;COUNT=5",
                     exdates=[datetime(2024, 3, 5, 9), datetime(2024, 3, 6, 9)])
    moved = meeting(id=8, uid="db-8", start=datetime(2024, 3, 6, 15), series_id=7,
                    recurrence_key=datetime(2024, 3, 6, 9), regarding="Budget review (moved)")
    found = lines_of(ical_text([series, moved], now=NOW))
    assert "EXDATE;TZID=Europe/Berlin:20240305T090000" in found  # the skipped one only
    assert found.count("UID:m-1") == 2  # the moved one is part of the series
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20240306T090000" in found
    back = round_trip([series, moved])
    assert comparable(back) == comparable([series, moved])
    alone = lines_of(ical_text([moved], series_uids={7: "m-1"}, now=NOW))
    assert "UID:m-1" in alone and "RECURRENCE-ID;TZID=Europe/Berlin:20240306T090000" in alone
    assert "UID:db-8" in lines_of(ical_text([moved], now=NOW))  # no series: an event itself


def test_attendees_come_from_the_contacts_and_are_not_repeated():
    kept = RawProperty("ATTENDEE", "mailto:Anna@Example.com", (("CN", "Anna Berg"),
                                                               ("PARTSTAT", "ACCEPTED")))
    a = meeting(attendee_ids=[1, 2], extra=[kept])
    people = {1: Attendee("anna@example.com", "Anna Berg"),
              2: Attendee("ben@example.org", "Ben O'Hara, Jr.")}
    text = ical_text([a], attendees=lambda act: [people[i] for i in act.attendee_ids], now=NOW)
    found = lines_of(text)
    assert found.count("ATTENDEE;CN=Anna Berg;PARTSTAT=ACCEPTED:mailto:Anna@Example.com") == 1
    assert 'ATTENDEE;CN="Ben O\'Hara, Jr.":mailto:ben@example.org' in found
    assert not any("anna@example.com" in line.lower() and "ACCEPTED" not in line
                   for line in found)
    assert read(text)[0].emails == ("Anna@Example.com", "ben@example.org")


def test_what_came_from_a_file_goes_back_to_it():
    source = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nX-WR-CALNAME:Work\r\n"
        "X-WR-TIMEZONE:Europe/Vienna\r\nX-PUBLISHED-TTL:PT1H\r\n"
        "BEGIN:VTODO\r\nUID:t-1\r\nSUMMARY;LANGUAGE=de:Steuer\r\nDUE;VALUE=DATE:20240531\r\n"
        "PRIORITY:2\r\nSTATUS:NEEDS-ACTION\r\nX-MOZ-GENERATION:3\r\n"
        "CATEGORIES:Büro,Finanzen\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Steuer!\r\n"
        "TRIGGER:-PT1H\r\nX-WR-ALARMUID:abc\r\nEND:VALARM\r\nBEGIN:VALARM\r\nACTION:EMAIL\r\n"
        "TRIGGER;VALUE=DATE-TIME:20240530T080000Z\r\nEND:VALARM\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")
    first = read(source)
    todo = first[0].activity
    assert (todo.priority, todo.alarm_minutes) == (Priority.HIGH, 60)
    info = first[0].calendar
    assert (info.name, info.zone) == ("Work", "Europe/Vienna")
    text = ical_text([todo], calendar=info, now=NOW)
    found = lines_of(text)
    for line in ("X-WR-CALNAME:Work", "X-WR-TIMEZONE:Europe/Vienna", "X-PUBLISHED-TTL:PT1H",
                 "SUMMARY;LANGUAGE=de:Steuer", "PRIORITY:2", "STATUS:NEEDS-ACTION",
                 "X-MOZ-GENERATION:3", "CATEGORIES:Büro,Finanzen", "X-WR-ALARMUID:abc",
                 "TRIGGER;VALUE=DATE-TIME:20240530T080000Z", "TRIGGER:-PT60M"):
        assert line in found, line
    assert read(text)[0].activity == todo
    # Edited in Rolodeck: the new values replace the kept forms that no longer hold.
    edited = replace(todo, regarding="Steuererklärung", priority=Priority.LOW,
                     status=ActivityStatus.CLEARED, alarm_minutes=None)
    found = lines_of(ical_text([edited], now=NOW))
    assert "SUMMARY:Steuererklärung" in found and "PRIORITY:9" in found
    assert "STATUS:COMPLETED" in found and "X-WR-ALARMUID:abc" not in found
    assert not any(line.startswith(("SUMMARY;LANGUAGE", "PRIORITY:2")) for line in found)


def test_a_reopened_todo_does_not_come_back_done():
    done = read("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:x\r\nSUMMARY:File\r\n"
                "DUE;VALUE=DATE:20240102\r\nSTATUS:COMPLETED\r\nCOMPLETED:20240101T100000Z\r\n"
                "PERCENT-COMPLETE:100\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")[0].activity
    assert done.status == ActivityStatus.CLEARED
    reopened = replace(done, status=ActivityStatus.OPEN)
    assert read(ical_text([reopened], now=NOW))[0].activity.status == ActivityStatus.OPEN


def test_the_kind_survives_a_title_that_says_otherwise():
    acts = [meeting(uid="a", regarding="Call for papers committee"),
            meeting(uid="b", kind=ActivityKind.CALL, regarding="Anna"),
            meeting(uid="c", kind=ActivityKind.MEETING, status=ActivityStatus.CLEARED)]
    back = read(ical_text(acts, now=NOW))
    assert [i.activity.kind for i in back] == [ActivityKind.MEETING, ActivityKind.CALL,
                                              ActivityKind.MEETING]
    assert back[2].activity.status == ActivityStatus.CLEARED


def test_the_calendars_last_days_are_written_without_overflowing():
    late = meeting(uid="late", start=datetime(9999, 12, 31, 23), duration=timedelta(hours=2),
                   rrule="FREQ=DAILY")
    early = meeting(uid="early", start=datetime(1, 1, 1, 0, 30), tz="UTC")
    text = ical_text([late, early], now=NOW)
    assert "DTSTART:00010101T003000Z" in lines_of(text)
    assert "DURATION:PT2H" in lines_of(text)
    assert comparable(round_trip([late, early])) == comparable([late, early])


def test_the_output_streams_one_component_at_a_time():
    acts = [meeting(uid=f"m-{n}") for n in range(3)]
    pieces = list(write_ical(acts, now=NOW, calendar=CalendarInfo(name="Team")))
    assert pieces[0].startswith("BEGIN:VCALENDAR") and "BEGIN:VTIMEZONE" in pieces[0]
    assert [p.startswith("BEGIN:VEVENT") for p in pieces[1:-1]] == [True] * 3
    assert pieces[-1] == "END:VCALENDAR\r\n"


def test_hostile_text_cannot_break_the_file():
    nasty = "a\r\nb\x00c\x1b;,\\:\"^\u2028d" + "ü" * 80
    a = meeting(regarding=nasty, location=nasty, details=nasty,
                extra=[RawProperty("X-NOTE", "v", (("X-P", nasty),)),
                       RawProperty("X-BAD NAME", "dropped", (("ALSO BAD", "x"),))])
    text = ical_text([a], now=NOW)
    assert "\x00" not in text and "\x1b" not in text
    assert all(line[:1] in (" ", "") or ":" in line for line in text.split("\r\n"))
    back = read(text)[0].activity
    assert back.regarding == "a\nbc;,\\:\"^\u2028d" + "ü" * 80
    assert back.extra[0].params == (("X-P", "a\nbc;,\\:\"^\u2028d" + "ü" * 80),)


# -- generated activities ---------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\r")
                | st.sampled_from(",;:\\\"^\n"), max_size=40)
_ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC",
          None)
_RULES = (None, "FREQ=DAILY;COUNT=10", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
          "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL={until}", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
          "FREQ=HOURLY;INTERVAL=6;COUNT=3")


@st.composite
def activities(draw) -> Activity:
    kind = draw(st.sampled_from(list(ActivityKind)))
    all_day = draw(st.booleans())
    start = draw(st.datetimes(datetime(1950, 1, 1), datetime(2100, 1, 1))).replace(
        microsecond=0)
    if all_day:
        start = start.replace(hour=0, minute=0, second=0)
        duration = timedelta(days=draw(st.integers(0 if kind == ActivityKind.TODO else 1, 30)))
        tz = None
    else:
        duration = timedelta(minutes=draw(st.integers(0, 60 * 24 * 3)))
        tz = draw(st.sampled_from(_ZONES))
    rule = draw(st.sampled_from(_RULES))
    if rule:  # as the editor stores it: an all-day series ends on a day
        until = start + timedelta(days=draw(st.integers(1, 2000)))
        rule = rule.format(until=f"{until:%Y%m%d}" if all_day else f"{until:%Y%m%dT%H%M%S}")
    regarding = draw(_TEXT.map(str.strip).filter(bool))
    extras = draw(st.lists(st.builds(
        RawProperty, st.from_regex(r"X-[A-Z]{1,8}", fullmatch=True),
        _TEXT.map(lambda t: t.replace("\n", "\\n")),
        st.lists(st.tuples(st.from_regex(r"X-[A-Z]{1,6}", fullmatch=True), _TEXT),
                 max_size=2).map(tuple)), max_size=3))
    a = Activity(kind=kind, regarding=regarding, start=start, duration=duration, tz=tz,
                 all_day=all_day, priority=draw(st.sampled_from(list(Priority))),
                 location=draw(_TEXT).strip(), details=draw(_TEXT).strip(), rrule=rule,
                 alarm_minutes=draw(st.none() | st.integers(0, 60 * 24 * 14)),
                 status=draw(st.sampled_from(list(ActivityStatus))), uid=draw(
                     st.from_regex(r"[A-Za-z0-9@.-]{1,30}", fullmatch=True)), extra=extras)
    a.validate()
    if a.rrule and draw(st.booleans()):
        a.exdates = [start + timedelta(days=1 if all_day else 0, hours=0 if all_day else 6)]
    return a


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(activities(), min_size=1, max_size=4, unique_by=lambda a: a.uid))
def test_read_of_write_gives_the_same_activities(acts):
    back = round_trip(acts)
    assert comparable(back) == comparable(acts)


def test_a_kept_component_is_written_back_whole():
    nested = RawProperty("X-SOMETHING", "BEGIN:X-SOMETHING\r\nX-A:1\r\nEND:X-SOMETHING", (),
                         COMPONENT_GROUP)
    a = meeting(extra=[RawProperty("X-B", "2"), nested])
    text = ical_text([a], now=NOW)
    assert "BEGIN:X-SOMETHING\r\nX-A:1\r\nEND:X-SOMETHING\r\nEND:VEVENT" in text
    assert read(text)[0].activity.extra == [RawProperty("X-B", "2"), nested]
