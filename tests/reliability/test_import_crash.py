"""RELIABILITY 1 for the import a user runs: `rolodeck import` of a 50,000-card vCard file,
killed with SIGKILL at random moments (while the file is read and the stored contacts are
indexed, while the transaction is being written, while its commit reaches the WAL), then
run again. Each time the database must hold nothing of the import or all of it, be
consistent, and the next run must finish the job: 50,000 contacts, 50,000 distinct UIDs,
nothing that was there before touched, the file read byte for byte as it was.

The kill points come from a seed printed with any failure; they are anchored on the clock
and on the size of the database's WAL (a commit writes it), so a fast or a slow machine
still kills inside the import."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.domain.contact import Contact
from app.services.registry import Services
from db.migrate import head, open_database
from tests.reliability.files import sha256
from tests.reliability.storage import ROOT, assert_consistent, count, revision, sql

CARDS = 50_000
SEEDED = ("Existing One", "Existing Two", "Existing Three")


def _card(n: int) -> str:
    return ("BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"UID:crash-{n:06d}\r\nN:Family{n % 997};Given{n};;;\r\n"
            f"FN:Given{n} Family{n % 997}\r\n"
            f"TEL;TYPE=WORK:+1 555 {200 + n // 10000}-{n % 10000:04d}\r\n"
            f"EMAIL;TYPE=INTERNET:given{n}@example.com\r\n"
            f"ADR;TYPE=WORK:;;{n} Main St;Springfield;IL;62701;USA\r\n"
            f"NOTE:Card {n}\\, generated.\r\nCATEGORIES:Crash,Test\r\nEND:VCARD\r\n")


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "contacts-50k.vcf"
    with path.open("w", encoding="utf-8", newline="") as f:
        for n in range(CARDS):
            f.write(_card(n))
    return path


def _seed(db_path: Path) -> None:
    """A few contacts made as the app makes them (Services.open, as the command line opens
    the file, so its first-open upkeep is done before they are compared)."""
    s = Services.open(db_path)
    try:
        for name in SEEDED:
            given, family = name.split()
            s.contacts.create(Contact(given=given, family=family))
    finally:
        s.close()


class Run:
    """`rolodeck --db DB ARGS` in a child process. Its output goes to files, not pipes: a
    process it started and that outlives it would hold a pipe open."""

    def __init__(self, tmp: Path, db_path: Path, *args: str | Path):
        env = os.environ | {"PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
        self.out, self.err = tmp / "out.txt", tmp / "err.txt"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "main.py"), "--db", str(db_path),
                 *map(str, args)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=err)
        self.pid = self.proc.pid

    def poll(self) -> int | None:
        return self.proc.poll()

    def wait(self, timeout: float = 300) -> tuple[int, bytes, bytes]:
        code = self.proc.wait(timeout=timeout)
        return code, self.out.read_bytes(), self.err.read_bytes()


def _descendants(pid: int) -> set[int]:
    """The processes `pid` started (and theirs), read from /proc while it still runs."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        here = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{here}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                text = Path(f"/proc/{here}/task/{task}/children").read_text()
            except OSError:
                continue
            for child in map(int, text.split()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _end(pids: set[int]) -> None:
    for pid in pids:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _kill_at(proc: Run, wal: Path, point: tuple[str, float]
             ) -> tuple[bool, set[int]]:
    """SIGKILL `proc` at `point` (("after", seconds) or ("wal", bytes)); whether it was still
    running, and the processes it had started."""
    kind, at = point
    started = time.monotonic()
    children: set[int] = set()
    while proc.poll() is None and time.monotonic() - started < 120:
        children |= _descendants(proc.pid)
        if kind == "after" and time.monotonic() - started >= at:
            break
        if kind == "wal" and wal.exists() and wal.stat().st_size >= at:
            break
        time.sleep(0.005)
    running = proc.poll() is None
    if running:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    return running, children


def _imported(db_path: Path) -> tuple[int, int]:
    """The import's contacts in the file: how many, and how many distinct UIDs."""
    n, distinct = sql(db_path, "SELECT count(*), count(DISTINCT uid) FROM contacts WHERE uid "
                               "LIKE 'crash-%'")[0]
    return n, distinct


def _seeded(db_path: Path) -> list[tuple]:
    return sql(db_path, "SELECT uid, given, family, version, updated_at FROM contacts WHERE "
                        "uid NOT LIKE 'crash-%' ORDER BY uid")


@pytest.mark.slow
def test_kill_9_during_a_50k_card_import_leaves_nothing_or_everything(db_path, big_file,
                                                                      tmp_path):
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    _seed(db_path)
    seeded = _seeded(db_path)
    file_sum = sha256(big_file)
    wal = Path(f"{db_path}-wal")
    # Early (reading the file, indexing), in the middle, twice in the commit (the WAL
    # growing: some 45 MB for this file), and late. A kill after the commit leaves the
    # rounds after it re-imports, killed in turn.
    points = [("after", rng.uniform(0.2, 0.8)), ("after", rng.uniform(0.8, 2.0)),
              ("wal", rng.uniform(1, 15) * (1 << 20)), ("wal", rng.uniform(15, 40) * (1 << 20)),
              ("after", rng.uniform(2.0, 4.0))]
    interrupted = 0
    for round_, point in enumerate(points):
        where = f"seed {seed}, round {round_}, kill at {point[0]} {point[1]:.2f}"
        proc = Run(tmp_path, db_path, "import", big_file)
        running, children = _kill_at(proc, wal, point)
        _end(children)  # see test_a_killed_import_leaves_no_reading_process_behind
        interrupted += running
        open_database(db_path).close()  # the app's own open, over the WAL the kill left
        assert revision(db_path) == head(), where
        assert_consistent(db_path)
        imported, distinct = _imported(db_path)
        assert imported in (0, CARDS), f"{where}: {imported:,} of the import kept"
        assert distinct == imported, f"{where}: duplicates"
        if not running:
            assert imported == CARDS, f"{where}: the run ended, yet not all there"
        assert count(db_path, "contact_emails") == imported, where
        assert count(db_path, "contact_phones") == imported, where
        assert _seeded(db_path) == seeded, where
        assert sha256(big_file) == file_sum, where
    assert interrupted, f"seed {seed}: every kill came after the import ended; nothing tested"

    before = _imported(db_path)[0]
    code, out, err = Run(tmp_path, db_path, "import", big_file).wait()
    assert code == 0, (seed, out, err)
    assert b"Traceback" not in err
    imported, distinct = _imported(db_path)
    assert (imported, distinct) == (CARDS, CARDS), seed
    assert count(db_path, "contacts") == CARDS + len(SEEDED)
    assert _seeded(db_path) == seeded
    if before == 0:
        assert b"50,000 new" in out, out
    else:  # a kill came just after a commit: the next run finds everything there
        assert b"0 new" in out and b"50,000 unchanged" in out, out
    assert_consistent(db_path)
    assert sha256(big_file) == file_sum


@pytest.mark.slow
def test_a_killed_import_leaves_no_reading_process_behind(db_path, big_file, tmp_path):
    proc = Run(tmp_path, db_path, "import", big_file)
    children: set[int] = set()
    started = time.monotonic()
    while proc.poll() is None and time.monotonic() - started < 1.5:
        children |= _descendants(proc.pid)
        time.sleep(0.01)
    assert children, "no reading process was started (the file is over PARALLEL_BYTES)"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 5
    try:
        while any(_alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = sorted(p for p in children if _alive(p))
        assert not left, f"still running 5 s after the import was killed: {left}"
    finally:
        _end(children)
