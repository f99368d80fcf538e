"""The iCalendar reader: what an imported event becomes (times, zones, repeats, alarms,
people, kept properties), what a broken or hostile file gives (clear problems, the good
part kept, no hang), and that a big file is read in bounded memory."""

from __future__ import annotations

import io
import os
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.activity import ActivityKind, ActivityStatus, Priority
from app.domain.history import HistoryKind, Outcome
from importers.ical import (
    COMPONENT_GROUP,
    Level,
    ParsedActivity,
    Problem,
    looks_like_call,
    read_ical,
)
from importers.ical.lines import MAX_LINE

DATA = Path(__file__).resolve().parents[1] / "data" / "ical"


def parse(data: bytes | str, **options) -> list[ParsedActivity | Problem]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(read_ical(io.BytesIO(raw), name="test.ics", **options))


def from_file(name: str, **options) -> list[ParsedActivity | Problem]:
    with (DATA / name).open("rb") as f:
        return list(read_ical(f, name=name, **options))


def items(found) -> list[ParsedActivity]:
    return [i for i in found if isinstance(i, ParsedActivity)]


def problems(found, level: Level | None = None) -> list[Problem]:
    return [i for i in found if isinstance(i, Problem) and level in (None, i.level)]


def calendar(*components: str, head: str = "") -> str:
    body = "".join(c.strip("\n").replace("\n", "\r\n") + "\r\n" for c in components)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{head}{body}END:VCALENDAR\r\n"


def event(*lines: str, uid: str = "e-1", summary: str = "Review") -> str:
    return "\n".join(["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{summary}", *lines, "END:VEVENT"])


def one(*lines: str, **options) -> ParsedActivity:
    found = items(parse(calendar(event(*lines)), **options))
    assert len(found) == 1
    return found[0]


# -- times and zones ---------------------------------------------------------------------------

def test_a_timed_event_keeps_its_wall_clock_time_and_zone():
    a = one("DTSTART;TZID=Europe/Berlin:20240304T090000",
            "DTEND;TZID=Europe/Berlin:20240304T103000").activity
    assert (a.start, a.tz, a.duration, a.all_day) == (datetime(2024, 3, 4, 9), "Europe/Berlin",
                                                      timedelta(minutes=90), False)
    assert a.kind == ActivityKind.MEETING


def test_all_day_events_last_whole_days():
    assert one("DTSTART;VALUE=DATE:20240701", "DTEND;VALUE=DATE:20240711").activity.duration \
        == timedelta(days=10)
    alone = one("DTSTART;VALUE=DATE:20240701").activity
    assert (alone.all_day, alone.tz, alone.duration) == (True, None, timedelta(days=1))
    assert one("DTSTART;VALUE=DATE:20240701", "DURATION:P2D").activity.duration == timedelta(
        days=2)


def test_duration_and_an_end_in_another_zone():
    assert one("DTSTART:20240304T090000Z", "DURATION:PT45M").activity.duration == timedelta(
        minutes=45)
    a = one("DTSTART;TZID=Europe/London:20240304T090000",
            "DTEND;TZID=America/New_York:20240304T060000").activity
    assert a.duration == timedelta(hours=2)  # 09:00 GMT to 11:00 GMT


@pytest.mark.parametrize(("tzid", "zone"), [
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("/mozilla.org/20050126_1/America/New_York", "America/New_York"),
    ("/softwarestudio.org/Olson_20011030_5/Europe/Vienna", "Europe/Vienna"),
    ("custom_Asia/Tokyo", "Asia/Tokyo"),
    ("UTC+11", "Etc/GMT-11"),
    ("US-Eastern", "US/Eastern"),
])
def test_zones_by_their_other_names(tzid, zone):
    item = one(f'DTSTART;TZID="{tzid}":20240304T090000')
    assert (item.activity.tz, item.warnings) == (zone, ())


def test_a_custom_vtimezone_is_matched_to_the_zone_with_its_offsets():
    found = from_file("forward_timezone.ics")  # its VTIMEZONE comes after the event
    assert [i.activity.tz for i in items(found)] == ["America/New_York"]
    assert not problems(found) and not items(found)[0].warnings
    outlook = items(from_file("outlook_display_zone.ics"))[0]
    assert (outlook.activity.tz, outlook.activity.start) == ("Europe/Amsterdam",
                                                             datetime(2024, 7, 12, 11))


