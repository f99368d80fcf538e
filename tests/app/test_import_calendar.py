"""Importing calendars (.ics) through the same pipeline as address books: events become
activities (a series' moved and cancelled occurrences linked to it), past meetings with
contacts become their history, attendees are matched to contacts by e-mail, a second import
of the same file changes nothing, a newer one changes only what changed, and "Undo this
import" takes it all back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.activity import ActivityStatus
from app.domain.contact import Contact, Email
from app.services.imports_plan import Action, ImportOptions
from app.services.registry import Services
from db.queries import calendar_import as q


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def event(uid: str, summary: str, start: str, *lines: str, end: str | None = None) -> str:
    out = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", f"SUMMARY:{summary}",
           f"DTSTART:{start}"]
    if end:
        out.append(f"DTEND:{end}")
    return "\r\n".join([*out, *lines, "END:VEVENT"]) + "\r\n"


def calendar(path: Path, *events: str) -> Path:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n" + "".join(events)
            + "END:VCALENDAR\r\n")
    path.write_bytes(text.encode("utf-8"))
    return path


def _activities(s: Services) -> dict[str, object]:
    with s.db.read() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT uid, id FROM activities WHERE deleted_at IS NULL").all()
    return {uid: s.activities.get(aid) for uid, aid in rows}


def _history_uids(s: Services) -> set[str]:
    with s.db.read() as session:
        return set(session.connection().exec_driver_sql(
            "SELECT uid FROM history WHERE deleted_at IS NULL").scalars())


def future(days: int, hour: int = 10) -> str:
    day = datetime.now(UTC).date() + timedelta(days=days)
    return f"{day:%Y%m%d}T{hour:02d}0000Z"


def test_series_with_a_moved_and_a_cancelled_occurrence(s, tmp_path):
    first = datetime.now(UTC).date() + timedelta(days=7)
    moved_key = f"{first + timedelta(days=7):%Y%m%d}T090000Z"
    cancelled_key = f"{first + timedelta(days=14):%Y%m%d}T090000Z"
    path = calendar(
        tmp_path / "team.ics",
        # The moved occurrence comes before its series, as some servers write it.
        event("standup", "Standup (moved)", f"{first + timedelta(days=8):%Y%m%d}T090000Z",
              f"RECURRENCE-ID:{moved_key}"),
        event("standup", "Standup", f"{first:%Y%m%d}T090000Z", "RRULE:FREQ=WEEKLY;COUNT=10",
              end=f"{first:%Y%m%d}T091500Z"),
        event("standup", "Standup", cancelled_key, f"RECURRENCE-ID:{cancelled_key}",
              "STATUS:CANCELLED"))
    report = s.imports.run([path])
    assert report.committed and report.plan.events.created == 2
    stored = _activities(s)
    series = stored["standup"]
    moved = [a for uid, a in stored.items() if uid != "standup"]
    assert len(moved) == 1 and moved[0].regarding == "Standup (moved)"
    assert moved[0].series_id == series.id
    keys = {d.strftime("%Y%m%dT%H%M") for d in series.exdates}
    assert {moved_key[:13], cancelled_key[:13]} <= keys, "the series skips both occurrences"
    assert report.plan.label() == "Import 2 events from team.ics"


def test_attendees_are_matched_to_contacts_by_email(s, tmp_path):
    s.contacts.create(Contact(given="Ada", family="Lovelace",
                              emails=[Email("Ada@Engines.example")]))
    ada = s.directory.contact_ids()[0]
    path = calendar(tmp_path / "meet.ics", event(
        "m1", "Design review", future(3), "ORGANIZER;CN=Me:mailto:me@example.org",
        "ATTENDEE;CN=Ada:mailto:ada@engines.EXAMPLE",
        "ATTENDEE;CN=Stranger:mailto:nobody@else.example"))
    s.imports.run([path])
    a = _activities(s)["m1"]
    assert a.attendee_ids == [ada]
    assert any(p.name == "ATTENDEE" and "nobody@else.example" in p.value for p in a.extra), \
        "an attendee who is no contact is kept for export"


def test_past_meetings_with_contacts_become_their_history(s, tmp_path):
    s.contacts.create(Contact(given="Ada", family="Lovelace", emails=[Email("ada@x.example")]))
    ada = s.directory.contact_ids()[0]
    path = calendar(
        tmp_path / "old.ics",
        event("past-1", "Lunch with Ada", "20240305T120000Z", "LOCATION:The Ivy",
              "ATTENDEE;CN=Ada:mailto:ada@x.example", end="20240305T133000Z"),
        event("past-2", "Dentist", "20240306T090000Z", end="20240306T093000Z"),
        event("soon", "Call Ada", future(2), "ATTENDEE:mailto:ada@x.example"))
    report = s.imports.run([path])
    assert report.plan.logged == 1
    assert _history_uids(s) == {"past-1"}
    timeline = s.timeline.for_contact(ada)
    lunch = [e for e in timeline if getattr(e, "regarding", "") == "Lunch with Ada"]
    assert lunch, "the past meeting is in Ada's timeline"
    stored = _activities(s)
    assert set(stored) == {"past-2", "soon"}
    assert stored["past-2"].status == ActivityStatus.CLEARED, \
        "a past event with no contact is kept as a done activity, not an overdue one"
    assert stored["soon"].status == ActivityStatus.OPEN


def test_past_events_stay_activities_when_asked(s, tmp_path):
    s.contacts.create(Contact(given="Ada", family="Lovelace", emails=[Email("ada@x.example")]))
    path = calendar(tmp_path / "old.ics", event(
        "past-1", "Lunch with Ada", "20240305T120000Z", "ATTENDEE:mailto:ada@x.example"))
    s.imports.run([path], ImportOptions(past_as_history=False))
    assert _history_uids(s) == set()
    assert _activities(s)["past-1"].status == ActivityStatus.CLEARED


def test_a_second_import_changes_nothing_and_a_newer_one_only_what_changed(s, tmp_path):
    s.contacts.create(Contact(given="Ada", family="Lovelace", emails=[Email("ada@x.example")]))
    events = [event(f"e{i}", f"Meeting {i}", future(i + 1), "ATTENDEE:mailto:ada@x.example")
              for i in range(5)]
    events.append(event("past", "Old lunch", "20240305T120000Z",
                        "ATTENDEE:mailto:ada@x.example"))
    path = calendar(tmp_path / "cal.ics", *events)
    first = s.imports.run([path])
    assert first.plan.events.created == 6
    seq = s.journal.last_seq()
    again = s.imports.run([path])
    assert again.plan.events.unchanged == 6 and again.plan.events.created == 0
    assert s.journal.last_seq() == seq, "nothing to change: no unit at all"
    # The user clears one in Rolodeck; the newer export renames another.
    stored = _activities(s)
    s.activities.clear(stored["e1"].id)
    events[2] = event("e2", "Meeting 2 (room changed)", future(3),
                      "ATTENDEE:mailto:ada@x.example")
    events[1] = event("e1", "Meeting 1", future(2), "ATTENDEE:mailto:ada@x.example",
                      "LOCATION:Room 4")
    newer = s.imports.run([calendar(tmp_path / "cal2.ics", *events)])
    assert newer.plan.events.updated == 2 and newer.plan.events.unchanged == 4
    stored = _activities(s)
    assert stored["e2"].regarding == "Meeting 2 (room changed)"
    assert stored["e1"].location == "Room 4"
    assert stored["e1"].status == ActivityStatus.CLEARED, "cleared in Rolodeck stays cleared"
    assert len(stored) == 5


def test_undo_this_import_removes_its_events_and_history(s, tmp_path):
    s.contacts.create(Contact(given="Ada", family="Lovelace", emails=[Email("ada@x.example")]))
    path = calendar(tmp_path / "cal.ics",
                    event("a", "Soon", future(1)),
                    event("b", "Old", "20240305T120000Z", "ATTENDEE:mailto:ada@x.example"))
    report = s.imports.run([path])
    assert set(_activities(s)) == {"a"} and _history_uids(s) == {"b"}
    s.journal.revert(report.seq)
    assert _activities(s) == {} and _history_uids(s) == set()


def test_contacts_and_their_calendar_in_one_import(s, tmp_path):
    vcf = tmp_path / "people.vcf"
    vcf.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:grace\r\nFN:Grace Hopper\r\n"
                   "N:Hopper;Grace;;;\r\nEMAIL:grace@navy.example\r\nEND:VCARD\r\n")
    ics = calendar(tmp_path / "cal.ics", event("g", "Compiler talk", future(4),
                                               "ATTENDEE:mailto:GRACE@navy.example"))
    plan = s.imports.plan([vcf, ics])
    assert plan.counts.created == 1 and plan.events.created == 1
    assert plan.label() == "Import 1 contact and 1 event from 2 files"
    report = s.imports.commit(plan)
    grace = s.directory.contact_ids()[0]
    assert _activities(s)["g"].attendee_ids == [grace]
    s.journal.revert(report.seq)
    assert s.directory.contact_ids() == [] and _activities(s) == {}


def test_override_of_a_series_imported_before(s, tmp_path):
    first = datetime.now(UTC).date() + timedelta(days=3)
    s.imports.run([calendar(tmp_path / "a.ics", event(
        "weekly", "Weekly", f"{first:%Y%m%d}T100000Z", "RRULE:FREQ=WEEKLY"))])
    key = f"{first + timedelta(days=7):%Y%m%d}T100000Z"
    s.imports.run([calendar(tmp_path / "b.ics", event(
        "weekly", "Weekly", key, f"RECURRENCE-ID:{key}", "STATUS:CANCELLED"))])
    series = _activities(s)["weekly"]
    assert [d.strftime("%Y%m%dT%H%M") for d in series.exdates] == [key[:13]]
    assert len(_activities(s)) == 1


def test_what_is_not_imported_says_why(s, tmp_path):
    path = calendar(
        tmp_path / "mixed.ics",
        event("x", "Cancelled party", future(5), "STATUS:CANCELLED"),
        event("dup", "Twice", future(6)), event("dup", "Twice", future(6)),
        "BEGIN:VEVENT\r\nUID:broken\r\nSUMMARY:No start\r\nDTSTART:20261399T250000\r\n"
        "END:VEVENT\r\n")
    plan = s.imports.plan([path])
    reasons = {ln.uid or ln.line: (ln.action, ln.reason) for ln in plan.lines}
    assert reasons["x"][0] == Action.SKIP and "cancelled" in reasons["x"][1]
    skipped_twice = [ln for ln in plan.lines if ln.uid == "dup" and ln.action == Action.SKIP]
    assert len(skipped_twice) == 1 and "imported once" in skipped_twice[0].reason
    assert all(ln.where.startswith("mixed.ics line ") for ln in plan.lines)


def test_a_refused_event_holds_back_the_import_unless_asked(s, tmp_path):
    path = calendar(tmp_path / "bad.ics", event("good", "Fine", future(2)),
                    "BEGIN:VEVENT\r\nUID:bad\r\nSUMMARY:Bad\r\nDTSTART:garbage\r\n"
                    "RRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n")
    plan = s.imports.plan([path])
    refused = [ln for ln in plan.lines if ln.action == Action.REFUSE]
    if not refused:  # the reader repairs it with a warning instead: then both are imported
        assert plan.events.created == 2
        return
    report = s.imports.run([path])
    assert not report.committed and _activities(s) == {}
    report = s.imports.run([path], commit_good=True)
    assert report.committed and set(_activities(s)) == {"good"}


def test_lookups_are_few_queries(s, db, tmp_path):
    for i in range(3):
        s.contacts.create(Contact(given=f"P{i}", family="X", emails=[Email(f"p{i}@x.example")]))
    with db.read() as session:
        found = q.contacts_by_email(session.connection(), ["p1@x.example", "none@x.example"])
    assert list(found) == ["p1@x.example"]


def test_the_calendar_exports_and_imports_again_unchanged(s, tmp_path):
    s.contacts.create(Contact(given="Ada", family="Lovelace", emails=[Email("ada@x.example")]))
    s.contacts.create(Contact(given="Bob", family="Jones", emails=[Email("bob@x.example")]))
    ada, bob = s.directory.contact_ids()
    first = datetime.now(UTC).date() + timedelta(days=2)
    key = f"{first + timedelta(days=1):%Y%m%d}T080000Z"
    s.imports.run([calendar(
        tmp_path / "cal.ics",
        event("daily", "Daily", f"{first:%Y%m%d}T080000Z", "RRULE:FREQ=DAILY;COUNT=5",
              "ATTENDEE;CN=Ada:mailto:ada@x.example", "X-CUSTOM-THING:kept"),
        event("daily", "Daily (later)", f"{first + timedelta(days=1):%Y%m%d}T100000Z",
              f"RECURRENCE-ID:{key}", "ATTENDEE:mailto:ada@x.example"),
        event("bob", "Bob's review", future(9), "ATTENDEE:mailto:bob@x.example",
              "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "END:VALARM"))])
    out = tmp_path / "out.ics"
    assert s.imports.export(out, "ics") == 3
    text = out.read_text(encoding="utf-8")
    assert "X-CUSTOM-THING:kept" in text and "RECURRENCE-ID" in text
    assert "mailto:ada@x.example" in text and "TRIGGER:-PT15M" in text
    again = s.imports.run([out])
    assert again.plan.events.unchanged == 3 and again.seq is None
    # Ada's calendar alone: her series and its moved occurrence, not Bob's review.
    from app.services.imports_export import ExportScope, export_file

    mine = tmp_path / "ada.ics"
    assert export_file(s.db, mine, "ics", scope=ExportScope.of([ada])) == 2
    assert "Bob's review" not in mine.read_text(encoding="utf-8")
    assert export_file(s.db, tmp_path / "bob.ics", "ics", scope=ExportScope.of([bob])) == 1
