"""Export and copy over 20,000 sample contacts (the realistic mix: tags, custom values,
companies, several of each detail): every contact to vCard 4.0, as File > Export does; and a
copy of 1,000 chosen contacts, as Ctrl+C does (vCard and plain text, the two clipboard forms).

    .venv/bin/python bench/export.py

The database is generated on first use into bench/.data/ (ignored by git) and reused.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from common import DATA, median, report, timed

from app.services.registry import Services

CONTACTS = 20_000
COPIED = 1_000
EXPORT_RUNS = 3
COPY_RUNS = 10


def database() -> Path:
    path = DATA / f"export-{CONTACTS}.db"
    if path.exists():
        s = Services.open(path)
        try:
            if s.maintenance.stats()["contacts"] >= CONTACTS:
                return path
        finally:
            s.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    from app.sample import generate

    DATA.mkdir(parents=True, exist_ok=True)
    print(f"# generating {path.name} (once; reused by later runs)", file=sys.stderr, flush=True)
    started = time.perf_counter()
    s = Services.open(path)
    try:
        # History is not exported; without it the file is made in seconds.
        generate(s, contacts=CONTACTS, history_per_contact=0)
    finally:
        s.close()
    print(f"# generated in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path


def main() -> None:
    s = Services.open(database())
    try:
        ids = s.directory.contact_ids()
        exchange = s.exchange
        exchange.vcards(ids[:2000])  # warm the page cache the way a session in use would be
        exports = [timed(lambda: exchange.vcards(ids)) for _ in range(EXPORT_RUNS)]
        rng = random.Random(11)
        copies = []
        for _ in range(COPY_RUNS):
            chosen = rng.sample(ids, COPIED)
            copies.append(timed(lambda c=chosen: (exchange.vcards(c), exchange.as_text(c))))
        report("export_vcard_rate", len(ids) / median(exports), "contacts/s", ">=", 5000)
        report("copy_1000_contacts_ms", median(copies) * 1000, "ms", "<", 500)
    finally:
        s.close()


if __name__ == "__main__":
    main()
