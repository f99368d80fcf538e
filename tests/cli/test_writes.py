"""The writing commands as a script uses them: what each prints, what it saved (read back
through the reading commands), exit codes, and that a mistake saves nothing."""

from __future__ import annotations

import json

import pytest

import main


def run(capsys, db, *argv) -> tuple[int, str, str]:
    code = main.main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys, db, *argv) -> str:
    code, out, err = run(capsys, db, *argv)
    assert code == 0 and err == "", (code, out, err)
    return out


def refused(capsys, db, *argv) -> str:
    """One line on stderr, exit 1, nothing on stdout, no traceback."""
    code, out, err = run(capsys, db, *argv)
    assert code == 1 and out == "", (code, out, err)
    assert err.startswith("rolodeck: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def card(capsys, db, ref) -> dict:
    return json.loads(ok(capsys, db, "contacts", "show", ref, "--json"))


def journal_size(capsys, db) -> int:
    return len(json.loads(ok(capsys, db, "changes", "--json", "--limit", "1000")))


@pytest.fixture
def db(db_path):
    """An empty database at head (a copy of the session's template)."""
    return db_path


@pytest.fixture
def acme(db, capsys):
    ok(capsys, db, "accounts", "add", "Acme Corp", "--industry", "Rockets")
    return db


def test_add_then_show_with_every_detail(acme, capsys):
    out = ok(capsys, acme, "contacts", "add", "Dr. Ada B. Lovelace Jr.", "--company", "acme corp",
             "--title", "CTO", "--phone", "+1 555 0100", "--phone", "mobile:+44 7700 900123",
             "--email", "ada@acme.example", "--address",
             "home:12 St James\\, Square, London, , SW1Y 4JH, UK", "--website",
             "https://ada.example", "--im", "matrix:@ada:example.org", "--tag", "VIP",
             "--tag", "vip", "--birthday", "1815-12-10", "--status", "Customer",
             "--notes", "first line\nsecond line")
    assert out == "Added Dr. Ada B. Lovelace Jr. (contact 1).\n"
    c = card(capsys, acme, "1")
    assert (c["prefix"], c["given"], c["middle"], c["family"], c["suffix"]) == \
        ("Dr.", "Ada", "B.", "Lovelace", "Jr.")
    assert c["company"] == {"id": 1, "name": "Acme Corp"} and c["title"] == "CTO"
    assert c["phones"] == [{"value": "+1 555 0100", "label": "work", "preferred": False},
                           {"value": "+44 7700 900123", "label": "mobile",
                            "preferred": False}]
    assert c["emails"][0]["value"] == "ada@acme.example"
    a = c["addresses"][0]
    assert (a["label"], a["street"], a["locality"], a["region"], a["postal_code"],
            a["country"]) == ("home", "12 St James, Square", "London", "", "SW1Y 4JH", "UK")
    assert c["websites"][0]["url"] == "https://ada.example"  # `https:` is not a label
    assert c["ims"][0]["service"] == "matrix" and c["ims"][0]["handle"] == "@ada:example.org"
    assert c["tags"] == ["VIP"]  # the same tag twice is one tag
    assert c["birthday"] == "1815-12-10" and c["status"] == "customer"
    assert c["notes"] == "first line\nsecond line"
    shown = ok(capsys, acme, "contacts", "show", "ada lovelace")
    assert "Acme Corp" in shown and "+44 7700 900123 (mobile)" in shown


def test_add_json_is_the_show_shape(acme, capsys):
    added = json.loads(ok(capsys, acme, "contacts", "add", "Ada Lovelace", "--json"))
    assert added == card(capsys, acme, str(added["id"]))
    assert list(added)[:4] == ["id", "uid", "name", "prefix"] and added["name"] == "Ada Lovelace"


@pytest.mark.parametrize("full, parts", [
    ("Ludwig van Beethoven", ("", "Ludwig", "", "van Beethoven", "")),
    ("Lovelace, Ada B.", ("", "Ada", "B.", "Lovelace", "")),
    ("Ada Lovelace, Jr.", ("", "Ada", "", "Lovelace", "Jr.")),
    ("Cher", ("", "Cher", "", "", "")),
])
def test_a_full_name_is_split_sensibly(db, capsys, full, parts):
    cid = json.loads(ok(capsys, db, "contacts", "add", full, "--json"))["id"]
    c = card(capsys, db, str(cid))
    assert (c["prefix"], c["given"], c["middle"], c["family"], c["suffix"]) == parts


def test_company_must_exist_unless_asked_to_create_it(db, capsys):
    err = refused(capsys, db, "contacts", "add", "Charles Babbage", "--company", "Difference")
    assert "No account matches 'Difference'" in err and "--create-company" in err
    assert json.loads(ok(capsys, db, "contacts", "list", "--json")) == []
    out = ok(capsys, db, "contacts", "add", "Charles Babbage", "--company", "Difference",
             "--create-company")
    assert "at Difference (new account 1" in out
    assert card(capsys, db, "Charles Babbage")["company"]["name"] == "Difference"
    # One change: one undo takes both back, one redo brings both again.
    assert ok(capsys, db, "undo") == "Undid: Add Charles Babbage at Difference.\n"
    assert json.loads(ok(capsys, db, "accounts", "list", "--json")) == []
    ok(capsys, db, "redo")
    assert card(capsys, db, "Charles Babbage")["company"]["name"] == "Difference"


def test_edit_sets_clears_adds_and_removes(acme, capsys):
    ok(capsys, acme, "contacts", "add", "Ada Lovelace", "--title", "CTO", "--department",
       "R&D", "--phone", "+1 555 0100", "--phone", "home:020 7946 0000", "--email",
       "ada@acme.example", "--address", "1 Main St, Springfield", "--address",
       "2 Side St, Shelbyville", "--tag", "VIP")
    out = ok(capsys, acme, "contacts", "edit", "ada", "--title", "Chief Engineer", "--clear",
             "department", "--remove-phone", "555-0100", "--add-phone", "mobile:07700 900123",
             "--remove-email", "ADA@acme.example", "--add-email", "home:ada@home.example",
             "--remove-address", "1", "--add-address", "work:3 Top Rd, Capital City",
             "--remove-tag", "vip", "--add-tag", "Math")
    assert out.startswith("Edited Ada Lovelace (contact 1): ") and "title" in out
    c = card(capsys, acme, "1")
    assert c["title"] == "Chief Engineer" and c["department"] == ""
    assert [p["value"] for p in c["phones"]] == ["020 7946 0000", "07700 900123"]
    assert [(e["label"], e["value"]) for e in c["emails"]] == [("home", "ada@home.example")]
    assert [a["street"] for a in c["addresses"]] == ["2 Side St", "3 Top Rd"]
    assert c["tags"] == ["Math"]
    ok(capsys, acme, "contacts", "edit", "1", "--clear", "phones", "--clear", "tags",
       "--company", "Acme Corp", "--birthday", "04-15")
    c = card(capsys, acme, "1")
    assert c["phones"] == [] and c["tags"] == [] and c["company"]["name"] == "Acme Corp"
    assert c["birthday"] == "--04-15"


def test_edit_mistakes_save_nothing(db, capsys):
    ok(capsys, db, "contacts", "add", "Ada Lovelace", "--phone", "+1 555 0100")
    before, changes = card(capsys, db, "1"), journal_size(capsys, db)
    err = refused(capsys, db, "contacts", "edit", "ada", "--title", "New", "--remove-phone",
                  "999 9999")
    assert "has no phone '999 9999'" in err and "+1 555 0100" in err
    err = refused(capsys, db, "contacts", "edit", "ada", "--title", "X", "--clear", "title")
    assert "--clear title and a new value" in err
    err = refused(capsys, db, "contacts", "edit", "ada", "--remove-address", "3")
    assert "has 0 addresses" in err
    refused(capsys, db, "contacts", "edit", "ada", "--title", "New", "--add-email", "nope")
    assert "Say what to change" in refused(capsys, db, "contacts", "edit", "ada")
    assert card(capsys, db, "1") == before and journal_size(capsys, db) == changes
    out = ok(capsys, db, "contacts", "edit", "ada", "--add-phone", "+1 555 0100")
    assert out.startswith("No change: Ada Lovelace")  # already there: nothing saved
    assert journal_size(capsys, db) == changes


@pytest.mark.parametrize("argv, needle", [
    (["--email", "ada@"], "--email 'ada@' is not an e-mail address"),
    (["--email", "home:"], "--email 'home:' has no address after the label 'home:'"),
    (["--phone", "mobile:  "], "has no number after the label 'mobile:'"),
    (["--phone", "call me"], "is not a phone number"),
    (["--birthday", "2001-02-30"], "day 30 does not exist in month 2"),
    (["--birthday", "yesterday-ish"], "--birthday 'yesterday-ish' is not a date"),
    (["--status", "vip"], "Unknown status 'vip'; use one of lead, prospect"),
    (["--address", "a, b, c, d, e, f"], "an address has at most 5"),
    (["--im", "just-a-handle"], "needs SERVICE:HANDLE"),
    (["--tag", "  "], "--tag needs a tag name"),
])
def test_bad_values_are_one_clear_line(db, capsys, argv, needle):
    err = refused(capsys, db, "contacts", "add", "Ada Lovelace", *argv)
    assert needle in err, err
    assert json.loads(ok(capsys, db, "contacts", "list", "--json")) == []


def test_hostile_values(db, capsys):
    err = refused(capsys, db, "contacts", "add", "Ada\nLovelace")
    assert "contains a line break" in err and "\\n" in err
    assert "a NUL character" in refused(capsys, db, "contacts", "add", "Ada\x00Lovelace")
    assert "a NUL character" in refused(capsys, db, "contacts", "add", "Ada", "--notes",
                                        "one\x00two")
    assert "not valid UTF-8 (byte 0xff)" in refused(capsys, db, "contacts", "add",
                                                    "Ada \udcff")
    assert "not valid UTF-8" in refused(capsys, db, "contacts", "add", "Ada", "--title",
                                        "\udce9t\udce9")
    err = refused(capsys, db, "contacts", "add", "Ada", "--phone", "1" * 10_000)
    assert "10,000 characters" in err and len(err) < 300
    # What is text is stored exactly as typed, however long, and comes back the same.
    long_name, notes = "Ada " + "x" * 10_000, "tab\there\r\nand lines\n" + "é" * 10_000
    out = ok(capsys, db, "contacts", "add", long_name, "--notes", notes, "--title", "名誉教授")
    assert out.count("\n") == 1 and len(out) < 200  # one short line, not 10,000 characters
    c = card(capsys, db, "1")
    assert c["name"] == long_name and c["notes"] == notes and c["title"] == "名誉教授"
    assert json.loads(ok(capsys, db, "contacts", "list", "--json"))[0]["id"] == 1


def test_delete_restore_purge(db, capsys):
    ok(capsys, db, "contacts", "add", "Ada Lovelace")
    ok(capsys, db, "contacts", "add", "Charles Babbage")
    err = refused(capsys, db, "contacts", "purge", "Ada Lovelace")
    assert "Ada Lovelace (contact 1) is not in the trash" in err and "Nothing was deleted" in err
    assert len(json.loads(ok(capsys, db, "contacts", "list", "--json"))) == 2
    out = ok(capsys, db, "contacts", "delete", "ada lovelace", "Charles Babbage")
    assert out.startswith("Moved 2 contacts to the trash: Ada Lovelace, Charles Babbage")
    assert json.loads(ok(capsys, db, "contacts", "list", "--json")) == []
    # A mix of trashed and live is refused whole: Charles stays in the trash.
    ok(capsys, db, "contacts", "restore", "Ada Lovelace")
    refused(capsys, db, "contacts", "purge", "Charles Babbage", "1")
    trash = json.loads(ok(capsys, db, "contacts", "list", "--trash", "--json"))
    assert [t["name"] for t in trash] == ["Charles Babbage"]
    out = ok(capsys, db, "contacts", "purge", "charles")
    assert out == ("Deleted Charles Babbage (contact 2) for good (`undo` still brings it "
                   "back).\n")
    assert json.loads(ok(capsys, db, "contacts", "list", "--trash", "--json")) == []
    assert "No contact" in refused(capsys, db, "contacts", "show", "2")
    # Undo puts it back where it was: in the trash.
    assert ok(capsys, db, "undo") == "Undid: Delete Charles Babbage for good.\n"
    trash = json.loads(ok(capsys, db, "contacts", "list", "--trash", "--json"))
    assert [t["name"] for t in trash] == ["Charles Babbage"]
    err = refused(capsys, db, "contacts", "edit", "2", "--title", "x")
    assert "Charles Babbage (contact 2) is in the trash; `contacts restore 2`" in err


def test_accounts_add_edit_delete_restore_purge(db, capsys):
    ok(capsys, db, "accounts", "add", "Holding Co")
    out = ok(capsys, db, "accounts", "add", "Acme Corp", "--industry", "Rockets", "--website",
             "https://acme.example", "--phone", "+1 555 0199", "--address",
             "1 Rocket Rd, Hawthorne, CA, 90250, USA", "--parent", "holding co", "--tag", "Big")
    assert out == "Added Acme Corp (account 2).\n"
    a = json.loads(ok(capsys, db, "accounts", "show", "acme corp", "--json"))
    assert (a["industry"], a["website"], a["phone"]) == ("Rockets", "https://acme.example",
                                                         "+1 555 0199")
    assert a["address"]["locality"] == "Hawthorne" and a["parent"]["name"] == "Holding Co"
    edited = json.loads(ok(capsys, db, "accounts", "edit", "Acme Corp", "--name", "Acme Inc",
                           "--clear", "website", "--clear", "parent", "--add-tag", "Space",
                           "--json"))
    assert edited["name"] == "Acme Inc" and edited["website"] == "" and edited["parent"] is None
    assert edited["tags"] == ["Big", "Space"]
    assert "cannot be its own parent" in refused(capsys, db, "accounts", "edit", "2",
                                                 "--parent", "Acme Inc")
    assert "is not in the trash" in refused(capsys, db, "accounts", "purge", "Acme Inc")
    ok(capsys, db, "accounts", "delete", "acme inc")
    assert [x["name"] for x in json.loads(ok(capsys, db, "accounts", "list", "--trash",
                                             "--json"))] == ["Acme Inc"]
    assert ok(capsys, db, "accounts", "restore", "Acme Inc") == \
        "Restored Acme Inc (account 2).\n"
    ok(capsys, db, "accounts", "delete", "2")
    ok(capsys, db, "accounts", "purge", "Acme")
    assert [x["name"] for x in json.loads(ok(capsys, db, "accounts", "list", "--json"))] == \
        ["Holding Co"]


def test_link_and_unlink(acme, capsys):
    ok(capsys, acme, "contacts", "add", "Ada Lovelace")
    out = ok(capsys, acme, "link", "Ada Lovelace", "Acme Corp")
    assert out == "Linked Ada Lovelace (contact 1) to Acme Corp (account 1).\n"
    people = json.loads(ok(capsys, acme, "accounts", "show", "acme corp", "--json"))["contacts"]
    assert [p["name"] for p in people] == ["Ada Lovelace"]
    assert json.loads(ok(capsys, acme, "unlink", "ada", "--json"))["company"] is None
    assert ok(capsys, acme, "unlink", "ada") == "Ada Lovelace has no company; nothing changed.\n"
    assert "No account matches" in refused(capsys, acme, "link", "ada", "Nobody Ltd")


def test_log_a_call_and_see_it_in_history(acme, capsys):
    ok(capsys, acme, "contacts", "add", "Ada Lovelace")
    out = ok(capsys, acme, "log", "call", "Ada Lovelace", "--regarding", "Intro call",
             "--details", "Talked engines\nand looms", "--outcome", "left message",
             "--duration", "15", "--when", "2026-01-05 15:00", "--tz", "Europe/Berlin",
             "--account", "Acme Corp")
    assert out == ("Logged call with Ada Lovelace and Acme Corp on 2026-01-05 15:00: "
                   "Intro call (history 1).\n")
    items = json.loads(ok(capsys, acme, "history", "ada", "--json", "--tz", "UTC"))
    assert len(items) == 1
    h = items[0]
    assert (h["kind"], h["outcome"], h["regarding"], h["duration_minutes"], h["account"]) == \
        ("call", "left_message", "Intro call", 15, "Acme Corp")
    assert h["when"] == "2026-01-05T14:00:00+00:00"  # 15:00 in Berlin
    assert h["details"] == "Talked engines\nand looms"
    assert "Intro call" in ok(capsys, acme, "history", "Ada Lovelace")
    note = json.loads(ok(capsys, acme, "log", "note", "ada", "--details", "Met at a fair",
                         "--json"))
    assert note["kind"] == "note" and note["contacts"] == ["Ada Lovelace"]


@pytest.mark.parametrize("argv, needle", [
    ([], "Say what the call was about"),
    (["--regarding", "x", "--outcome", "maybe"], "Unknown outcome 'maybe'; use one of"),
    (["--regarding", "x", "--when", "2026-01-05"], "is not a date and time"),
    (["--regarding", "x", "--when", "2026-02-30 10:00"], "is not a date"),
    (["--regarding", "x", "--when", "2026-03-29 02:30", "--tz", "Europe/Berlin"],
     "does not exist in that time zone"),
    (["--regarding", "x", "--duration", "-1"], "must be at least 0"),
    (["--regarding", "line\nbreak"], "contains a line break"),
])
def test_log_mistakes(db, capsys, argv, needle):
    ok(capsys, db, "contacts", "add", "Ada Lovelace")
    assert needle in refused(capsys, db, "log", "call", "ada", *argv)
    assert json.loads(ok(capsys, db, "history", "ada", "--json")) == []


def test_groups(db, capsys):
    ok(capsys, db, "contacts", "add", "Ada Lovelace")
    ok(capsys, db, "contacts", "add", "Charles Babbage")
    assert ok(capsys, db, "groups", "add", "Clients", "--description", "paying") == \
        "Added group Clients (group 1).\n"
    assert "already exists" in refused(capsys, db, "groups", "add", "clients")
    out = ok(capsys, db, "groups", "members", "clients", "--add", "Ada Lovelace", "Charles "
             "Babbage")
    assert out.startswith("Group Clients: added 2 contacts")
    listing = ok(capsys, db, "groups", "members", "Clients")
    assert "Ada Lovelace" in listing and "Charles Babbage" in listing
    assert card(capsys, db, "ada")["groups"] == ["Clients"]
    ok(capsys, db, "groups", "members", "Clients", "--remove", "charles")
    members = json.loads(ok(capsys, db, "groups", "members", "Clients", "--json"))
    assert [m["name"] for m in members["contacts"]] == ["Ada Lovelace"]
    assert members["group"]["contacts"] == 1
    assert ok(capsys, db, "groups", "rename", "clients", "Customers") == \
        "Renamed group Clients to Customers.\n"
    groups = json.loads(ok(capsys, db, "groups", "list", "--json"))
    assert groups == [{"id": 1, "uid": groups[0]["uid"], "name": "Customers",
                       "description": "paying", "contacts": 1, "accounts": 0}]
    assert "No group called 'Clients'" in refused(capsys, db, "groups", "delete", "Clients")
    out = ok(capsys, db, "groups", "delete", "customers")
    assert out.startswith("Deleted group Customers (group 1)")
    assert json.loads(ok(capsys, db, "groups", "list", "--json")) == []
    assert card(capsys, db, "ada")["groups"] == []


def test_reading_commands_make_no_database(tmp_path, capsys):
    db = tmp_path / "new.db"
    for argv in (["changes"], ["groups", "list"], ["groups", "members", "x"]):
        assert "No Rolodeck database" in refused(capsys, db, *argv)
        assert not db.exists()
    refused(capsys, db, "groups", "members", "x", "--add", "Ada")  # writes: makes the file
    assert db.exists()
    assert ok(capsys, db, "undo") == "Nothing to undo.\n"


def test_undo_then_redo_moves_the_title_back_and_forth(db, capsys):
    assert ok(capsys, db, "undo") == "Nothing to undo.\n"
    assert ok(capsys, db, "redo") == "Nothing to redo.\n"
    ok(capsys, db, "contacts", "add", "Ada Lovelace", "--title", "CTO")
    ok(capsys, db, "contacts", "edit", "ada", "--title", "CEO")
    assert ok(capsys, db, "undo") == "Undid: Edit Ada Lovelace.\n"
    assert card(capsys, db, "ada")["title"] == "CTO"
    assert ok(capsys, db, "redo") == "Redid: Edit Ada Lovelace.\n"
    assert card(capsys, db, "ada")["title"] == "CEO"
    done = json.loads(ok(capsys, db, "undo", "--json"))
    assert done["done"] == "undo" and done["target"]["what"] == "Edit Ada Lovelace"
    assert done["change"]["origin"] == "undo" and done["change"]["reverts"] == \
        done["target"]["seq"]
    assert card(capsys, db, "ada")["title"] == "CTO"


def test_changes_lists_units_newest_first_and_a_records_history(acme, capsys):
    ok(capsys, acme, "contacts", "add", "Ada Lovelace", "--title", "CTO")
    ok(capsys, acme, "contacts", "edit", "ada", "--title", "CEO")
    ok(capsys, acme, "undo")
    units = json.loads(ok(capsys, acme, "changes", "--json"))
    assert [u["seq"] for u in units] == [4, 3, 2, 1]
    assert list(units[0]) == ["seq", "when", "who", "origin", "what", "records", "reverts",
                              "reverted_by", "whole"]
    assert units[0]["what"] == "Undo Edit Ada Lovelace" and units[0]["reverts"] == 3
    assert units[1]["what"] == "Edit Ada Lovelace" and units[1]["reverted_by"] == 4
    assert units[3]["what"] == "Add Acme Corp" and units[3]["records"] == 1
    table = ok(capsys, acme, "changes").splitlines()
    assert table[0].split() == ["CHANGE", "WHEN", "WHO", "ORIGIN", "WHAT", "RECORDS", "NOTE"]
    assert table[2].startswith("4 ") and "undoes 3" in table[2]
    assert "undone by 4" in table[3]
    assert len(json.loads(ok(capsys, acme, "changes", "--json", "--limit", "2"))) == 2

    history = json.loads(ok(capsys, acme, "changes", "Ada Lovelace", "--json"))
    assert [(h["seq"], h["field"], h["before"], h["after"]) for h in history] == [
        (4, "title", "CEO", "CTO"), (3, "title", "CTO", "CEO"), (2, None, None, None)]
    assert history[2]["op"] == "insert"
    text = ok(capsys, acme, "changes", "ada")
    assert "CTO" in text and "CEO" in text and "(created)" in text
    account = json.loads(ok(capsys, acme, "changes", "account:Acme Corp", "--json"))
    assert [h["op"] for h in account] == ["insert"]


def test_revert_of_an_older_change_overwritten_since_is_refused(db, capsys):
    ok(capsys, db, "contacts", "add", "Ada Lovelace", "--title", "CTO")   # change 1
    ok(capsys, db, "contacts", "edit", "ada", "--title", "CEO")           # change 2
    ok(capsys, db, "contacts", "edit", "ada", "--title", "Chair")         # change 3
    changes = journal_size(capsys, db)
    err = refused(capsys, db, "revert", "2")
    assert "Cannot undo 'Edit Ada Lovelace'" in err and "title was changed since" in err
    assert "change 3" in err and "Nothing was changed" in err
    assert card(capsys, db, "ada")["title"] == "Chair" and journal_size(capsys, db) == changes
    assert "no change 99" in refused(capsys, db, "revert", "99")
    out = ok(capsys, db, "revert", "3")
    assert out == "Reverted change 3 (as change 4): Edit Ada Lovelace.\n"
    assert card(capsys, db, "ada")["title"] == "CEO"
    assert "already undone" in refused(capsys, db, "revert", "3")
