"""The change journal's costs: a record's field history with 1,000 journal entries, and
renaming an account that 40,000 contacts work for (one unit: the journal records the name,
the search index reindexes the people in one set-based pass).

    .venv/bin/python bench/journal.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import median, report, timed

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact, Email, Phone
from app.services.registry import Services
from db.migrate import open_database

EDITS = 1000
PEOPLE = 40_000
RUNS = 5


def field_history(folder: Path) -> list[float]:
    s = Services.over(open_database(folder / "history.db"))
    try:
        cid = s.contacts.create(Contact(given="Ada", family="Lovelace")).new_id(Entity.CONTACT)
        for n in range(EDITS):
            c = s.contacts.get(cid)
            c.title = f"Title {n}"
            s.contacts.update(c)
        found = s.journal.history(Entity.CONTACT, cid, limit=EDITS + 10)
        assert len(found) >= EDITS, len(found)
        return [timed(lambda: s.journal.history(Entity.CONTACT, cid, limit=EDITS + 10)) * 1000
                for _ in range(20)]
    finally:
        s.close()


def rename(folder: Path, run: int) -> float:
    s = Services.over(open_database(folder / f"rename{run}.db"))
    try:
        aid = s.accounts.create(Account(name="Hollowbrook Care")).new_id(Entity.ACCOUNT)
        s.contacts.bulk_create([
            Contact(given=f"Person{i}", family="Example", account_id=aid,
                    emails=[Email(f"p{i}@hollowbrook.example")], phones=[Phone(f"+1 555 {i:07d}")])
            for i in range(PEOPLE)])
        account = s.accounts.get(aid)
        account.name = "Hollowbrook Care Group"
        took = timed(lambda: s.accounts.update(account))
        assert len(s.directory.search("Group", limit=5)) == 5
        return took
    finally:
        s.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        report("field_history_1000_median", median(field_history(folder)), "ms", "<", 20)
        times = [rename(folder, run) for run in range(RUNS)]
    report("rename_account_40000_contacts", median(times) * 1000, "ms", "<", 1000)


if __name__ == "__main__":
    main()
