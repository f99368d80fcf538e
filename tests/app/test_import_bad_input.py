"""Bad input through the whole import pipeline and the command line (RELIABILITY 5, 8-16,
45, 46; the import issue's "Bad input"): truncated files, binary garbage, a 50 MB photo,
megabyte lines, repeat rules without end, dates that are not dates, wrong charsets, a CSV
whose header matches nothing; several files of each kind.

For every file, as a user meets it:
- the plan says what is wrong in words that name the file and, for a record, its line;
  one line each, of a readable length; no exception;
- planning writes nothing; a run with anything refused writes nothing either (the stored
  contact the file would update keeps its old values, the journal is where it was);
- a run with commit_good saves the good records, and only those, in one unit that
  "Undo this import" takes back to the exact rows there were;
- `rolodeck import` exits 0 (all done), 3 (done in part: --commit-good, or a dry run with
  refusals) or 1 (nothing done: one line on stderr), with one line per problem and no
  traceback;
- the file is left byte for byte as it was, and the app goes on importing."""

from __future__ import annotations

import base64
import gzip
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import main
from app.domain.changes import Entity
from app.domain.contact import Contact, Email
from app.services.imports_plan import Action, ImportPlan
from app.services.registry import Services
from tests.reliability.files import cli, one_line, sha256
from tests.reliability.storage import assert_consistent, dump
from tests.reliability.test_undo_exact import snapshot

# What one message may run to: a sentence or two, whatever the file holds.
MAX_MESSAGE = 600


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def card(uid: str, given: str, family: str, *lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", f"UID:{uid}",
                        f"FN:{given} {family}", f"N:{family};{given};;;", *lines,
                        "END:VCARD", ""])


# The stored contact every vCard below also holds, with a new title: a refused file must
# leave it as it is; one imported in part (commit_good) updates it.
STORED = card("stored-1", "Ada", "Lovelace", "TITLE:Countess", "EMAIL:ada@engines.example")
UPDATE = card("stored-1", "Ada", "Lovelace", "TITLE:Countess of Lovelace",
              "EMAIL:ada@engines.example")
GOOD = card("good-1", "Grace", "Hopper", "EMAIL:grace@navy.example")

CSV_HEAD = "First Name,Last Name,E-mail Address,Notes\r\n"
CSV_GOOD = "Grace,Hopper,grace@navy.example,fine\r\nAlan,Turing,alan@bletchley.example,ok\r\n"


def ics(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(events)
            + "END:VCALENDAR\r\n").encode()


def event(uid: str, *lines: str, start: str = "20240304T090000Z") -> str:
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20240101T000000Z",
                        f"DTSTART:{start}", "DURATION:PT1H", f"SUMMARY:Meeting {uid}",
                        *lines, "END:VEVENT", ""])


