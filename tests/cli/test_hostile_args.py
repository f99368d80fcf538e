"""What the command line does with arguments a script, a typo or an attacker may pass: one line
on stderr and exit status 1, never a traceback, never unbounded work, never a file it was not
asked to make."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

import main
from app.domain.account import Account
from app.domain.activity import Activity, ActivityKind
from app.domain.changes import Entity
from app.domain.contact import Contact, Email
from app.services.directory import ContactSort
from app.services.registry import Services

ROOT = os.path.dirname(main.__file__)


@pytest.fixture
def people(db_path):
    """Three Adas (two companies, one with none), a Charles, and a meeting in London."""
    s = Services.open(db_path)
    engines = s.accounts.create(Account(name="Analytical Engines")).new_id(Entity.ACCOUNT)
    looms = s.accounts.create(Account(name="Jacquard Looms", industry="Textiles")) \
        .new_id(Entity.ACCOUNT)
    ids = {}
    for given, family, account in (("Ada", "Lovelace", engines), ("Ada", "Byron", looms),
                                   ("Ada", "King", None), ("Charles", "Babbage", engines)):
        ids[f"{given} {family}"] = s.contacts.create(Contact(
            given=given, family=family, account_id=account,
            emails=[Email(f"{given}.{family}@example.org".lower())])).new_id(Entity.CONTACT)
    s.activities.schedule(Activity(ActivityKind.MEETING, "Weekly sync",
                                   datetime.combine(date.today(), time(10)), tz="Europe/London",
                                   rrule="FREQ=WEEKLY", attendee_ids=[ids["Ada Lovelace"]]))
    s.close()
    return db_path, ids, {"engines": engines, "looms": looms}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main.main([*argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 1 and out == "", (code, out, err)
    assert err.startswith("rolodeck: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "usage:" not in err
    err.encode("utf-8")  # what a terminal or a log file can take
    for needle in needles:
        assert needle in err, err


# --- 1. --db in either place; usage mistakes as the README promises --------------------------

def test_db_after_the_command_and_the_later_one_wins(people, tmp_path, capsys):
    path, _, _ = people
    code, out, _ = run(capsys, "search", "Lovelace", "--db", str(path), "--json")
    assert code == 0 and [h["name"] for h in json.loads(out)] == ["Ada Lovelace"]
    code, out, _ = run(capsys, "contacts", "list", "--db", str(path), "--json")
    assert code == 0 and len(json.loads(out)) == 4
    # Both given: the one after the command, as the later of two options wins in argparse.
    other = tmp_path / "absent.db"
    code, out, _ = run(capsys, "--db", str(other), "stats", "--db", str(path), "--json")
    assert code == 0 and json.loads(out)["contacts"] == 4
    assert not other.exists()


def test_make_demo_args_reach_the_demo_command(tmp_path, capsys):
    # The Makefile runs `main.py demo $(ARGS)`, so the README's ARGS="--db f.db" follows demo.
    path = tmp_path / "demo.db"
    code, out, _ = run(capsys, "demo", "--db", str(path), "--contacts", "20")
    assert code == 0 and f"Filled {path}" in out
    assert run(capsys, "stats", "--db", str(path), "--json")[0] == 0


@pytest.mark.parametrize("argv, hint", [
    (["contacts", "list", "--bogus"], "see `rolodeck contacts list --help`"),
    (["serch", "ada"], "see `rolodeck --help`"),
    (["contacts"], "see `rolodeck contacts --help`"),
    (["history", "Ada", "--limit", "many"], "see `rolodeck history --help`"),
    (["contacts", "show"], "see `rolodeck contacts show --help`"),
    (["agenda", "--frm", "today"], "see `rolodeck agenda --help`"),
])
def test_usage_mistakes_are_one_line_and_exit_1(people, capsys, argv, hint):
    path, _, _ = people
    assert_one_line(*run(capsys, "--db", str(path), *argv), hint)


def test_usage_mistake_exit_status_from_a_real_process(people):
    path, _, _ = people
    result = subprocess.run([sys.executable, "main.py", "--db", str(path), "search"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "see `rolodeck search --help`" in result.stderr
    result = subprocess.run([sys.executable, "main.py", "search", "--help"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0 and "--db PATH" in result.stdout


def test_help_still_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "usage: rolodeck" in out
    code, out, _ = run(capsys, "agenda", "--help")
    assert code == 0 and "--tz ZONE" in out


# --- 2. values that used to be tracebacks -----------------------------------------------------

@pytest.mark.parametrize("argv, needle", [
    (["contacts", "show", "18446744073709551616"], "No contact matches '18446744073709551616'"),
    (["accounts", "show", "9" * 40], "No account matches"),
    (["history", "9223372036854775808"], "No contact matches"),
    (["contacts", "list", "--limit", "99999999999999999999"], "--limit: must be at most"),
    (["contacts", "list", "--offset", "1" + "0" * 30], "--offset: must be at most"),
    (["search", "ada", "--limit", str(2**64)], "--limit: must be at most"),
    (["accounts", "list", "--limit", "9" * 5000], "--limit: must be at most"),
])
def test_numbers_past_64_bits(people, capsys, argv, needle):
    path, _, _ = people
    assert_one_line(*run(capsys, "--db", str(path), *argv), needle)


@pytest.mark.parametrize("argv, needle", [
    (["contacts", "list", "--limit", "-1"], "--limit: must be at least 1, not -1"),
    (["contacts", "list", "--limit", "0"], "--limit: must be at least 1, not 0"),
    (["contacts", "list", "--offset", "-5"], "--offset: must be at least 0, not -5"),
    (["accounts", "list", "--offset", "-1"], "--offset: must be at least 0"),
    (["history", "Ada Lovelace", "--limit", "0"], "--limit: must be at least 1, not 0"),
    (["search", "ada", "--limit", "-3"], "--limit: must be at least 1"),
])
def test_negative_and_zero_counts_are_refused(people, capsys, argv, needle):
    path, _, _ = people
    assert_one_line(*run(capsys, "--db", str(path), *argv), needle)


@pytest.mark.parametrize("argv", [
    ["agenda", "--from", "9999-12-31"],
    ["agenda", "--from", "9999-12-30"],
    ["agenda", "--from", "2026-01-01", "--to", "9999-12-31"],
    ["agenda", "--from", "0001-01-01", "--to", "0001-01-02"],
    ["today", "--day", "9999-12-31"],
    ["today", "--day", "0001-01-01"],
])
def test_days_past_the_supported_range_say_so(people, capsys, argv):
    path, _, _ = people
    assert_one_line(*run(capsys, "--db", str(path), *argv), "is out of range",
                    "Rolodeck shows days from 1900-01-01 to 2199-12-31")


@pytest.mark.parametrize("argv", [
    ["search", "\udcff"],
    ["search", "caf\udce9"],
    ["contacts", "show", "Ada\udcffLovelace"],
    ["accounts", "show", "\udcc3"],
    ["history", "\udcff"],
    ["agenda", "--from", "\udcff"],
    ["contacts", "list", "--account", "\udcff"],
])
def test_arguments_that_are_not_utf8(people, capsys, argv):
    # How Python hands over bytes that were not UTF-8 (`search $'\xff'`): surrogate escapes.
    path, _, _ = people
    assert_one_line(*run(capsys, "--db", str(path), *argv), "is not valid UTF-8 (byte 0x")


def test_a_database_path_that_is_not_utf8(tmp_path):
    env = dict(os.environ, ROLODECK_DB=os.fsencode(tmp_path) + b"/\xff.db")
    result = subprocess.run([sys.executable, "main.py", "stats"], env=env,
                            capture_output=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert b"not valid UTF-8 (byte 0xff)" in result.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("ref", ["²", "³", "٣", "۳", "३", "①"])
def test_ids_are_ascii_digits_only(people, capsys, ref):
    path, ids, _ = people
    assert ids["Ada Byron"] == 2 and ids["Ada King"] == 3  # what '²' and '٣' could be read as
    assert_one_line(*run(capsys, "--db", str(path), "contacts", "show", ref),
                    f"No contact matches '{ref}'")
    code, out, _ = run(capsys, "--db", str(path), "contacts", "show", " 3 ")
    assert code == 0 and "Ada King" in out


@pytest.mark.parametrize("command", [
    ["agenda"], ["today"], ["history", "Ada Lovelace"], ["contacts", "show", "Ada Lovelace"]])
@pytest.mark.parametrize("tz, needle", [
    ("Europe", "Unknown time zone 'Europe'"),
    ("America/Argentina", "Unknown time zone"),
    ("x" * 5000, "Unknown time zone"),
    ("Europe/Ber\x00lin", "Unknown time zone"),
    ("../../../etc/passwd", "Unknown time zone"),
    ("/etc/localtime", "Unknown time zone"),
    ("leapseconds", "Unknown time zone"),
    ("Mars/Base", "Unknown time zone"),
])
def test_a_bad_tz_is_one_line_in_every_command(people, capsys, command, tz, needle):
    path, _, _ = people
    code, out, err = run(capsys, "--db", str(path), *command, "--tz", tz)
    assert_one_line(code, out, err, needle, "use an IANA name such as Europe/Berlin")
    assert len(err) < 300  # a 5,000 character name is not echoed back whole


@pytest.mark.parametrize("text", ["\x00", " \x00 ", "x" * 10_000_000, "é" * 2_000_000,
                                  "\x01\x02\x7f", "Ada\u2028Lovelace"])
def test_search_text_passes_through_the_cli(people, capsys, text):
    path, _, _ = people
    code, out, err = run(capsys, "--db", str(path), "search", text, "--json")
    assert code == 0 and err == "" and isinstance(json.loads(out), list)


def test_search_text_with_nul_inside_a_word(people, capsys):
    path, _, _ = people
    code, out, _ = run(capsys, "--db", str(path), "search", "Ada\x00Lovelace", "--json")
    assert code == 0 and isinstance(json.loads(out), list)


def test_a_message_quoting_user_text_stays_one_line(people, capsys):
    path, _, _ = people
    assert_one_line(*run(capsys, "--db", str(path), "agenda", "--from", "next\nweek"),
                    "'next\\nweek' is not a date")
    code, out, err = run(capsys, "--db", str(path), "contacts", "show", "y" * 100_000)
    assert_one_line(code, out, err, "No contact matches 'yyy")
    assert len(err) < 600


# --- 3. bounded work -----------------------------------------------------------------------

def test_agenda_is_at_most_366_days(people, capsys):
    path, _, _ = people
    code, out, err = run(capsys, "--db", str(path), "agenda", "--from", "2026-01-01",
                         "--to", "2026-12-31", "--json")
    assert code == 0 and len(json.loads(out)) > 0
    code, out, err = run(capsys, "--db", str(path), "agenda", "--from", "2024-01-01",
                         "--to", "2024-12-31")  # a leap year is 366 days
    assert code == 0
    assert_one_line(*run(capsys, "--db", str(path), "agenda", "--from", "2024-01-01",
                         "--to", "2025-01-01"),
                    "agenda shows at most 366 days at a time; ask for a shorter range",
                    "is 367 days")
    assert_one_line(*run(capsys, "--db", str(path), "agenda", "--from", "1926-01-01",
                         "--to", "2026-01-01"), "at most 366 days")


def test_today_far_from_now_is_refused_not_expanded(people, capsys):
    path, _, _ = people
    assert_one_line(*run(capsys, "--db", str(path), "today", "--day", "5000-01-01"),
                    "out of range")
    code, out, _ = run(capsys, "--db", str(path), "today", "--day", "2199-12-31", "--json")
    assert code == 0 and json.loads(out)["day"] == "2199-12-31"


@pytest.mark.parametrize("count, needle", [
    ("100000000", "demo makes at most 1,000,000 contacts at a time; ask for fewer"),
    ("1000001", "demo makes at most 1,000,000 contacts"),
    ("0", "--contacts: must be at least 1"),
    ("-5", "--contacts: must be at least 1"),
])
def test_demo_size_is_bounded(tmp_path, capsys, count, needle):
    path = tmp_path / "big.db"
    assert_one_line(*run(capsys, "--db", str(path), "demo", "--contacts", count), needle)
    assert not path.exists()


# --- 4. --tz decides what "today" is, and how times read ----------------------------------

# 25 hours apart: the day in one is never the day in the other.
EAST, WEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def _days_in(name: str, action):
    """What day it is in `name` around `action` (twice, in case midnight falls in between)."""
    before = datetime.now(ZoneInfo(name)).date()
    result = action()
    return result, {before, datetime.now(ZoneInfo(name)).date()}


def test_today_is_the_day_in_the_tz_zone(db_path, capsys):
    seen = {}
    for name in (EAST, WEST):
        (code, out, _), days = _days_in(name, lambda n=name: run(
            capsys, "--db", str(db_path), "today", "--tz", n, "--json"))
        assert code == 0 and date.fromisoformat(json.loads(out)["day"]) in days
        seen[name] = json.loads(out)["day"]
        (code, out, _), days = _days_in(name, lambda n=name: run(
            capsys, "--db", str(db_path), "agenda", "--tz", n))
        assert any(out.startswith(f"Nothing scheduled from {d} to {d + timedelta(days=6)}")
                   for d in days), out
        (code, out, _), days = _days_in(name, lambda n=name: run(
            capsys, "--db", str(db_path), "today", "--day", "tomorrow", "--tz", n, "--json"))
        assert date.fromisoformat(json.loads(out)["day"]) in {d + timedelta(days=1)
                                                              for d in days}
    assert seen[EAST] != seen[WEST]


def test_agenda_json_is_in_the_viewer_zone(people, capsys):
    path, _, _ = people
    code, out, _ = run(capsys, "--db", str(path), "agenda", "--tz", "Asia/Tokyo", "--json")
    items = json.loads(out)
    assert code == 0 and items
    for item in items:
        start = datetime.fromisoformat(item["start"])
        assert item["start"].endswith("+09:00") and item["end"].endswith("+09:00")
        # The same instant as 10:00 in London.
        london = start.astimezone(ZoneInfo("Europe/London"))
        assert (london.hour, london.minute) == (10, 0)


def test_contact_times_in_the_viewer_zone_to_the_minute(people, capsys):
    path, _, _ = people
    code, out, _ = run(capsys, "--db", str(path), "contacts", "show", "Ada Lovelace",
                       "--tz", "Asia/Tokyo")
    created = re.search(r"Created: (.*)", out).group(1)
    assert code == 0 and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d JST", created), created
    code, out, _ = run(capsys, "--db", str(path), "contacts", "show", "Ada Lovelace", "--json")
    stamp = datetime.fromisoformat(json.loads(out)["created_at"])
    assert stamp.utcoffset() is not None
    shown = datetime.strptime(created[:16], "%Y-%m-%d %H:%M")
    tokyo = stamp.astimezone(ZoneInfo("Asia/Tokyo")).replace(tzinfo=None, second=0,
                                                             microsecond=0)
    assert shown == tokyo


# --- 5. an ambiguous reference names what it could mean -----------------------------------

def test_ambiguous_reference_lists_names_and_companies(people, capsys):
    path, ids, _ = people
    code, out, err = run(capsys, "--db", str(path), "contacts", "show", "Ada")
    assert_one_line(code, out, err, "'Ada' matches 3 contacts; use the id:",
                    f"{ids['Ada Lovelace']} Ada Lovelace (Analytical Engines)",
                    f"{ids['Ada Byron']} Ada Byron (Jacquard Looms)",
                    f"{ids['Ada King']} Ada King")
    assert "Ada King (" not in err


def test_ambiguous_reference_names_at_most_ten(db_path, capsys):
    s = Services.open(db_path)
    s.contacts.bulk_create([Contact(given="Grace", family=f"Hopper{i:02d}") for i in range(14)])
    s.close()
    code, out, err = run(capsys, "--db", str(db_path), "history", "Grace")
    assert_one_line(code, out, err, "matches 14 contacts", "; and 4 more")
    assert err.count("Grace Hopper") == 10


# --- 6. demo --force, and counts in words -------------------------------------------------

def test_demo_force_does_not_repeat_the_people_there(tmp_path, capsys):
    path = tmp_path / "mixed.db"
    code, out, _ = run(capsys, "--db", str(path), "demo", "--contacts", "20")
    assert code == 0
    code, out, err = run(capsys, "--db", str(path), "demo", "--contacts", "20")
    assert_one_line(code, out, err, "already has 20 contacts")
    code, out, _ = run(capsys, "--db", str(path), "demo", "--contacts", "20", "--force")
    assert code == 0 and "using seed 27 (--seed 7 + 20)" in out
    s = Services.open(path)
    try:
        people = s.directory.contacts(limit=None)
    finally:
        s.close()
    assert len(people) == 40
    pairs = [(c.display_name, c.email) for c in people]
    assert len(set(pairs)) == len(pairs)


def test_counts_are_pluralised(tmp_path, capsys):
    path = tmp_path / "one.db"
    code, out, _ = run(capsys, "--db", str(path), "demo", "--contacts", "1")
    assert code == 0 and "1 contact," in out
    assert not re.search(r"\b1 (accounts|contacts|history items|activities|quotes|quote lines|"
                         r"products|groups|tags|tagged contacts|custom fields)\b", out), out
    code, out, err = run(capsys, "--db", str(path), "demo")
    assert_one_line(code, out, err, "already has 1 contact;")


# --- 7. searching within an account or the trash ------------------------------------------

def test_contact_ids_with_text_keep_the_account_and_trash_filters(people):
    path, ids, accounts = people
    s = Services.open(path)
    try:
        d = s.directory
        assert set(d.contact_ids("Ada")) == {ids["Ada Lovelace"], ids["Ada Byron"],
                                             ids["Ada King"]}
        assert d.contact_ids("Ada", account_id=accounts["engines"]) == [ids["Ada Lovelace"]]
        assert d.contact_ids("Ada", account_id=accounts["looms"]) == [ids["Ada Byron"]]
        assert d.contact_ids("Charles", account_id=accounts["looms"]) == []
        assert d.contact_ids("Ada", trash=True) == []

        s.contacts.delete([ids["Ada Byron"], ids["Charles Babbage"]])
        assert d.contact_ids("ada", trash=True) == [ids["Ada Byron"]]
        assert d.contact_ids("ADA BYR", trash=True) == [ids["Ada Byron"]]
        assert d.contact_ids("ada.byron@", trash=True) == [ids["Ada Byron"]]
        assert d.contact_ids("looms", trash=True) == [ids["Ada Byron"]]
        assert d.contact_ids("babbage", trash=True, account_id=accounts["looms"]) == []
        assert d.contact_ids("babbage", trash=True,
                             account_id=accounts["engines"]) == [ids["Charles Babbage"]]
        assert set(d.contact_ids("", trash=True, sort=ContactSort.NAME)) == {
            ids["Ada Byron"], ids["Charles Babbage"]}
        assert ids["Ada Byron"] not in d.contact_ids("Ada")
        assert d.contact_ids("ada", trash=True, limit=1) == [ids["Ada Byron"]]
    finally:
        s.close()


# --- 8. reading a database that is not there creates nothing ------------------------------

@pytest.mark.parametrize("argv", [
    ["search", "ada"], ["contacts", "list"], ["contacts", "show", "1"], ["accounts", "list"],
    ["accounts", "show", "1"], ["agenda"], ["history", "1"], ["today"], ["stats"],
])
def test_reading_commands_create_nothing(tmp_path, capsys, argv):
    path = tmp_path / "typo" / "folder" / "rolodek.db"
    code, out, err = run(capsys, "--db", str(path), *argv)
    assert_one_line(code, out, err, f"No Rolodeck database at {path} (nothing was created)",
                    f"run `rolodeck --db {path} demo`")
    assert os.listdir(tmp_path) == []


def test_reading_the_default_database_when_there_is_none(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    env.pop("ROLODECK_DB", None)
    result = subprocess.run([sys.executable, "main.py", "contacts", "list"], env=env,
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1 and "No Rolodeck database at" in result.stderr
    assert not (tmp_path / "data").exists()


def test_writing_commands_may_create_the_database(tmp_path, capsys):
    path = tmp_path / "new" / "rolodeck.db"
    assert run(capsys, "--db", str(path), "demo", "--contacts", "5")[0] == 0
    assert path.exists()
    code, out, _ = run(capsys, "--db", str(path), "stats", "--json")
    assert code == 0 and json.loads(out)["contacts"] == 5


def test_services_open_without_create(tmp_path, db_path):
    from app.domain.errors import MissingDatabaseError

    with pytest.raises(MissingDatabaseError):
        Services.open(tmp_path / "nowhere" / "x.db", create=False)
    assert not (tmp_path / "nowhere").exists()
    s = Services.open(db_path, create=False)
    assert s.maintenance.stats()["contacts"] == 0
    s.close()


def test_times_in_history_json_are_in_the_viewer_zone(people, capsys):
    from app.domain.history import HistoryItem, HistoryKind

    path, ids, _ = people
    s = Services.open(path)
    s.timeline.log(HistoryItem(HistoryKind.CALL, datetime(2026, 1, 5, 15, tzinfo=UTC),
                               "Intro call", "", contact_ids=[ids["Ada Lovelace"]]))
    s.close()
    code, out, _ = run(capsys, "--db", str(path), "history", "Ada Lovelace", "--tz",
                       "Asia/Tokyo", "--json")
    assert code == 0 and json.loads(out)[0]["when"] == "2026-01-06T00:00:00+09:00"
