"""Revision 0004 (relationships between contacts): a database from the release before it
upgrades with every row kept and a backup taken, and the new table keeps its rules even
against SQL written around the app (no one related to themselves, nothing recorded twice,
both ends cascade, ids never reused)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from alembic import command

from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.relationship import Relationship, RelationshipKind
from app.services.registry import Services
from db import migrate
from db.backup import check_file
from db.engine import connect
from db.migrate import open_database
from tests.reliability.storage import assert_consistent, dump, revision, sql

T0 = "2026-11-30 09:30:00.000000"


def _upgrade(path, target: str) -> None:
    db = connect(path)
    try:
        cfg = migrate.alembic_config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    finally:
        db.close()


@pytest.fixture(scope="module")
def at_0003(tmp_path_factory):
    """A database as the release before relationships left it, with people in it (written
    at the first schema, so the later revisions filled their search index and columns)."""
    path = tmp_path_factory.mktemp("r0003") / "rolodeck.db"
    _upgrade(path, "0001")
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO contacts(id, given, family, display_name, sort_name, prefix, middle, "
            "suffix, nickname, title, department, photo_mime, status, source, owner, notes, "
            "uid, created_at, updated_at) VALUES "
            "(?, ?, ?, ?, ?, '', '', '', '', '', '', '', 'lead', '', '', '', ?, ?, ?)",
            [(1, "Alice", "Jones", "Alice Jones", "alice jones", "c-1", T0, T0),
             (2, "Bob", "Smith", "Bob Smith", "bob smith", "c-2", T0, T0)])
        conn.execute("INSERT INTO contact_phones(contact_id, value, label, preferred, "
                     "position) VALUES (1, '+44 20 7946 0123', 'work', 1, 0)")
    conn.close()
    _upgrade(path, "0003")
    return path


def test_a_database_from_the_release_before_upgrades_keeping_every_row(at_0003, tmp_path):
    path = tmp_path / "rolodeck.db"
    shutil.copyfile(at_0003, path)
    before = dump(path)
    open_database(path).close()
    assert revision(path) == migrate.head()
    after = dump(path)
    assert after.pop("contact_relationships") == []
    assert after.pop("alembic_version") == [(migrate.head(),)]
    before.pop("alembic_version")
    # 0005 gives every group an empty saved search: each stays a group of listed members.
    assert all(row[-1] == "" for row in after["groups"])
    after["groups"] = [row[:-1] for row in after["groups"]]
    assert after == before
    assert_consistent(path)
    (saved,) = (tmp_path / "backups").iterdir()
    assert saved.name.startswith(f"rolodeck.pre-{migrate.head()}.")
    check_file(saved)
    assert revision(saved) == "0003"


def test_the_upgraded_database_relates_the_people_it_already_had(at_0003, tmp_path):
    path = tmp_path / "rolodeck.db"
    shutil.copyfile(at_0003, path)
    s = Services.over(open_database(path))
    try:
        s.relationships.add(Relationship(RelationshipKind.REPORTS_TO, 1, 2))
        assert [r.phrase for r in s.relationships.of_contact(2)] == ["Manages"]
        s.journal.undo()
        assert s.relationships.of_contact(2) == []
    finally:
        s.close()


@pytest.fixture
def related(db_path):
    """Alice reports to Bob, written through the app; the database then used from outside."""
    s = Services.over(open_database(db_path))
    try:
        alice, bob = (s.contacts.create(Contact(given=g)).new_id(Entity.CONTACT)
                      for g in ("Alice", "Bob"))
        s.relationships.add(Relationship(RelationshipKind.REPORTS_TO, alice, bob))
    finally:
        s.close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    yield conn, alice, bob
    conn.close()


INSERT = ("INSERT INTO contact_relationships(from_contact_id, to_contact_id, kind, label, "
          "reverse_label, note, pair_key, created_at, updated_at) "
          f"VALUES (?, ?, ?, '', '', '', ?, '{T0}', '{T0}')")


def test_sql_around_the_app_cannot_relate_someone_to_themselves_or_repeat_one(related):
    conn, alice, bob = related
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute(INSERT, (alice, alice, "spouse_of", f"spouse_of:{alice}:{alice}"))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(INSERT, (alice, bob, "reports_to", f"reports_to:{alice}:{bob}"))
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute(INSERT, (alice, 999, "reports_to", f"reports_to:{alice}:999"))


def test_both_ends_cascade_and_ids_are_never_reused(related, db_path):
    conn, alice, bob = related
    with conn:
        conn.execute("DELETE FROM contacts WHERE id = ?", (bob,))
    assert sql(db_path, "SELECT count(*) FROM contact_relationships") == [(0,)]
    carol = Services.over(open_database(db_path))
    try:
        cid = carol.contacts.create(Contact(given="Carol")).new_id(Entity.CONTACT)
        rid = carol.relationships.add(Relationship(
            RelationshipKind.SPOUSE_OF, cid, alice)).new_id(Entity.RELATIONSHIP)
    finally:
        carol.close()
    assert rid == 2  # the first relationship's id stays the journal's to name
