"""The command line as a script or a cron job uses it: output, JSON keys, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta

import pytest

import main
from app.domain.account import Account
from app.domain.activity import Activity, ActivityKind
from app.domain.changes import Entity
from app.domain.contact import Contact, Email, Phone
from app.domain.history import HistoryItem, HistoryKind
from app.services.registry import Services


@pytest.fixture
def filled(db_path):
    s = Services.open(db_path)
    aid = s.accounts.create(Account(name="Acme Corp", industry="Rockets")).new_id(Entity.ACCOUNT)
    ada = s.contacts.create(Contact(
        given="Ada", family="Lovelace", account_id=aid, title="CTO",
        phones=[Phone("+1 (555) 012-3456")], emails=[Email("ada@acme.example")],
        tags=["VIP"])).new_id(Entity.CONTACT)
    s.contacts.create(Contact(given="Charles", family="Babbage", account_id=aid))
    s.timeline.log(HistoryItem(HistoryKind.CALL, datetime(2026, 1, 5, 15, tzinfo=UTC),
                               "Intro call", "Talked engines", contact_ids=[ada]))
    s.activities.schedule(Activity(ActivityKind.MEETING, "Weekly sync",
                                   datetime.combine(date.today(), time(10)), tz="Europe/London",
                                   rrule="FREQ=WEEKLY", attendee_ids=[ada]))
    s.close()
    return db_path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main.main([*argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_contacts_list_table_and_json(filled, capsys):
    code, out, _ = run(capsys, "--db", str(filled), "contacts", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "COMPANY", "TITLE", "E-MAIL", "PHONE", "STATUS"]
    assert "Ada Lovelace" in lines[2] and "Charles Babbage" in lines[3]
    code, out, _ = run(capsys, "--db", str(filled), "contacts", "list", "--json")
    rows = json.loads(out)
    assert list(rows[0]) == ["id", "uid", "name", "company", "title", "email", "phone",
                             "status", "updated_at"]
    assert rows[0]["email"] == "ada@acme.example" and rows[0]["company"] == "Acme Corp"


def test_show_by_name_search_and_history(filled, capsys):
    code, out, _ = run(capsys, "--db", str(filled), "contacts", "show", "ada lovelace", "--json")
    card = json.loads(out)
    assert card["company"]["name"] == "Acme Corp" and card["tags"] == ["VIP"]
    assert card["phones"] == [{"value": "+1 (555) 012-3456", "label": "work",
                               "preferred": False}]
    code, out, _ = run(capsys, "--db", str(filled), "search", "5550123", "--json")
    assert [h["name"] for h in json.loads(out)] == ["Ada Lovelace"]
    code, out, _ = run(capsys, "--db", str(filled), "history", "Ada Lovelace")
    assert "Intro call" in out and code == 0
    code, out, _ = run(capsys, "--db", str(filled), "accounts", "show", "acme corp")
    assert "Charles Babbage" in out and "Rockets" in out


def test_agenda_expands_recurrences(filled, capsys):
    code, out, _ = run(capsys, "--db", str(filled), "agenda", "--to",
                       (date.today() + timedelta(days=20)).isoformat(), "--json",
                       "--tz", "Europe/London")
    items = json.loads(out)
    assert code == 0 and len(items) == 3  # today, +7 and +14 days
    assert {i["regarding"] for i in items} == {"Weekly sync"}
    assert items[0]["with"] == ["Ada Lovelace"] and items[0]["recurring"] is True


def test_stats_backup_and_restore(filled, capsys, tmp_path):
    code, out, _ = run(capsys, "--db", str(filled), "stats", "--json")
    assert json.loads(out)["contacts"] == 2
    copy = tmp_path / "copy.db"
    assert run(capsys, "--db", str(filled), "backup", str(copy))[0] == 0
    other = tmp_path / "other.db"
    code, out, _ = run(capsys, "--db", str(other), "restore", str(copy))
    assert code == 0 and "Restored" in out
    code, out, _ = run(capsys, "--db", str(other), "stats", "--json")
    assert json.loads(out)["contacts"] == 2


@pytest.mark.parametrize("argv, message", [
    (["contacts", "show", "nobody"], "No contact matches 'nobody'"),
    (["agenda", "--from", "2026-13-01"], "is not a date"),
    (["agenda", "--tz", "Mars/Base"], "Unknown time zone"),
    (["restore", "/nonexistent/backup.db"], "does not exist"),
])
def test_user_mistakes_are_one_line_and_a_nonzero_exit(filled, capsys, argv, message):
    code, out, err = run(capsys, "--db", str(filled), *argv)
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_env_var_chooses_the_database(filled, tmp_path):
    env = dict(os.environ, ROLODECK_DB=str(filled))
    result = subprocess.run([sys.executable, "main.py", "stats"], env=env, capture_output=True,
                            text=True, cwd=os.path.dirname(main.__file__), timeout=60)
    assert result.returncode == 0 and "contacts" in result.stdout


def test_a_database_from_a_newer_rolodeck_is_refused(filled, capsys):
    import sqlite3
    with sqlite3.connect(filled) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    code, _, err = run(capsys, "--db", str(filled), "stats")
    assert code == 1 and "newer version of Rolodeck" in err


def test_a_file_that_is_not_a_rolodeck_database_is_refused_untouched(tmp_path, capsys):
    import sqlite3

    garbage = tmp_path / "notes.db"
    garbage.write_bytes(b"Shopping list: eggs, milk, a new address book. " * 40)
    before = garbage.read_bytes()
    code, out, err = run(capsys, "--db", str(garbage), "contacts", "list")
    assert code == 1 and "is not a Rolodeck database" in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert garbage.read_bytes() == before

    other = tmp_path / "someone-elses.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    code, _, err = run(capsys, "--db", str(other), "stats")
    assert code == 1 and "not a Rolodeck database" in err
