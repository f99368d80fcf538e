"""Quick search as the user types, over 100,000 contacts and 1,000,000 history items: 200
queries made of typed prefixes (j, jo, joh...), whole words, company names, e-mail fragments,
phone digit runs and history words, taken from the data itself.

    .venv/bin/python bench/search.py
"""

from __future__ import annotations

import random

from common import big_database, median, p95, report, timed

from app.services.registry import Services

QUERIES = 200


def queries(s: Services, rng: random.Random) -> list[str]:
    people = s.directory.contact_summaries(rng.sample(s.directory.contact_ids(), 60))
    out: list[str] = []
    for c in people:
        if len(out) >= QUERIES:
            break
        first = c.display_name.split()[0]
        out += [first[:n] for n in range(1, min(len(first), 5) + 1)]  # typing, letter by letter
        out.append(c.display_name.split()[-1])  # a family name
        if c.email:
            out.append(c.email.split("@")[0][:6])  # part of an e-mail
        if c.account_name:
            out.append(c.account_name.split()[0])  # a company
        digits = "".join(filter(str.isdigit, c.phone))
        if len(digits) >= 7:
            out.append(digits[-7:])  # the end of a phone number
            out.append(digits[-7:-3])  # a run from the middle
    out += ["renewal", "pricing", "invoice", "follow", "meeting notes", "demo"]
    rng.shuffle(out)
    return out[:QUERIES]


def main() -> None:
    s = Services.open(big_database())
    try:
        typed = queries(s, random.Random(5))
        for q in typed[:20]:  # warm the page cache the way a session in use would be
            s.directory.search(q)
        times = [timed(lambda q=q: s.directory.search(q)) * 1000 for q in typed]
        report("search_median", median(times), "ms", "<", 10)
        report("search_p95", p95(times), "ms", "<", 30)
    finally:
        s.close()


if __name__ == "__main__":
    main()
