"""RELIABILITY 35-38: upgrades keep every row, survive a kill, run batch operations with foreign
keys off, and never touch a file from a newer Rolodeck."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import event

from app.domain.contact import Address, Email, Phone, RawProperty
from app.domain.dates import PartialDate
from app.domain.errors import DiskFullError, NewerDatabaseError
from app.services.accounts import AccountService
from app.services.activities import ActivityService
from app.services.contacts import ContactService
from app.services.directory import Directory
from app.services.quotes import QuoteService
from app.services.timeline import TimelineService
from db import migrate
from db.backup import check_file
from db.engine import connect
from db.migrate import head, open_database
from tests.reliability.storage import (
    Child,
    assert_consistent,
    build_baseline,
    count,
    dump,
    revision,
    scalar,
    sql,
)

T0 = "2024-03-01 09:30:00.000000"
T1 = "2024-03-02 16:05:07.250000"


def fill_baseline(path) -> None:
    """Realistic records written with plain SQL in the 0001 schema's own storage formats
    (UTC timestamps as naive text, money as text, JSON as text, booleans as 0/1)."""
    conn = sqlite3.connect(path)
    rec = (T0, T1)  # created_at, updated_at
    with conn:
        conn.executemany(
            "INSERT INTO accounts(id, name, sort_name, industry, website, main_phone, street, "
            "locality, region, postal_code, country, notes, parent_id, uid, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (1, "Analytical Engines Ltd", "analytical engines ltd", "Computing",
                 "https://engines.example", "+44 20 7946 0000", "12 St James's Sq", "London",
                 "", "SW1Y 4JH", "UK", "Main customer", None, "acc-1", *rec),
                (2, "Engines North", "engines north", "Computing", "", "", "", "Leeds", "",
                 "", "UK", "", 1, "acc-2", *rec)])
        contact = (
            "INSERT INTO contacts(id, prefix, given, middle, family, suffix, nickname, "
            "display_name, sort_name, account_id, title, department, birthday, bday_month, "
            "bday_day, anniversary, photo, photo_mime, status, source, owner, notes, uid, "
            "created_at, updated_at, deleted_at, extra, remote_href, remote_etag) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?)")
        conn.executemany(contact, [
            (1, "", "Ada", "", "Lovelace", "", "", "Ada Lovelace", "ada lovelace", 1,
             "Analyst", "Research", "1815-12-10", 12, 10, None, b"\x89PNG...", "image/png",
             "customer", "Referral", "Sam", "Met at the Society\nlikes poetry", "c-1", *rec,
             None, '[["item1", "X-ABLABEL", [["CHARSET", "UTF-8"]], "Assistant"]]',
             "/dav/c-1.vcf", '"etag-1"'),
            (2, "Rear Adm.", "Grace", "Brewster", "Hopper", "", "Amazing Grace",
             "Rear Adm. Grace Brewster Hopper", "rear adm. grace brewster hopper", None,
             "", "", "--12-09", 12, 9, "1930-06-15", None, "", "lead", "", "", "", "c-2",
             *rec, None, None, None, None),
            (3, "", "Charles", "", "Babbage", "", "", "Charles Babbage", "charles babbage", 1,
             "", "", None, None, None, None, None, "", "other", "", "", "in the trash", "c-3",
             *rec, T1, None, None, None),
        ])
        conn.executemany(
            "INSERT INTO contact_phones(id, contact_id, value, label, preferred, position) "
            "VALUES (?, ?, ?, ?, ?, ?)", [
                (1, 1, "+44 20 7946 0123", "work", 1, 0), (2, 1, "07700 900456", "mobile", 0, 1),
                (3, 2, "+1 (202) 555-0147", "home", 0, 0), (4, 3, "+44 20 7946 0999", "work", 0,
                                                               0)])
        conn.executemany(
            "INSERT INTO contact_emails(id, contact_id, value, label, preferred, position) "
            "VALUES (?, ?, ?, ?, ?, ?)", [
                (1, 1, "ada@engines.example", "work", 1, 0), (2, 1, "ada@home.example", "home",
                                                              0, 1),
                (3, 2, "grace@navy.example", "work", 0, 0)])
        conn.execute(
            "INSERT INTO contact_addresses(id, contact_id, po_box, extended, street, locality, "
            "region, postal_code, country, label, preferred, position) VALUES "
            "(1, 1, '', 'Flat 2', '12 St James''s Sq', 'London', '', 'SW1Y 4JH', 'UK', "
            "'work', 1, 0)")
        conn.execute("INSERT INTO contact_websites(id, contact_id, url, label, preferred, "
                     "position) VALUES (1, 1, 'https://ada.example', 'work', 0, 0)")
        conn.execute("INSERT INTO contact_ims(id, contact_id, service, handle, label, "
                     "preferred, position) VALUES (1, 2, 'matrix', '@grace:navy', 'work', 0, 0)")
        conn.execute("INSERT INTO tags(id, name, key) VALUES (1, 'VIP', 'vip')")
        conn.execute("INSERT INTO contact_tags(tag_id, contact_id) VALUES (1, 1), (1, 2)")
        conn.execute("INSERT INTO groups(id, name, description, uid, created_at, updated_at) "
                     "VALUES (1, 'Pioneers', '', 'g-1', ?, ?)", rec)
        conn.execute("INSERT INTO group_contacts(group_id, contact_id) VALUES (1, 1)")
        conn.execute("INSERT INTO custom_fields(id, owner, name, kind, choices, position) "
                     "VALUES (1, 'contact', 'Shoe size', 'text', NULL, 0)")
        conn.execute("INSERT INTO custom_values(id, field_id, contact_id, account_id, value) "
                     "VALUES (1, 1, 1, NULL, '38')")
        conn.execute(
            "INSERT INTO activities(id, kind, regarding, details, location, start_local, "
            "duration_minutes, tz, all_day, priority, rrule, exdates, alarm_minutes, status, "
            "account_id, series_id, recurrence_key, first_start_utc, last_end_utc, uid, "
            "created_at, updated_at) VALUES (1, 'meeting', 'Quarterly review', 'bring notes', "
            "'Room 4', '2024-04-02 10:00:00.000000', 60, 'Europe/London', 0, 'high', "
            "'FREQ=MONTHLY;COUNT=3', '[\"2024-05-02T10:00:00\"]', 15, 'open', 1, NULL, NULL, "
            "'2024-04-02 09:00:00.000000', '2024-06-02 10:00:00.000000', 'act-1', ?, ?)", rec)
        conn.execute("INSERT INTO activity_attendees(activity_id, contact_id) VALUES (1, 1)")
        conn.executemany(
            "INSERT INTO history(id, kind, occurred_at, duration_minutes, outcome, regarding, "
            "details, account_id, activity_id, uid, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (1, "call", "2024-03-01 09:00:00.000000", 15, "completed", "Pricing call",
                 "Asked about the difference engine", 1, None, "h-1", *rec),
                (2, "meeting", "2024-03-05 14:00:00.000000", 60, "completed", "Demo",
                 "Showed the analytical engine", 1, 1, "h-2", *rec),
                (3, "note", "2024-03-06 08:00:00.000000", None, "completed", "Personal note",
                 "Prefers mornings", None, None, "h-3", *rec)])
        conn.execute("INSERT INTO history_contacts(history_id, contact_id) VALUES "
                     "(1, 1), (2, 1), (2, 2), (3, 2)")
        conn.execute(
            "INSERT INTO products(id, sku, name, description, unit_price, tax_rate, currency, "
            "active, uid, created_at, updated_at) VALUES (1, 'ENG-1', 'Engine service', '', "
            "'120.00', '20', 'GBP', 1, 'p-1', ?, ?)", rec)
        conn.execute(
            "INSERT INTO quotes(id, number, title, account_id, contact_id, issue_date, "
            "valid_until, status, currency, notes, uid, created_at, updated_at) VALUES "
            "(1, 'Q-0001', 'Annual service', 1, 1, '2024-03-01', '2024-03-31', 'sent', 'GBP', "
            "'net 30', 'q-1', ?, ?)", rec)
        conn.executemany(
            "INSERT INTO quote_lines(id, quote_id, position, product_id, description, "
            "quantity, unit_price, discount_pct, tax_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(1, 1, 0, 1, "Engine service", "2", "120.00", "0", "20"),
             (2, 1, 1, None, "Travel", "1", "45.50", "10", "20")])
        conn.execute("INSERT INTO settings(key, value) VALUES ('quote_prefix', 'Q-')")
    conn.close()


@pytest.fixture(scope="module")
def baseline_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("baseline") / "rolodeck.db"
    build_baseline(path)
    fill_baseline(path)
    return path


def named_dump(path) -> dict[str, list[dict]]:
    """Every row of every table (the search index aside) as {column: value}, in id order."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        out = {}
        for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            if t.startswith(("search_", "sqlite_")):
                continue
            rows = [dict(r) for r in conn.execute(f"SELECT * FROM {t}")]
            out[t] = sorted(rows, key=lambda r: [str(v) for v in r.values()])
        return out
    finally:
        conn.close()


