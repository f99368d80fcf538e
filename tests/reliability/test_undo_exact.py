"""Undo is exact: after any run of edits, undoing all of them gives back the rows that were
there before, byte for byte, and redoing all of them gives back the rows that were there at the
end. Checked by Hypothesis over random runs of the units a user makes every day.

What may differ, by design: `version` and `updated_at` (an undo is a new change that other
windows and sync must see), the surrogate ids of child rows (details and custom values are
rewritten on every save), tag ids (tags are journaled by name and come and go with use; see
db/journal/specs.py), and the journal's own tables.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact, Email, Phone
from app.domain.errors import ValidationError
from app.domain.groups import CustomFieldDef, FieldKind, FieldOwner
from app.domain.history import HistoryItem, HistoryKind
from app.services import contacts as contact_cases
from app.services import timeline as timeline_cases
from app.services.registry import Services
from db.migrate import open_database
from db.unit import Origin
from tests.reliability.storage import assert_consistent, sql, tables

JOURNAL = {"journal_units", "journal_changes", "tombstones"}
MOVING = {"version", "updated_at"}
SURROGATE = {"contact_phones", "contact_emails", "contact_addresses", "contact_websites",
             "contact_ims", "custom_values", "quote_lines"}
TAG_LINKS = {"contact_tags", "account_tags"}

names = st.sampled_from(["Ada", "Grace", "Émilie", "Łukasz", "Zoë", "渡辺", "O'Neill", "Bo"])
words = st.sampled_from(["", "Buyer", "Head of R&D", "CFO", "line one\nline two", "🚀"])
numbers = st.sampled_from(["+1 202 555 0100", "+44 20 7946 0001", "0170 1234567", "555"])
tag_names = st.sampled_from(["VIP", "vip", "Lead", "Board member"])
company = st.sampled_from(["Acme", "Acme Rockets", "Zenith", "Bäckerei Groß"])
pick = st.integers(min_value=0, max_value=10**6)


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the journal's, each value as SQLite's own literal
    (quote()), so text 'null' and NULL, 1 and 1.0, bytes and text all tell apart."""
    out = {}
    tag_key = dict(sql(path, "SELECT id, key FROM tags"))
    for t in sorted(tables(path)):
        if t in JOURNAL or t.startswith(("search_", "sqlite_")):
            continue
        cols = [r[1] for r in sql(path, f"PRAGMA table_info({t})")]
        keep = [c for c in cols if c not in MOVING
                and not (c == "id" and t in SURROGATE | {"tags"})]
        rows = sql(path, f"SELECT {', '.join(f'quote({c})' for c in keep)} FROM {t}")
        if t in TAG_LINKS:
            at = keep.index("tag_id")
            rows = [(*r[:at], tag_key[int(r[at])], *r[at + 1:]) for r in rows]
        out[t] = sorted(rows)
    return out


def differences(a: dict, b: dict) -> dict[str, tuple[list, list]]:
    """Per table: (rows only in a, rows only in b), for a readable failure."""
    out = {}
    for t in sorted(a.keys() | b.keys()):
        only_a = sorted(set(a.get(t, [])) - set(b.get(t, [])))
        only_b = sorted(set(b.get(t, [])) - set(a.get(t, [])))
        if only_a or only_b or len(a.get(t, [])) != len(b.get(t, [])):
            out[t] = (only_a[:4], only_b[:4])
    return out


def build_template(path: Path) -> None:
    """Data that was there before the run, written without a journal (as if the journal had
    been pruned), so Undo stops at it: contacts from both write paths, an account with people,
    a custom field, history."""
    db = open_database(path)
    try:
        s = Services.over(db)
        s.organize.define_field(CustomFieldDef(FieldOwner.CONTACT, "Shoe size", FieldKind.TEXT))
        with db.unit("seed", Origin.SYSTEM, journal=False) as tx:
            from app.services import accounts as account_cases

            acme = account_cases.create(tx, Account(name="Seed Corp", industry="Seeds"))
            one = contact_cases.create(tx, Contact(
                given="Single", family="Path", account_id=acme, tags=["Seeded"],
                phones=[Phone("+1 312 555 0111", "work", True)],
                emails=[Email("single@seed.example")], custom={"Shoe size": "41"}))
            contact_cases.create(tx, Contact(given="Plain", family="Person", title="Clerk"))
            bulk = contact_cases.bulk_create(tx, [
                Contact(given=f"Bulk{i}", family="Seed", phones=[Phone(f"+1 312 555 02{i:02}")],
                        emails=[Email(f"bulk{i}@seed.example")]) for i in range(4)])
            timeline_cases.log(tx, HistoryItem(HistoryKind.CALL,
                                               datetime(2026, 1, 5, 9, tzinfo=UTC),
                                               "Seed call", contact_ids=[one, bulk[0]]))
        # The field definition above was journaled: forget it, it is part of the "before".
        with db.transaction("forget the seed's journal") as session:
            session.connection().exec_driver_sql("DELETE FROM journal_changes")
            session.connection().exec_driver_sql("DELETE FROM journal_units")
    finally:
        db.close()


