"""Bytes to lines. The encoding is found from the bytes (a BOM, the NUL pattern of UTF-16,
else UTF-8, falling back to Windows-1252 when the text is not UTF-8), and lines are cut at
CR, LF or CRLF with a bound on their length, so no input makes one line fill memory.

A byte the encoding cannot decode is never dropped: it becomes a lone surrogate in the
text (U+DC00 plus the byte), which no decoded text can otherwise contain, so the row it is
in is reported by line instead of imported with a letter missing."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

CHUNK = 1 << 16
# A record (one physical line, or the lines of one quoted multi-line cell) longer than this
# is not address-book data: it is reported and skipped, and never held whole.
MAX_RECORD_CHARS = 1 << 20

MARK_ERRORS = "rolodeck-csv-mark"
MARKS = re.compile("[\ud800-\udfff]")


# How many times _mark has run (in any thread): when a decode leaves it unchanged, the text
# holds no mark and need not be searched for one.
_MARKED = [0]


# Bytes that can never begin a UTF-8 character: UTF-8 refuses each on its own, one call of
# the handler per byte, so a run of them (a binary blob in a cell) is marked in one call.
_NEVER_UTF8_START = re.compile(rb"[\x80-\xc1\xf5-\xff]+")


def _mark(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _MARKED[0] += 1
    if exc.encoding in ("utf-8", "utf8"):
        # Every byte UTF-8 refuses is 0x80 or above, which surrogateescape marks the same way.
        run = _NEVER_UTF8_START.match(exc.object, exc.end)
        end = exc.end if run is None else run.end()
        return bytes(exc.object[exc.start:end]).decode("ascii", "surrogateescape"), end
    bad = exc.object[exc.start:exc.end]
    return "".join(chr(0xDC00 + b) for b in bad), exc.end


codecs.register_error(MARK_ERRORS, _mark)

# Detected name -> (Python codec, BOM length). The names are what CsvImport.encoding reports.
ENCODINGS = {
    "utf-8": ("utf-8", 0), "utf-8-sig": ("utf-8", 3),
    "utf-16le-bom": ("utf-16-le", 2), "utf-16be-bom": ("utf-16-be", 2),
    "utf-16le": ("utf-16-le", 0), "utf-16be": ("utf-16-be", 0),
    "cp1252": ("cp1252", 0),
}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16le-bom": "UTF-16",
                  "utf-16be-bom": "UTF-16", "utf-16le": "UTF-16", "utf-16be": "UTF-16",
                  "cp1252": "Windows-1252"}

# Marks the end of a physical line that was too long; the text is not kept.
OVERFLOW = "\x00overflow"

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_NOT_ASCII = re.compile("[^\x00-\x7f\ud800-\udfff]")


def detect(head: bytes) -> str:
    """The encoding from the first bytes: a BOM, or UTF-16's NUL in every other byte (what
    Windows' "Unicode" exports are without one); else UTF-8 (which `Lines` may still turn
    into cp1252 when the bytes are not UTF-8)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16le-bom"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16be-bom"
    probe = head[:4096]
    half = len(probe) // 2
    if half >= 2:
        even, odd = probe[0::2].count(0), probe[1::2].count(0)
        if odd > 0.3 * half and even <= 0.02 * half:
            return "utf-16le"
        if even > 0.3 * half and odd <= 0.02 * half:
            return "utf-16be"
    return "utf-8"