def test_a_files_zones_stay_with_that_file():
    from icalendar.timezone import tzp

    assert items(from_file("forward_timezone.ics"))[0].activity.tz == "America/New_York"
    assert tzp.timezone("Eastern") is None  # icalendar's process-wide cache was left alone
    later = one("DTSTART;TZID=Eastern:20240705T090000")  # another file, no VTIMEZONE
    assert later.activity.tz is None and "Eastern" in later.warnings[0]


def test_an_unknown_zone_is_floating_time_with_a_warning_or_the_calendars_zone():
    item = one("DTSTART;TZID=Nowhere Standard Time:20240304T090000")
    assert (item.activity.tz, item.activity.start) == (None, datetime(2024, 3, 4, 9))
    assert "Nowhere Standard Time" in item.warnings[0]
    assert "without a zone" in item.warnings[0]
    google = items(parse(calendar(event("DTSTART;TZID=Nowhere:20240304T090000"),
                                  head="X-WR-TIMEZONE:Europe/Paris\r\n")))[0]
    assert google.activity.tz == "Europe/Paris" and "Europe/Paris" in google.warnings[0]


def test_googles_calendar_zone():
    found = items(from_file("google_export.ics"))
    dentist, floating = found[0].activity, found[1].activity
    assert (dentist.start, dentist.tz) == (datetime(2024, 4, 15, 10), "Europe/Berlin")
    assert (floating.start, floating.tz) == (datetime(2024, 4, 16, 9, 30), "Europe/Berlin")
    assert found[0].calendar.name == "anna@example.com"


# -- repeats -------------------------------------------------------------------------------------

def test_a_series_with_exceptions_and_changed_occurrences():
    found = items(from_file("google_export.ics"))
    series, moved, cancelled = found[2], found[3], found[4]
    a = series.activity
    assert a.rrule == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20240603T090000"  # UNTIL in wall time
    assert a.exdates == [datetime(2024, 4, 22, 9)]  # given in UTC, kept in Berlin time
    assert a.alarm_minutes == 10
    assert (moved.series_uid, moved.activity.recurrence_key, moved.activity.start) == (
        "weekly@google.com", datetime(2024, 4, 15, 9), datetime(2024, 4, 15, 14))
    assert moved.activity.uid == "" and moved.sequence == 1
    assert cancelled.cancelled and cancelled.activity.recurrence_key == datetime(2024, 4, 29, 9)


@pytest.mark.parametrize(("rule", "why"), [
    ("FREQ=SECONDLY", "secondly"),
    ("FREQ=MINUTELY;COUNT=1000000000", "minutely"),
    ("RSCALE=CHINESE;FREQ=YEARLY", "RSCALE"),
    ("FREQ=WEEKLY;COUNT=2;UNTIL=20240101T000000Z", "both COUNT and UNTIL"),
    ("FREQ", "NAME=VALUE"),
])
def test_a_rule_rolodeck_cannot_schedule_is_kept_and_said(rule, why):
    started = time.perf_counter()
    item = one("DTSTART:20240101T000000Z", f"RRULE:{rule}")
    assert time.perf_counter() - started < 1
    assert item.activity.rrule is None
    assert why in item.warnings[0] and "kept for export" in item.warnings[0]
    assert [p.value for p in item.activity.extra if p.name == "RRULE"] == [rule]


def test_rule_spelling_that_real_files_have():
    assert one("DTSTART:20240101T090000Z", "RRULE:FREQ=DAILY\\;COUNT=10").activity.rrule == (
        "FREQ=DAILY;COUNT=10")
    assert one("DTSTART:20240101T090000Z", "RRULE:FREQ=WEEKLY;BYDAY=MO, TU").activity.rrule == (
        "FREQ=WEEKLY;BYDAY=MO,TU")


def test_rdate_is_kept_and_said():
    item = one("DTSTART:20240101T090000Z", "RRULE:FREQ=MONTHLY;COUNT=3",
               "RDATE:20240215T090000Z")
    assert any("RDATE" in w for w in item.warnings)
    assert [p.name for p in item.activity.extra] == ["RDATE"]


# -- what, who, when to remind ---------------------------------------------------------------

