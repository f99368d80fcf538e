"""Reading a CSV address book: `read_csv(stream, name=..., mapping=...) -> CsvImport`.

The file is read as it is iterated (a 1 GB file is never in memory): the encoding and the
delimiter are found from its first 64 KB, the header among its first rows (LinkedIn puts
notes above it), and each row then becomes a `ParsedContact` (with the line it began on)
or a `Problem` (file, line, reason). A file nothing can be read from gives one Problem and
says so in `CsvImport.error`; one whose columns match no known export needs a
`ColumnMapping` (`suggest_mapping(header)` is the first guess) and `needs_mapping` says so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import BinaryIO, NamedTuple

from app.domain.contact import Contact
from app.domain.errors import ValidationError
from importers.csv.build import Plan
from importers.csv.decode import Lines, binary_reason
from importers.csv.presets import (
    Preset,
    empties,
    headerless_mapping,
    recognise,
    recognise_headerless,
)
from importers.csv.records import Record, Records
from importers.csv.targets import ColumnMapping

# More columns than any address-book export has (Outlook: 92; Google: about 90 plus 2 per
# extra detail); a row wider than this is reported instead of read.
MAX_COLUMNS = 2000
# Rows looked at for the header (LinkedIn's sits on line 5 or so, under its notes).
HEADER_SEARCH = 8
SAMPLE_ROWS = 5
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Problem:
    """A row (or the whole file, when `line` is None) that was not imported, and why."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line is not None else self.file
        return f"{where}: {self.reason}"


class ParsedContact(NamedTuple):  # a tuple: made for every row, and cheaper so
    contact: Contact
    line: int  # where its row begins (1-based, counting physical lines)
    warnings: tuple[str, ...] = ()


Parsed = ParsedContact | Problem


@dataclass
class CsvImport:
    """What a CSV file is and, iterated, what it gives. Iterate it while its stream is open;
    `warnings` (about the whole file) may grow while it is read."""

    name: str
    delimiter: str
    preset: Preset | None  # the export layout recognised, if any
    # The column names, or None for a header-less file; when `needs_mapping`, the first row
    # (which may be the first contact: the mapping's `has_header` says which).
    header: list[str] | None
    header_line: int | None
    mapping: ColumnMapping | None  # what is applied; None when nothing can be
    sample: list[list[str]]  # the first rows after the header, as they are, for a preview
    error: Problem | None  # set when the file gives no contacts as it is
    needs_mapping: bool  # the columns match no known export: ask what each column holds
    warnings: list[str] = field(default_factory=list)
    rows: Iterator[Parsed] = field(default_factory=lambda: iter(()))
    _lines: Lines | None = None

    @property
    def encoding(self) -> str:
        """utf-8, utf-8-sig, utf-16le-bom, utf-16be-bom, utf-16le, utf-16be or cp1252."""
        return self._lines.encoding if self._lines is not None else "utf-8"

    def __iter__(self) -> Iterator[Parsed]:
        return self.rows


