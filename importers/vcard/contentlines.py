"""vCard content lines from a byte stream (RFC 6350 section 3.2-3.3, RFC 2426 section 5.8.1,
vCard 2.1 section 2.1): physical lines, then logical lines.

Physical lines: the stream is read in chunks of CHUNK bytes and split on CRLF or LF (on CR
in a file that has no LF), so a file of any size is never in memory; a line longer than
MAX_PROPERTY is cut to its first HEAD characters (enough to name the property) and flagged
with its size. The file's encoding is a BOM (UTF-8, UTF-16, UTF-32), else UTF-16 told by its
NUL bytes, else UTF-8 line by line: a line that is not UTF-8 is held as Latin-1 (every byte
kept) and flagged, so that the value can be decoded later with the property's CHARSET, or
Windows-1252. Every line read as UTF-8 is put under the writer's character rule here, once
(lines.py: breaks inside a line are LF, other controls but TAB are dropped), so values need
no cleaning later.

Logical lines undo what writers do to long values:
- folding: a line beginning with a space or tab continues the one before, less that one
  character (also straight after the property name: `VERSION` CRLF ` :2.1`);
- 2.1 quoted-printable soft line breaks: a QP value ending in `=` continues on the next line
  whatever that line begins with (its leading spaces are part of the value);
- 2.1 values continued without folding: a line that is not a property (`name:` or
  `name;`) continues a base64 value, or a value ending in a backslash (the backslash and
  the break stand for a line break, as Android writes multi-line addresses);
- lines beginning with `#` that continue nothing are comments (some phones write them).
A logical line longer than MAX_PROPERTY is flagged with its size and keeps its head only."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import BinaryIO

from importers.streams import chunks, sniff_encoding, transcoded
from importers.vcard.lines import clean

CHUNK = 1 << 20
# Characters in one property (name, parameters and value): a 1 MB note or photo fits with
# room to spare; a 50 MB photo does not, and never sits in memory whole.
MAX_PROPERTY = 4 << 20
HEAD = 512
# Flag of a line held as Latin-1 because it was not UTF-8; a positive flag is a size.
LATIN1 = -1

Batch = tuple[int, list[str], dict[int, int] | None]
Line = tuple[int, str, int]

_START = re.compile(r"[\w./-]+[ \t]*[;:]", re.ASCII)
# What the character rule changes in a line (CR and LF are gone by then).
_ODD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_PLAIN = bytes(range(0x20, 0x7F)) + b"\t\r\n"
# The same in UTF-8 (C1 controls, LS, PS), among octets that are all non-ASCII or control.
_ODD_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")




def _split(text: str, lf: bool, odd: bool = True) -> list[str]:
    """Lines of `text`, under the character rule (lines.py: a lone CR, NEL, LS or PS is a
    newline inside the line, other controls but TAB are dropped). A file with LF (or CRLF)
    line ends may hold a lone CR inside a value (Thunderbird writes one), which is not a
    line break there; CR-only files break on CR."""
    if "\r" in text:
        if lf:
            text = text.replace("\r\n", "\n")
            if "\r" in text:  # CR CR LF is one break; any other CR is inside a line
                return [clean(line.rstrip("\r")) for line in text.split("\n")]
        else:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not odd or _ODD.search(text) is None:
        return lines
    return [clean(line) for line in lines]


def _split_bytes(data: bytes, lf: bool) -> list[bytes]:
    if not lf:
        return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    return [line.rstrip(b"\r").replace(b"\r", b"\n") for line in data.split(b"\n")]


def _complete(buffer: bytes, lf: bool) -> int:
    """Where the complete lines of `buffer` end: after its last line break (in a CR-only
    file never after a final CR, which may be half of a CRLF the next chunk completes)."""
    if lf:
        return buffer.rfind(b"\n") + 1
    limit = len(buffer) - 1 if buffer.endswith(b"\r") else len(buffer)
    return max(buffer.rfind(b"\n", 0, limit), buffer.rfind(b"\r", 0, limit)) + 1


def _line_ends(sample: bytes) -> bool | None:
    """True for LF or CRLF line ends, False for CR only, None when `sample` has no break."""
    return True if b"\n" in sample else False if b"\r" in sample else None


class Source:
    """Physical lines of a vCard file as batches (first line number, lines, flags by line
    number), in the file's encoding; `encoding` says which was found."""

    def __init__(self, stream: BinaryIO | Iterable[bytes]):
        self._chunks = chunks(stream, CHUNK)
        self.encoding = "utf-8"
        self.bom = False
        self.lf: bool | None = None

    def batches(self) -> Iterator[Batch]:
        head = b""
        for chunk in self._chunks:
            head += chunk
            if len(head) >= 4:
                break
        self.encoding, self.bom = sniff_encoding(head)
        if self.encoding != "utf-8":
            self._chunks = transcoded(head, self._chunks, self.encoding)
            head = next(self._chunks)
        elif self.bom:
            head = head[3:]
        yield from self._byte_batches(head)

    def _byte_batches(self, head: bytes) -> Iterator[Batch]:
        number, carry = 1, head
        skipped = -1  # octets of an oversized line seen so far, while inside one
        for chunk in self._chunks:
            if skipped >= 0:
                cut = _first_break(chunk)
                if cut < 0:
                    skipped += len(chunk)
                    continue
                yield number, [_head_text(carry)], {number: skipped + cut}
                number += 1
                carry, skipped = _after_break(chunk, cut), -1
                continue
            buffer = carry + chunk if carry else chunk
            if self.lf is None:
                self.lf = _line_ends(buffer)
            end = _complete(buffer, self.lf is not False)
            if not end:
                carry = buffer
                if len(carry) > MAX_PROPERTY:
                    carry, skipped = carry[:HEAD], len(carry)
                continue
            carry = buffer[end:]
            lines, flags = _decode(buffer[:end], number, self.lf is not False)
            yield number, lines, flags
            number += len(lines)
        if skipped >= 0:
            yield number, [_head_text(carry)], {number: skipped}
        elif carry:
            if self.lf is None:
                self.lf = _line_ends(carry)
            lines, flags = _decode(carry + b"\n", number, self.lf is not False)
            yield number, lines, flags




