"""Import a generated ~1 GB vCard 3.0 file (about a million cards, one in fifty with a
photo) end to end into an empty database through `ImportService.run`, as RELIABILITY 47
asks: peak resident memory under a fixed budget, whatever the file's size (the file is read
in a second process, beside the writes, and the run keeps only the records not imported;
see app/services/imports.py and imports_worker.py).

    .venv/bin/python bench/import_huge.py            # several minutes
    .venv/bin/python bench/import_huge.py --mb 200   # a smaller file, for a quick look

The file is generated on first use into bench/.data/ (ignored by git) and reused; the
database goes to a temporary folder and is deleted afterwards. Peak memory is the kernel's
high-water mark (ru_maxrss) of this process, and separately of the reading process.
"""

from __future__ import annotations

import argparse
import base64
import random
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import DATA, report

TARGET_MB = 400
_FIRST = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia",
          "Tim", "Margaret", "Dennis", "Katherine", "John", "Sophie", "Linus", "Hedy", "José",
          "Zoë", "Łukasz")
_LAST = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
         "Perlman", "Berners-Lee", "Hamilton", "Ritchie", "Johnson", "Backus", "Wilson",
         "Müller", "O'Brien")
_TAGS = ("Friends", "Work", "VIP", "Suppliers", "Family", "Press", "Investors", "Golf club")
_TOWNS = (("Springfield", "IL", "62701", "USA"), ("London", "", "NW1 6XE", "United Kingdom"),
          ("Paris", "", "75002", "France"), ("Berlin", "", "10115", "Germany"))
PHOTO_EVERY = 50
PHOTO_BYTES = 18_000  # a small JPEG thumbnail, as phones attach them


def huge_file(mb: int) -> Path:
    path = DATA / f"contacts-huge-{mb}mb.vcf"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"# generating {path.name} (once; reused by later runs)", file=sys.stderr, flush=True)
    started = time.perf_counter()
    rng = random.Random(47)
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(
        b"\xff\xd8\xff\xe0" + rng.randbytes(PHOTO_BYTES)).decode() + "\r\n"
    tmp = path.with_suffix(".tmp")
    limit = mb << 20
    with tmp.open("w", encoding="utf-8", newline="") as f:
        written = n = 0
        batch: list[str] = []
        while written < limit:
            text = _card(rng, n, photo if n % PHOTO_EVERY == 0 else "")
            batch.append(text)
            written += len(text.encode()) if not text.isascii() else len(text)
            n += 1
            if len(batch) == 10_000:
                f.write("".join(batch))
                batch = []
        f.write("".join(batch))
    tmp.replace(path)
    print(f"# {n:,} cards in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path


def _card(rng: random.Random, n: int, photo: str) -> str:
    given, family = rng.choice(_FIRST), f"{rng.choice(_LAST)}{n % 997}"
    login = f"{given}.{family}".lower().replace("'", "")
    town, region, code, country = rng.choice(_TOWNS)
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"UID:{n:08d}-huge-{rng.getrandbits(48):012x}\r\n"
        f"N:{family};{given};;;\r\nFN:{given} {family}\r\n"
        f"TEL;TYPE=WORK,VOICE:+1 (555) {200 + n // 10000 % 700}-{n % 10000:04d}\r\n"
        f"TEL;TYPE=CELL:+44 7700 9{n % 100000:05d}\r\n"
        f"EMAIL;TYPE=INTERNET,WORK:{login}{n}@example.com\r\n"
        f"ADR;TYPE=WORK:;;{rng.randint(1, 999)} Main St;{town};{region};{code};{country}\r\n"
        f"NOTE:Met at the {rng.choice(_TAGS).lower()} event\\, follow up.\\nPrefers e-mail.\r\n"
        f"CATEGORIES:{','.join(rng.sample(_TAGS, 2))}\r\n"
        f"{photo}END:VCARD\r\n")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    from app.services.registry import Services

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1024, help="the file's size (1024)")
    args = parser.parse_args()
    path = huge_file(args.mb)
    size_mb = path.stat().st_size / (1 << 20)
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:  # the curve, for the log: the peak alone hides when it was reached
        while not done.wait(5):
            samples.append(_rss_mb())

    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        s = Services.open(Path(tmp) / "huge.db")
        try:
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            watcher = threading.Thread(target=sample, daemon=True)
            watcher.start()
            last = [0.0]

            def progress(n: int, total: int) -> None:
                now = time.perf_counter()
                if now - last[0] > 30:
                    last[0] = now
                    print(f"# {n * 100 // max(total, 1)}%  rss {_rss_mb():.0f} MB",
                          file=sys.stderr, flush=True)

            start = time.perf_counter()
            result = s.imports.run([path], progress=progress)
            elapsed = time.perf_counter() - start
            done.set()
            assert result.committed and result.refused == 0, result.summary
            cards = result.created + result.merged  # a few generated names match
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        finally:
            s.close()
    print(f"# {cards:,} cards, {size_mb:,.0f} MB, {elapsed:.0f} s; rss at start {before:.0f} "
          f"MB, sampled every 5 s: {', '.join(f'{v:.0f}' for v in samples)}",
          file=sys.stderr, flush=True)
    report("import_huge_file_mb", size_mb, "MB", ">", 0)
    report("import_huge_rate", cards / elapsed, "cards/s", ">", 0)
    report("import_huge_peak_mb", peak, "MB", "<", TARGET_MB)
    report("import_huge_reader_peak_mb", reader, "MB", "<", TARGET_MB)


if __name__ == "__main__":  # the reading process is spawned from the window; keep it here
    main()
