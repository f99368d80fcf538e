"""Import a generated 20,000-event .ics (10% recurring; organizer and two attendees on each,
some of them contacts) end to end into a database, against icalendar merely parsing the same
file, as issue 8 measures it: at most 1.3x icalendar's time. Then the same file again
(everything matches, nothing changes). Events in the past become history where a contact
attends, as the wizard's default does.

    .venv/bin/python bench/import_ical.py

The calendar is bench/ical_parse.py's (generated on first use into bench/.data/, reused).
"""

from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path

from common import median, report, timed
from ical_parse import EVENTS, _icalendar_parse, calendar_file

RUNS = 3
CONTACTS = 60  # of the 97 organizers: their meetings are matched to them


def _database(folder: Path):
    from app.domain.contact import Contact, Email
    from app.services.registry import Services

    s = Services.open(folder / "calendar.db")
    s.contacts.bulk_create([Contact(given="Person", family=str(n),
                                    emails=[Email(f"person{n}@example.com")])
                            for n in range(CONTACTS)])
    return s


def main() -> None:
    path = calendar_file()
    baseline, first, again = [], [], []
    for run in range(RUNS):
        gc.collect()
        baseline.append(timed(lambda: _icalendar_parse(path)))
        with tempfile.TemporaryDirectory() as tmp:
            s = _database(Path(tmp))
            try:
                gc.collect()
                start = time.perf_counter()
                report_ = s.imports.run([path])
                first.append(time.perf_counter() - start)
                events = report_.plan.events
                assert report_.committed and events.created == EVENTS, report_.summary
                start = time.perf_counter()
                second = s.imports.run([path])
                again.append(time.perf_counter() - start)
                assert second.plan.events.unchanged == EVENTS, second.summary
                if run == 0:
                    print(f"# {report_.summary}", flush=True)
            finally:
                s.close()
    print(f"# icalendar parse {median(baseline):.2f} s, import {median(first):.2f} s, "
          f"re-import {median(again):.2f} s ({time.strftime('%H:%M')})", flush=True)
    report("import_ical_vs_icalendar_parse", median(first) / median(baseline), "x", "<=", 1.3)
    report("import_ical_rate", EVENTS / median(first), "events/s", ">=", 0)
    report("reimport_ical_vs_import", median(again) / median(first), "x", "<=", 1)


if __name__ == "__main__":
    main()
