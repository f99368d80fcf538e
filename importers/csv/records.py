"""Lines to records: the csv module's parser (RFC 4180 and the lenient ways real exports
bend it), fed line by line so each record's first line is known and its size is bounded.

The parser stays authoritative about where a record ends; this module only watches. A
record that grows past MAX_RECORD_CHARS (an unclosed quote, a line of a million commas) is
cut off: the parser is made to end it, the lines up to where its quoted cell closes (found
by counting quotes) are skipped, and one problem names the line it began on."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from importers.csv.decode import MARKS, MAX_RECORD_CHARS, OVERFLOW, Lines

# (first line, cells, None) for a record, (first line, None, reason) for one that is not.
Record = tuple[int, list[str] | None, str | None]

_KB = MAX_RECORD_CHARS // 1024


class Records:
    def __init__(self, lines: Lines, delimiter: str):
        self.lines = lines
        self._reader = csv.reader(self._feed(), delimiter=delimiter, quotechar='"',
                                  doublequote=True, skipinitialspace=False, strict=False)
        self._boundary = True  # the parser has ended a record: the next line starts one
        self._resync = False  # the parser gave up on a record part-way through
        self._start = 1
        self._bad: str | None = None
        self._truncated = False

    def __iter__(self) -> Iterator[Record]:
        reader = self._reader
        while True:
            self._boundary = True
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self._resync = True
                yield self._start, None, _csv_reason(exc)
                continue
            if self._bad is not None:
                reason, self._bad = self._bad, None
                yield self._start, None, reason
            elif self._truncated:
                yield self._start, None, (
                    "the file ends inside a quoted cell that began on this line, so it "
                    "looks cut short; this row was not imported")
            elif cells:
                yield self._start, cells, None

    def _feed(self) -> Iterator[str]:
        lines = self.lines
        it = iter(lines)
        chars = quotes = 0
        for line in it:
            if self._boundary:
                if self._resync:
                    self._resync = False
                    if quotes & 1:
                        # This line is still inside the quoted cell the parser gave up on.
                        quotes = 0
                        if not _closes(lines, line):
                            _skip_quoted(lines, it)
                        continue
                self._boundary = False
                self._start = lines.line_no
                chars = quotes = 0
            if line is OVERFLOW:
                grown = MAX_RECORD_CHARS + 1
                quotes += lines.overflow_quotes
            else:
                grown = chars + len(line)
                quotes += line.count('"')
            if grown > MAX_RECORD_CHARS:
                self._bad = (f"this row is longer than {_KB:,} KB (a quote that is never "
                             "closed, or data that is not an address book); it was skipped")
                if quotes & 1:
                    _skip_quoted(lines, it)
                # Make the parser end the record it is in: a quote closes the quoted cell
                # it is inside; an empty line is an empty record where it is not.
                yield '"' if chars else "\n"
                continue
            chars = grown
            if lines.dirty:
                if "\x00" in line:
                    self._bad = ("this row holds binary data (a NUL byte), not text; it was "
                                 "not imported")
                elif (found := MARKS.search(line)) is not None:
                    byte = ord(found.group()) - 0xDC00
                    self._bad = (f"the byte 0x{byte:02X} cannot be read as "
                                 f"{lines.encoding_name}; this row was not imported. Save the "
                                 "file as UTF-8 and import it again")
            yield line
        if not self._boundary and chars:
            self._truncated = True


def _closes(lines: Lines, line: str) -> bool:
    """Whether a line inside a quoted cell closes it (an odd number of quotes on it)."""
    count = lines.overflow_quotes if line is OVERFLOW else line.count('"')
    return bool(count & 1)


def _skip_quoted(lines: Lines, it: Iterator[str]) -> None:
    """Skip lines up to and including the one that closes the quoted cell being skipped."""
    for line in it:
        if _closes(lines, line):
            return


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return (f"a cell holds more than {csv.field_size_limit():,} characters, which is not "
                "address-book data; this row was skipped")
    return f"this row cannot be read as CSV ({text}); it was skipped"
