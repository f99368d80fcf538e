"""`import` and `export` as a script uses them: what they print, the exit status (0 done,
3 done in part, 1 nothing done), what they stored (read back through the other commands),
and files with hostile names: read or written as named, or refused and left byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import main

ROOT = Path(main.__file__).resolve().parent


def run(capsys, db, *argv) -> tuple[int, str, str]:
    code = main.main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys, db, *argv) -> str:
    code, out, err = run(capsys, db, *argv)
    assert code == 0 and err == "", (code, out, err)
    return out


def refused(capsys, db, *argv) -> tuple[str, str]:
    """Exit 1, one line on stderr, no traceback."""
    code, out, err = run(capsys, db, *argv)
    assert code == 1, (code, out, err)
    assert err.startswith("rolodeck: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return out, err


def stats(capsys, db) -> dict:
    return json.loads(ok(capsys, db, "stats", "--json"))


def vcard(uid: str, given: str, family: str, *lines: str) -> str:
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{given} {family}",
                        f"N:{family};{given};;;", *lines, "END:VCARD", ""])


@pytest.fixture
def db(db_path):
    return db_path


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "book.vcf"
    path.write_text(vcard("ada-1", "Ada", "Lovelace", "ORG:Analytical Engines",
                          "EMAIL:ada@engines.example", "TEL;TYPE=CELL:+44 7700 900001",
                          "CATEGORIES:VIP")
                    + vcard("grace-1", "Grace", "Hopper", "EMAIL:grace@navy.example")
                    + "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Pioneers\r\n"
                      "MEMBER:urn:uuid:ada-1\r\nMEMBER:urn:uuid:grace-1\r\nEND:VCARD\r\n",
                    encoding="utf-8", newline="")
    return path


@pytest.fixture
def broken(tmp_path) -> Path:
    path = tmp_path / "broken.vcf"
    path.write_text(vcard("ok-1", "Ada", "Lovelace", "EMAIL:ada@engines.example")
                    + "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+1 202 555 0100\r\nEND:VCARD\r\n"
                    + vcard("ok-2", "Grace", "Hopper"), encoding="utf-8", newline="")
    return path


# --- import -------------------------------------------------------------------------------------

def test_dry_run_prints_the_plan_record_by_record_and_changes_nothing(capsys, db, book):
    out = ok(capsys, db, "import", str(book), "--dry-run")
    lines = out.splitlines()
    assert lines[0] == ("Would import from book.vcf (vCard 3.0, 3 records): 2 new, 0 updated, "
                        "0 merged, 0 unchanged, 0 skipped.")
    assert lines[1].split() == ["create", "book.vcf", "line", "1", "(record", "1):", "Ada",
                                "Lovelace:", "new"]
    assert "Would make 1 account: Analytical Engines" in out
    assert "Would make group Pioneers with 2 members" in out
    assert stats(capsys, db)["contacts"] == 0


def test_import_reports_what_it_did_and_a_second_import_changes_nothing(capsys, db, book):
    out = ok(capsys, db, "import", str(book))
    assert out.splitlines()[0] == (
        "Import 2 contacts from book.vcf (change 1; `rolodeck revert 1` takes it back): 2 new, "
        "0 updated, 0 merged, 0 unchanged, 0 skipped.")
    assert "Made group Pioneers with 2 members" in out
    counts = stats(capsys, db)
    assert (counts["contacts"], counts["accounts"], counts["groups"]) == (2, 1, 1)
    ada = json.loads(ok(capsys, db, "contacts", "show", "Ada Lovelace", "--json"))
    assert ada["company"]["name"] == "Analytical Engines" and ada["tags"] == ["VIP"]
    again = ok(capsys, db, "import", str(book))
    assert again.startswith("Nothing to change from book.vcf (vCard 3.0, 3 records): 0 new, "
                            "0 updated, 0 merged, 2 unchanged, 0 skipped.")
    ok(capsys, db, "revert", "1")
    assert stats(capsys, db)["contacts"] == 0


def test_json_gives_the_counts_files_and_every_record_of_a_dry_run(capsys, db, book):
    data = json.loads(ok(capsys, db, "import", str(book), "--dry-run", "--json"))
    assert data["dry_run"] and not data["committed"] and data["change"] is None
    assert data["counts"] == {"created": 2, "updated": 0, "merged": 0, "unchanged": 0,
                              "skipped": 0, "refused": 0}
    assert [(r["action"], r["line"], r["name"]) for r in data["records"]] == [
        ("create", 1, "Ada Lovelace"), ("create", 11, "Grace Hopper")]
    assert data["files"][0]["format"] == "vcard" and data["accounts"] == ["Analytical Engines"]
    done = json.loads(ok(capsys, db, "import", str(book), "--json"))
    assert done["committed"] and done["change"] == 1 and "records" not in done


def test_refused_records_fail_the_import_unless_commit_good_then_exit_3(capsys, db, broken):
    out, err = refused(capsys, db, "import", str(broken))
    assert "refuse    broken.vcf line 8 (record 2): A contact needs a name" in out
    assert "1 record or file could not be read (listed above); nothing was imported" in err
    assert "--commit-good to import the 2 other records alone" in err
    assert stats(capsys, db)["contacts"] == 0
    code, out, err = run(capsys, db, "import", str(broken), "--dry-run")
    assert code == 3 and err == ""
    code, out, err = run(capsys, db, "import", str(broken), "--commit-good")
    assert code == 3 and err == "" and "2 new" in out and "Not imported:" in out
    assert stats(capsys, db)["contacts"] == 2


def test_files_that_cannot_be_imported_are_one_line_each(capsys, db, tmp_path, book):
    _, err = refused(capsys, db, "import", str(tmp_path / "missing.vcf"))
    assert "missing.vcf: there is no such file" in err and "nothing was imported" in err
    ldif = tmp_path / "book.ldif"
    ldif.write_bytes(b"\x00\x01binary\xff\xfe garbage\n" * 40)
    _, err = refused(capsys, db, "import", str(ldif))
    assert "book.ldif" in err and "nothing was imported" in err
    _, err = refused(capsys, db, "import", str(book), "--format", "ics")
    assert "book.vcf: This is a vCard file of contacts, not a calendar" in err
    usage = run(capsys, db, "import", str(book), "--on-duplicate", "replace")
    assert usage[0] == 1 and "invalid choice" in usage[2]
    _, err = refused(capsys, db, "import", str(book), "--region", "G1")
    assert "not a country code" in err
    assert stats(capsys, db)["contacts"] == 0


def test_on_duplicate_and_region_reach_the_matching(capsys, db, tmp_path):
    first = tmp_path / "first.vcf"
    first.write_text(vcard("u1", "Ada", "Lovelace", "TEL:+44 20 7946 0000"), encoding="utf-8")
    second = tmp_path / "second.vcf"
    second.write_text(vcard("u2", "Ada", "Lovelace", "TEL:020 7946 0000", "TITLE:Countess"),
                      encoding="utf-8")
    ok(capsys, db, "import", str(first))
    out = ok(capsys, db, "import", str(second), "--region", "GB", "--on-duplicate", "skip")
    assert "1 skipped" in out and "the same phone number as Ada Lovelace" in out
    out = ok(capsys, db, "import", str(second), "--region", "gb")
    assert "1 merged" in out and stats(capsys, db)["contacts"] == 1
    out = ok(capsys, db, "import", str(second), "--on-duplicate", "create")
    assert "1 new" in out and stats(capsys, db)["contacts"] == 2


# --- export -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["vcard3", "vcard4", "csv-google", "csv-outlook", "csv"])
def test_export_then_import_into_an_empty_database_gives_the_same_people(
        capsys, db, book, tmp_path, template_db, fmt):
    ok(capsys, db, "import", str(book))
    out_file = tmp_path / f"export-{fmt}.{'csv' if fmt.startswith('csv') else 'vcf'}"
    out = ok(capsys, db, "export", "--format", fmt, str(out_file))
    assert out.startswith("Exported 2 contacts to ") and out_file.exists()
    if fmt in ("csv-google", "csv-outlook"):
        assert out_file.read_bytes().startswith(b"\xef\xbb\xbf")  # how Excel knows UTF-8
    other = tmp_path / "other.db"
    other.write_bytes(template_db.read_bytes())
    ok(capsys, other, "import", str(out_file))
    names = sorted(c["name"] for c in json.loads(ok(capsys, other, "contacts", "list",
                                                    "--json")))
    assert names == ["Ada Lovelace", "Grace Hopper"]
    # The same people: importing the export where it came from changes nothing.
    assert "2 unchanged" in ok(capsys, db, "import", str(out_file))


def test_export_a_group_and_refuse_what_cannot_be_exported(capsys, db, book, tmp_path):
    ok(capsys, db, "import", str(book))
    ok(capsys, db, "contacts", "add", "Alan Turing")
    path = tmp_path / "pioneers.vcf"
    assert ok(capsys, db, "export", "--format", "vcard4", "--group", "pioneers",
              str(path)).startswith("Exported 2 contacts of Pioneers to ")
    assert path.read_text(encoding="utf-8").count("BEGIN:VCARD") == 2
    ok(capsys, db, "groups", "add", "Empty")
    _, err = refused(capsys, db, "export", "--format", "vcard4", "--group", "Empty",
                     str(tmp_path / "empty.vcf"))
    assert "has no contacts; nothing was written" in err
    _, err = refused(capsys, db, "export", "--format", "vcard4", "--group", "Nobody",
                     str(tmp_path / "nobody.vcf"))
    assert "No group called 'Nobody'" in err
    _, err = refused(capsys, db, "export", "--format", "vcard4", str(tmp_path / "no" / "x.vcf"))
    assert "There is no folder" in err
    assert not (tmp_path / "empty.vcf").exists() and not (tmp_path / "nobody.vcf").exists()


def test_an_existing_file_is_replaced_only_with_force_and_else_left_byte_for_byte(
        capsys, db, book, tmp_path):
    ok(capsys, db, "import", str(book))
    path = tmp_path / "keep.vcf"
    path.write_bytes(b"\x00\xffmine\r\n")
    _, err = refused(capsys, db, "export", "--format", "vcard3", str(path))
    assert "already exists" in err and "--force" in err
    assert path.read_bytes() == b"\x00\xffmine\r\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    ok(capsys, db, "export", "--format", "vcard3", "--force", str(path))
    assert path.read_bytes().startswith(b"BEGIN:VCARD")


def test_hostile_file_names_are_written_and_read_as_named(capsys, db, book, tmp_path):
    ok(capsys, db, "import", str(book))
    path = tmp_path / "a#b?c%d\nnew line.vcf"
    out = ok(capsys, db, "export", "--format", "vcard4", str(path))
    assert out.count("\n") == 1 and "\\n" in out  # one line, the newline shown as \n
    # Inside the chosen folder, and nothing else left behind.
    assert path.exists() and {p.name for p in tmp_path.iterdir()} - {"rolodeck.db"} == {
        book.name, path.name}
    other = ok(capsys, db, "import", str(path), "--dry-run")
    assert other.splitlines()[0].startswith("Would import from a#b?c%d\\nnew line.vcf ")


def test_a_file_name_that_is_not_utf8_is_refused_in_one_line_and_the_file_left_alone(
        db, tmp_path):
    raw = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.vcf"))
    raw.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n")
    before = raw.read_bytes()
    name = os.fsencode(raw)
    for argv in ([b"import", name], [b"export", b"--format", b"vcard3", name]):
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db),
                                 *argv], capture_output=True, cwd=ROOT)
        assert result.returncode == 1 and result.stdout == b""
        assert b"not valid UTF-8 (byte 0xe9)" in result.stderr
        assert result.stderr.count(b"\n") == 1
    assert raw.read_bytes() == before


def test_export_a_file_per_contact_and_a_calendar(capsys, db, tmp_path, book):
    assert run(capsys, db, "import", str(book))[0] == 0
    folder = tmp_path / "cards"
    folder.mkdir()
    status, out, _ = run(capsys, db, "export", "--format", "vcard4", "--per-contact",
                         str(folder))
    assert status == 0 and "a file each in" in out
    files = sorted(p.name for p in folder.iterdir())
    assert files and all(name.endswith(".vcf") for name in files)
    _, err = refused(capsys, db, "export", "--format", "vcard4", "--per-contact", str(folder))
    assert "already exist" in err and "--force" in err
    _, err = refused(capsys, db, "export", "--format", "csv", "--per-contact", str(folder))
    assert "cannot be written as a file per contact" in err
    status, out, _ = run(capsys, db, "export", "--format", "ics", str(tmp_path / "c.ics"))
    assert status == 0 and "Exported 0 activities" in out
    assert (tmp_path / "c.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
