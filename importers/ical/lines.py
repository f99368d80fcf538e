"""An iCalendar byte stream as unfolded content lines, and the lines as top-level blocks.

icalendar parses a whole calendar at once; this module reads a file of any size a chunk at a
time and hands on one top-level component (a VEVENT, a VTIMEZONE, ...) at a time, so only
the component being read is ever in memory.

Physical lines end in CRLF, LF or a lone CR (old Mac exports). Unfolding (RFC 5545 3.1) joins
a line beginning with a space or tab to the one before, and skips blank lines first: Mozilla
Calendar 1.0 and KOrganizer 3.1 write a property's name alone on its line, sometimes a blank
line, then ` :value`. vCalendar 1.0's quoted-printable soft line break (a value ending in `=`)
joins the next line too. A UTF-16 file (a byte-order mark, or ASCII with NULs between) is
re-encoded as UTF-8 on the way; everything else stays bytes here, because a fold may cut a
UTF-8 sequence in two and the charset is decided per component (reader.py).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

CHUNK = 1 << 18
MAX_LINE = 16 << 20  # one unfolded content line (a description, an inline attachment)
MAX_COMPONENT = 32 << 20  # one top-level component with everything in it
MAX_DEPTH = 16  # components nested inside a top-level one
MAX_LINES = 50_000  # content lines of one component (each becomes an object when mapped)
# Before the first BEGIN line, this much text that is not iCalendar means the file is not.
PROBE_LINES = 200
PROBE_BYTES = 1 << 20

_FOLD = (32, 9)  # space, tab
_B_OR_E = frozenset(b"BbEe")  # how BEGIN and END lines start
_QP = b"QUOTED-PRINTABLE"

OVERLONG = b"\0overlong"  # stands for a line longer than MAX_LINE, which was not kept


def physical_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(line number from 1, the line without its break) for every line of the stream."""
    number = 0
    rest = b""
    skipping = False  # inside a line too long to keep, until its break
    for chunk, final in _chunks(stream):
        data = rest + chunk if rest else chunk
        rest = b""
        if skipping:
            cut = _first_break(data)
            if cut < 0:
                if final:
                    number += 1
                    yield number, OVERLONG
                continue
            skipping = False
            number += 1
            yield number, OVERLONG
            if data[cut] == 13 and data[cut + 1:cut + 2] == b"\n":
                cut += 1
            data = data[cut + 1:]
        if final:
            complete = data
        else:
            cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
            if cut == len(data) - 1 and data[cut] == 13:  # a CR that may be half of a CRLF
                cut -= 1
                while cut >= 0 and data[cut] not in (10, 13):
                    cut -= 1
            complete, rest = data[:cut + 1], data[cut + 1:]
            if len(rest) > MAX_LINE:
                rest, skipping = b"", True
        for line in complete.splitlines():
            number += 1
            yield number, line if len(line) <= MAX_LINE else OVERLONG


def _first_break(data: bytes) -> int:
    found = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    return min(found) if found else -1


