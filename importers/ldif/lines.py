"""LDIF physical lines from a byte stream (RFC 2849), read in chunks so that a file of any
size never sits in memory.

The stream is read CHUNK bytes at a time and split on LF (CRLF and LF alike; CR alone in a
file that has no LF at all, as old Macs wrote). A line longer than MAX_LINE is cut to its
first HEAD characters, enough to name the attribute, and flagged with its size; the rest of
it is read past, never held.

Encoding: a UTF-8 BOM is skipped; a UTF-16 or UTF-32 BOM, or UTF-16 told by its NUL bytes,
is transcoded to UTF-8 as the chunks come. Otherwise lines are UTF-8, as RFC 2849 values
are; a line that is not (an export that wrote Latin-1 where it should have base64-encoded
UTF-8) is read as Windows-1252 and flagged, so the reader can say so. A file whose first
bytes hold NUL bytes before any `dn:` or `version:` line is binary, not text (`binary`),
and is not split at all.

Every line is put under the character rule of importers.vcard.lines (other controls than
TAB are dropped), so no value read from a plain line needs cleaning later."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from importers.streams import chunks, sniff_encoding, transcoded
from importers.vcard.lines import clean

CHUNK = 1 << 20
# Characters in one line, physical or unfolded: a 1 MB photo (1.4 MB of base64) fits; a
# line of several MB is left off, and never held whole.
MAX_LINE = 2 << 20
HEAD = 256
# Flag of a line that was not UTF-8 and was read as Windows-1252; a positive flag is the
# size of a line cut to its head.
NOT_UTF8 = -1

# (number of the first line, lines, flags by line number)
Batch = tuple[int, list[str], dict[int, int] | None]

# What the character rule changes (CR is dealt with before): C0 but TAB and LF, DEL, C1,
# the Unicode line separators and lone surrogates.
ODD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SNIFF = 4096
# A line only LDIF begins with: damage after one does not make the file binary.
_LDIF_START = re.compile(rb"(?:\A|\n)(?:\xef\xbb\xbf)?(?:dn|version)[ \t]*:", re.I)






def windows_1252(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        return raw.decode("latin-1")


def _text_lines(data: bytes, number: int) -> tuple[list[str], dict[int, int] | None]:
    """The complete lines of `data` (it ends with LF) as text, under the character rule."""
    flags: dict[int, int] | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        lines = []
        flags = {}
        for i, raw in enumerate(data.split(b"\n")[:-1], number):
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                lines.append(windows_1252(raw))
                flags[i] = NOT_UTF8
        text = "\n".join(lines)
        lines.append("")
    else:
        lines = text.split("\n")
    lines.pop()  # what follows the last LF: nothing
    if "\r" in text:
        # CRLF ends a line; a CR anywhere else (CR CR LF, a stray one) means nothing.
        lines = [line.replace("\r", "") for line in lines]
    if ODD.search(text) is not None:
        lines = [clean(line) if ODD.search(line) else line for line in lines]
    if len(data) > MAX_LINE:
        for i, line in enumerate(lines):
            if len(line) > MAX_LINE:
                if flags is None:
                    flags = {}
                flags[number + i] = len(line)
                lines[i] = line[:HEAD]
    return lines, flags


class Source:
    """The physical lines of an LDIF stream, as batches; `encoding`, `bom`, `binary` and
    `ends_in_break` say what was found (the last two once the batches are read)."""

    def __init__(self, stream: BinaryIO | Iterable[bytes]):
        self._chunks = chunks(stream, CHUNK)
        self.encoding = "utf-8"
        self.bom = False
        self.binary = False
        self.ends_in_break = True
        self._cr = False

    def batches(self) -> Iterator[Batch]:
        head = b""
        for chunk in self._chunks:
            head += chunk
            if len(head) >= _SNIFF:
                break
        if not head:
            return
        self.encoding, self.bom = sniff_encoding(head)
        if self.encoding != "utf-8":
            self._chunks = transcoded(head, self._chunks, self.encoding)
            head = next(self._chunks)
        elif self.bom:
            head = head[3:]
        nul = head.find(b"\x00", 0, _SNIFF)
        if nul >= 0 and _LDIF_START.search(head, 0, nul) is None:
            self.binary = True  # NUL bytes before any line an LDIF file begins with
            return
        self._cr = b"\n" not in head and b"\r" in head
        yield from self._split(head)

    def _split(self, head: bytes) -> Iterator[Batch]:
        number, carry = 1, b""
        skipped = -1  # octets of an oversized line seen so far, while inside one
        cr = self._cr
        for chunk in _with_head(head, self._chunks):
            if cr:
                chunk = chunk.replace(b"\r", b"\n")
            if skipped >= 0:
                cut = chunk.find(b"\n")
                if cut < 0:
                    skipped += len(chunk)
                    continue
                yield number, [_head_text(carry)], {number: skipped + cut}
                number += 1
                carry, skipped = b"", -1
                chunk = chunk[cut + 1:]
            buffer = carry + chunk if carry else chunk
            end = buffer.rfind(b"\n") + 1
            if not end:
                carry = buffer
                if len(carry) > MAX_LINE:
                    carry, skipped = carry[:HEAD], len(carry)
                continue
            carry = buffer[end:]
            lines, flags = _text_lines(buffer[:end], number)
            yield number, lines, flags
            number += len(lines)
            if len(carry) > MAX_LINE:
                carry, skipped = carry[:HEAD], len(carry)
        if skipped >= 0:
            self.ends_in_break = False
            yield number, [_head_text(carry)], {number: skipped}
        elif carry:
            self.ends_in_break = False
            lines, flags = _text_lines(carry + b"\n", number)
            yield number, lines, flags


def _with_head(head: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield head
    yield from chunks


def _head_text(data: bytes) -> str:
    return clean(data[:HEAD].decode("utf-8", "replace"))
