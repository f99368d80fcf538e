"""Parse a 100,000-row Google Contacts CSV (today's layout, as Google exports it: 2 e-mails,
2 phones, an address, a company and title, a birthday, a note and labels per row) into
Contacts, as an import's first step does: bytes in, ParsedContact items out.

    .venv/bin/python bench/csv_parse.py

The file is generated on first use into bench/.data/ (ignored by git) with the CSV writer,
and reused. The end-to-end import target is 15,000 rows/s including the database, so
parsing alone must leave room: at least 30,000 rows/s.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from common import DATA, median, report, timed

from app.domain.contact import Address, Contact, Email, Phone
from app.domain.dates import PartialDate
from importers.csv import ParsedContact, read_csv, write_csv

ROWS = 100_000
RUNS = 3
GIVEN = ("Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Zoë", "José",
         "Jürgen", "Søren", "Amélie", "Björn", "Chiara", "Dmitri", "Eun-ji")
FAMILY = ("Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee",
          "Müller", "García", "Østergaard", "Dubois", "Rossi", "Ivanov", "Kim", "O'Neil")
COMPANIES = ("Analytical Engines", "Compiler Corp", "Bletchley Labs", "Orbital Dynamics",
             "Kernel Works", "Apollo Systems", "Web Foundation")
TITLES = ("Founder", "VP of Engineering", "Principal Researcher", "Analyst", "Engineer")
CITIES = (("Berlin", "BE", "10115", "Germany"), ("London", "", "SW1A 1AA", "United Kingdom"),
          ("Arlington", "VA", "22202", "USA"), ("Lyon", "", "69001", "France"))
LABELS = ("Friends", "Customers", "Suppliers", "Conference 2024", "Family")


_SYLLABLES = ("ka", "lo", "mi", "ren", "sa", "to", "vi", "bel", "dor", "fa", "gu", "han",
              "jo", "ki", "lu", "mar", "no", "pe", "qui", "ros", "sten", "tu", "ul", "var",
              "win", "xa", "yo", "zel", "bri", "cha")


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def _contact(rng: random.Random, n: int) -> Contact:
    # Some names from the lists, most made up: an address book of 100,000 people holds
    # few namesakes at one company (the import would rightly merge those).
    if n % 10 == 0:
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    else:
        given, family = _name(rng, 2), _name(rng, 3)
    local = f"{given}.{family}{n}".lower().replace(" ", "").replace("'", "")
    city = rng.choice(CITIES)
    company = (f"{rng.choice(COMPANIES)} {_name(rng, 2)}" if n % 10 == 0 else
               f"{_name(rng, 2)} {rng.choice(('Ltd', 'GmbH', 'Inc.', 'LLC', 'SARL'))}")
    return Contact(
        given=given, family=family, account_name=company,
        title=rng.choice(TITLES), birthday=PartialDate(rng.randint(1, 12), rng.randint(1, 28),
                                                       rng.choice((None, 1970, 1985, 1999))),
        notes=rng.choice(("Met at the fair.", "Prefers e-mail.\nCall after 10.",
                          'Said "yes" to the quote, pending PO.')),
        emails=[Email(f"{local}@example.org", "work", True),
                Email(f"{local}@home.example", "home")],
        # Numbers of one person each, as in a real address book: a shared number is a match.
        phones=[Phone(f"+1 (555) {200 + n // 10000}-{n % 10000:04d}", "mobile"),
                Phone(f"+44 7700 9{n:05d}", "work")],
        addresses=[Address(f"{rng.randint(1, 999)} Main Street", *city, label="work")],
        tags=rng.sample(LABELS, 2))


def google_csv() -> Path:
    path = DATA / f"google-{ROWS}-v5.csv"
    if path.exists() and path.stat().st_size > 0:
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"# generating {path.name} (once; reused by later runs)", file=sys.stderr, flush=True)
    rng = random.Random(5)
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8-sig", newline="") as f:
        f.writelines(write_csv((_contact(rng, n) for n in range(ROWS)), "google"))
    partial.replace(path)
    return path


def parse(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for item in read_csv(f, name=path.name) if isinstance(item, ParsedContact))


def main() -> None:
    path = google_csv()
    assert parse(path) == ROWS, "every generated row must parse as a contact"
    started = time.perf_counter()
    times = [timed(lambda: parse(path)) for _ in range(RUNS)]
    print(f"# {RUNS} runs in {time.perf_counter() - started:.1f} s; "
          f"{path.stat().st_size / 1e6:.0f} MB", file=sys.stderr, flush=True)
    report("csv_parse_rate", ROWS / median(times), "rows/s", ">=", 30_000)


if __name__ == "__main__":
    main()