def noise(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def photo(size: int) -> str:
    data = b"\xff\xd8\xff\xe0" + noise(size, 7)
    return "PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(data).decode()


@dataclass(frozen=True)
class Bad:
    """A bad file: `good` the contacts (or events) a run with commit_good saves, `refused`
    the records refused by line (None: the whole file is refused), `said` what a message
    about it must say (a regex), `line` the line it names (0: none, for a whole file).
    `updates` whether the file's good part updates the stored contact."""

    name: str
    data: bytes
    good: int
    refused: int | None
    said: str
    line: int = 0
    updates: bool = False
    events: bool = False


def _vcf(*cards: str) -> bytes:
    return "".join(cards).encode()


def bday(value: str) -> bytes:
    return _vcf(UPDATE, card("d-1", "Odd", "Date", f"BDAY:{value}"))


def _lines_before(data: bytes, marker: bytes) -> int:
    return data[:data.index(marker)].count(b"\n") + 1


def cases() -> list[Bad]:
    cut = _vcf(UPDATE, GOOD, card("cut-1", "Cut", "Short", "NOTE:this card never ends"))
    cut = cut[:cut.rindex(b"NOTE:") + 12]
    fold = _vcf(UPDATE, GOOD, card("fold-1", "Fold", "Cut", "NOTE:a long note folded",
                                   " over two lines and")).rstrip(b"\r\nEND:VCARD\r\n")
    multibyte = _vcf(UPDATE, card("mb-1", "José", "Müller", "NOTE:café"))
    multibyte = multibyte[:multibyte.rindex("é".encode()) + 1]  # half of the é
    csv_cut = (CSV_HEAD + CSV_GOOD + 'Zoe,Cut,zoe@x.example,"a note that never\r\nends')
    ics_cut = ics(event("e-1"), event("e-2"))
    ics_cut = ics_cut[:ics_cut.index(b"UID:e-2") + 20]  # inside the second event's DTSTAMP
    gz = gzip.compress(_vcf(UPDATE, GOOD), mtime=0)
    stray = _vcf(UPDATE) + b"\x00\x01\x02garbage \xff\xfe between cards\r\n" + _vcf(GOOD)
    big50 = _vcf(UPDATE, card("photo-1", "Big", "Photo", photo(50 << 20)), GOOD)
    big5 = _vcf(UPDATE, card("photo-2", "Five", "Megabytes", photo(5 << 20)))
    big2 = _vcf(UPDATE, card("photo-3", "Two", "Megabytes", photo(2 << 20)))
    # 1,000 characters over the 4 MB a property may have: not "4.0 MB, more than 4.0 MB".
    just_over = _vcf(UPDATE, card("photo-4", "Just", "Over", "PHOTO;ENCODING=b;TYPE=JPEG:"
                                  + "A" * ((4 << 20) + 1000 - 27)))
    note1 = _vcf(UPDATE, card("note-1", "Long", "Note", "NOTE:" + "n" * (1 << 20)))
    note5 = _vcf(UPDATE, card("note-5", "Longer", "Note", "NOTE:" + "n" * (5 << 20)), GOOD)
    csv_cell = (CSV_HEAD + "Long,Cell,long@x.example," + "c" * (1100 << 10) + "\r\n"
                + CSV_GOOD)
    csv_line = CSV_HEAD + "x" * (2 << 20) + "\r\n" + CSV_GOOD
    ics_long = ics(event("long-1", "DESCRIPTION:" + "d" * (1 << 20)))
    shift_jis = (b"BEGIN:VCARD\r\nVERSION:2.1\r\nUID:sjis-1\r\nN:" + "伊能;圭一".encode("shift_jis")
                 + b"\r\nEND:VCARD\r\n")
    return [
        # -- truncated ----------------------------------------------------------------------
        Bad("cut.vcf", cut, 2, 1, r"ends inside this card", _lines_before(cut, b"UID:cut-1") - 2,
            updates=True),
        Bad("cut-in-a-fold.vcf", fold, 2, 1, r"ends inside this card",
            _lines_before(fold, b"UID:fold-1") - 2, updates=True),
        Bad("cut-in-a-letter.vcf", multibyte, 1, 1, r"ends inside this card",
            _lines_before(multibyte, b"UID:mb-1") - 2, updates=True),
        Bad("cut.csv", csv_cut.encode(), 2, 1, r"cut short", 4),
        Bad("cut.ics", ics_cut, 1, 1, r"cut short", _lines_before(ics_cut, b"UID:e-2") - 1,
            events=True),
        # -- binary garbage -----------------------------------------------------------------
        Bad("noise.vcf", noise(20_000, 1), 0, None, r"holds no vCard"),
        Bad("noise.csv", noise(20_000, 2), 0, None, r"not a text file"),
        Bad("noise.ics", noise(20_000, 3), 0, None, r"not an iCalendar file"),
        Bad("noise", noise(20_000, 4), 0, None, r"not a text file"),
        Bad("picture.vcf", b"\x89PNG\r\n\x1a\n" + noise(20_000, 5), 0, None,
            r"holds no vCard"),
        Bad("compressed.vcf", gz, 0, None, r"holds no vCard"),
        Bad("empty.vcf", b"", 0, None, r"holds no vCard"),
        Bad("empty.csv", b"", 0, None, r"empty"),
        Bad("stray-bytes.vcf", stray, 2, 0, r"outside any card",
            _lines_before(stray, b"\x00"), updates=True),
        # -- a photo too big to keep ------------------------------------------------------------
        Bad("photo-50mb.vcf", big50, 3, 0, r"PHOTO property is 66\.7 MB, more than the 4\.0",
            _lines_before(big50, b"PHOTO;"), updates=True),
        Bad("photo-5mb.vcf", big5, 2, 0, r"PHOTO property is 6\.7 MB, more than the 4\.0",
            _lines_before(big5, b"PHOTO;"), updates=True),
        Bad("photo-2mb.vcf", big2, 2, 0, r"photo is 2\.0 MB; Rolodeck keeps photos up to 976 KB",
            _lines_before(big2, b"PHOTO;"), updates=True),
        Bad("photo-just-over-4mb.vcf", just_over, 2, 0, r"PHOTO property is 4,097 KB, more "
            r"than the 4\.0 MB", _lines_before(just_over, b"PHOTO;"), updates=True),
        # -- lines of a megabyte and more ---------------------------------------------------------
        Bad("note-1mb.vcf", note1, 2, 0, "", updates=True),
        Bad("note-5mb.vcf", note5, 3, 0, r"NOTE property is 5\.0 MB",
            _lines_before(note5, b"NOTE:"), updates=True),
        Bad("cell-1mb.csv", csv_cell.encode(), 2, 1, r"longer than 1,024 KB", 2),
        Bad("line-2mb.csv", csv_line.encode(), 2, 1, r"longer than 1,024 KB", 2),
        Bad("description-1mb.ics", ics_long, 1, 0, "", events=True),
        # -- repeat rules that never end ----------------------------------------------------------
        Bad("secondly.ics", ics(event("r-1", "RRULE:FREQ=SECONDLY")), 1, 0,
            r"cannot repeat secondly", 4, events=True),
        Bad("minutely.ics", ics(event("r-2", "RRULE:FREQ=MINUTELY;INTERVAL=1")), 1, 0,
            r"cannot repeat minutely", 4, events=True),
        Bad("billion.ics", ics(event("r-3", "RRULE:FREQ=DAILY;COUNT=1000000000")), 1, 0, "",
            events=True),
        Bad("interval-0.ics", ics(event("r-4", "RRULE:FREQ=DAILY;INTERVAL=0")), 1, 0,
            r"INTERVAL|repeat rule", 4, events=True),
        Bad("until-before.ics", ics(event("r-5", "RRULE:FREQ=DAILY;UNTIL=20200101T000000Z")),
            1, 0, r"ends \(UNTIL\) before the event begins; imported as a single", 4,
            events=True),
        # -- dates that are not dates -------------------------------------------------------------
        Bad("bday-zero.vcf", bday("0000-00-00"), 2, 0, r"BDAY '0000-00-00' is not a real date",
            14, updates=True),
        Bad("bday-feb-30.vcf", bday("2023-02-30"), 2, 0, r"'2023-02-30' is not a real date \(day "
            r"30 does not exist in month 2\); it was kept", 14, updates=True),
        Bad("bday-month-92.vcf", bday("19879215"), 2, 0, r"'19879215' is not a real date", 14,
            updates=True),
        Bad("birthday-feb-30.csv", (b"First Name,Last Name,Birthday\r\nFeb,Thirty,1990-02-30\r\n"
                                    b"Ok,Date,1990-02-28\r\n"), 2, 0,
            r"'1990-02-30' is not a date; it is kept", 2),
        Bad("start-feb-30.ics", ics(event("t-1"), event("t-2", start="20230230T100000Z")), 1,
            1, r"DTSTART '20230230T100000Z' is not a valid date", 11, events=True),
        Bad("start-zero.ics", ics(event("t-3", start="00000000T000000Z"), event("t-4")), 1, 1,
            r"DTSTART '00000000T000000Z' is not a valid date", 4, events=True),
        # -- wrong charsets -----------------------------------------------------------------------
        Bad("latin-1.vcf", b"BEGIN:VCARD\r\nVERSION:2.1\r\nUID:l-1\r\nN;CHARSET=ISO-8859-1:"
            b"M\xfcller;J\xfcrgen\r\nEND:VCARD\r\n", 1, 0, ""),
        Bad("not-utf-8.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-1\r\nN;CHARSET=UTF-8:"
            b"M\xfcller;J\r\nFN:J M\r\nEND:VCARD\r\n", 1, 0, r"not all valid UTF-8", 1),
        Bad("shift-jis.vcf", shift_jis, 1, 0, r"not UTF-8 and says no CHARSET; it was read as "
            r"Windows-1252", 4),
        Bad("windows-1252.csv", (CSV_HEAD + "José,Müller,jose@x.example,café\r\n").encode(
            "cp1252"), 1, 0, r"read as Windows-1252"),
        Bad("utf-16-no-bom.csv", (CSV_HEAD + CSV_GOOD).encode("utf-16-le"), 2, 0, ""),
        Bad("one-bad-byte.csv", (CSV_HEAD + "Zoë,Ok,zoe@x.example,ü\r\n").encode()
            + b"Bad,Byte,b@x.example,caf\xe9\r\n" + CSV_GOOD.encode(), 3, 1,
            r"byte 0xE9 cannot be read as UTF-8", 3),
        Bad("windows-1252.ics", ics(event("w-1", "LOCATION:Café")).replace("é".encode(), b"\xe9"),
            1, 0, r"not valid UTF-8 here; read as Windows-1252", 4, events=True),
        # -- a CSV whose header matches nothing ---------------------------------------------------
        Bad("unknown-columns.csv", b"foo,bar,baz\r\n1,2,3\r\n4,5,6\r\n", 0, None,
            r"columns \(foo, bar, baz\) match no known export; choose what each column"),
        Bad("unknown-columns-semicolon.csv", b"alpha;beta;gamma;delta\r\n1;2;3;4\r\n", 0, None,
            r"columns \(alpha, beta, gamma, delta\) match no known export"),
        Bad("unknown-columns.tsv", b"eins\tzwei\r\n1\t2\r\n", 0, None,
            r"columns \(eins, zwei\) match no known export"),
        Bad("huge-header.csv", b"q" * 100_000 + b",r\r\n1,2\r\n", 0, None,
            r"match no known export"),
    ]


CASES = cases()
BY_NAME = {c.name: c for c in CASES}
# Reported, not ours to fix (app/services/imports_sources.py): the message quotes each
# column name whole, so a 100 KB column name makes a 100 KB message.
def params():
    return [pytest.param(c.name, id=c.name) for c in CASES]


@pytest.fixture
def stored(s) -> int:
    """The address book before the bad file: one contact, imported (journal unit 1)."""
    report = s.imports.run([_write(s.path.parent / "stored.vcf", STORED.encode())])
    assert report.created == 1
    return report.seq


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture
def bad(request, tmp_path) -> tuple[Bad, Path]:
    case = BY_NAME[request.param]
    folder = tmp_path / "in"
    folder.mkdir()
    return case, _write(folder / case.name, case.data)


def _problems(plan: ImportPlan) -> list[str]:
    """What the user is told is wrong: refused records, then the file's and the records'
    issues (warnings about records that were read, files that were not)."""
    lines = [f"{ln.where}: {ln.reason}" for ln in plan.lines if ln.action == Action.REFUSE]
    return lines + [str(i) for i in plan.issues]


def _check_messages(case: Bad, plan: ImportPlan) -> None:
    messages = _problems(plan)
    for m in messages:
        assert m.startswith(case.name), m[:200]
        assert "\n" not in m and len(m) <= MAX_MESSAGE, m[:200] + f"... ({len(m):,} chars)"
        assert "Traceback" not in m and "Error:" not in m.split(":", 1)[1][:40], m
    if case.said:
        # An event's warnings travel on its line of the plan, beside what it will do.
        said = messages + [f"{ln.where}: {ln.reason}" for ln in plan.lines]
        found = [m for m in said if re.search(case.said, m)]
        assert found, f"nothing says {case.said!r}: {said}"
        if case.line:
            assert any(re.search(rf"\bline {case.line:,}\b", m) for m in found), found
    if case.refused is None:
        assert [f.error for f in plan.files if f.error], "the file is not refused"
    else:
        refused = [ln for ln in plan.lines if ln.action == Action.REFUSE]
        assert len(refused) == case.refused, [ln.reason for ln in refused]
        assert all(ln.line is not None for ln in refused)


def _writes(case: Bad, plan: ImportPlan) -> int:
    return plan.event_writes if case.events else plan.writes


def _title(s: Services) -> str:
    ids = s.directory.contact_ids()
    return next(c.title for c in (s.contacts.get(i) for i in ids) if c.uid == "stored-1")


@pytest.mark.parametrize("bad", params(), indirect=True)
def test_the_plan_says_what_is_wrong_and_changes_nothing(s, stored, bad):
    case, path = bad
    before, seq, digest = dump(s.path), s.journal.last_seq(), sha256(path)
    started = time.perf_counter()
    plan = s.imports.plan([path])
    assert time.perf_counter() - started < 30, "planning took too long"
    _check_messages(case, plan)
    assert _writes(case, plan) == case.good
    assert dump(s.path) == before and s.journal.last_seq() == seq
    assert sha256(path) == digest


@pytest.mark.parametrize("bad", params(), indirect=True)
def test_a_run_saves_all_or_with_commit_good_the_good_part(s, stored, bad):
    case, path = bad
    before, seq, digest = dump(s.path), s.journal.last_seq(), sha256(path)
    exact = snapshot(s.path)
    report = s.imports.run([path])
    refused = report.plan.refused
    if refused:
        # Held back: nothing at all, not even the update of the stored contact.
        assert not report.committed and report.seq is None
        assert dump(s.path) == before and s.journal.last_seq() == seq
        assert _title(s) == "Countess"
        _check_messages(case, report.plan)
        report = s.imports.run([path], commit_good=True)
    assert sha256(path) == digest
    assert report.committed
    assert _writes(case, report.plan) == case.good
    if case.good:
        assert report.seq == seq + 1 and s.journal.last_seq() == seq + 1
        assert report.partial == bool(refused)
    else:
        assert report.seq is None and dump(s.path) == before
    assert _title(s) == ("Countess of Lovelace" if case.updates else "Countess")
    assert_consistent(s.path)
    if report.seq is not None:  # "Undo this import": the rows there were, exactly (as
        s.journal.revert(report.seq)  # undo is exact: versions and times move on)
        assert snapshot(s.path) == exact
    # ...and the app goes on importing.
    again = s.imports.run([_write(path.parent / "next.vcf", GOOD.encode())])
    assert again.committed and again.created + again.unchanged == 1


def _main(capsys, db_path: Path, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main.main(["--db", str(db_path), "import", *argv])  # an exception fails the test
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


@pytest.mark.parametrize("bad", params(), indirect=True)
def test_the_command_line_exits_0_3_or_1_with_a_line_per_problem(s, stored, bad, capsys):
    case, path = bad
    # The command line's first open of a file does its upkeep (sort keys, search index),
    # which rewrites every contact's updated_at (reported: db/upkeep.py): done first.
    assert main.main(["--db", str(s.path), "stats"]) == 0
    capsys.readouterr()
    before, digest = dump(s.path), sha256(path)
    refused = case.refused is None or case.refused > 0
    code, out, err = _main(capsys, s.path, str(path), "--dry-run")
    assert code == (1 if case.refused is None else 3 if refused else 0), (out, err)
    assert dump(s.path) == before
    code, out, err = _main(capsys, s.path, str(path))
    assert code == (1 if refused else 0), (out, err)
    for line in out + err:
        assert len(line) <= MAX_MESSAGE + 20, line[:200]
    if refused:
        assert len(err) == 1 and err[0].startswith("rolodeck: "), err
        assert dump(s.path) == before
    shown = [ln for ln in out if ln.startswith("  ")]  # the problems, one per line
    assert len(shown) >= (case.refused or 0), out
    code, out, err = _main(capsys, s.path, str(path), "--commit-good")
    if case.refused is None:
        assert code == 1 and len(err) == 1 and case.name in err[0], err
        assert re.search(case.said, err[0]), err
    else:
        assert code == (3 if refused else 0), (out, err)
        assert err == []
        assert any(case.name in ln for ln in out), out
    assert sha256(path) == digest
    assert_consistent(s.path)


@pytest.mark.parametrize("name", ["cut.vcf", "noise.csv", "unknown-columns.csv"])
def test_a_real_process_prints_no_traceback(db_path, tmp_path, name):
    case = BY_NAME[name]
    path = _write(tmp_path / case.name, case.data)
    result = cli("--db", db_path, "import", path)
    assert result.returncode == 1
    line = one_line(result)
    # The file named on that line, or on the lines above it listing what was refused.
    assert case.name in line or case.name in result.stdout.decode(), (line, result.stdout)
    result = cli("--db", db_path, "import", path, "--commit-good")
    assert b"Traceback" not in result.stderr
    assert result.returncode == (1 if case.refused is None else 3)
    assert path.read_bytes() == case.data


def test_the_advice_counts_the_events_commit_good_would_import(s, stored, tmp_path, capsys):
    path = _write(tmp_path / "start-feb-30.ics", BY_NAME["start-feb-30.ics"].data)
    code, _out, err = _main(capsys, s.path, str(path))
    assert code == 1 and len(err) == 1
    assert "import the 1 other record alone" in err[0], err[0]


# --- our own spreadsheet-safe CSV, imported again (RELIABILITY 17, 40) -------------------------

def risky() -> Contact:
    """A contact whose cells a spreadsheet would run as formulas."""
    return Contact(given="=cmd|' /C calc'!A0", family="Formula", title="=1+2",
                   notes="@SUM(A1)\nsecond line", emails=[Email("f@x.example")])


@pytest.mark.parametrize("fmt", ["csv-google", "csv-outlook"])
def test_reimporting_a_spreadsheet_safe_export_says_the_guard_was_kept(s, tmp_path, fmt):
    s.contacts.create(risky())
    path = tmp_path / f"{fmt}.csv"
    s.imports.export(path, fmt)
    plan = s.imports.plan([path])
    [warning] = [str(i) for i in plan.warnings]
    assert warning.startswith(f"{path.name} line 2 (record 1): the cells ")
    assert "First Name" in warning and "Notes" in warning and "the ' was kept" in warning


def test_exporting_and_importing_again_does_not_grow_the_notes(s, tmp_path):
    cid = s.contacts.create(risky()).new_id(Entity.CONTACT)
    for n in range(3):
        path = tmp_path / f"round-{n}.csv"
        s.imports.export(path, "csv-google")
        s.imports.run([path])
    notes = s.contacts.get(cid).notes
    assert notes.count("SUM(A1)") <= 2, notes


def test_a_rule_of_a_billion_occurrences_is_shown_a_window_at_a_time(s, tmp_path, capsys):
    """RELIABILITY 13: imported at once, never expanded whole; a year of the agenda lists
    that year's occurrences, the far future too."""
    import json

    for name in ("billion.ics", "secondly.ics"):
        path = _write(tmp_path / name, BY_NAME[name].data)
        assert s.imports.run([path], commit_good=True).committed
    # From its first day (Monday 2024-03-04) to 2025-02-28: 362 days; 2199: a whole year.
    for start, end, expected in (("2024-03-01", "2025-02-28", 362),
                                 ("2199-01-01", "2199-12-31", 365)):
        started = time.perf_counter()
        code = main.main(["--db", str(s.path), "agenda", "--from", start, "--to", end,
                          "--tz", "UTC", "--json"])
        out, _err = capsys.readouterr()
        assert code == 0 and time.perf_counter() - started < 10
        days = {item["start"][:10] for item in json.loads(out)
                if item["regarding"] == "Meeting r-3"}
        assert len(days) == expected, (start, len(days))
