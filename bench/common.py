"""Shared benchmark plumbing: the figure line format and the 100k-contact database.

The database is generated on first use into bench/.data/ (ignored by git) with the project's
own sample generator, and reused while it is at the current schema.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / ".data"
BIG_CONTACTS = 100_000
BIG_HISTORY_PER_CONTACT = 10  # 1,000,000 history items


def report(name: str, value: float, unit: str, op: str, target: float) -> None:
    print(f"BENCH {name} {value:.{_digits(value)}f} {unit} target={op}{target:g}", flush=True)


def _digits(value: float) -> int:
    return 0 if abs(value) >= 1000 else 2 if abs(value) >= 1 else 3


def median(values) -> float:
    return statistics.median(values)


def p95(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def big_database() -> Path:
    """100,000 contacts (2 phones, 2 e-mails, 1 address each) and 1,000,000 history items."""
    from app.sample import generate
    from app.services.registry import Services
    from db import migrate

    path = DATA / f"big-{BIG_CONTACTS}.db"
    if path.exists():
        s = Services.open(path)
        try:
            counts = s.maintenance.stats()
            if counts["contacts"] >= BIG_CONTACTS and counts["history"] >= (
                    BIG_CONTACTS * BIG_HISTORY_PER_CONTACT):
                return path
        finally:
            s.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"# generating {path.name} (once; reused by later runs)", file=sys.stderr, flush=True)
    started = time.perf_counter()
    s = Services.open(path)
    try:
        generate(s, contacts=BIG_CONTACTS, history_per_contact=BIG_HISTORY_PER_CONTACT,
                 full_details=True)
    finally:
        s.close()
    del migrate
    print(f"# generated in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path