def _chunks(stream: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """The stream's bytes in chunks, UTF-16 re-encoded as UTF-8, a UTF-8 BOM dropped."""
    first = stream.read(CHUNK)
    decoder = None
    if first.startswith(codecs.BOM_UTF8):
        first = first[3:]
    elif first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoder = codecs.getincrementaldecoder("utf-16")("replace")
    elif first[:4] in (b"B\0E\0", b"b\0e\0"):
        decoder = codecs.getincrementaldecoder("utf-16-le")("replace")
    elif first[:4] in (b"\0B\0E", b"\0b\0e"):
        decoder = codecs.getincrementaldecoder("utf-16-be")("replace")
    chunk = first
    while chunk:
        after = stream.read(CHUNK)
        if decoder is not None:
            chunk = decoder.decode(chunk, final=not after).encode("utf-8", "surrogatepass")
        yield chunk, not after
        chunk = after


def logical_lines(physical: Iterator[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
    """Unfolded content lines: (the number of the physical line it starts on, its bytes)."""
    parts: list[bytes] = []
    start = 0
    size = 0
    for number, line in physical:
        if not line:
            continue
        if line[0] in _FOLD and parts:
            size += len(line) - 1
            if size > MAX_LINE or line is OVERLONG:
                parts = [OVERLONG]
            elif parts[0] is not OVERLONG:
                parts.append(line[1:])
            continue
        if (parts and parts[-1].endswith(b"=") and parts[0] is not OVERLONG
                and _QP in b"".join(parts).partition(b":")[0].upper()):
            parts[-1] = parts[-1][:-1]  # a quoted-printable soft break
            parts.append(line)
            size += len(line)
            continue
        if parts:
            yield start, parts[0] if len(parts) == 1 else b"".join(parts)
        parts, start, size = [line], number, len(line)
    if parts:
        yield start, parts[0] if len(parts) == 1 else b"".join(parts)


@dataclass
class Block:
    """One piece of the file's structure, as `blocks` finds it.

    kind is one of: `calendar` (BEGIN:VCALENDAR), `end` (END:VCALENDAR), `property` (a
    calendar-level property line), `component` (a whole top-level component: `lines` from
    its BEGIN to its END), `junk` (a line that is not iCalendar where a property or BEGIN was
    expected), `broken` (a component that could not be read whole: `reason` says why;
    `lines` is empty) and `not-ical` (the file does not look like iCalendar at all)."""

    kind: str
    line: int
    name: str = ""  # the component's name, upper case
    lines: list[bytes] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # the physical line of each of `lines`
    reason: str = ""
    bare: bool = False  # a component outside any VCALENDAR
    notes: list[str] = field(default_factory=list)  # repairs made while reading it
    closed_calendar: bool = False  # its reading met the END:VCALENDAR it lacked itself
    opened_calendar: int = 0  # ... or the line of a BEGIN:VCALENDAR, which starts another
    truncated: bool = False  # it has no END of its own: what is there was read


def blocks(stream: BinaryIO) -> Iterator[Block]:
    """The file's top-level structure, one block at a time."""
    lines = logical_lines(physical_lines(stream))
    in_calendar = False
    seen_begin = False
    probed_lines = probed_bytes = 0
    for number, line in lines:
        head = line[:6].upper()
        if head.startswith(b"BEGIN") and _keyword(line, b"BEGIN"):
            name = _value(line).upper()
            seen_begin = True
            if name == "VCALENDAR":
                if in_calendar:
                    yield Block("end", number)  # the last one was never closed
                in_calendar = True
                yield Block("calendar", number)
            else:
                block = _component(lines, number, line, name, bare=not in_calendar)
                if block.closed_calendar:
                    in_calendar = False
                yield block
                if block.opened_calendar:
                    if in_calendar:
                        yield Block("end", block.opened_calendar)
                    in_calendar = True
                    yield Block("calendar", block.opened_calendar)
            continue
        if head.startswith(b"END") and _keyword(line, b"END"):
            name = _value(line).upper()
            if name == "VCALENDAR" and in_calendar:
                in_calendar = False
                yield Block("end", number)
            else:
                yield Block("junk", number, lines=[line], numbers=[number],
                            reason=f"END:{name} without its BEGIN")
            continue
        if not seen_begin:
            probed_lines += 1
            probed_bytes += len(line)
            if probed_lines > PROBE_LINES or probed_bytes > PROBE_BYTES:
                yield Block("not-ical", number)
                return
            continue
        if line is not OVERLONG and _looks_like_property(line):
            if in_calendar:
                yield Block("property", number, lines=[line], numbers=[number])
            else:
                yield Block("junk", number, lines=[line], numbers=[number],
                            reason=f"'{_shown(line)}' is outside any VCALENDAR; skipped")
        else:
            yield Block("junk", number, lines=[line], numbers=[number],
                        reason=f"'{_shown(line)}' is not an iCalendar line; skipped"
                        if line is not OVERLONG else
                        f"a line longer than {MAX_LINE >> 20} MB was skipped")
    if not seen_begin:
        yield Block("not-ical", 1)
    elif in_calendar:
        yield Block("end", 0, reason="the file ends without END:VCALENDAR")


def _component(lines: Iterator[tuple[int, bytes]], start: int, begin: bytes, name: str,
               bare: bool) -> Block:
    """Collect a component from its BEGIN line to the matching END, or say why not."""
    block = Block("component", start, name=name, lines=[begin], numbers=[start], bare=bare)
    stack = [name]
    size = len(begin)
    problem = ""
    for number, line in lines:
        if line is OVERLONG:
            problem = problem or f"line {number} is longer than {MAX_LINE >> 20} MB"
            continue
        first = line[0]
        head = line[:6].upper() if first in _B_OR_E else b""
        if head.startswith(b"END") and _keyword(line, b"END"):
            ended = _value(line).upper()
            if ended == "VCALENDAR":
                block.notes.append(f"it is not closed before END:VCALENDAR on line {number}; "
                                   "what it has was read")
                block.closed_calendar = block.truncated = True
                return _broken(block, problem) if problem else block
            if ended not in stack:
                block.notes.append(f"line {number}: END:{ended} without its BEGIN was skipped")
                continue
            while stack[-1] != ended:
                block.notes.append(f"{stack.pop()} inside {name} has no END")
            stack.pop()
        elif head.startswith(b"BEGIN") and _keyword(line, b"BEGIN"):
            inner = _value(line).upper()
            if inner == "VCALENDAR":
                block.notes.append(f"a VCALENDAR begins on line {number} before it ends; "
                                   "what it has was read")
                block.opened_calendar = number
                block.truncated = True
                return _broken(block, problem) if problem else block
            if len(stack) >= MAX_DEPTH:
                problem = problem or f"components are nested more than {MAX_DEPTH} deep"
            stack.append(inner)
        if not problem:
            size += len(line)
            if size > MAX_COMPONENT or len(block.lines) >= MAX_LINES:
                problem = (f"it is larger than {MAX_COMPONENT >> 20} MB" if size > MAX_COMPONENT
                           else f"it has more than {MAX_LINES:,} lines")
                block.lines, block.numbers = [], []
            else:
                block.lines.append(line)
                block.numbers.append(number)
        if not stack:
            return _broken(block, problem) if problem else block
    if problem:
        return _broken(block, problem)
    block.notes.append("the file ends inside it (it seems to be cut short); what it has was read")
    block.truncated = True
    return block


def _broken(block: Block, reason: str) -> Block:
    return Block("broken", block.line, name=block.name, reason=reason, bare=block.bare,
                 closed_calendar=block.closed_calendar, opened_calendar=block.opened_calendar)


def _keyword(line: bytes, word: bytes) -> bool:
    """Whether the line is `WORD:value` (any case, stray spaces before the colon allowed)."""
    rest = line[len(word):].lstrip(b" \t")
    return rest[:1] == b":"


def _value(line: bytes) -> str:
    return line.partition(b":")[2].strip().decode("ascii", "replace")


def _shown(line: bytes) -> str:
    text = line[:80].decode("utf-8", "replace").strip()
    return text if len(line) <= 60 else f"{text[:60]}..."


def _looks_like_property(line: bytes) -> bool:
    name_end = len(line)
    for sep in (b":", b";"):
        i = line.find(sep)
        if 0 <= i < name_end:
            name_end = i
    name = line[:name_end].strip()
    return bool(name) and name_end < len(line) and all(
        c == 45 or 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 for c in name)
