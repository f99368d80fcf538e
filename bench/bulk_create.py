"""Bulk-create 100,000 contacts (2 phones, 2 e-mails, 1 address each) through the app's bulk
path (one unit of work: journal and search index included), the same rows with plain sqlite3
executemany into the same schema, and the undo of the app's bulk create, in one run.

    .venv/bin/python bench/bulk_create.py
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from pathlib import Path

from common import median, report, timed

from app.domain.contact import Address, Contact, Email, Phone
from app.services.contacts import ContactService
from app.services.journal import JournalService
from db.migrate import open_database
from db.models import new_uid

N = 100_000
RUNS = 3


def people(seed: int = 1) -> list[Contact]:
    rng = random.Random(seed)
    first = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia",
             "Tim", "Margaret", "Dennis", "Katherine", "John", "Sophie", "Linus", "Hedy"]
    last = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
            "Perlman", "Berners-Lee", "Hamilton", "Ritchie", "Johnson", "Backus", "Wilson"]
    out = []
    for i in range(N):
        g, f = rng.choice(first), rng.choice(last)
        out.append(Contact(
            given=g, family=f"{f}{i % 997}", title="Account Manager",
            phones=[Phone(f"+1 (555) {rng.randint(100, 999)}-{rng.randint(1000, 9999)}"),
                    Phone(f"+44 20 7946 {rng.randint(1000, 9999)}", "mobile")],
            emails=[Email(f"{g}.{f}{i}@example.com".lower()),
                    Email(f"{g}{i}@home.example.org".lower(), "home")],
            addresses=[Address(f"{rng.randint(1, 999)} Main St", "Springfield", "IL", "62701",
                               "USA")]))
    return out


def fresh(folder: Path, name: str) -> Path:
    path = folder / name
    open_database(path).close()
    return path


def app_path(path: Path, contacts: list[Contact]) -> tuple[float, float]:
    """(create, undo of that create) in seconds."""
    db = open_database(path)
    try:
        created = timed(lambda: ContactService(db).bulk_create(contacts))
        undone = timed(lambda: JournalService(db).undo())
        return created, undone
    finally:
        db.close()


def _digits(values) -> str:
    return " ".join(d for d in ("".join(ch for ch in v if ch.isdigit()) for v in values) if d)


def plain_sqlite3(path: Path, contacts: list[Contact]) -> float:
    """The same rows -- contacts, phones, e-mails, addresses and search-index rows -- with the
    same pragmas, as tuples built before the clock starts: the floor for this schema."""
    rows, phones, emails, addrs, people_idx, phone_idx = [], [], [], [], [], []
    stamp = "2026-01-01 00:00:00.000000"
    for cid, c in enumerate(contacts, 1):
        name = c.display_name
        rows.append((cid, new_uid(), c.given, c.family, name, name.casefold(), c.title,
                     stamp, stamp))
        phones += [(cid, p.label, 0, i, p.value) for i, p in enumerate(c.phones)]
        emails += [(cid, e.label, 0, i, e.value) for i, e in enumerate(c.emails)]
        addrs += [(cid, a.label, 0, i, a.street, a.locality, a.region, a.postal_code, a.country)
                  for i, a in enumerate(c.addresses)]
        people_idx.append((2 * cid, name, " ".join([c.title, *(e.value for e in c.emails)]), ""))
        phone_idx.append((2 * cid, _digits(p.value for p in c.phones)))
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                   "cache_size=-65536"):
        conn.execute(f"PRAGMA {pragma}")

    def write():
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO contacts(id, uid, given, family, display_name, sort_name, title, "
            "created_at, updated_at, prefix, middle, suffix, nickname, department, photo_mime, "
            "status, source, owner, notes) VALUES (?,?,?,?,?,?,?,?,?,'','','','','','','lead',"
            "'','','')", rows)
        conn.executemany("INSERT INTO contact_phones(contact_id, label, preferred, position, "
                         "value) VALUES (?,?,?,?,?)", phones)
        conn.executemany("INSERT INTO contact_emails(contact_id, label, preferred, position, "
                         "value) VALUES (?,?,?,?,?)", emails)
        conn.executemany("INSERT INTO contact_addresses(contact_id, label, preferred, position, "
                         "street, locality, region, postal_code, country, po_box, extended) "
                         "VALUES (?,?,?,?,?,?,?,?,?,'','')", addrs)
        conn.executemany("INSERT INTO search_people(rowid, name, detail, body) VALUES (?,?,?,?)",
                         people_idx)
        conn.executemany("INSERT INTO search_phones(rowid, digits) VALUES (?,?)", phone_idx)
        conn.execute("COMMIT")

    try:
        return timed(write)
    finally:
        conn.close()


def main() -> None:
    contacts = people()
    ours, undos, theirs = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for run in range(RUNS):
            created, undone = app_path(fresh(folder, f"app{run}.db"), contacts)
            ours.append(created)
            undos.append(undone)
            theirs.append(plain_sqlite3(fresh(folder, f"raw{run}.db"), contacts))
    report("bulk_create_rate", N / median(ours), "contacts/s", ">=", 25000)
    report("bulk_create_sqlite3_rate", N / median(theirs), "contacts/s", ">", 0)
    report("bulk_create_vs_sqlite3", median(ours) / median(theirs), "x", "<=", 2)
    report("bulk_create_undo_s", median(undos), "s", "<=", round(median(ours), 2))
    report("bulk_create_undo_vs_create", median(undos) / median(ours), "x", "<=", 1)


if __name__ == "__main__":
    main()