def _first_break(chunk: bytes) -> int:
    found = [i for i in (chunk.find(b"\n"), chunk.find(b"\r")) if i >= 0]
    return min(found) if found else -1


def _after_break(chunk: bytes, cut: int) -> bytes:
    """What follows the line break at `cut` (CRLF counted as one)."""
    return chunk[cut + 2:] if chunk[cut:cut + 2] == b"\r\n" else chunk[cut + 1:]


def _head_text(data: bytes) -> str:
    return data[:HEAD].decode("utf-8", "replace")


def _decode(data: bytes, number: int, lf: bool) -> tuple[list[str], dict[int, int] | None]:
    """Complete lines (`data` ends with a break) as text; lines that are not UTF-8 as
    Latin-1, flagged."""
    # What is not printable ASCII, less TAB and the breaks: what the character rule may
    # change is in there, and usually nothing is (a regex over all the text costs more).
    rest = data.translate(None, _PLAIN)
    odd = bool(rest) and _ODD_BYTES.search(rest) is not None
    try:
        lines = _split(data.decode("utf-8"), lf, odd)[:-1]
    except UnicodeDecodeError:
        lines, flags = [], {}
        for i, raw in enumerate(_split_bytes(data, lf)[:-1], number):
            try:
                lines.append(clean(raw.decode("utf-8")))
            except UnicodeDecodeError:  # its bytes kept: the value's CHARSET decodes them
                lines.append(raw.decode("latin-1"))
                flags[i] = LATIN1
        more = _oversized(lines, number)
        if more:
            flags.update(more)
        return lines, flags
    return lines, _oversized(lines, number)


