"""Save one edited contact (with its child rows) in the 100k-contact database: WAL with
synchronous=FULL, so every save is a real fsync'd commit.

    .venv/bin/python bench/edit_save.py
"""

from __future__ import annotations

import random

from common import big_database, median, p95, report, timed

from app.domain.contact import Phone
from app.services.registry import Services

SAVES = 200


def main() -> None:
    s = Services.open(big_database())
    try:
        rng = random.Random(3)
        ids = s.directory.contact_ids()
        times = []
        for n in range(SAVES):
            contact = s.contacts.get(rng.choice(ids))  # loading is the editor opening: not timed
            contact.title = f"Edited title {n}"
            contact.phones = [*contact.phones[:1], Phone(f"+1 555 01{n:05d}", "mobile")]
            contact.notes = (contact.notes + f"\nCalled back ({n})").strip()
            times.append(timed(lambda c=contact: s.contacts.update(c)) * 1000)
        report("edit_save_median", median(times), "ms", "<", 2)
        report("edit_save_p95", p95(times), "ms", "<", 10)
    finally:
        s.close()


if __name__ == "__main__":
    main()
