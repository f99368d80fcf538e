"""A process killed with SIGKILL in the middle of a unit of work (an import, the undo of an
import, a merge) leaves the file consistent, and the data and the journal agree: the unit's rows
and its journal entry are both there or both absent. A journal that remembers an import whose
rows are gone (or forgets one whose rows are there) makes Undo lie.

The import is 20,000 contacts, not 100,000 (tests/reliability/test_crash.py kills a 100,000
import already): big enough to span four bulk chunks and a commit of several seconds, small
enough that three kills of the import, three of its undo and three of a merge fit in a minute.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from app.domain.changes import Entity
from app.domain.contact import Contact, Email, Phone
from app.services.contacts import BULK_CHUNK
from app.services.registry import Services
from db.migrate import open_database
from tests.reliability.storage import Child, assert_consistent, count, scalar, sql

IMPORT_SIZE = 20_000
CHUNKS = IMPORT_SIZE // BULK_CHUNK
SEED = 10
HISTORY = 10_000  # history items the merged-away contact carries: a merge of seconds

IMPORT_CHILD = """
    import sys

    from app.domain.contact import Contact, Email, Phone
    from app.services.contacts import ContactService
    from db.migrate import open_database
    from db.unit import Origin

    db = open_database(sys.argv[1])
    label, size = sys.argv[2], int(sys.argv[3])
    phones = [Phone("+1 202 555 0100", "work", True), Phone("+1 202 555 0199", "mobile")]
    emails = [Email("bulk@a.example", "work", True)]
    people = [Contact(given=f"Imp{i}", family="Orted", phones=phones, emails=emails)
              for i in range(size)]
    print("started", flush=True)
    ContactService(db).bulk_create(
        people, label=label, origin=Origin.IMPORT,
        progress=lambda done, total: print(f"chunk {done}", flush=True))
    print("committed", flush=True)
"""

UNDO_CHILD = """
    import sys

    from app.services.registry import Services

    s = Services.open(sys.argv[1])
    print("started", flush=True)
    s.journal.undo()
    print("committed", flush=True)
"""

MERGE_CHILD = """
    import sys

    from app.services.registry import Services

    s = Services.open(sys.argv[1])
    keep, other = int(sys.argv[2]), int(sys.argv[3])
    print("started", flush=True)
    s.contacts.merge(keep, other)
    print("committed", flush=True)
"""


def _checkpointed_copy(source: Path, target: Path) -> None:
    """A copy of a closed database with everything in the main file (no WAL to carry)."""
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copyfile(source, target)


def _import_journal(path: Path, label: str) -> tuple[int, int]:
    """(units called `label`, contacts their bulk_insert ranges cover)."""
    units = scalar(path, "SELECT count(*) FROM journal_units WHERE label = ?", (label,))
    covered = scalar(path, "SELECT coalesce(sum(c.last_id - c.record_id + 1), 0) "
                           "FROM journal_changes c JOIN journal_units u ON u.seq = c.unit_seq "
                           "WHERE u.label = ? AND c.entity = 'contact' "
                           "AND c.op = 'bulk_insert'", (label,))
    return units, covered


def _seed(path: Path, n: int = SEED) -> None:
    s = Services.over(open_database(path))
    try:
        for i in range(n):
            s.contacts.create(Contact(given=f"Seed{i}", family="Existing",
                                      phones=[Phone(f"+1 312 555 01{i:02}")]))
    finally:
        s.close()


@pytest.mark.slow
def test_kill_during_an_import_keeps_rows_and_journal_together(db_path, tmp_path):
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    _seed(db_path)
    before = count(db_path, "contacts")
    interrupted = 0
    # Early, middle, and from the last chunk on (the journal and search rows are written
    # after the last chunk, just before the commit).
    for round_, (lo, hi) in enumerate(((0, 1), (2, CHUNKS - 1), (CHUNKS, CHUNKS))):
        chunk = rng.randint(lo, hi)
        delay = rng.uniform(0.0, 0.4 if chunk < CHUNKS else 1.5)
        label = f"Import round{round_}.vcf"
        where = f"seed {seed}, round {round_}, after chunk {chunk} + {delay:.2f}s"
        with Child(tmp_path, IMPORT_CHILD, str(db_path), label, str(IMPORT_SIZE)) as c:
            c.wait_for("started")
            if chunk:
                c.wait_for(f"chunk {chunk * BULK_CHUNK}")
            time.sleep(delay)
            was_running = c.kill()
        interrupted += was_running
        open_database(db_path).close()  # the app's own open copes with the hot WAL
        assert_consistent(db_path)
        added = count(db_path, "contacts") - before
        units, covered = _import_journal(db_path, label)
        assert (added, units, covered) in ((0, 0, 0), (IMPORT_SIZE, 1, IMPORT_SIZE)), (
            f"{where}: {added} contacts kept, {units} journal units covering {covered}")
        if not was_running:
            assert added == IMPORT_SIZE, f"{where}: committed, yet not all there"
        # The seed's contacts have one phone each, the imported ones two.
        assert count(db_path, "contact_phones") == SEED + 2 * (before + added - SEED), where
        before += added
    assert interrupted >= 1, f"seed {seed}: every kill came after the commit; nothing tested"


@pytest.fixture
def imported(db_path, tmp_path) -> tuple[Path, int]:
    """A closed database holding an import of IMPORT_SIZE contacts (the unit Undo would take
    back), and that unit's number."""
    _seed(db_path)
    s = Services.over(open_database(db_path))
    try:
        phones = [Phone("+1 202 555 0100", "work", True)]
        s.contacts.bulk_create([Contact(given=f"Imp{i}", family="Orted", phones=phones,
                                        emails=[Email(f"imp{i}@a.example")])
                                for i in range(IMPORT_SIZE)], label="Import big.vcf")
        seq = s.journal.last_seq()
    finally:
        s.close()
    base = tmp_path / "imported.db"
    _checkpointed_copy(db_path, base)
    return base, seq


