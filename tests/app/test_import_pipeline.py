"""The import pipeline as a user meets it: real files in, a real SQLite file, what the plan
says record by record, what is stored, what a second import of the same file does (nothing),
what a newer export changes (only what changed), merges that keep every value, refused
records, Cancel, a crash, and "Undo this import" days later."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from app.domain import matching as m
from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact, Email, Phone
from app.domain.groups import Group
from app.services import imports_worker
from app.services.imports_plan import Action, ImportOptions
from app.services.journal import RevertRefused
from app.services.progress import Cancelled, CancelToken
from app.services.registry import Services
from tests.importers.corpus import rows
from tests.reliability.storage import assert_consistent, count, dump, saved_fields

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def card(uid: str | None, given: str, family: str, *lines: str, version: str = "3.0") -> str:
    head = ["BEGIN:VCARD", f"VERSION:{version}"]
    if uid:
        head.append(f"UID:{uid}")
    head += [f"FN:{given} {family}".strip(), f"N:{family};{given};;;", *lines, "END:VCARD"]
    return "\r\n".join(head) + "\r\n"


def write(path: Path, *cards: str) -> Path:
    path.write_bytes("".join(cards).encode("utf-8"))
    return path


@pytest.fixture
def book(tmp_path) -> Path:
    """An address book as Apple or Google exports it: two people at one company (spelled
    two ways), one with tags, a group card, and a note."""
    return write(
        tmp_path / "book.vcf",
        card("ada-1", "Ada", "Lovelace", "ORG:Analytical Engines Ltd;Research",
             "TITLE:Countess", "EMAIL;TYPE=WORK:ada@engines.example",
             "TEL;TYPE=CELL:+44 7700 900001", "ADR;TYPE=HOME:;;12 St James Square;London;;"
             "SW1Y 4JH;United Kingdom", "CATEGORIES:VIP,Mathematics", "NOTE:Met at the Royal "
             "Society\\nPrefers letters"),
        card("charles-1", "Charles", "Babbage", "ORG:ANALYTICAL ENGINES LTD",
             "EMAIL:charles@engines.example", "CATEGORIES:vip"),
        card("grace-1", "Grace", "Hopper", "EMAIL:grace@navy.example"),
        "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nUID:group-pioneers\r\nFN:Pioneers\r\n"
        "MEMBER:urn:uuid:ada-1\r\nMEMBER:urn:uuid:grace-1\r\nEND:VCARD\r\n")


def contacts_by_uid(s: Services) -> dict[str, Contact]:
    return {c.uid: c for c in (s.contacts.get(i) for i in s.directory.contact_ids())}


# --- the first import ---------------------------------------------------------------------------

def test_a_plan_says_per_record_what_will_happen_and_writes_nothing(s, book):
    plan = s.imports.plan([book])
    assert [(ln.action, ln.line, ln.record, ln.name) for ln in plan.lines] == [
        (Action.CREATE, 1, 1, "Ada Lovelace"), (Action.CREATE, 14, 2, "Charles Babbage"),
        (Action.CREATE, 23, 3, "Grace Hopper")]
    assert (plan.counts.created, plan.writes, plan.refused) == (3, 3, 0)
    assert plan.new_accounts == ["Analytical Engines Ltd"]  # one company, spelled two ways
    assert [(g.name, g.existing_id, len(g.members)) for g in plan.groups] == [
        ("Pioneers", None, 2)]
    assert plan.label() == "Import 3 contacts from book.vcf"
    assert plan.files[0].detail == "vCard 3.0" and plan.files[0].records == 4
    assert s.maintenance.stats()["contacts"] == 0 and s.journal.last_seq() == 0


def test_commit_stores_every_value_in_one_unit(s, book):
    report = s.imports.commit(s.imports.plan([book]))
    assert report.committed and report.created == 3
    unit = s.journal.unit(report.seq)
    assert unit.label == "Import 3 contacts from book.vcf" and unit.origin == "import"
    assert s.journal.last_seq() == report.seq  # one unit for the whole import
    people = contacts_by_uid(s)
    ada, charles = people["ada-1"], people["charles-1"]
    assert (ada.title, ada.department, ada.account_name) == (
        "Countess", "Research", "Analytical Engines Ltd")
    assert ada.account_id == charles.account_id  # one account made, both linked to it
    assert [p.value for p in ada.phones] == ["+44 7700 900001"]
    assert ada.addresses[0].street == "12 St James Square"
    assert ada.notes == "Met at the Royal Society\nPrefers letters"
    assert sorted(ada.tags) == ["Mathematics", "VIP"] and charles.tags == ["VIP"]
    (group,) = s.organize.groups()
    assert (group.name, group.uid, group.contact_count) == ("Pioneers", "group-pioneers", 2)
    assert report.changes.inserted[Entity.CONTACT] == frozenset(c.id for c in people.values())
    assert Entity.ACCOUNT in report.changes.inserted and Entity.GROUP in report.changes.inserted
    assert [h.id for h in s.directory.search("Lovelace")][:1] == [ada.id]  # indexed
    assert_consistent(s.path)


def test_importing_the_same_file_again_creates_nothing_and_changes_nothing(s, book):
    s.imports.run([book])
    before, seq = dump(s.path), s.journal.last_seq()
    again = s.imports.run([book])
    assert (again.created, again.updated, again.merged, again.unchanged) == (0, 0, 0, 3)
    assert again.committed and again.seq is None
    assert s.journal.last_seq() == seq and dump(s.path) == before


def test_a_newer_export_updates_only_the_records_that_changed(s, book, tmp_path):
    s.imports.run([book])
    ids = {c.uid: c.id for c in contacts_by_uid(s).values()}
    newer = s.exchange.vcards(s.directory.contact_ids(), "3.0")
    newer = newer.replace("TITLE:Countess", "TITLE:Countess of Lovelace").replace(
        "EMAIL;TYPE=INTERNET:grace@navy.example",
        "EMAIL;TYPE=INTERNET:grace@navy.example\r\nTEL;TYPE=WORK:+1 202 555 0100")
    assert newer.count("Countess of Lovelace") == 1 and newer.count("555 0100") == 1
    path = tmp_path / "export-2.vcf"
    path.write_text(newer, encoding="utf-8", newline="")
    plan = s.imports.plan([path])
    assert {ln.uid: (ln.action, ln.changes) for ln in plan.lines} == {
        "ada-1": (Action.UPDATE, ("title",)), "charles-1": (Action.UNCHANGED, ()),
        "grace-1": (Action.UPDATE, ("phones",))}
    report = s.imports.commit(plan)
    assert (report.updated, report.unchanged, report.created) == (2, 1, 0)
    assert report.changes.updated[Entity.CONTACT] == {ids["ada-1"], ids["grace-1"]}
    people = contacts_by_uid(s)
    assert people["ada-1"].title == "Countess of Lovelace"
    assert [p.value for p in people["grace-1"].phones] == ["+1 202 555 0100"]
    assert s.imports.run([path]).unchanged == 3


# --- matching -----------------------------------------------------------------------------------

def stored(s: Services, **kw) -> int:
    return s.contacts.create(Contact(**kw)).new_id(Entity.CONTACT)


def test_a_merge_keeps_every_value_and_the_stored_spelling(s, tmp_path):
    cid = stored(s, given="Ada", family="Lovelace", title="Countess",
                 emails=[Email("Ada@Engines.example")], phones=[Phone("+44 20 7946 0001")])
    path = write(tmp_path / "phone.vcf", card(
        "other-uid", "Ada", "Lovelace", "TITLE:Analyst", "EMAIL:ada@engines.example",
        "EMAIL:ada@home.example", "TEL:+44 20 7946 0001", "TEL;TYPE=CELL:+44 7700 900123",
        "NOTE:From her phone", "ADR:;;1 Dorset St;London;;W1U 4EG;UK"))
    plan = s.imports.plan([path])
    (line,) = plan.lines
    assert (line.action, line.target_id) == (Action.MERGE, cid)
    assert "the same e-mail address as Ada Lovelace" in line.reason
    s.imports.commit(plan)
    ada = s.contacts.get(cid)
    assert ada.title == "Countess"  # the stored value stays where there is one
    assert [e.value for e in ada.emails] == ["Ada@Engines.example", "ada@home.example"]
    assert [p.value for p in ada.phones] == ["+44 20 7946 0001", "+44 7700 900123"]
    assert ada.notes == "From her phone" and ada.addresses[0].street == "1 Dorset St"
    assert s.maintenance.stats()["contacts"] == 1


def test_phone_numbers_match_in_e164_with_the_default_region(s, tmp_path):
    cid = stored(s, given="Grace", family="Hopper", phones=[Phone("+44 20 7946 0000")])
    path = write(tmp_path / "uk.vcf", card(None, "Grace", "Hopper", "TEL:020 7946 0000",
                                           "EMAIL:grace@navy.example"))
    plan = s.imports.plan([path], ImportOptions(region="GB"))
    assert (plan.lines[0].action, plan.lines[0].target_id) == (Action.MERGE, cid)
    assert "the same phone number" in plan.lines[0].reason
    s.imports.commit(plan)
    assert [p.value for p in s.contacts.get(cid).phones] == ["+44 20 7946 0000"]  # one phone
    assert m.phone_key("020 7946 0000", "GB") == m.phone_key("+44 (20) 7946-0000") \
        == "+442079460000"


def test_a_shared_number_or_address_is_not_the_same_person_when_the_names_differ(s, tmp_path):
    stored(s, given="Alice", family="Archer", phones=[Phone("+1 202 555 0199")],
           emails=[Email("office@acme.example")])
    path = write(tmp_path / "office.vcf",
                 card(None, "Bob", "Baker", "TEL:+1 202 555 0199", "EMAIL:office@acme.example"),
                 card(None, "Robert", "Baker", "EMAIL:office@acme.example"))
    plan = s.imports.plan([path])
    assert [ln.action for ln in plan.lines] == [Action.CREATE, Action.UNCHANGED]
    assert "record 1 of office.vcf" in plan.lines[1].reason  # Bob and Robert agree
    assert m.names_disagree("alice archer", "bob baker")
    assert not m.names_disagree("bob smith", "robert smith")
    assert not m.names_disagree("ada", "ada lovelace")


def test_name_and_company_match_fuzzily_and_a_name_alone_never_does(s, tmp_path):
    firm = s.accounts.create(Account("Analytical Engines Ltd")).new_id(Entity.ACCOUNT)
    cid = stored(s, given="Ada", family="Lovelace", account_id=firm)
    stored(s, given="Grace", family="Hopper")
    path = write(tmp_path / "fuzzy.vcf",
                 card(None, "Ada", "Lovelace", "ORG:ANALYTICAL ENGINES, Inc.",
                      "TEL:+44 7700 900555"),
                 card(None, "Ada", "Lovelace", "ORG:Jacquard Looms"),
                 card(None, "Grace", "Hopper", "NOTE:no company, so no match by name"))
    plan = s.imports.plan([path])
    assert [(ln.action, ln.target_id) for ln in plan.lines] == [
        (Action.MERGE, cid), (Action.CREATE, None), (Action.CREATE, None)]
    assert "the same name and company" in plan.lines[0].reason
    assert plan.new_accounts == ["Jacquard Looms"]
    assert m.match_score("ada lovelace", "analytical engines", "lovelace ada",
                         "analytical engines ltd") >= m.FUZZY_THRESHOLD


def test_one_person_twice_in_a_file_is_one_contact(s, tmp_path):
    path = write(tmp_path / "twice.vcf",
                 card("a", "Ada", "Lovelace", "EMAIL:ada@engines.example", "TEL:+1 202 555 0101"),
                 card("b", "Ada", "Lovelace", "EMAIL:ADA@engines.example", "TITLE:Countess"),
                 card("a", "Ada", "Lovelace", "EMAIL:ada@engines.example", "TEL:+1 202 555 0101"))
    report = s.imports.run([path])
    assert (report.created, report.merged, report.unchanged) == (1, 1, 1)
    (ada,) = contacts_by_uid(s).values()
    assert ada.title == "Countess" and ada.uid == "a"
    assert s.journal.unit(report.seq).label == "Import 1 contact from twice.vcf"
    assert s.imports.run([path]).unchanged == 3


def test_on_duplicate_skip_leaves_stored_contacts_alone_and_create_makes_another(s, tmp_path):
    cid = stored(s, given="Ada", family="Lovelace", emails=[Email("ada@engines.example")])
    path = write(tmp_path / "dup.vcf", card(None, "Ada", "Lovelace", "EMAIL:ada@engines.example",
                                            "TITLE:Countess"))
    skipped = s.imports.run([path], ImportOptions(on_duplicate="skip"))
    assert skipped.skipped == 1 and skipped.seq is None
    (line,) = skipped.not_imported
    assert line.action == Action.SKIP and "would change title" in line.reason
    assert s.contacts.get(cid).title == ""
    made = s.imports.run([path], ImportOptions(on_duplicate="create"))
    assert made.created == 1 and s.maintenance.stats()["contacts"] == 2


def test_a_card_whose_contact_is_in_the_trash_is_skipped_saying_so(s, book):
    s.imports.run([book])
    ada = contacts_by_uid(s)["ada-1"]
    s.contacts.delete([ada.id])
    report = s.imports.run([book])
    (line,) = report.not_imported
    assert line.action == Action.SKIP and "in the trash" in line.reason
    assert s.maintenance.stats()["contacts"] == 2


# --- refused records, Cancel, a crash -----------------------------------------------------------

@pytest.fixture
def broken(tmp_path) -> Path:
    return write(tmp_path / "broken.vcf",
                 card("ok-1", "Ada", "Lovelace", "EMAIL:ada@engines.example"),
                 "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+1 202 555 0100\r\nEND:VCARD\r\n",
                 "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\n",
                 card("ok-2", "Grace", "Hopper", "EMAIL:grace@navy.example"))


def test_refused_records_hold_back_the_whole_import_unless_the_good_ones_are_wanted(s, broken):
    held = s.imports.run([broken])
    assert not held.committed and held.seq is None
    assert s.maintenance.stats()["contacts"] == 0 and s.journal.last_seq() == 0
    refused = [(ln.file, ln.line, ln.record) for ln in held.not_imported]
    assert refused == [("broken.vcf", 8, 2), ("broken.vcf", 12, 3)]
    reasons = [ln.reason for ln in held.not_imported]
    assert "needs a name or an e-mail" in reasons[0] and "END:VCARD" in reasons[1]
    assert (held.created, held.refused) == (2, 2)  # what would have been done
    good = s.imports.run([broken], commit_good=True)
    assert good.committed and good.partial and good.created == 2
    assert set(contacts_by_uid(s)) == {"ok-1", "ok-2"}
    plan = s.imports.plan([broken])
    assert not s.imports.commit(plan).committed  # a plan is held back the same way


def test_cancel_half_way_leaves_nothing(s, tmp_path):
    path = write(tmp_path / "many.vcf", *(card(f"u{i}", "Person", f"Number{i}",
                                               f"EMAIL:p{i}@example.org") for i in range(5000)))
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done * 2 >= total:
            token.cancel()

    with pytest.raises(Cancelled):
        s.imports.run([path], cancel=token, progress=progress)
    assert s.maintenance.stats()["contacts"] == 0 and s.journal.last_seq() == 0
    assert s.imports.run([path]).created == 5000


_KILLED = """
import sys
from pathlib import Path
from app.services.registry import Services
s = Services.open(sys.argv[1])
def progress(done, total):
    print(done, total, flush=True)
