"""Open the 100k-contact database and show the first 200 contacts sorted by display name;
and what the migration check adds to opening a database already at the head revision.

    .venv/bin/python bench/open_list.py
"""

from __future__ import annotations

from common import big_database, median, report, timed

from app.services.directory import Directory
from db import migrate
from db.engine import connect

RUNS = 20


def open_and_list(path) -> None:
    db = migrate.open_database(path)
    try:
        rows = Directory(db).contacts(limit=200)
        assert len(rows) == 200
    finally:
        db.close()


def check_only(path) -> None:
    db = connect(path)
    try:
        migrate.upgrade(db)  # at head: this is only the check
    finally:
        db.close()


def connect_only(path) -> None:
    db = connect(path)
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        db.close()


def cold(fn, path) -> float:
    """Each run starts as a new process would: the migration scripts not yet loaded."""
    migrate._script.cache_clear()
    return timed(lambda: fn(path)) * 1000


def main() -> None:
    path = big_database()
    open_and_list(path)  # the file's pages into the OS cache, as on any second launch
    opening = [cold(open_and_list, path) for _ in range(RUNS)]
    checks = [cold(check_only, path) for _ in range(RUNS)]
    bare = [cold(connect_only, path) for _ in range(RUNS)]
    report("open_and_first_200", median(opening), "ms", "<", 50)
    report("migration_check_overhead", median(checks) - median(bare), "ms", "<", 100)


if __name__ == "__main__":
    main()
