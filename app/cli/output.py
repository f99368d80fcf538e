"""Readable tables for people, stable JSON for scripts."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO

# What a one-line message may quote of a user's text: a 10 MB argument must not become a 10 MB
# error line.
QUOTE_CHARS = 60


def plural(n: int, one: str, many: str | None = None) -> str:
    """`1 contact`, `2 contacts`, `1,000 history items`."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def one_line(text: str, limit: int | None = None) -> str:
    """`text` as one printable line: control characters (NUL, newlines) and undecodable bytes
    (surrogate escapes from a non-UTF-8 argument) written as escapes, and cut to `limit`
    characters. Messages quote what the user typed; this keeps them to one line that any
    terminal or log can take."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    out = []
    for ch in text:
        if "\udc80" <= ch <= "\udcff":  # a byte that was not UTF-8
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
    return "".join(out)


def quoted(text: str) -> str:
    """A user's text inside a message: one line, at most QUOTE_CHARS characters."""
    return f"'{one_line(text, QUOTE_CHARS)}'"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact: a JSON number would go through float
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return None
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def print_json(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout  # looked up per call: tests and pipes swap sys.stdout
    json.dump(_plain(data), out, indent=2, ensure_ascii=False, sort_keys=False)
    out.write("\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if type(value) is str else str(_plain(value))
    # Most cells are one clean line: printable (so no newline, tab or other spacing) with
    # single spaces inside. Those need no rebuilding; a week's agenda is 100,000 cells.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())  # newlines and tabs would break the columns


def _width(text: str) -> int:
    """Terminal columns: CJK and other wide characters take two."""
    if text.isascii():  # nearly every cell: a week's agenda is thousands of rows
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Cut to `width` columns (with an ellipsis) and pad to exactly that many."""
    used = _width(text)
    if used > width:
        if text.isascii():
            text, used = text[:width - 1] + "…", width
        else:
            while _width(text) > width - 1:
                text = text[:-1]
            text += "…"
            used = _width(text)
    return text + " " * (width - used)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                out: TextIO | None = None, max_width: int = 40) -> None:
    out = out or sys.stdout
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        for i, v in enumerate(row):
            widths[i] = min(max(widths[i], _width(v)), max_width)
    out.write("  ".join(_fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(_fit(v, w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")


def print_fields(pairs: Sequence[tuple[str, Any]], out: TextIO | None = None) -> None:
    """A card: one `Label: value` per line, empty values left out."""
    out = out or sys.stdout
    shown = [(k, v) for k, v in pairs if v not in (None, "", [], ())]
    width = max((len(k) for k, _ in shown), default=0)
    for key, value in shown:
        lines = str(value).splitlines() or [""]
        out.write(f"{key.rjust(width)}: {lines[0]}\n")
        for more in lines[1:]:
            out.write(f"{' ' * width}  {more}\n")