def test_a_baseline_database_upgrades_to_head_with_every_row_intact(baseline_template,
                                                                     tmp_path):
    path = tmp_path / "rolodeck.db"
    shutil.copyfile(baseline_template, path)
    assert revision(path) == "0001"
    before = named_dump(path)

    db = open_database(path)
    try:
        assert revision(path) == head()
        after = named_dump(path)
        assert after.pop("alembic_version") == [{"version_num": head()}]
        assert before.pop("alembic_version") == [{"version_num": "0001"}]
        # Every row is still there with every value it had; later revisions only add columns
        # (and drop the sync columns 0001 had, which nothing ever wrote).
        dropped = {"remote_href", "remote_etag"}
        moved = {(r["uid"], r["remote_href"], r["remote_etag"]) for rows in before.values()
                 for r in rows if r.get("remote_href")}
        assert {(r["uid"], r["href"], r["etag"]) for r in after["sync_items"]} == moved
        for table, rows in before.items():
            kept = [{k: v for k, v in r.items() if k not in dropped} for r in rows]
            assert [{k: r[k] for k in kept[0]} for r in after[table]] == kept if kept \
                else after[table] == [], table

        # Read through the app, so the stored formats are the ones this version understands.
        ada = ContactService(db).get(1)
        assert (ada.display_name, ada.account_name, ada.title, ada.notes) == (
            "Ada Lovelace", "Analytical Engines Ltd", "Analyst",
            "Met at the Society\nlikes poetry")
        assert ada.birthday == PartialDate(12, 10, 1815)
        assert ada.phones == [Phone("+44 20 7946 0123", "work", True),
                              Phone("07700 900456", "mobile")]
        assert ada.emails == [Email("ada@engines.example", "work", True),
                              Email("ada@home.example", "home")]
        assert ada.addresses == [Address("12 St James's Sq", "London", "", "SW1Y 4JH", "UK",
                                         extended="Flat 2", preferred=True)]
        assert ada.extra == [RawProperty("X-ABLABEL", "Assistant", (("CHARSET", "UTF-8"),),
                                         "item1")]
        assert ada.tags == ["VIP"] and ada.custom == {"Shoe size": "38"}
        assert ada.created_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
        grace = ContactService(db).get(2)
        assert grace.birthday == PartialDate(12, 9) and grace.nickname == "Amazing Grace"
        assert ContactService(db).get(3, include_deleted=True).deleted_at is not None
        assert AccountService(db).get(2).parent_id == 1

        demo = TimelineService(db).get(2)
        assert sorted(demo.contact_ids) == [1, 2] and demo.activity_id == 1
        review = ActivityService(db).get(1)
        assert review.start == datetime(2024, 4, 2, 10, 0) and review.attendee_ids == [1]
        assert review.duration == timedelta(minutes=60) and review.rrule == "FREQ=MONTHLY;COUNT=3"
        quote = QuoteService(db).get(1)
        assert quote.issue_date == date(2024, 3, 1) and quote.contact_id == 1
        assert [(line.description, line.quantity, line.unit_price) for line in quote.lines] == [
            ("Engine service", Decimal("2"), Decimal("120.00")),
            ("Travel", Decimal("1"), Decimal("45.50"))]

        # The new search index was filled from the old rows; the trash stays out of it.
        directory = Directory(db)
        assert [(h.kind, h.id) for h in directory.search("Lovelace")] == [("contact", 1)]
        assert [(h.kind, h.id) for h in directory.search("5550147")] == [("contact", 2)]
        assert [(h.kind, h.id) for h in directory.search("7946 0123")] == [("contact", 1)]
        assert ("account", 1) in [(h.kind, h.id) for h in directory.search("Analytical")]
        assert directory.search("Babbage") == []
        assert 1 in directory.contact_ids("difference engine")  # via history text
    finally:
        db.close()
    assert_consistent(path)

    saved = list((tmp_path / "backups").iterdir())
    assert len(saved) == 1 and saved[0].name.startswith(f"rolodeck.pre-{head()}.")
    check_file(saved[0])
    in_backup = named_dump(saved[0])
    assert in_backup.pop("alembic_version") == [{"version_num": "0001"}]
    assert in_backup == before