def read_some(stream: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes, reading again after a short read (pipes, sockets)."""
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


class Lines:
    """The physical lines of a byte stream, decoded, line ends kept. `line_no` is the
    1-based number of the line last handed out. A line longer than MAX_RECORD_CHARS comes
    out as OVERFLOW once its end is found, with the number of `"` it held in
    `overflow_quotes`. `dirty` turns true once an undecodable byte or a NUL has been seen,
    so lines need searching for them only from then on."""

    def __init__(self, stream: BinaryIO, name: str):
        self.name = name
        self._stream = stream
        head = read_some(stream, CHUNK)
        self.empty = not head
        self.encoding = detect(head)
        codec, bom = ENCODINGS[self.encoding]
        self._decoder = codecs.getincrementaldecoder(codec)(errors=MARK_ERRORS)
        self.warnings: list[str] = []
        self.line_no = 0
        self.dirty = False
        self.overflow_quotes = 0
        self._ascii_so_far = True
        self._eof = len(head) < CHUNK
        # The first decoded text: what the delimiter is sniffed from and binary data is
        # recognised by, before any line is handed out.
        self.sample = self._decode(head[bom:], self._eof)
        self._pending_sample: str | None = self.sample

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES[self.encoding]

    def _decode(self, data: bytes, final: bool) -> str:
        marked = _MARKED[0]
        text = self._decoder.decode(data, final)
        if "\x00" in text:
            self.dirty = True
        if _MARKED[0] != marked and MARKS.search(text) is not None:
            if (self.encoding == "utf-8" and self._ascii_so_far
                    and len(_NOT_ASCII.findall(text)) < len(MARKS.findall(text))):
                # Nothing but ASCII so far (read the same in both), and more bytes here
                # that UTF-8 forbids than it allows: this is a Windows "ANSI" file.
                self.encoding = "cp1252"
                self._decoder = codecs.getincrementaldecoder("cp1252")(errors=MARK_ERRORS)
                text = self._decoder.decode(data, final)
                self.warnings.append(
                    f"{self.name} is not UTF-8, so it was read as Windows-1252 (Western "
                    "European). If accented letters look wrong, save it as UTF-8 and "
                    "import it again.")
            self.dirty = self.dirty or MARKS.search(text) is not None
        if self._ascii_so_far and not data.isascii():
            self._ascii_so_far = False
        return text

    def __iter__(self) -> Iterator[str]:
        pending = ""
        skipping = False  # inside a line that overflowed: drop text up to its end
        text = self._pending_sample or ""
        self._pending_sample = None
        final = self._eof
        while True:
            if skipping and "\n" not in text and "\r" not in text:
                self.overflow_quotes += text.count('"')  # still the overflowing line
                text = ""
            if text:
                if pending:
                    text = pending + text
                    pending = ""
                lines = _split(text)
                # A last piece without its line end continues in the next chunk; so may a
                # CR, whose LF may be the next chunk's first character.
                if not final and lines[-1][-1] != "\n":
                    pending = lines.pop()
                for line in lines:
                    if skipping:
                        skipping = False
                        self.overflow_quotes += line.count('"')
                        yield OVERFLOW
                        continue
                    self.line_no += 1
                    yield line
                if len(pending) > MAX_RECORD_CHARS:
                    if not skipping:
                        skipping = True
                        self.line_no += 1
                        self.overflow_quotes = 0
                    self.overflow_quotes += pending.count('"')
                    pending = ""
            if final:
                if skipping:
                    yield OVERFLOW
                elif pending:
                    self.line_no += 1
                    yield pending
                return
            data = self._stream.read(CHUNK)
            final = not data
            text = self._decode(data, final)


def _split(text: str) -> list[str]:
    """Lines with their ends, cut at CR, LF and CRLF only (str.splitlines also cuts at form
    feeds and Unicode separators, which inside a CSV cell are text)."""
    if any(ch in text for ch in _OTHER_BREAKS):
        return _LINE.findall(text)
    return text.splitlines(True)


def binary_reason(sample: str, head_name: str) -> str | None:
    """Why the first text of a file shows it is not CSV at all, or None."""
    # A stray control character or NUL spoils only its row; text does not have many.
    nuls = sample.count("\x00")
    controls = nuls + sum(sample.count(ch) for ch in _CONTROLS)
    if nuls > max(2, len(sample) // 1000) or controls > max(8, len(sample) // 100):
        return (f"{head_name} is not a text file: it holds binary data. If it is a "
                "spreadsheet workbook (.xlsx, .xls, .numbers), save it as CSV first.")
    return None


_CONTROLS = tuple(chr(c) for c in (*range(1, 9), 11, 12, *range(14, 32), 127))