class UndoExact(RuleBasedStateMachine):
    template: Path

    @initialize()
    def open(self):
        self.folder = Path(tempfile.mkdtemp(prefix="undo-exact-"))
        self.path = self.folder / "rolodeck.db"
        shutil.copyfile(self.template, self.path)
        self.s = Services.over(open_database(self.path))
        self.start = snapshot(self.path)
        self.done = 0

    # --- picking what to act on, from what is stored -----------------------------------------

    def _live(self) -> list[int]:
        return self.s.directory.contact_ids()

    def _trashed(self) -> list[int]:
        return self.s.directory.contact_ids(trash=True)

    def _accounts(self) -> list[int]:
        return [a.id for a in self.s.directory.accounts()]

    def _one(self, ids: list[int], n: int) -> int:
        return ids[n % len(ids)]

    def _edit(self, cid: int, **fields) -> None:
        self.s.contacts.update(replace(self.s.contacts.get(cid), **fields))
        self.done += 1

    # --- units -------------------------------------------------------------------------------

    @rule(given=names, family=names, title=words, phones=st.lists(numbers, max_size=2))
    def create_contact(self, given, family, title, phones):
        self.s.contacts.create(Contact(given=given, family=family, title=title,
                                       phones=[Phone(p) for p in phones]))
        self.done += 1

    @rule(n=pick, title=words, notes=words, given=names)
    def edit_fields(self, n, title, notes, given):
        live = self._live()
        if live:
            cid = self._one(live, n)
            before = self.s.contacts.get(cid)
            if (before.title, before.notes, before.given) != (title, notes, given):
                self._edit(cid, title=title, notes=notes, given=given)

    @rule(n=pick, number=numbers)
    def add_phone(self, n, number):
        live = self._live()
        if live:
            cid = self._one(live, n)
            self._edit(cid, phones=[*self.s.contacts.get(cid).phones, Phone(number, "home")])

    @rule(n=pick, which=pick)
    def remove_phone(self, n, which):
        with_phones = [c for c in self._live() if self.s.contacts.get(c).phones]
        if with_phones:
            cid = self._one(with_phones, n)
            phones = self.s.contacts.get(cid).phones
            del phones[which % len(phones)]
            self._edit(cid, phones=phones)

    @rule(n=pick, tag=tag_names)
    def tag(self, n, tag):
        live = self._live()
        if live:
            cid = self._one(live, n)
            if self.s.organize.tag_contacts([cid], [tag]).touches(Entity.CONTACT):
                self.done += 1

    @rule(n=pick)
    def delete_to_trash(self, n):
        live = self._live()
        if live:
            self.s.contacts.delete([self._one(live, n)])
            self.done += 1

    @rule(n=pick)
    def restore(self, n):
        trashed = self._trashed()
        if trashed:
            self.s.contacts.restore([self._one(trashed, n)])
            self.done += 1

    @rule(n=pick)
    def purge_from_trash(self, n):
        trashed = self._trashed()
        if trashed:
            self.s.contacts.purge([self._one(trashed, n)])
            self.done += 1

    @rule(a=pick, b=pick)
    def merge_two(self, a, b):
        live = self._live()
        if len(live) >= 2:
            keep = self._one(live, a)
            other = self._one([c for c in live if c != keep], b)
            self.s.contacts.merge(keep, other)
            self.done += 1

    @rule(size=st.integers(min_value=3, max_value=20), given=names)
    def bulk_create(self, size, given):
        self.s.contacts.bulk_create([
            Contact(given=f"{given}{i}", family="Bulk", phones=[Phone(f"+1 202 555 {i:04}")])
            for i in range(size)])
        self.done += 1

    @rule(name=company)
    def create_account(self, name):
        self.s.accounts.create(Account(name=name))
        self.done += 1

    @rule(c=pick, a=pick)
    def link(self, c, a):
        live, accounts = self._live(), self._accounts()
        if live and accounts:
            cid, aid = self._one(live, c), self._one(accounts, a)
            if self.s.contacts.get(cid).account_id != aid:
                self.s.contacts.link_account([cid], aid)
                self.done += 1

    @rule(a=pick, name=company)
    def rename_account(self, a, name):
        accounts = self._accounts()
        if accounts:
            account = self.s.accounts.get(self._one(accounts, a))
            if account.name != name:
                self.s.accounts.update(replace(account, name=name))
                self.done += 1

    # --- the check -----------------------------------------------------------------------------

    def teardown(self):
        if not hasattr(self, "s"):
            return
        try:
            end = snapshot(self.path)
            undone = 0
            while self.s.journal.undo_target() is not None:
                self.s.journal.undo()
                undone += 1
                assert undone <= self.done, "more to undo than was done"
            assert undone == self.done
            assert_consistent(self.path)
            diff = differences(self.start, snapshot(self.path))
            assert not diff, f"after undoing all {undone} units, rows differ: {diff}"
            redone = 0
            while self.s.journal.redo_target() is not None:
                self.s.journal.redo()
                redone += 1
                assert redone <= self.done, "more to redo than was undone"
            assert redone == self.done
            assert_consistent(self.path)
            diff = differences(end, snapshot(self.path))
            assert not diff, f"after redoing all {redone} units, rows differ: {diff}"
        finally:
            self.s.close()
            shutil.rmtree(self.folder, ignore_errors=True)


