"""RELIABILITY 1 and 2: a process killed with SIGKILL in the middle of a write leaves the file
consistent, with the write either wholly there or wholly absent."""

from __future__ import annotations

import random
import time

import pytest

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Address, Contact, Email, Phone
from app.services.accounts import AccountService
from app.services.contacts import BULK_CHUNK, ContactService
from db.migrate import head, open_database
from tests.reliability.storage import (
    Child,
    assert_consistent,
    count,
    revision,
    saved_fields,
    scalar,
    two_versions,
)

IMPORT_SIZE = 100_000
CHUNKS = IMPORT_SIZE // BULK_CHUNK

BULK_CHILD = """
    import sys

    from app.domain.contact import Address, Contact, Email, Phone
    from app.services.contacts import ContactService
    from db.migrate import open_database

    db = open_database(sys.argv[1])
    tag, size = sys.argv[2], int(sys.argv[3])
    # Shared detail objects: the bulk path only reads them, and building 100,000 contacts
    # cheaply leaves more of the child's lifetime for the write that is being killed.
    phones = [Phone("+1 202 555 0100", "work", True), Phone("+1 202 555 0199", "mobile")]
    emails = [Email("bulk@a.example", "work", True), Email("bulk@b.example", "home")]
    addresses = [Address("1 Import Way", "Springfield", "IL", "62701", "USA")]
    people = [Contact(given=f"{tag}{i}", family="Imported", phones=phones, emails=emails,
                      addresses=addresses) for i in range(size)]
    print("started", flush=True)
    ContactService(db).bulk_create(
        people, progress=lambda done, total: print(f"chunk {done}", flush=True))
    print("committed", flush=True)
"""

EDIT_CHILD = """
    import sys

    from app.services.contacts import ContactService
    from db.migrate import open_database
    from tests.reliability.storage import two_versions

    from dataclasses import replace

    svc = ContactService(open_database(sys.argv[1]))
    cid = int(sys.argv[2])
    a, b = two_versions(svc.get(cid))
    n = 0
    while True:
        # Each save states the version it was edited from, as an editor does.
        svc.update(replace(a if n % 2 == 0 else b, version=svc.get(cid).version))
        n += 1
        if n == 1:
            print("started", flush=True)
"""


def _seed(db, n: int) -> None:
    phones = [Phone("+1 312 555 0111", "work"), Phone("+1 312 555 0112", "home")]
    emails = [Email("seed@a.example"), Email("seed@b.example", "home")]
    ContactService(db).bulk_create([
        Contact(given=f"Seed{i}", family="Existing", phones=phones, emails=emails,
                addresses=[Address("5 Old Road", "Peoria", "IL")]) for i in range(n)])
    AccountService(db).create(Account(name="Existing Ltd"))


@pytest.mark.slow
def test_kill_during_a_100k_contact_import_leaves_all_or_nothing(db_path, tmp_path):
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    db = open_database(db_path)
    _seed(db, 10)
    db.close()
    before = count(db_path, "contacts")
    interrupted = 0
    # Kill points spread over the whole transaction: early, middle, and around the commit.
    # They are anchored on the child's own progress lines, not on the clock alone, so a fast
    # or a slow machine still kills inside the import.
    for round_, (lo, hi) in enumerate(((0, CHUNKS // 3), (CHUNKS // 3 + 1, 2 * CHUNKS // 3),
                                       (2 * CHUNKS // 3 + 1, CHUNKS))):
        chunk = rng.randint(lo, hi)
        delay = rng.uniform(0.0, 0.3)
        where = f"seed {seed}, round {round_}, after chunk {chunk} + {delay:.2f}s"
        with Child(tmp_path, BULK_CHILD, str(db_path), f"R{round_}x", str(IMPORT_SIZE)) as c:
            c.wait_for("started")
            if chunk:
                c.wait_for(f"chunk {chunk * BULK_CHUNK}")
            time.sleep(delay)
            was_running = c.kill()
        interrupted += was_running

        # The app's own open must cope with the hot WAL the killed writer left behind.
        open_database(db_path).close()
        assert revision(db_path) == head()
        assert_consistent(db_path)
        now = count(db_path, "contacts")
        assert now in (before, before + IMPORT_SIZE), f"{where}: {now - before} contacts kept"
        if not was_running:
            assert now == before + IMPORT_SIZE, f"{where}: committed, yet not all there"
        # Child rows belong to the same transaction: none orphaned, none missing.
        assert count(db_path, "contact_phones") == 2 * now, where
        assert count(db_path, "contact_emails") == 2 * now, where
        assert count(db_path, "contact_addresses") == now, where
        assert count(db_path, "search_phones") == now, where
        assert scalar(db_path, "SELECT count(DISTINCT uid) FROM contacts") == now, where
        before = now
    assert interrupted >= 1, f"seed {seed}: every kill came after the commit; nothing tested"


@pytest.mark.slow
def test_kill_during_an_edit_leaves_the_old_or_the_new_version_never_a_mix(db, db_path,
                                                                            tmp_path):
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    svc = ContactService(db)
    cid = svc.create(Contact(given="Someone", family="Unsaved")).new_id(Entity.CONTACT)
    a, b = (saved_fields(v) for v in two_versions(svc.get(cid)))
    db.close()
    for round_ in range(5):
        delay = rng.uniform(0.02, 0.6)
        with Child(tmp_path, EDIT_CHILD, str(db_path), str(cid)) as c:
            c.wait_for("started")
            time.sleep(delay)
            assert c.kill(), "the edit loop stopped by itself"
        reopened = open_database(db_path)
        try:
            stored = saved_fields(ContactService(reopened).get(cid))
        finally:
            reopened.close()
        assert_consistent(db_path)
        assert stored in (a, b), (
            f"seed {seed}, round {round_}: a mix: differs from A in "
            f"{[k for k in stored if stored[k] != a[k]]}, from B in "
            f"{[k for k in stored if stored[k] != b[k]]}")
