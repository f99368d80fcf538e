"""Scan 100,000 contacts for duplicates: how long the scan takes, and how many of the
duplicates planted among them it finds.

The database is the sample generator's (2 phones, 2 e-mails and 1 address each, no history,
which the scan does not read; each webmail address made its owner's own) with 600 duplicates
planted the ways they arise: the same person again with their e-mail address in capitals and
a slip in the name; with the same phone number written another way (punctuation, or +1 in
front) and another address; and at the same company with a slip in the name (a letter wrong,
missing or swapped, the middle initial dropped, the accents left off, or the parts the other
way round), with nothing else shared. Generated once into bench/.data/ (about a minute) and reused.

    .venv/bin/python bench/duplicates_scan.py
"""

from __future__ import annotations

import json
import random
import sys
import time
import unicodedata
from dataclasses import replace
from pathlib import Path

from common import BIG_CONTACTS, DATA, median, report

from app.domain.contact import Contact, Email, Phone
from app.services import contacts as contact_cases
from app.services.duplicates import DuplicateService, pair_key
from app.services.registry import Services
from db.queries import directory as directory_queries

PLANTED_EACH = 200  # of each kind: e-mail, phone, name at the company
RUNS = 3
REGION = "US"  # the numbers written without a country code are read as American
SEED = 11


def _slip(rng: random.Random, word: str) -> str:
    """One typing slip: a letter wrong, left out, or two swapped."""
    if len(word) < 3:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    how = rng.randrange(3)
    if how == 0:
        letter = rng.choice("aeioulnrst".replace(word[i].lower(), ""))
        return word[:i] + letter + word[i + 1:]
    if how == 1:
        return word[:i] + word[i + 1:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def _plain(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(ch))


def _again(rng: random.Random, c: Contact, kind: str, n: int) -> Contact:
    """`c` entered a second time, as `kind` duplicates arise."""
    base = replace(c, id=None, uid="", version=0, phones=[], emails=[], addresses=[],
                   websites=[], ims=[], tags=[], custom={}, extra=[], notes="", photo=None,
                   created_at=None, updated_at=None, deleted_at=None)
    fresh_mail = Email(f"dup{n}.{SEED}@elsewhere.example", "home")
    fresh_phone = Phone(f"+1 555 {n:07d}", "mobile")
    if kind == "email":
        address = c.emails[0].value
        return replace(base, family=_slip(rng, c.family), account_id=None,
                       emails=[Email(address.upper(), "work")])
    if kind == "phone":
        number = c.phones[0].value
        digits = "".join(ch for ch in number if ch.isdigit())
        written = (f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}"
                   if number.startswith("(") and len(digits) == 10
                   else "-".join(number.replace("(", "").replace(")", "").split()))
        return replace(base, account_id=None, emails=[fresh_mail],
                       phones=[Phone(written, "work")])
    how = rng.randrange(5)
    given, middle, family = c.given, c.middle, c.family
    if how == 0:
        family = _slip(rng, family)
    elif how == 1:
        given = _slip(rng, given)
    elif how == 2 and middle:
        middle = ""
    elif how == 3 and _plain(family + given) != family + given:
        given, family = _plain(given), _plain(family)
    elif how == 4:  # "Lovelace Ada": the parts entered the other way round
        given, family = family, given
    else:
        family = _slip(rng, family)
    return replace(base, given=given, middle=middle, family=family, emails=[fresh_mail],
                   phones=[fresh_phone])


def database() -> tuple[Path, list[tuple[int, int]]]:
    path = DATA / f"duplicates-{BIG_CONTACTS}.db"
    planted_file = path.with_suffix(".planted.json")
    if path.exists() and planted_file.exists():
        return path, [tuple(p) for p in json.loads(planted_file.read_text())]  # type: ignore
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"# generating {path.name} (once; reused by later runs)", file=sys.stderr, flush=True)
    started = time.perf_counter()
    from app.sample import generate

    s = Services.open(path)
    try:
        generate(s, contacts=BIG_CONTACTS, history_per_contact=0, full_details=True)
        own_webmail(s)
        planted = plant(s)
    finally:
        s.close()
    planted_file.write_text(json.dumps(planted))
    print(f"# generated in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path, planted


def own_webmail(s: Services) -> None:
    """The sample gives namesakes one webmail address (at 100,000 people there are a
    thousand James Millers and three webmail domains): each is made their own, as in life,
    or the scan would rightly call them all one person."""
    with s.db.transaction("making webmail addresses unique") as session:
        session.connection().exec_driver_sql(
            "UPDATE contact_emails SET value = replace(value, '@', '.' || contact_id || '@') "
            "WHERE value LIKE '%@mail.example' OR value LIKE '%@inbox.example' "
            "OR value LIKE '%@post.example'")


def plant(s: Services) -> list[tuple[int, int]]:
    rng = random.Random(SEED)
    with s.db.read() as session:
        ids = directory_queries.contact_ids(session.connection())
    chosen = rng.sample(ids, PLANTED_EACH * 6)
    originals: list[Contact] = []
    kinds: list[str] = []
    for cid in chosen:
        c = s.contacts.get(cid)
        want = ("name" if sum(k == "name" for k in kinds) < PLANTED_EACH and c.account_id
                else "email" if sum(k == "email" for k in kinds) < PLANTED_EACH
                else "phone" if sum(k == "phone" for k in kinds) < PLANTED_EACH else None)
        if want is None:
            break
        originals.append(c)
        kinds.append(want)
    copies = [_again(rng, c, kind, n) for n, (c, kind) in enumerate(zip(originals, kinds,
                                                                        strict=True))]
    with s.db.unit("Plant duplicates") as tx:
        new = contact_cases.bulk_create(tx, copies)
    return [pair_key(c.id or 0, n) for c, n in zip(originals, new, strict=True)]


def main() -> None:
    path, planted = database()
    s = Services.open(path)
    try:
        service = DuplicateService(s.db, region=REGION)
        times, found = [], None
        for _ in range(RUNS):
            started = time.perf_counter()
            found = service.scan()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        s.close()
    assert found is not None
    pairs = {p.ids for p in found.pairs}
    hits = sum(1 for p in planted if p in pairs)
    print(f"# {found.contacts:,} contacts, {len(found.pairs):,} likely pairs, planted "
          f"{len(planted)}, found {hits}; runs {', '.join(f'{t:.0f}' for t in times)} ms",
          file=sys.stderr)
    report("duplicates_scan_100k", median(times), "ms", "<=", 5000)
    report("duplicates_planted_found", hits / len(planted), "ratio", ">=", 0.95)


if __name__ == "__main__":
    main()
