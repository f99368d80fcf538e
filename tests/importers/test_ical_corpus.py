"""Every calendar file of the corpus (../shared/corpus, MANIFEST.tsv): the number of events,
to-dos, journals and free/busy objects its row names, no error; nothing of a component
silently dropped; and import, export, import again gives the same activities.

The 11 bare components without a VCALENDAR around them are accepted leniently, with a
warning saying so (the reader's documented choice)."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest

from importers.ical import Level, ParsedActivity, Problem, read_ical
from importers.ical.component import MAPPED
from importers.ical.writer import ical_text
from tests.importers.corpus import Row, params
from tests.importers.test_ical_writer import as_stored, comparable

_NOUNS = {"event": "events", "todo": "todos", "journal": "journals", "freebusy": "freebusy",
          "vfreebusy": "freebusy"}
_KINDS = ("events", "todos", "journals", "freebusy")


def expected_counts(sentence: str) -> dict[str, int] | None:
    """What a manifest sentence says a file must give: "parse 42 events, 8 todos, 1 journal,
    3 freebusy objects (53 VCALENDAR objects; ...); note" -> {"events": 42, "todos": 8,
    "journals": 1, "freebusy": 3}. What it does not name is 0; VTIMEZONE, VALARM and
    VCALENDAR counts (in brackets or not) say nothing about what is imported. None for a
    sentence that does not begin "parse"."""
    head = sentence.split(";", 1)[0].strip()
    if not head.startswith("parse "):
        return None
    head = re.sub(r"\([^)]*\)", "", head)
    counts = dict.fromkeys(_KINDS, 0)
    for number, noun in re.findall(r"(\d+)\s+([A-Za-z]+)", head):
        key = _NOUNS.get(noun.lower().rstrip("s"))
        if key is not None:
            counts[key] = int(number)
    return counts


def test_the_manifest_sentences_are_read_as_meant():
    assert expected_counts("parse 42 events, 8 todos, 1 journal, 3 freebusy objects (53 "
                           "VCALENDAR objects; 2 VTIMEZONE; 2 VALARM)") == {
        "events": 42, "todos": 8, "journals": 1, "freebusy": 3}
    assert expected_counts("parse 1 VFREEBUSY, 0 events") == {
        "events": 0, "todos": 0, "journals": 0, "freebusy": 1}
    assert expected_counts("parse 0 events, 6 VTIMEZONE; not an error") == dict.fromkeys(
        _KINDS, 0)
    assert expected_counts("parse 1 todo (1 VTIMEZONE)") == {
        "events": 0, "todos": 1, "journals": 0, "freebusy": 0}
    assert expected_counts("parse 2 events; keep the good event, flag 3 todos") == {
        "events": 2, "todos": 0, "journals": 0, "freebusy": 0}
    assert expected_counts("reject with clear error") is None


def _read(row: Row) -> list[ParsedActivity | Problem]:
    with row.path.open("rb") as f:  # binary: the reader finds the encoding itself
        return list(read_ical(f, name=row.file))


def _counts(found) -> dict[str, int]:
    seen: Counter[str] = Counter()
    for item in found:
        if isinstance(item, ParsedActivity):
            seen["events" if item.source == "VEVENT" else "todos"] += 1
        elif item.level == Level.SKIPPED and item.name in ("VJOURNAL", "VFREEBUSY"):
            seen["journals" if item.name == "VJOURNAL" else "freebusy"] += 1
    return {k: seen[k] for k in _KINDS}


@pytest.mark.parametrize("row", params("ical"))
def test_each_file_gives_what_its_row_says(row: Row):
    found = _read(row)
    expected = expected_counts(row.expected)
    errors = [p for p in found if isinstance(p, Problem) and p.level == Level.ERROR]
    if expected is None:
        assert row.rejects or row.expected.startswith("recover")
        assert errors or any(isinstance(i, ParsedActivity) for i in found)
        assert all(p.reason and p.file == row.file for p in errors)
        return
    assert _counts(found) == expected
    assert not errors, [str(e) for e in errors]
    if "bare component" in row.expected:
        assert any(isinstance(p, Problem) and "not inside a VCALENDAR" in p.reason
                   for p in found)


@pytest.mark.parametrize("row", params("ical"))
def test_import_export_import_changes_nothing(row: Row):
    first = [i for i in _read(row) if isinstance(i, ParsedActivity)]
    text = ical_text(as_stored(first))
    again = [i for i in read_ical(io.BytesIO(text.encode()), name="again.ics")
             if isinstance(i, ParsedActivity)]
    assert comparable(as_stored(again)) == comparable(as_stored(first))


# Mapped besides MAPPED: a to-do's STATUS (kept as well where the writer's form differs) and
# vCalendar's DALARM/AALARM (the alarm lead time).
_ALSO_MAPPED = {"STATUS", "DALARM", "AALARM"}


def _source(data: bytes) -> dict[int, tuple[list[str], list[str]]]:
    """Each VEVENT/VTODO by the line it begins on: its property names and the names of its
    sub-components, read with a plain unfolding of our own (a second opinion)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8", "replace").lstrip("\ufeff")
    logical: list[tuple[int, str]] = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        if not line:
            continue
        if line[0] in " \t" and logical:
            logical[-1] = (logical[-1][0], logical[-1][1] + line[1:])
        else:
            logical.append((number, line))
    out: dict[int, tuple[list[str], list[str]]] = {}
    stack: list[tuple[str, int]] = []
    for number, line in logical:
        name = re.match(r"[A-Za-z0-9-]*", line).group(0).upper()  # type: ignore[union-attr]
        rest = line[len(name):].lstrip()
        if name in ("BEGIN", "END") and rest.startswith(":"):
            what = rest[1:].strip().upper()
            if name == "BEGIN":
                if stack and stack[-1][0] in ("VEVENT", "VTODO") and len(stack) <= 2:
                    out[stack[-1][1]][1].append(what)
                stack.append((what, number))
                if what in ("VEVENT", "VTODO"):
                    out[number] = ([], [])
            elif stack:
                stack.pop()
        elif stack and stack[-1][0] in ("VEVENT", "VTODO") and name and rest[:1] in ":;":
            out[stack[-1][1]][0].append(name)
    return out