@pytest.mark.slow
def test_kill_during_the_undo_of_an_import_keeps_rows_and_journal_together(imported,
                                                                          tmp_path):
    base, import_seq = imported
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    total = count(base, "contacts")
    interrupted = 0
    # The undo of 20,000 contacts takes seconds: kills early, in the middle, and late.
    for round_, (lo, hi) in enumerate(((0.05, 0.8), (0.8, 3.0), (3.0, 7.0))):
        delay = rng.uniform(lo, hi)
        where = f"seed {seed}, round {round_}, killed {delay:.2f}s into the undo"
        path = tmp_path / f"undo{round_}.db"
        _checkpointed_copy(base, path)
        with Child(tmp_path, UNDO_CHILD, str(path)) as c:
            c.wait_for("started")
            time.sleep(delay)
            was_running = c.kill()
        interrupted += was_running
        open_database(path).close()
        assert_consistent(path)
        now = count(path, "contacts")
        undos = sql(path, "SELECT seq FROM journal_units WHERE reverts = ?", (import_seq,))
        reverted_by = scalar(path, "SELECT reverted_by FROM journal_units WHERE seq = ?",
                             (import_seq,))
        if now == total:  # the undo never happened: no trace of it in the journal
            assert (undos, reverted_by) == ([], None), where
            assert was_running, f"{where}: the child said it committed, yet all are back"
        else:
            assert now == total - IMPORT_SIZE, f"{where}: {total - now} of the import gone"
            assert len(undos) == 1 and reverted_by == undos[0][0], where
            # Records the undo journaled: one by one, or column-wise per run of ids.
            (records,) = sql(path, "SELECT coalesce(sum(CASE op WHEN 'delete' THEN 1 "
                                   "ELSE last_id - record_id + 1 END), 0) FROM journal_changes "
                                   "WHERE unit_seq = ? AND op IN ('delete', 'bulk_delete')",
                             (undos[0][0],))[0]
            assert records == IMPORT_SIZE, where
        assert count(path, "contact_phones") == now, where
    assert interrupted >= 1, f"seed {seed}: every kill came after the commit; nothing tested"


@pytest.fixture
def two_to_merge(db_path, tmp_path) -> tuple[Path, int, int]:
    """A closed database with two contacts to merge, the second carrying HISTORY history
    items, phones, e-mails and tags the first lacks."""
    from datetime import UTC, datetime

    from app.domain.history import HistoryItem, HistoryKind
    from db.repositories import bulk

    s = Services.over(open_database(db_path))
    try:
        keep = s.contacts.create(Contact(given="Ann", family="Smith", tags=["VIP"],
                                         phones=[Phone("+1 202 555 0100")])).new_id(
            Entity.CONTACT)
        other = s.contacts.create(Contact(given="Anne", family="Smith", title="Buyer",
                                          phones=[Phone("+1 202 555 0199")],
                                          emails=[Email("anne@smith.example")],
                                          tags=["Lead"])).new_id(Entity.CONTACT)
        with s.db.unit("Log past calls") as tx:
            bulk.add_history(tx.session, [
                HistoryItem(HistoryKind.CALL, datetime(2025, 1, 1, 9, tzinfo=UTC),
                            f"Call {i}", contact_ids=[other]) for i in range(HISTORY)])
    finally:
        s.close()
    base = tmp_path / "to_merge.db"
    _checkpointed_copy(db_path, base)
    return base, keep, other


@pytest.mark.slow
def test_kill_during_a_merge_keeps_rows_and_journal_together(two_to_merge, tmp_path):
    base, keep, other = two_to_merge
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    interrupted = 0
    for round_, (lo, hi) in enumerate(((0.02, 0.5), (0.5, 1.5), (1.5, 3.5))):
        delay = rng.uniform(lo, hi)
        where = f"seed {seed}, round {round_}, killed {delay:.2f}s into the merge"
        path = tmp_path / f"merge{round_}.db"
        _checkpointed_copy(base, path)
        with Child(tmp_path, MERGE_CHILD, str(path), str(keep), str(other)) as c:
            c.wait_for("started")
            time.sleep(delay)
            was_running = c.kill()
        interrupted += was_running
        open_database(path).close()
        assert_consistent(path)

        def links(cid: int, path: Path = path) -> int:
            return scalar(path, "SELECT count(*) FROM history_contacts WHERE contact_id = ?",
                          (cid,))

        merged = scalar(path, "SELECT deleted_at IS NOT NULL FROM contacts WHERE id = ?",
                        (other,))
        units = scalar(path, "SELECT count(*) FROM journal_units WHERE label LIKE "
                             "'Merge %'")
        phones = scalar(path, "SELECT count(*) FROM contact_phones WHERE contact_id = ?",
                        (keep,))
        if merged:
            assert (links(keep), links(other), phones, units) == (HISTORY, 0, 2, 1), where
            journaled = scalar(path, "SELECT count(*) FROM journal_changes c JOIN "
                                     "journal_units u ON u.seq = c.unit_seq WHERE u.label LIKE "
                                     "'Merge %' AND c.entity = 'history'")
            assert journaled == HISTORY, f"{where}: undo could not move them all back"
        else:
            assert (links(keep), links(other), phones, units) == (0, HISTORY, 1, 0), where
            assert was_running, f"{where}: the child said it committed, yet nothing merged"
    assert interrupted >= 1, f"seed {seed}: every kill came after the commit; nothing tested"
