"""Parse a 100,000-card vCard 3.0 file (2 phones, 2 e-mails, 1 address, a note and tags on
each card) into Contacts with Rolodeck's reader, and the same file's first 10,000 cards with
vobject (readComponents, which at its speed would take minutes over all of it; its rate is
cards per second either way); then the reader's peak memory, in a process of its own.

    .venv/bin/python bench/vcard_parse.py

The file is generated on first use into bench/.data/ (ignored by git) and reused. Rates are
in CPU time of this process, for both parsers alike: the machine is shared, and another
session's work must not count against either (wall times are printed to stderr as well).
"""

from __future__ import annotations

import io
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from common import DATA, report

from app.domain.contact import Address, Contact, Email, Phone
from importers.vcard import ParsedCard, read_vcards, write_vcards

CARDS = 100_000
VOBJECT_CARDS = 10_000
GIVEN = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Zoë",
         "Søren", "Anaïs", "José", "Mårten", "Niklaus", "Radia", "Tim")
FAMILY = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
          "Müller", "Ørsted", "Nin", "García", "Lindqvist", "Wirth", "Perlman", "Berners-Lee")
TAGS = ("customer", "vip", "newsletter", "partner", "supplier", "press", "Q3 leads")
CITIES = (("Berlin", "BE", "10115", "Germany"), ("Austin", "TX", "78701", "USA"),
          ("Lyon", "", "69001", "France"), ("Malmö", "", "211 22", "Sweden"))


def contacts(n: int):
    rng = random.Random(20240601)
    for i in range(n):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        city, region, code, country = rng.choice(CITIES)
        user = f"{given}.{family}{i}".lower()
        yield Contact(
            given=given, family=family, uid=f"bench-{i:06d}",
            phones=[Phone(f"+1 512 555 {rng.randrange(10_000):04d}", "mobile", True),
                    Phone(f"+49 30 {rng.randrange(10**7):07d}", "work")],
            emails=[Email(f"{user}@example.com", "work", True),
                    Email(f"{user}@home.example", "home")],
            addresses=[Address(f"{rng.randrange(1, 300)} Main Street", city, region, code,
                               country, label="work")],
            notes=f"Met at the {rng.choice(TAGS)} day; prefers e-mail.\nFollow up in spring.",
            tags=rng.sample(TAGS, 2))


def vcard_file() -> Path:
    path = DATA / f"vcards-{CARDS}-3.0.vcf"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"# generating {path.name} (once; reused by later runs)", file=sys.stderr, flush=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as f:
        for text in write_vcards(contacts(CARDS), "3.0"):
            f.write(text)
    partial.replace(path)
    return path


def ours(path: Path) -> tuple[int, float, float]:
    """Cards read, CPU seconds, wall seconds."""
    started, wall = time.process_time(), time.perf_counter()
    with path.open("rb") as f:
        count = sum(1 for p in read_vcards(f, name=path.name) if isinstance(p, ParsedCard))
    return count, time.process_time() - started, time.perf_counter() - wall


def first_cards(path: Path, n: int) -> str:
    out, cards = [], 0
    with path.open(encoding="utf-8", newline="") as f:
        for line in f:
            out.append(line)
            if line.startswith("END:VCARD"):
                cards += 1
                if cards == n:
                    break
    return "".join(out)


def vobject_rate(path: Path) -> tuple[float, float]:
    """vobject's cards per CPU second and per wall second."""
    import vobject  # type: ignore[import-untyped]

    text = first_cards(path, VOBJECT_CARDS)
    started, wall = time.process_time(), time.perf_counter()
    count = sum(1 for _ in vobject.readComponents(io.StringIO(text)))
    elapsed, wall = time.process_time() - started, time.perf_counter() - wall
    assert count == VOBJECT_CARDS, count
    return count / elapsed, count / wall


def peak_child(path: Path) -> None:
    count, _cpu, _wall = ours(path)
    assert count == CARDS, count
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


def main() -> None:
    if sys.argv[1:2] == ["--peak"]:
        peak_child(Path(sys.argv[2]))
        return
    path = vcard_file()
    print(f"# {path.name}: {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr, flush=True)
    count, elapsed, wall = ours(path)
    assert count == CARDS, count
    rate = count / elapsed
    theirs, theirs_wall = vobject_rate(path)
    print(f"# wall clock: ours {count / wall:,.0f} cards/s, vobject {theirs_wall:,.0f} cards/s",
          file=sys.stderr, flush=True)
    child = subprocess.run([sys.executable, __file__, "--peak", str(path)], check=True,
                           capture_output=True, text=True, env={**os.environ})
    report("vcard_parse_rate", rate, "cards/s", ">=", 12000)
    report("vobject_parse_rate", theirs, "cards/s", ">=", 0)
    report("vcard_parse_vs_vobject", rate / theirs, "x", ">=", 3)
    report("vcard_parse_peak_mb", float(child.stdout.split()[-1]), "MB", "<", 400)


if __name__ == "__main__":
    main()
