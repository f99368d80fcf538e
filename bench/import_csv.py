"""Import a generated 100,000-row Google Contacts CSV (bench/csv_parse.py's file: 2 e-mails,
2 phones, an address, company, title, birthday, note and labels per row) end to end into an
empty database, as issue 8 measures it: at least 15,000 rows/s. Then the same file again
(everything matches, nothing changes): at most the time of the first import.

    .venv/bin/python bench/import_csv.py
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from common import report
from csv_parse import ROWS, google_csv


def main() -> None:
    from app.services.registry import Services

    path = google_csv()
    with tempfile.TemporaryDirectory() as tmp:
        s = Services.open(Path(tmp) / "import.db")
        try:
            start = time.perf_counter()
            first = s.imports.run([path])
            first_s = time.perf_counter() - start
            # The generated names hold a few namesakes at one company, rightly merged.
            assert first.created + first.merged == ROWS, first.summary
            assert first.merged < ROWS // 100, first.summary
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            start = time.perf_counter()
            again = s.imports.run([path])
            again_s = time.perf_counter() - start
            assert again.created == 0 and again.merged == 0, again.summary
        finally:
            s.close()
    print(f"# import {first_s:.1f} s, re-import {again_s:.1f} s ({time.strftime('%H:%M')})",
          flush=True)
    report("import_csv_rate", ROWS / first_s, "rows/s", ">=", 15_000)
    report("reimport_csv_vs_import", again_s / first_s, "x", "<=", 1)
    report("import_csv_peak_mb", peak_mb, "MB", "<", 400)


if __name__ == "__main__":
    main()