@pytest.mark.parametrize("row", params("ical"))
def test_nothing_in_an_event_is_silently_dropped(row: Row):
    source = _source(row.path.read_bytes())
    for item in _read(row):
        if not isinstance(item, ParsedActivity) or item.line not in source:
            continue
        props, components = source[item.line]
        kept = {p.name for p in item.activity.extra}
        for name in props:
            assert name in MAPPED or name in _ALSO_MAPPED or name in kept, (item.line, name)
        for name in components:
            mapped_alarm = name == "VALARM" and item.activity.alarm_minutes is not None
            assert mapped_alarm or name in kept, (item.line, name)


def _activities(name: str) -> list[ParsedActivity]:
    rows = [r for r in (p.values[0] for p in params("ical")) if r is not None and r.file == name]
    if not rows:
        pytest.skip(f"{name} is not in the corpus")
    return [i for i in _read(rows[0]) if isinstance(i, ParsedActivity)]


def test_the_notes_of_the_manifest():
    ten_days = _activities("ical/ical4android__all-day-10days.ics")[0].activity
    assert ten_days.all_day and ten_days.duration.days == 10
    one_day = _activities("ical/icaljs__only_dtstart_date.ics")[0].activity
    assert one_day.all_day and one_day.duration.days == 1
    assert not _activities("ical/icaljs__only_dtstart_time.ics")[0].activity.duration
    birthday = _activities("ical/icaljs__google_birthday.ics")
    assert [i.series_uid is None for i in birthday] == [True, False, False, False]
    assert len({i.series_uid for i in birthday[1:]}) == 1  # one series (the file gives its
    # master another UID, so the pipeline finds no master for them in this file)
    cancelled = _activities("ical/khal__event_rrule_recuid_cancelled.ics")
    assert [i.cancelled for i in cancelled if i.series_uid] == [False, True]
    moons = _activities("ical/ical4j__13-MoonPhase.ics")
    uids = [i.activity.uid for i in moons]
    assert len(set(uids)) == len(uids) and all(i.uid_generated for i in moons)
    assert uids == [i.activity.uid for i in _activities("ical/ical4j__13-MoonPhase.ics")]
    windows = _activities("ical/radicale__event_issue2151.ics")[0].activity
    assert windows.tz == "Europe/Berlin"  # TZID 'W. Europe Standard Time'
    vcal = _activities("ical/kcalcore__KOrganizer_vCalTestCase01.vcs")[0].activity
    assert vcal.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=-2FR;COUNT=17"
    invalid = _activities("ical/icalendar__issue_1081_invalid_rrule_freq.ics")[0]
    assert invalid.activity.rrule is None and "kept for export" in invalid.warnings[0]
