"""Read a 20,000-event .ics (10% recurring) into domain activities, against icalendar merely
parsing the same file (Calendar.from_ical on the whole text), as issue 8 measures it: the
reader may take at most 1.3x icalendar's time although it also maps every event to an
Activity, keeps every unmodelled property and never holds the whole file in memory.

    .venv/bin/python bench/ical_parse.py

The file is generated on first use into bench/.data/ (ignored by git) and reused.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import DATA, median, report, timed

from importers.ical import Problem, read_ical

EVENTS = 20_000
RECURRING = 0.10
RUNS = 3
_ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo")
_WORDS = ("budget", "review", "quarterly", "launch", "supplier", "contract", "hiring",
          "roadmap", "pricing", "follow-up", "renewal", "kick-off", "demo", "training")


def calendar_file() -> Path:
    path = DATA / f"calendar-{EVENTS}.ics"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"# generating {path.name} (once; reused by later runs)", file=sys.stderr, flush=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        f.writelines(_generate(random.Random(8)))
    tmp.replace(path)
    return path


def _generate(rng: random.Random):
    from icalendar import Timezone

    yield ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rolodeck bench//EN\r\n"
           "CALSCALE:GREGORIAN\r\nX-WR-CALNAME:Work\r\nX-WR-TIMEZONE:Europe/Berlin\r\n")
    for name in _ZONES:
        zone = Timezone.from_tzid(name, first_date=datetime(2019, 1, 1).date(),
                                  last_date=datetime(2027, 1, 1).date())
        yield zone.to_ical().decode()
    base = datetime(2020, 1, 6, 8, 0)
    for n in range(EVENTS):
        yield _event(rng, n, base)
    yield "END:VCALENDAR\r\n"


def _event(rng: random.Random, n: int, base: datetime) -> str:
    start = base + timedelta(days=rng.randrange(0, 6 * 365), minutes=15 * rng.randrange(0, 40))
    words = " ".join(rng.sample(_WORDS, 3))
    lines = ["BEGIN:VEVENT", f"UID:{n:08d}-bench@rolodeck.example",
             "DTSTAMP:20240101T120000Z", "CREATED:20231201T090000Z",
             "LAST-MODIFIED:20231215T100000Z", f"SEQUENCE:{rng.randrange(0, 3)}"]
    if rng.random() < 0.1:
        lines += [f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}"]
    else:
        tz = rng.choice(_ZONES)
        end = start + timedelta(minutes=30 * rng.randrange(1, 5))
        lines += [f"DTSTART;TZID={tz}:{start:%Y%m%dT%H%M%S}",
                  f"DTEND;TZID={tz}:{end:%Y%m%dT%H%M%S}"]
    lines += [f"SUMMARY:{'Call' if rng.random() < 0.3 else 'Meeting'}: {words}",
              f"DESCRIPTION:Agenda for the {words} meeting\\nBring the figures\\, "
              "the slides and last quarter's notes.",
              f"LOCATION:Room {rng.randrange(1, 40)}\\, Building {rng.choice('ABC')}",
              f"ORGANIZER;CN=Person {n % 97}:mailto:person{n % 97}@example.com",
              f"ATTENDEE;CN=Guest {n % 89};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:"
              f"mailto:guest{n % 89}@example.com",
              f"ATTENDEE;CN=Guest {n % 83};ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
              f"RSVP=TRUE:mailto:other{n % 83}@example.org",
              "CATEGORIES:Work,Clients", "CLASS:PUBLIC", "TRANSP:OPAQUE", "STATUS:CONFIRMED",
              f"X-MICROSOFT-CDO-BUSYSTATUS:{rng.choice(('BUSY', 'TENTATIVE'))}"]
    if rng.random() < RECURRING:
        rule = rng.choice(("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=20", "FREQ=DAILY;INTERVAL=2",
                           "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20301231T230000Z",
                           "FREQ=YEARLY"))
        lines.append(f"RRULE:{rule}")
    if rng.random() < 0.5:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder",
                  f"TRIGGER:-PT{rng.choice((5, 10, 15, 30))}M", "END:VALARM"]
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


def _icalendar_parse(path: Path) -> int:
    from icalendar import Calendar

    calendar = Calendar.from_ical(path.read_bytes())
    return len(calendar.subcomponents)


def _read(path: Path) -> int:
    events = 0
    with path.open("rb") as f:
        for item in read_ical(f, name=path.name):
            if isinstance(item, Problem):
                raise SystemExit(f"unexpected problem: {item}")
            events += 1
    return events


def main() -> None:
    path = calendar_file()
    if _read(path) != EVENTS:
        raise SystemExit("the reader did not give every event")
    baseline, ours = [], []
    for _ in range(RUNS):  # interleaved, so a busy moment on the machine hurts both
        gc.collect()
        baseline.append(timed(lambda: _icalendar_parse(path)))
        gc.collect()
        ours.append(timed(lambda: _read(path)))
    print(f"# icalendar parse {median(baseline):.2f} s, our reader {median(ours):.2f} s "
          f"({time.strftime('%H:%M')})", flush=True)
    report("ical_parse_vs_icalendar", median(ours) / median(baseline), "x", "<=", 1.3)
    report("ical_parse_rate", EVENTS / median(ours), "events/s", ">=", 0)


if __name__ == "__main__":
    main()