def read_csv(stream: BinaryIO, *, name: str,
             mapping: ColumnMapping | None = None) -> CsvImport:
    """Open a CSV file for import. `name` is what messages call it (the file name).
    `mapping` says what each column holds when the file is not a known export (or to
    override how one is read); without it such a file gives only the `needs_mapping`
    problem, with its header and first rows to choose the mapping from."""
    lines = Lines(stream, name)
    if lines.empty:
        return _failed(lines, name, f"{name} is empty.")
    if (reason := binary_reason(lines.sample, name)) is not None:
        return _failed(lines, name, reason)
    delimiter = sniff(lines.sample)
    records = iter(Records(lines, delimiter))
    head = list(islice(records, HEADER_SEARCH))
    good = [i for i, r in enumerate(head) if r[1] is not None]
    if not good:
        imp = _failed(lines, name, f"{name} holds no rows that can be read.", delimiter)
        imp.rows = chain((Problem(name, ln, why or "") for ln, _, why in head), imp.rows)
        return imp
    first = good[0]
    first_cells = head[first][1] or []
    if len(first_cells) > MAX_COLUMNS:
        return _failed(lines, name, f"{name} has {len(first_cells):,} columns; an address "
                       f"book has far fewer (at most {MAX_COLUMNS:,} are read)", delimiter)
    preset: Preset | None = None
    header: list[str] | None = None
    at = first  # index in `head` of the first data row
    if mapping is not None:
        if mapping.has_header:
            # A known export read with columns of the user's choosing is still that export:
            # its header may sit below notes (LinkedIn), its empty-value markers still mean
            # empty (Outlook's 0/0/00), its own layout is still read exactly.
            known = next(((i, p) for i in good if (p := recognise(head[i][1] or []))
                          is not None), None)
            at_row = first if known is None else known[0]
            preset = None if known is None else known[1]
            header, at = head[at_row][1] or first_cells, at_row + 1
    else:
        for i in good:
            found = recognise(head[i][1] or [])
            if found is not None:
                preset, header, at = found, head[i][1], i + 1
                mapping = found.mapping(header or [])
                break
        else:
            found = recognise_headerless(first_cells, delimiter)
            if found is not None:
                preset, mapping = found, headerless_mapping(found)

    warnings = lines.warnings
    if mapping is None:
        error = Problem(name, head[first][0], (
            f"the columns of {name} match no known export; choose what each column holds"))
        sample = [r[1] for r in head[first + 1:] if r[1] is not None][:SAMPLE_ROWS]
        return CsvImport(name, delimiter, None, first_cells, head[first][0], None, sample,
                         error, True, warnings, iter([error]), lines)
    header_line = head[at - 1][0] if header is not None else None
    if header_line is not None and at - 1 > first:
        warnings.append(f"{name}: the column names are on line {header_line}; the "
                        f"{header_line - 1} line(s) above them were skipped (notes, not "
                        "contacts)")
    plan_header = header if header is not None else (
        list(preset.headerless) if preset is not None else None)
    plan = Plan(mapping, plan_header, width=0 if header is not None else len(first_cells),
                exact=preset is not None and preset.exact, empties=empties(plan_header or []))
    sample = [r[1] for r in head[at:] if r[1] is not None][:SAMPLE_ROWS]
    return CsvImport(name, delimiter, preset, header, header_line, mapping, sample, None,
                     False, warnings, _contacts(name, plan, chain(head[at:], records)), lines)


def _failed(lines: Lines, name: str, reason: str, delimiter: str = ",") -> CsvImport:
    error = Problem(name, None, reason)
    return CsvImport(name, delimiter, None, None, None, None, [], error, False,
                     lines.warnings, iter([error]), lines)


def _contacts(name: str, plan: Plan, records: Iterator[Record]) -> Iterator[Parsed]:
    exact = plan.exact
    for line, cells, reason in records:
        if cells is None:
            yield Problem(name, line, reason or "this row cannot be read")
            continue
        if len(cells) > MAX_COLUMNS:
            yield Problem(name, line, f"this row has {len(cells):,} cells; more than "
                          f"{MAX_COLUMNS:,} is not an address book, so it was skipped")
            continue
        if not any(cells):
            continue  # a row of empty cells (",,,,") is spacing, not a record
        contact, warnings = plan.build(cells)
        # The domain's rules, but quickly first for the common case: a row that gives a
        # name (values are trimmed, so not blank) breaks none of them (the plan keeps one
        # preferred detail of each kind).
        if exact or not (contact.given or contact.family or contact.nickname or contact.prefix
                         or contact.middle or contact.suffix):
            try:
                contact.validate()
            except ValidationError as exc:
                shown = ", ".join(repr(c.strip()[:30]) for c in cells if c.strip())[:120]
                yield Problem(name, line, f"{exc} (the row holds {shown or 'only spaces'})")
                continue
        yield ParsedContact(contact, line, tuple(warnings))



_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def sniff(sample: str) -> str:
    """The delimiter (comma, semicolon or tab) that splits the first lines most evenly:
    the one that most lines hold the same number of times. Quoted text is left out, so a
    comma inside a quoted note does not count; a file with one column reads as comma."""
    lines = [ln for ln in _QUOTED.sub("", sample[:65536]).splitlines()[:50] if ln.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts: dict[int, int] = {}
        for ln in lines:
            n = ln.count(delimiter)
            if n:
                counts[n] = counts.get(n, 0) + 1
        if counts:
            per_line, agreeing = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if (agreeing, per_line) > best_score:
                best, best_score = delimiter, (agreeing, per_line)
    return best
