"""Whole commands as a user runs them, measured from outside (process start to exit) on the
100,000-contact / 1,000,000-history database with its 66,667 activities (10,004 recurring):
`search`, `agenda` for a week and `today`. A bare `python -c pass` is printed as the floor.

    .venv/bin/python bench/process.py
"""

from __future__ import annotations

import subprocess
import sys
import time

from common import ROOT, big_database, median, report

RUNS = 7
SEARCHES = ["Lovelace", "5550", "Marigold", "ada kim", "müller"]


def run(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    db = str(big_database())
    floor = median([run("-c", "pass") for _ in range(RUNS)])
    search = median([run("main.py", "--db", db, "search", SEARCHES[i % len(SEARCHES)])
                     for i in range(RUNS)])
    agenda = median([run("main.py", "--db", db, "agenda") for _ in range(RUNS)])
    today = median([run("main.py", "--db", db, "today") for _ in range(RUNS)])
    report("python_start", floor * 1000, "ms", ">", 0)
    report("search_process", search * 1000, "ms", "<", 300)
    report("agenda_week_process", agenda * 1000, "ms", "<", 300)
    report("today_process", today * 1000, "ms", "<", 300)


if __name__ == "__main__":
    main()