def _oversized(lines: list[str], number: int) -> dict[int, int] | None:
    if not lines or max(map(len, lines)) <= MAX_PROPERTY:
        return None
    flags = {}
    for i, line in enumerate(lines):
        if len(line) > MAX_PROPERTY:
            flags[number + i] = len(line)
            lines[i] = line[:HEAD]
    return flags


def _is_qp(line: str) -> bool:
    colon = line.find(":")
    return "QUOTED-PRINTABLE" in line[:colon if colon >= 0 else len(line)].upper()


def _is_base64(line: str) -> bool:
    colon = line.find(":")
    head = line[:colon if colon >= 0 else len(line)].upper()
    return "BASE64" in head or "ENCODING=B" in head


def logical_lines(source: Source) -> Iterator[Line]:
    """(number of the first physical line, unfolded text, flag) for every line that is not
    blank. The flag is 0, LATIN1 (a part of it was not UTF-8) or its size when it was
    longer than MAX_PROPERTY (the text is then its head only)."""
    # A list per chunk read, walked in C: a generator resumed for every line costs more.
    return chain.from_iterable(_logical_batches(source))


def _logical_batches(source: Source) -> Iterator[list[Line]]:
    first: str | None = None  # the pending logical line's first physical line
    parts: list[str] | None = None  # its parts, once it continues over physical lines
    last = ""  # the last physical text added to it (kept even when too long to store)
    special = False  # `last` ends in `=` or a backslash: the next line may continue it
    start = total = flag = 0
    for number, lines, flags in source.batches():
        out: list[Line] = []
        add = out.append
        no = number - 1
        for line in lines:
            no += 1
            if first is not None:
                c = line[:1]
                if c == " " or c == "\t" or special or ":" not in line:
                    joined = _continuation(first, last, line, c)
                    if joined is not None:
                        line_flag = flags.get(no, 0) if flags else 0
                        if line_flag == LATIN1 and not flag:
                            flag = LATIN1
                        total += line_flag if line_flag > 0 else len(joined)
                        soft = special and last[-1] == "=" and joined is line
                        escaped = special and last[-1] == "\\" and joined is line
                        last = joined
                        special = joined[-1:] in ("=", "\\")
                        if flag > 0:  # too long already: only its size is kept
                            flag = total
                            continue
                        if total > MAX_PROPERTY:
                            parts, flag = [(parts[0] if parts else first)[:HEAD]], total
                            continue
                        if parts is None:
                            parts = [first]
                        if soft:
                            parts[-1] = parts[-1][:-1]
                        elif escaped:  # the backslash and the break: a line break
                            parts[-1] = parts[-1][:-1] + "\n"
                        parts.append(joined)
                        continue
                if parts is None:
                    add((start, first, flag))
                else:
                    add((start, "".join(parts), flag))
                    parts = None
            if not line:
                first = None
                continue
            c = line[0]
            if c == "#" or ((c == " " or c == "\t") and line.isspace()):
                first = None
                continue
            first = last = line
            special = line[-1] in "=\\"
            start = no
            if flags and no in flags:
                flag = flags[no]
                total = flag if flag > 0 else len(line)
            else:
                flag, total = 0, len(line)
        yield out
    if first is not None:
        yield [(start, "".join(parts) if parts is not None else first, flag)]


def _continuation(first: str, last: str, line: str, c: str) -> str | None:
    """What `line` adds to the logical line begun by `first` (whose last part is `last`),
    or None when it begins a line of its own."""
    tail = last[-1:]
    if tail == "=" and _is_qp(first) and line[:4].upper() != "END:":
        return line  # a QP soft break: the whole line continues the value
    if c == " " or c == "\t":
        return line[1:]
    if c and c != "#" and (tail == "\\" or (":" not in line and _is_base64(first))) and (
            _START.match(line) is None):
        return line
    return None