def test_calls_by_the_default_rule_and_by_a_rule_of_your_own():
    assert one("DTSTART:20240101T090000Z").activity.kind == ActivityKind.MEETING
    assert items(parse(calendar(event("DTSTART:20240101T090000Z", summary="Sales call"))))[
        0].activity.kind == ActivityKind.CALL
    assert one("DTSTART:20240101T090000Z", "CATEGORIES:Work,Phone").activity.kind == (
        ActivityKind.CALL)
    assert not looks_like_call("Recall the Callback plan", ["Work"])
    mine = items(parse(calendar(event("DTSTART:20240101T090000Z")),
                       is_call=lambda summary, categories: summary == "Review"))
    assert mine[0].activity.kind == ActivityKind.CALL


def test_people_are_kept_and_their_emails_exposed():
    item = items(from_file("outlook_display_zone.ics"))[0]
    assert item.emails == ("grace@example.com", "ANNA@Example.COM")
    assert item.organizer is not None and item.organizer.name == "Grace Hopper"
    room = item.attendees[2]
    assert (room.email, room.address) == ("", "urn:uuid:3a9b0c2e-room-4")
    assert [p.name for p in item.activity.extra].count("ATTENDEE") == 3
    assert item.activity.kind == ActivityKind.CALL  # CATEGORIES:Phone Call


def test_the_first_reminder_gives_the_lead_time_and_other_alarms_are_kept():
    item = items(from_file("outlook_display_zone.ics"))[0]
    assert item.activity.alarm_minutes == 15
    kept = [p for p in item.activity.extra if p.group == COMPONENT_GROUP]
    assert [p.name for p in kept] == ["VALARM"] and "ACTION:EMAIL" in kept[0].value
    absolute = one("DTSTART:20240101T090000Z", "BEGIN:VALARM", "ACTION:DISPLAY",
                   "TRIGGER;VALUE=DATE-TIME:20240101T080000Z", "END:VALARM")
    assert absolute.activity.alarm_minutes is None
    assert absolute.activity.extra[0].value.startswith("BEGIN:VALARM")


def test_texts_priority_and_kept_forms():
    item = items(from_file("outlook_display_zone.ics"))[0]
    a = item.activity
    assert (a.regarding, a.location) == ("Lieferantengespräch", "Konferenzraum 4")
    assert a.details == "Dial-in: +49 30 1234, PIN 99\nAgenda attached."
    assert a.priority == Priority.NORMAL
    names = [p.name for p in a.extra]
    for kept in ("SUMMARY", "LOCATION", "PRIORITY", "X-ALT-DESC", "X-MICROSOFT-CDO-BUSYSTATUS",
                 "SEQUENCE", "CREATED", "LAST-MODIFIED", "CLASS", "TRANSP", "CATEGORIES"):
        assert kept in names, kept
    assert "DESCRIPTION" not in names and "DTSTART" not in names
    assert item.sequence == 3 and item.last_modified == datetime(2024, 1, 11, 8, tzinfo=UTC)


def test_todos():
    found = items(parse(calendar(
        "BEGIN:VTODO\nUID:t1\nSUMMARY:File taxes\nDUE;VALUE=DATE:20240531\nPRIORITY:1\n"
        "END:VTODO",
        "BEGIN:VTODO\nUID:t2\nSUMMARY:Plan\nDTSTART:20240501T090000Z\nDUE:20240501T110000Z\n"
        "STATUS:COMPLETED\nEND:VTODO",
        "BEGIN:VTODO\nUID:t3\nSUMMARY:Someday\nEND:VTODO"), today=date(2024, 6, 1)))
    due, done, someday = (i.activity for i in found)
    assert (due.kind, due.start, due.all_day, due.priority) == (
        ActivityKind.TODO, datetime(2024, 5, 31), True, Priority.HIGH)
    assert (done.duration, done.status) == (timedelta(hours=2), ActivityStatus.CLEARED)
    assert someday.start == datetime(2024, 6, 1) and "placed on the day" in found[2].warnings[0]


def test_past_events_as_history_when_asked():
    found = items(parse(calendar(
        event("DTSTART:20240101T090000Z", "DURATION:PT30M", "STATUS:CANCELLED", uid="past"),
        event("DTSTART:20240101T090000Z", "RRULE:FREQ=DAILY", uid="series"),
        event("DTSTART:20990101T090000Z", uid="future")),
        history_before=datetime(2024, 6, 1, tzinfo=UTC)))
    past = found[0].history
    assert past is not None
    assert (past.kind, past.occurred_at, past.duration_minutes, past.outcome, past.uid) == (
        HistoryKind.MEETING, datetime(2024, 1, 1, 9, tzinfo=UTC), 30, Outcome.CANCELLED, "past")
    assert found[1].history is None and found[2].history is None
    assert all(i.history is None for i in items(from_file("google_export.ics")))