s.imports.run([Path(sys.argv[2])], progress=progress)
print("finished", flush=True)
"""


def test_kill_9_during_an_import_leaves_nothing_and_the_next_run_finishes_it(s, tmp_path):
    path = write(tmp_path / "big.vcf", *(card(f"k{i}", "Person", f"Number{i}",
                                              f"EMAIL:k{i}@example.org") for i in range(6000)))
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, str(s.path), str(path)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    for line in proc.stdout:  # the first batch is written (inside the unit) by now
        done, total = map(int, line.split())
        if done > total // 3:
            break
    proc.kill()
    proc.wait(timeout=30)
    assert count(s.path, "contacts") == 0 and count(s.path, "journal_units") == 0
    assert_consistent(s.path)
    assert s.imports.run([path]).created == 6000
    assert s.imports.run([path]).unchanged == 6000


# --- undo this import ---------------------------------------------------------------------------

def test_undo_this_import_days_later_removes_what_it_added_and_restores_what_it_changed(
        s, tmp_path):
    firm = s.accounts.create(Account("Analytical Engines Ltd")).new_id(Entity.ACCOUNT)
    updated = stored(s, given="Ada", family="Lovelace", uid="ada-1", account_id=firm,
                     title="Analyst", tags=["Old"])
    merged = stored(s, given="Grace", family="Hopper", emails=[Email("grace@navy.example")])
    other = stored(s, given="Alan", family="Turing")
    s.organize.create_group(Group("Pioneers"))
    before = {cid: saved_fields(s.contacts.get(cid)) for cid in (updated, merged, other)}
    path = write(tmp_path / "import.vcf",
                 card("ada-1", "Ada", "Lovelace", "TITLE:Countess", "CATEGORIES:VIP"),
                 card(None, "Grace", "Hopper", "EMAIL:grace@navy.example", "TEL:+1 202 555 0142"),
                 card("new-1", "Edsger", "Dijkstra", "ORG:Mathematisch Centrum",
                      "CATEGORIES:Structured"),
                 "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Pioneers\r\nMEMBER:urn:uuid:"
                 "new-1\r\nMEMBER:urn:uuid:ada-1\r\nEND:VCARD\r\n")
    report = s.imports.run([path])
    assert (report.created, report.updated, report.merged) == (1, 1, 1)
    assert s.contacts.get(updated).title == "Countess"
    # Later work, in units of its own, on other records.
    s.contacts.update(replace(s.contacts.get(other), title="Codebreaker"))
    stored(s, given="Barbara", family="Liskov")
    s.journal.revert(report.seq)
    assert {cid: saved_fields(s.contacts.get(cid)) for cid in (updated, merged)} == {
        cid: before[cid] for cid in (updated, merged)}
    assert s.contacts.get(other).title == "Codebreaker"  # later units are left alone
    people = sorted(c.display_name for c in contacts_by_uid(s).values())
    assert people == ["Ada Lovelace", "Alan Turing", "Barbara Liskov", "Grace Hopper"]
    assert [a.name for a in s.directory.accounts()] == ["Analytical Engines Ltd"]
    assert [(g.name, g.contact_count) for g in s.organize.groups()] == [("Pioneers", 0)]
    assert sorted(n for n, _ in s.organize.all_tags()) == ["Old"]
    assert_consistent(s.path)


def test_undo_this_import_names_the_records_edited_since(s, book):
    report = s.imports.run([book])
    ada = contacts_by_uid(s)["ada-1"]
    s.contacts.update(replace(ada, title="Analyst"))
    with pytest.raises(RevertRefused, match="Ada Lovelace") as refused:
        s.journal.revert(report.seq)
    assert [p.record_id for p in refused.value.problems] == [ada.id]
    assert s.maintenance.stats()["contacts"] == 3  # nothing was changed


# --- files --------------------------------------------------------------------------------------

def test_a_csv_export_imports_and_imports_again_unchanged(s, tmp_path):
    path = tmp_path / "google.csv"
    path.write_text("Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,"
                    "Phone 1 - Type,Phone 1 - Value,Organization 1 - Name\r\n"
                    "Ada Lovelace,Ada,Lovelace,* Work,ada@engines.example,Mobile,"
                    "+44 7700 900001,Analytical Engines\r\n"
                    "Grace Hopper,Grace,Hopper,,grace@navy.example,,,\r\n", encoding="utf-8")
    plan = s.imports.plan([path])
    assert plan.files[0].detail.startswith("Google Contacts")
    assert plan.files[0].detail.endswith("CSV, 2012–2020), utf-8, comma-delimited")
    assert [(ln.action, ln.line, ln.name) for ln in plan.lines] == [
        (Action.CREATE, 2, "Ada Lovelace"), (Action.CREATE, 3, "Grace Hopper")]
    s.imports.commit(plan)
    ada = next(c for c in contacts_by_uid(s).values() if c.given == "Ada")
    assert ada.account_name == "Analytical Engines" and ada.uid.startswith("import-")
    assert s.imports.run([path]).unchanged == 2


def test_a_file_that_cannot_be_read_is_named_and_left_as_it_is(s, tmp_path, book):
    folder = tmp_path / "folder.vcf"
    folder.mkdir()
    garbage = tmp_path / "garbage.vcf"
    garbage.write_bytes(os.urandom(3000).replace(b"BEGIN", b"begin"))
    original = garbage.read_bytes()
    report = s.imports.run([book, tmp_path / "missing.vcf", folder, garbage])
    assert not report.committed and s.maintenance.stats()["contacts"] == 0
    errors = {i.file: i.message for i in report.plan.issues if i.error}
    assert "no such file" in errors["missing.vcf"] and "folder" in errors["folder.vcf"]
    assert "holds no vCard" in errors["garbage.vcf"]
    assert garbage.read_bytes() == original
    assert s.imports.run([book, garbage], commit_good=True).created == 3


def test_hostile_file_names_are_read_and_named_on_one_line(s, tmp_path):
    path = write(tmp_path / "a#b?c%d\nnew.vcf", card("h-1", "Ada", "Lovelace"))
    report = s.imports.run([path])
    assert report.created == 1
    assert s.journal.unit(report.seq).label == "Import 1 contact from a#b?c%d\\nnew.vcf"


@pytest.fixture(params=["forked", "spawned"])
def child_process(request):
    """How the reading process starts: forked from a process of one thread (the command
    line), spawned from one with more (the window)."""
    if request.param == "forked":
        yield request.param
        return
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    yield request.param
    stop.set()
    other.join()


def test_a_big_file_is_read_in_a_process_of_its_own_with_the_same_result(
        s, tmp_path, monkeypatch, child_process):
    cards = [card(f"p{i}", "Person", f"Number{i}", f"EMAIL:p{i}@example.org",
                  "CATEGORIES:Bulk") for i in range(3000)]
    cards.insert(1500, "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+1\r\nEND:VCARD\r\n")
    path = write(tmp_path / "parallel.vcf", *cards)
    in_process = s.imports.plan([path])
    monkeypatch.setattr(imports_worker, "PARALLEL_BYTES", 1)
    report = s.imports.run([path], commit_good=True)
    assert (report.created, report.refused) == (3000, 1) == (in_process.counts.created,
                                                             in_process.refused)
    (line,) = report.not_imported
    assert (line.line, line.record) == ((in_process.not_imported[0].line, 1501))
    assert report.plan.files[0].records == 3001
    assert report.plan.lines == [line]  # run keeps only the records not imported
    assert s.organize.contacts_tagged("Bulk") and s.imports.run([path]).unchanged == 3000


def test_a_cancel_ends_the_reading_process_too(s, tmp_path, monkeypatch):
    s.contacts.bulk_create([Contact(given="Stored", family=f"Number{i}") for i in range(700)])
    path = write(tmp_path / "many.vcf", *(card(f"c{i}", "Person", f"Number{i}")
                                          for i in range(5000)))
    monkeypatch.setattr(imports_worker, "PARALLEL_BYTES", 1)
    seq = s.journal.last_seq()
    for stop_at in (1, 701):  # while the stored contacts are indexed; while reading
        token = CancelToken()

        def progress(done: int, total: int, stop_at: int = stop_at,
                     token: CancelToken = token) -> None:
            if done >= stop_at:
                token.cancel()

        with pytest.raises(Cancelled):
            s.imports.run([path], cancel=token, progress=progress)
        assert multiprocessing.active_children() == []
        assert s.maintenance.stats()["contacts"] == 700 and s.journal.last_seq() == seq


@pytest.mark.parametrize("fmt", ["vcard"])
def test_every_corpus_file_imports_and_imports_again_unchanged(s, tmp_path, fmt):
    found = [r for r in rows(fmt) if not r.rejects]
    if not found:
        pytest.skip("no corpus beside the checkout")
    paths = [r.path for r in found]
    first = s.imports.run(paths, commit_good=True)
    assert first.committed and first.created >= len(paths) // 2
    # Cards with neither a name nor an e-mail address are the only ones refused.
    assert all("needs a name or an e-mail" in ln.reason for ln in first.not_imported)
    again = s.imports.plan(paths)
    assert again.writes == 0 and again.counts.created == 0
    export = tmp_path / "all.vcf"
    s.imports.export(export, "vcard4")
    back = s.imports.plan([export])
    assert back.counts.unchanged == s.maintenance.stats()["contacts"] and back.writes == 0