BATCH_REVISION = '''
"""throwaway: recreate the contacts table (move and copy) while children point at it"""

import sqlalchemy as sa
from alembic import op

revision = "t036"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    seen = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    conn.exec_driver_sql(
        "INSERT INTO settings(key, value) VALUES ('t036.foreign_keys', ?)", (str(seen),))
    # recreate="always": "auto" would use ALTER TABLE ADD COLUMN and copy nothing.
    with op.batch_alter_table("contacts", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("t036_note", sa.String(50), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("contacts", recreate="always") as batch_op:
        batch_op.drop_column("t036_note")
'''

CHILD_TABLES = ("contact_phones", "contact_emails", "contact_addresses", "contact_websites",
                "contact_ims", "contact_tags", "custom_values", "group_contacts",
                "history_contacts", "activity_attendees", "quotes")


def test_a_batch_migration_recreating_a_parent_table_loses_no_child_rows(baseline_template,
                                                                         tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "t036_batch.py").write_text(BATCH_REVISION.format(down=head()))
    extra = (str(versions),)
    path = tmp_path / "rolodeck.db"
    shutil.copyfile(baseline_template, path)
    open_database(path).close()  # to head, as the app would have it
    children = {t: dump(path)[t] for t in CHILD_TABLES}
    assert all(children.values())

    db = connect(path)
    try:
        migrate.upgrade(db, extra)  # the app's own path: backup, one transaction, FK check
        # Every pooled connection has foreign keys back on (a stale OFF would let later
        # deletes leave orphans behind).
        raws = [db.engine.raw_connection() for _ in range(max(1, db.engine.pool.checkedin()))]
        try:
            assert [r.driver_connection.execute("PRAGMA foreign_keys").fetchone()[0]
                    for r in raws] == [1] * len(raws)
        finally:
            for r in raws:
                r.close()
    finally:
        db.close()

    assert revision(path) == "t036"
    assert scalar(path, "SELECT value FROM settings WHERE key = 't036.foreign_keys'") == "0"
    assert "t036_note" in {r[1] for r in sql(path, "PRAGMA table_info(contacts)")}
    assert {t: dump(path)[t] for t in CHILD_TABLES} == children
    assert_consistent(path)
    # To this version of the app, the throwaway revision is one from a newer Rolodeck.
    with pytest.raises(NewerDatabaseError):
        open_database(path)


