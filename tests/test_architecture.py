"""The layers as ARCHITECTURE.md draws them, checked by import-linter's contracts in
pyproject.toml: ui -> app -> db, Qt only in ui/, importers pure, the domain a leaf."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.split("Contracts:")[-1].replace("0 broken", "")


def test_no_module_is_a_god_file():
    big = [f"{p.relative_to(ROOT)} ({n} lines)"
           for d in ("app", "db", "importers", "ui") for p in (ROOT / d).rglob("*.py")
           if "versions" not in p.parts
           and (n := len(p.read_text(encoding="utf-8").splitlines())) > 600]
    assert big == []