def test_undo_all_gives_the_start_and_redo_all_the_end_byte_for_byte(tmp_path):
    UndoExact.template = tmp_path / "template.db"
    build_template(UndoExact.template)
    # No shrinking: every example is a database file and a dozen units, so shrinking a failure
    # takes many minutes; ten steps are short enough to read unshrunk.
    run_state_machine_as_test(UndoExact, settings=settings(
        max_examples=10, stateful_step_count=10, deadline=None, database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))


def test_the_snapshot_sees_what_the_orm_hides(tmp_path):
    """The comparison itself must be able to fail: SQL NULL against JSON 'null', 1 against
    1.0, and a moved tag link."""
    path = tmp_path / "t.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT, key TEXT)")
        conn.execute("CREATE TABLE contact_tags (tag_id INTEGER, contact_id INTEGER)")
        conn.execute("CREATE TABLE x (id INTEGER PRIMARY KEY, v, version, updated_at)")
        conn.execute("INSERT INTO tags VALUES (1, 'VIP', 'vip'), (2, 'Lead', 'lead')")
        conn.execute("INSERT INTO contact_tags VALUES (1, 10)")
        conn.execute("INSERT INTO x VALUES (1, NULL, 1, 'a')")
    first = snapshot(path)
    with conn:
        conn.execute("UPDATE x SET version = 2, updated_at = 'b'")
    assert differences(first, snapshot(path)) == {}
    for change in ("UPDATE x SET v = 'null'", "UPDATE x SET v = 1",
                   "UPDATE contact_tags SET tag_id = 2"):
        with conn:
            conn.execute(change)
        assert differences(first, snapshot(path)), change
        with conn:
            conn.execute("UPDATE x SET v = NULL")
            conn.execute("UPDATE contact_tags SET tag_id = 1")
    with conn:
        conn.execute("UPDATE x SET v = 1")
    one = snapshot(path)
    with conn:
        conn.execute("UPDATE x SET v = 1.0")
    assert differences(one, snapshot(path))
    conn.close()


def test_a_purge_refused_by_the_service_is_not_counted(tmp_path):
    """A guard for the machine above: a unit that raises journals nothing, so the count of
    units to undo only counts units that committed."""
    path = tmp_path / "r.db"
    s = Services.over(open_database(path))
    try:
        cid = s.contacts.create(Contact(given="Live")).new_id(Entity.CONTACT)
        last = s.journal.last_seq()
        with pytest.raises(ValidationError):
            s.contacts.purge([cid])
        assert s.journal.last_seq() == last
    finally:
        s.close()


# --- the cases the machine found, pinned down --------------------------------------------------

def test_undo_of_an_edit_of_a_bulk_created_contact_gives_back_its_bytes(tmp_path):
    """Bulk-created details store SQL NULL for "no vCard parameters"; the single path writes
    JSON 'null'. An edit and its undo must leave the contact as it was stored, or a query for
    `params IS NULL` (and a byte-for-byte sync hash) sees a change nobody made."""
    path = tmp_path / "b.db"
    s = Services.over(open_database(path))
    try:
        (cid,) = s.contacts.bulk_create([Contact(given="Bulk", phones=[Phone("555")])]
                                        ).inserted[Entity.CONTACT]
        before = snapshot(path)
        s.contacts.update(replace(s.contacts.get(cid), title="Edited"))
        s.journal.undo()
        assert differences(before, snapshot(path)) == {}
    finally:
        s.close()


def test_undo_of_an_import_after_an_undone_delete_of_one_of_its_contacts(tmp_path):
    """Import, delete one of the imported, Ctrl+Z, Ctrl+Z: the second undo must take the
    import back. The delete and its undo cancel out; nothing changed the contact since."""
    path = tmp_path / "i.db"
    s = Services.over(open_database(path))
    try:
        ids = sorted(s.contacts.bulk_create([Contact(given=f"Imported{i}") for i in range(5)]
                                            ).inserted[Entity.CONTACT])
        s.contacts.delete([ids[2]])
        s.journal.undo()
        s.journal.undo()
        assert s.directory.contact_ids() == []
    finally:
        s.close()