def test_the_batch_migration_hazard_is_real_with_foreign_keys_on(baseline_template, tmp_path):
    """The control for the test above: run the same revision with foreign keys left on and
    the recreated parent takes its children with it. Were this ever to pass without loss,
    the test above would prove nothing."""
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "t036_batch.py").write_text(BATCH_REVISION.format(down=head()))
    path = tmp_path / "rolodeck.db"
    shutil.copyfile(baseline_template, path)
    open_database(path).close()
    phones = count(path, "contact_phones")
    db = connect(path)
    try:
        cfg = migrate.alembic_config((str(versions),))
        with db.engine.begin() as conn:  # foreign_keys=ON, as every app connection has it
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "t036")
    finally:
        db.close()
    assert phones > 0 and count(path, "contact_phones") == 0


# --- an upgrade interrupted by SIGKILL ------------------------------------------------------

BIG_CONTACTS = 30_000
BIG_HISTORY = 100_000


@pytest.fixture(scope="module")
def big_baseline(tmp_path_factory):
    """A 0001 database big enough that the search-index backfill takes a while."""
    path = tmp_path_factory.mktemp("big") / "rolodeck.db"
    build_baseline(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO contacts(id, prefix, given, middle, family, suffix, nickname, "
            "display_name, sort_name, title, department, photo_mime, status, source, owner, "
            "notes, uid, created_at, updated_at) VALUES (?, '', ?, '', ?, '', '', ?, ?, "
            "'Buyer', '', '', 'lead', '', '', 'some notes about them', ?, ?, ?)",
            ((i, f"Given{i}", f"Family{i % 997}", f"Given{i} Family{i % 997}",
              f"given{i} family{i % 997}", f"big-{i}", T0, T0)
             for i in range(1, BIG_CONTACTS + 1)))
        conn.executemany(
            "INSERT INTO contact_phones(contact_id, value, label, preferred, position) "
            "VALUES (?, ?, 'work', 0, 0)",
            ((i, f"+1 555 {i:07d}") for i in range(1, BIG_CONTACTS + 1)))
        conn.executemany(
            "INSERT INTO history(id, kind, occurred_at, outcome, regarding, details, uid, "
            "created_at, updated_at) VALUES (?, 'call', ?, 'completed', ?, ?, ?, ?, ?)",
            ((i, T0, f"Call number {i}", "talked about the order, the delivery date and "
              f"the invoice {i}", f"h-{i}", T0, T0) for i in range(1, BIG_HISTORY + 1)))
        conn.executemany(
            "INSERT INTO history_contacts(history_id, contact_id) VALUES (?, ?)",
            ((i, i % BIG_CONTACTS + 1) for i in range(1, BIG_HISTORY + 1)))
    conn.close()
    return path


UPGRADE_CHILD = """
    import sys

    from db.migrate import open_database

    print("started", flush=True)
    open_database(sys.argv[1]).close()
    print("upgraded", flush=True)
"""

BIG_COUNTS = {"contacts": BIG_CONTACTS, "contact_phones": BIG_CONTACTS,
              "history": BIG_HISTORY, "history_contacts": BIG_HISTORY}


def _assert_all_data(path, where: str) -> None:
    for table, n in BIG_COUNTS.items():
        assert count(path, table) == n, f"{where}: {table}"


@pytest.mark.slow
def test_an_upgrade_killed_at_random_points_leaves_old_or_new_never_half(big_baseline,
                                                                         tmp_path):
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    # How long an uninterrupted upgrade takes here, so the kills spread over all of it.
    timed = tmp_path / "timed" / "rolodeck.db"
    timed.parent.mkdir()
    shutil.copyfile(big_baseline, timed)
    with Child(tmp_path, UPGRADE_CHILD, str(timed)) as c:
        c.wait_for("started")
        started = time.monotonic()
        c.wait_for("upgraded")
        duration = time.monotonic() - started
    assert revision(timed) == head()

    interrupted = 0
    for round_ in range(3):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        path = folder / "rolodeck.db"
        shutil.copyfile(big_baseline, path)
        delay = rng.uniform(0.0, duration)
        where = f"seed {seed}, round {round_}, kill after {delay:.2f}s of {duration:.2f}s"
        with Child(tmp_path, UPGRADE_CHILD, str(path)) as c:
            c.wait_for("started")
            time.sleep(delay)
            interrupted += c.kill()

        assert_consistent(path)
        assert revision(path) in ("0001", head()), where
        _assert_all_data(path, where)
        if revision(path) == head():
            assert count(path, "search_history") == BIG_HISTORY, where
        for saved in (folder / "backups").glob("*.db"):  # a kill may come before it exists
            check_file(saved)
            assert revision(saved) == "0001", where
            _assert_all_data(saved, where)

        db = open_database(path)  # the next start finishes the job
        db.close()
        assert revision(path) == head(), where
        _assert_all_data(path, where)
        assert_consistent(path)
        assert count(path, "search_history") == BIG_HISTORY, where
    assert interrupted >= 1, f"seed {seed}: no kill landed before the upgrade finished"


def test_a_full_disk_during_an_upgrade_leaves_the_old_version_and_says_so(baseline_template,
                                                                          tmp_path):
    path = tmp_path / "rolodeck.db"
    shutil.copyfile(baseline_template, path)
    before = dump(path)
    db = connect(path)

    @event.listens_for(db.engine, "connect")
    def _cap(dbapi_conn, _record):
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + 1}")

    try:
        with pytest.raises(DiskFullError, match="is full") as failure:
            migrate.upgrade(db)
        assert str(path) in str(failure.value)
    finally:
        db.close()
    assert revision(path) == "0001"
    assert dump(path) == before
    assert_consistent(path)
    saved = list((tmp_path / "backups").glob("*.db"))
    assert len(saved) == 1 and dump(saved[0]) == before


# --- a database from a newer Rolodeck ---------------------------------------------------------

def test_a_database_from_a_newer_rolodeck_is_refused_and_left_untouched(db_path, tmp_path):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9f3e_from_the_future'")
    conn.close()
    os.utime(db_path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    original = db_path.read_bytes()
    names = sorted(p.name for p in tmp_path.iterdir())

    for attempt in (lambda: open_database(db_path), lambda: open_database(db_path,
                                                                          migrate=False)):
        with pytest.raises(NewerDatabaseError) as refused:
            attempt()
        message = str(refused.value)
        assert "newer version of Rolodeck" in message and str(db_path) in message
        assert "9f3e_from_the_future" in message

    assert db_path.read_bytes() == original
    assert db_path.stat().st_mtime_ns == 1_600_000_000_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no backup, no leftovers
    assert revision(db_path) == "9f3e_from_the_future"
