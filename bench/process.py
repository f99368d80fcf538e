"""Whole commands as a user runs them, measured from outside (process start to exit) on the
100,000-contact / 1,000,000-history database with its 66,667 activities (10,004 recurring):
`search`, `agenda` for a week and `today`. Printed beside them, from the same run: a bare
`python -c pass` (the interpreter's floor) and `python -c "import sqlalchemy.orm"` (the
floor of any command that reads through SQLAlchemy, which importing it alone costs).

    .venv/bin/python bench/process.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from common import ROOT, big_database, median, report

RUNS = 7
SEARCHES = ["Lovelace", "5550", "Marigold", "ada kim", "müller"]
# As an installed app runs: its modules compiled once and read from their .pyc files after.
# A shell with PYTHONDONTWRITEBYTECODE set would have every run compile the project's own
# modules from source again, a cost no user's command pays.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    db = str(big_database())
    # One untimed run of each first: it writes the .pyc files and brings the database's pages
    # into the OS cache, as any earlier use would have.
    run("-c", "import sqlalchemy.orm")
    for args in (["search", SEARCHES[0]], ["agenda"], ["today"]):
        run("main.py", "--db", db, *args)
    floor = median([run("-c", "pass") for _ in range(RUNS)])
    # Taken in turns, so that a machine busy with something else slows both alike.
    peer, search = [], []
    for i in range(RUNS):
        peer.append(run("-c", "import sqlalchemy.orm"))
        search.append(run("main.py", "--db", db, "search", SEARCHES[i % len(SEARCHES)]))
    sqlalchemy, search_time = median(peer), median(search)
    agenda = median([run("main.py", "--db", db, "agenda") for _ in range(RUNS)])
    today = median([run("main.py", "--db", db, "today") for _ in range(RUNS)])
    report("python_start", floor * 1000, "ms", ">", 0)
    report("sqlalchemy_import_process", sqlalchemy * 1000, "ms", ">", 0)
    report("search_process", search_time * 1000, "ms", "<", 300)
    report("agenda_week_process", agenda * 1000, "ms", "<", 300)
    report("today_process", today * 1000, "ms", "<", 300)


if __name__ == "__main__":
    main()