def test_no_uid_gives_a_stable_one():
    text = calendar("BEGIN:VEVENT\nSUMMARY:Moon\nDTSTART:20240101T000000Z\nEND:VEVENT",
                    "BEGIN:VEVENT\nSUMMARY:Moon\nDTSTART:20240101T000000Z\nEND:VEVENT")
    first, second = (i.activity.uid for i in items(parse(text)))
    assert first != second and first.startswith("rolodeck-")
    assert [i.activity.uid for i in items(parse(text))] == [first, second]
    assert all(i.uid_generated for i in items(parse(text)))


# -- files as they come ----------------------------------------------------------------------

def test_encodings_and_line_ends():
    text = calendar(event("DTSTART:20240101T090000Z", "LOCATION:Zürich"))
    for data in (text.encode("utf-8-sig"), text.encode("utf-16"), text.encode("utf-16-le"),
                 text.replace("\r\n", "\n").encode(), text.replace("\r\n", "\r").encode()):
        found = parse(data)
        assert [i.activity.location for i in items(found)] == ["Zürich"], data[:20]
        assert not problems(found)
    fallback = parse(text.encode("cp1252"))
    assert items(fallback)[0].activity.location == "Zürich"
    assert "Windows-1252" in problems(fallback, Level.WARNING)[0].reason


