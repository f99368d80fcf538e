"""LDIF records from physical lines (RFC 2849): what lies between blank lines, as logical
lines, folding undone and comments left out.

- folding: a line beginning with one space continues the line before, less that space (a
  tab is taken as the space it should be);
- a line beginning with `#` is a comment, and so are the lines that continue it;
- a line of spaces is blank (hand-edited files have them), so it ends a record.

Most records of a real export are plain: no folded line, no comment, nothing flagged. Such
a record is found with a few searches over its joined text, which run at C speed, and
passes on as its physical lines; only the others are walked line by line. A record over
MAX_RECORD characters or MAX_LINES lines is refused, and read past without being held."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from importers.ldif.lines import HEAD, MAX_LINE, NOT_UTF8, Source

MAX_RECORD = 16 << 20
# A list of 50,000 members is one record of 50,000 lines.
MAX_LINES = 100_000


class Record(NamedTuple):
    start: int  # the line it begins on
    texts: list[str]  # its logical lines
    numbers: list[int] | None  # the line each begins on; None: start, start + 1, ...
    big: dict[int, int]  # lines cut to their head, by line: their size
    odd: list[int]  # lines that were not UTF-8
    orphans: list[int]  # lines that begin with a space but continue nothing
    refused: bool  # too large: nothing of it kept
    cut_short: bool  # the file ends inside it, without a line break


def records(source: Source) -> Iterator[Record]:
    carry: list[str] = []  # the last record of a batch, which may go on in the next
    carry_start = 0
    carry_flags: dict[int, int] = {}
    skipping = 0  # the first line of a refused record being read past
    last = ""
    for first, lines, flags in source.batches():
        if not lines:
            continue
        last = lines[-1]
        if skipping:
            end = _blank(lines, 0)
            if end < 0:
                continue
            yield Record(skipping, [], None, {}, [], [], True, False)
            skipping, lines, first = 0, lines[end:], first + end
        if carry:
            lines, first = carry + lines, carry_start
            if carry_flags:
                flags = {**carry_flags, **(flags or {})}
            carry, carry_flags = [], {}
        i, n = 0, len(lines)
        while i < n:
            if not lines[i]:
                i += 1
                continue
            j = _blank(lines, i)
            if j < 0:  # may go on in the next batch
                carry, carry_start, carry_flags = lines[i:], first + i, flags or {}
                if len(carry) > MAX_LINES or sum(map(len, carry)) > MAX_RECORD:
                    skipping, carry, carry_flags = carry_start, [], {}
                break
            yield from _block(first + i, lines[i:j], flags)
            i = j
    if skipping:
        yield Record(skipping, [], None, {}, [], [], True, False)
    elif carry:
        found = list(_block(carry_start, carry, carry_flags))
        if found and last and not last.isspace() and not source.ends_in_break:
            found[-1] = found[-1]._replace(cut_short=True)
        yield from found


def _blank(lines: list[str], start: int) -> int:
    """Where the next empty line is, at or after `start`; -1 when there is none."""
    try:
        return lines.index("", start)
    except ValueError:
        return -1


def _block(start: int, lines: list[str], flags: dict[int, int] | None) -> Iterator[Record]:
    """The records of lines between two empty lines (more than one when a line of spaces
    separates them)."""
    text = "\n".join(lines)
    if (len(lines) <= MAX_LINES and len(text) <= MAX_RECORD
            and lines[0][:1] not in (" ", "\t", "#") and "\n " not in text
            and "\n\t" not in text and "\n#" not in text
            and not (flags and any(n in flags for n in range(start, start + len(lines))))):
        yield Record(start, lines, None, {}, [], [], False, False)
        return
    yield from _walk(start, lines, flags or {})


def _walk(start: int, lines: list[str], flags: dict[int, int]) -> Iterator[Record]:
    texts: list[str] = []
    numbers: list[int] = []
    big: dict[int, int] = {}
    odd: list[int] = []
    orphans: list[int] = []
    first = size = 0
    refused = comment = False
    cur: str | None = None  # the logical line being read
    more: list[str] | None = None  # its parts, once it continues over physical lines
    cur_no = cur_len = cur_big = 0

    def flush() -> None:
        nonlocal cur, more
        if cur is not None:
            texts.append("".join(more) if more else cur)
            numbers.append(cur_no)
            if cur_big:
                big[cur_no] = cur_big
            cur = more = None

    no = start - 1
    for text in lines:
        no += 1
        flag = flags.get(no, 0)
        if flag == NOT_UTF8:
            odd.append(no)
            flag = 0
        c = text[:1]
        if c == " " or c == "\t":
            if text.isspace():  # a line of spaces: the end of a record
                flush()
                if texts or refused or orphans:
                    yield Record(first, texts, numbers, big, odd, orphans, refused, False)
                texts, numbers, big, odd, orphans = [], [], {}, [], []
                first = size = 0
                refused = comment = False
                continue
            if comment or refused:
                continue
            if cur is None:
                orphans.append(no)
                first = first or no
                continue
            size += len(text)  # a line cut short is only its head here
            piece = text[1:]
            if cur_big:
                cur_big += flag or len(piece)
                continue
            cur_len += flag or len(piece)
            if flag or cur_len > MAX_LINE:
                cur, more, cur_big = (more[0] if more else cur)[:HEAD], None, cur_len
            elif more is None:
                more = [cur, piece]
            else:
                more.append(piece)
            continue
        flush()
        if c == "#":
            comment = True
            continue
        comment = False
        first = first or no
        if refused:
            continue
        size += len(text)  # a line cut short is only its head here
        if size > MAX_RECORD or len(texts) >= MAX_LINES:
            refused, texts, numbers, big = True, [], [], {}
            continue
        cur, cur_no, cur_len, cur_big = text, no, flag or len(text), flag
    flush()
    if texts or refused or orphans:
        yield Record(first, texts, numbers, big, odd, orphans, refused, False)
