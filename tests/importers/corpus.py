"""The corpus of files other programs wrote (../shared/corpus, or $ROLODECK_CORPUS), read
from its MANIFEST.tsv: one row per file, with what importing it must give."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("ROLODECK_CORPUS", ROOT.parent / "shared" / "corpus"))


@dataclass(frozen=True)
class Row:
    file: str
    format: str
    what: str
    expected: str

    @property
    def path(self) -> Path:
        return CORPUS / self.file

    def count(self, noun: str) -> int | None:
        """N from "parse N cards" / "N events" / "N contact rows", or None."""
        found = re.search(rf"\b(\d+) {noun}", self.expected)
        return int(found.group(1)) if found else None

    @property
    def rejects(self) -> bool:
        return self.expected.startswith("reject")


def rows(fmt: str) -> list[Row]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8", newline="") as f:
        return [Row(r["file"], r["format"], r["what_it_exercises"], r["expected_behaviour"])
                for r in csv.DictReader(f, delimiter="\t") if r["format"] == fmt]


def params(fmt: str):
    """pytest parameters, one per manifest row of `fmt` (skipped, saying why, when the
    corpus is not beside the checkout)."""
    found = rows(fmt)
    if not found:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"no corpus at {CORPUS} (set ROLODECK_CORPUS)"))]
    return [pytest.param(r, id=r.file) for r in found]