def test_folds_straight_after_the_name_and_blank_lines_between():
    text = ("BEGIN:VCALENDAR\r\nVERSION\r\n :2.0\r\nBEGIN:VEVENT\r\nUID\r\n\r\n :x\r\n"
            "SUMMARY\r\n ;LANGUAGE=en\r\n :Long ti\r\n\ttle\r\nDTSTART\r\n ;VALUE=DATE\r\n"
            " :20240101\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    a = items(parse(text))[0].activity
    assert (a.uid, a.regarding, a.all_day) == ("x", "Long title", True)


def test_vcalendar_1_0():
    found = from_file("vcal_quoted_printable.vcs")
    meeting, todo = (i.activity for i in items(found))
    assert meeting.regarding == "Jour fixé Björn"
    assert meeting.details == ("Erste Zeile\nZweite Zeile mit einem sehr langen Text, der "
                               "weich umbrochen wurde")
    assert meeting.rrule == "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5"
    assert meeting.exdates == [datetime(2024, 5, 8, 7)]
    assert meeting.alarm_minutes == 10  # DALARM ten minutes before
    assert items(found)[0].emails == ("bjoern@example.se",)
    assert (todo.kind, todo.priority, todo.status) == (ActivityKind.TODO, Priority.HIGH,
                                                       ActivityStatus.OPEN)
    assert not problems(found, Level.ERROR)


def test_components_rolodeck_does_not_import_are_reported():
    found = parse(calendar(
        "BEGIN:VJOURNAL\nUID:j\nSUMMARY:Diary\nEND:VJOURNAL",
        "BEGIN:VFREEBUSY\nUID:f\nFREEBUSY:20240101T090000Z/PT1H\nEND:VFREEBUSY",
        "BEGIN:X-CUSTOM\nX-A:1\nEND:X-CUSTOM", event("DTSTART:20240101T090000Z")))
    skipped = problems(found, Level.SKIPPED)
    assert [(p.name, p.line, p.component) for p in skipped] == [
        ("VJOURNAL", 3, 1), ("VFREEBUSY", 7, 2), ("X-CUSTOM", 11, 3)]
    assert "journal" in skipped[0].reason and len(items(found)) == 1


# -- bad input ------------------------------------------------------------------------------------

def test_a_hostile_file_keeps_its_good_part():
    started = time.perf_counter()
    found = from_file("hostile.ics")
    assert time.perf_counter() - started < 2
    kept = {i.activity.uid: i for i in items(found)}
    assert set(kept) == {"h-secondly", "h-9999", "h-minutely", "h-good"}
    assert kept["h-9999"].activity.start == datetime(9999, 12, 31, 23)
    assert kept["h-good"].activity.regarding == "Café with Zürich office"
    errors = problems(found, Level.ERROR)
    assert [(p.line, p.name) for p in errors] == [(11, "VEVENT"), (16, "VEVENT")]
    assert "'00000000T000000' is not a valid date" in errors[0].reason
    assert "'20230230' is not a valid date" in errors[1].reason
    assert str(errors[0]).startswith("hostile.ics line 11: ")
    assert any("this line is junk" in p.reason for p in problems(found, Level.WARNING))


def test_garbage_is_not_a_calendar():
    for data in (os.urandom(200_000), b"", b"\x00" * 10_000, b"Name,Email\r\nAnna,a@b.c\r\n"):
        found = parse(data)
        assert len(found) == 1 and len(problems(found, Level.ERROR)) == 1
        assert "not an iCalendar file" in problems(found)[0].reason
    cards = parse("BEGIN:VCARD\r\nFN:Anna\r\nEND:VCARD\r\n" * 1000)
    assert [p.reason for p in problems(cards)] == [
        "This is a vCard file of contacts, not a calendar; import it as contacts"]


def test_parameters_that_cannot_be_kept_are_said():
    item = one("DTSTART;X-SOURCE=web;TZID=Europe/Berlin:20240101T090000")
    assert item.activity.tz == "Europe/Berlin"
    assert any("DTSTART;X-SOURCE" in w for w in item.warnings)


def test_a_truncated_file_gives_what_it_has():
    text = calendar(event("DTSTART:20240101T090000Z", uid="a"),
                    event("DTSTART:20240102T090000Z", "DESCRIPTION:cut here", uid="b"))
    found = parse(text[:text.index("cut here") + 3])
    assert [i.activity.uid for i in items(found)] == ["a", "b"]
    assert items(found)[1].activity.details == "cut"
    assert any("cut short" in p.reason for p in problems(found, Level.WARNING))
    before_start = parse(text[:text.index("DTSTART:20240102")])
    assert [i.activity.uid for i in items(before_start)] == ["a"]
    assert "cut short before its start" in problems(before_start, Level.ERROR)[0].reason


def test_huge_values_and_lines_longer_than_allowed():
    big = "x" * 10_000_000
    folded = "\r\n ".join(big[i:i + 74] for i in range(0, len(big), 74))
    found = items(parse(calendar(event("DTSTART:20240101T090000Z", f"DESCRIPTION:{folded}"))))
    assert len(found[0].activity.details) == len(big)
    too_long = parse(calendar(event("DTSTART:20240101T090000Z", uid="long",
                                    summary="x" * (MAX_LINE + 10)),
                              event("DTSTART:20240101T090000Z", uid="after")))
    assert [i.activity.uid for i in items(too_long)] == ["after"]
    assert "longer than" in problems(too_long, Level.ERROR)[0].reason


def test_unclosed_and_stray_lines():
    found = parse("BEGIN:VCALENDAR\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:A\r\n"
                  "DTSTART:20240101T090000Z\r\nX\r\nEND:VEVENT\r\n")
    assert [i.activity.uid for i in items(found)] == ["a"]
    assert "END:VEVENT without its BEGIN" in problems(found)[0].reason
    assert any("'X' is not a property" in w for w in items(found)[0].warnings)
    assert "ends without END:VCALENDAR" in problems(found)[-1].reason


class _Generated(io.RawIOBase):
    """A calendar of `events` events, made as it is read: never whole in memory."""

    def __init__(self, events: int):
        self.events, self.n = events, 0
        self.buffer = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while len(self.buffer) < len(b) and self.n <= self.events:
            if self.n == self.events:
                self.buffer += b"END:VCALENDAR\r\n"
            else:
                self.buffer += (f"BEGIN:VEVENT\r\nUID:{self.n}\r\nSUMMARY:Event {self.n}\r\n"
                                f"DTSTART;TZID=Europe/Berlin:20240101T090000\r\nDURATION:PT1H\r\n"
                                f"DESCRIPTION:{'lorem ipsum ' * 15}\r\nEND:VEVENT\r\n").encode()
            self.n += 1
        size = min(len(b), len(self.buffer))
        b[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def _peak(events: int) -> int:
    stream = io.BufferedReader(_Generated(events), buffer_size=1 << 16)
    tracemalloc.start()
    try:
        count = sum(1 for i in read_ical(stream, name="big.ics") if isinstance(i, ParsedActivity))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert count == events


def test_memory_does_not_grow_with_the_file():
    small, big = _peak(2_000), _peak(10_000)  # files of about 0.6 and 3 MB
    assert big < small + (1 << 19) and big < 4 << 20, (
        f"{small / 1e6:.1f} MB, then {big / 1e6:.1f} MB")
