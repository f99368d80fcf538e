"""What the import window needs to say what a chosen file is and, for a CSV file, to let the
user choose what each column holds while seeing the contacts that choice would give.

    info = inspect_file(path)            # "contacts.csv — Google Contacts CSV, UTF-8, ..."
    info.csv                             # CsvInspection: header, first rows, a suggestion
    rows = preview(path, mapping)        # the first contacts as `mapping` reads them
    missing(mapping)                     # why the mapping cannot be used yet, or None

Everything here reads only the head of a file (HEAD_BYTES), so a 1 GB export is looked at
as quickly as a small one; nothing is written, and a file that cannot be read gives its
reason in words, never an OSError."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from app.domain.contact import Contact
from app.domain.errors import ValidationError
from app.services.imports_plan import Format, ImportOptions
from app.services.imports_sources import shown_name, summary_of
from importers.csv import (
    TARGET_CHOICES,
    ColumnMapping,
    ParsedContact,
    describe_target,
    parse_target,
    read_csv,
    signature,
    suggest_mapping,
)
from importers.csv.decode import Lines
from importers.csv.records import Records
from importers.csv.targets import IGNORE, KEEP

__all__ = ["IGNORE", "KEEP", "ColumnMapping", "CsvInspection", "FileInfo", "PreviewRow",
           "describe_file", "inspect_csv", "inspect_file", "label_of", "mapping_from_text",
           "mapping_to_text", "missing", "preview", "same_reading", "target_choices"]

# What is read of a file at most: far more than ten rows of any address book, and read in a
# few milliseconds whatever the file's size.
HEAD_BYTES = 1 << 20
SAMPLE_ROWS = 10
PREVIEW_ROWS = 10

_ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16le-bom": "UTF-16",
              "utf-16be-bom": "UTF-16", "utf-16le": "UTF-16", "utf-16be": "UTF-16",
              "cp1252": "Windows-1252"}
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_FORMATS: dict[str, str] = {"vcard": "vCard", "csv": "CSV", "ldif": "LDIF address book",
                            "ics": "calendar"}
_NAME_TARGETS = frozenset({"given", "family", "middle", "full_name", "nickname"})
_EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
_PHONE = re.compile(r"\+?[\d\s().\-/]{6,}")
# Two or more words of letters (with the marks names carry): "Ada Lovelace", "O'Neil-Smith".
_NAME = re.compile(r"[^\W\d_][\w'’.\-]*(?:\s+[^\W\d_][\w'’.\-]*)+")
_VERSION = re.compile(r"^VERSION:\s*([0-9.]+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class CsvInspection:
    """A CSV file as its head shows it. `header` holds the column names, or (when
    `needs_mapping`) the first row, which may be the first contact: the mapping's
    `has_header` says which. `rows` are up to SAMPLE_ROWS rows after it, as they are.
    `suggested` is the layout's own mapping for a known export, else a guess from the
    column names (and, for columns they say nothing about, from the values)."""

    name: str
    preset: str | None  # "Google Contacts"; None when no known export
    header: tuple[str, ...]
    header_line: int | None
    signature: str  # of `header`: what a mapping the user chose is saved under
    encoding: str  # "UTF-8", "Windows-1252", "UTF-16"
    delimiter: str  # ",", ";" or "\t"
    rows: tuple[tuple[str, ...], ...]
    suggested: ColumnMapping | None
    needs_mapping: bool
    error: str | None = None  # nothing can be read from it as it is: why

    @property
    def delimiter_name(self) -> str:
        return _DELIMITERS.get(self.delimiter, repr(self.delimiter))

    @property
    def width(self) -> int:
        return max([len(self.header), *(len(r) for r in self.rows)])

    @property
    def detail(self) -> str:
        """"Google Contacts CSV, UTF-8, comma-delimited"."""
        if self.error is not None and not self.header:
            return "CSV"
        if self.preset is not None:
            layout = self.preset if "CSV" in self.preset else f"{self.preset} CSV"
        else:
            layout = f"CSV with {self.width:,} columns, not a known export"
        return f"{layout}, {self.encoding}, {self.delimiter_name}-delimited"

    def column_name(self, index: int, has_header: bool) -> str:
        """What the column is called: its header, else its number."""
        if has_header and index < len(self.header) and self.header[index].strip():
            return self.header[index].strip().lstrip("\ufeff")
        return f"Column {index + 1}"

    def data_rows(self, has_header: bool) -> list[tuple[str, ...]]:
        """The rows that are contacts: with no header, the first row is one too."""
        if has_header or not self.header:
            return list(self.rows)
        return [self.header, *self.rows]

    def samples(self, index: int, has_header: bool, count: int = 2) -> list[str]:
        """The first `count` values the column holds."""
        found: list[str] = []
        for row in self.data_rows(has_header):
            if index < len(row) and row[index].strip():
                found.append(" ".join(row[index].split()))
                if len(found) == count:
                    break
        return found


@dataclass(frozen=True)
class FileInfo:
    """A chosen file before it is imported: what it is, and why it would not be imported
    as it is (`problem`: it cannot be read, or its format is not imported yet)."""

    path: Path
    name: str
    format: Format | None
    detail: str  # "Google Contacts CSV, UTF-8, comma-delimited", "vCard 3.0", "calendar"
    problem: str | None = None
    csv: CsvInspection | None = None

    @property
    def line(self) -> str:
        """"contacts.csv — Google Contacts CSV, UTF-8, comma-delimited"."""
        return f"{self.name} — {self.detail}"


@dataclass(frozen=True)
class PreviewRow:
    """One row of the file as it would be imported: the contact's name, company, e-mail
    addresses and phone numbers, what else it holds (`also`), or why it would not be."""

    line: int | None
    name: str = ""
    company: str = ""
    emails: str = ""
    phones: str = ""
    also: str = ""
    problem: str | None = None


def inspect_file(path: Path | str) -> FileInfo:
    """What `path` is, from its name and its first bytes."""
    path = Path(path)
    summary = summary_of(path, ImportOptions())
    name = summary.name
    if summary.format is None:  # it could not be opened at all
        return FileInfo(path, name, None, "cannot be read: " + (summary.error or ""),
                        summary.error)
    if summary.format == "csv":
        try:
            found = inspect_csv(path)
        except OSError as exc:
            why = summary_of(path, ImportOptions()).error or f"it cannot be read ({exc})"
            return FileInfo(path, name, "csv", "cannot be read: " + why, why)
        return FileInfo(path, name, "csv", found.detail, found.error, found)
    detail = _FORMATS.get(summary.format, summary.format)
    if summary.format == "vcard":
        detail = _vcard_detail(path)
    return FileInfo(path, name, summary.format, detail, summary.error)


def describe_file(path: Path | str) -> str:
    """One line for the list of chosen files: "people.vcf — vCard 3.0"."""
    return inspect_file(path).line


def _vcard_detail(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return "vCard"
    text = head.decode("utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8",
                       "replace")
    if "BEGIN:VCARD" not in text.upper():
        return "vCard by its name, though its first lines are not a vCard"
    versions = sorted({v.strip(".") for v in _VERSION.findall(text)})
    return "vCard " + ", ".join(versions) if versions else "vCard"


def _head(path: Path) -> tuple[bytes, bool]:
    """The first HEAD_BYTES of the file, and whether there is more."""
    with path.open("rb") as f:
        data = f.read(HEAD_BYTES + 1)
    return data[:HEAD_BYTES], len(data) > HEAD_BYTES


def inspect_csv(path: Path | str) -> CsvInspection:
    """What a CSV file is (a known export or not, its encoding and delimiter), its column
    names and first rows, and the mapping to suggest. Raises OSError only when the file
    cannot be opened."""
    path = Path(path)
    name = shown_name(path)
    head, more = _head(path)
    imported = read_csv(io.BytesIO(head), name=name)
    encoding = _ENCODINGS.get(imported.encoding, imported.encoding)
    header = tuple(imported.header or ())
    if imported.error is not None and not imported.needs_mapping:
        return CsvInspection(name, None, header, None, signature(header), encoding,
                             imported.delimiter, (), None, False, imported.error.reason)
    rows = tuple(_rows_after(head, name, imported.delimiter, imported.header_line, more))
    suggested = imported.mapping
    if imported.needs_mapping:
        suggested = _suggest(header, rows)
    preset = imported.preset.label if imported.preset is not None else None
    return CsvInspection(name, preset, header, imported.header_line, signature(header),
                         encoding, imported.delimiter, rows, suggested,
                         imported.needs_mapping)


def _rows_after(head: bytes, name: str, delimiter: str, header_line: int | None,
                more: bool) -> list[tuple[str, ...]]:
    """Up to SAMPLE_ROWS readable rows after the header line (from the first row when the
    file has none)."""
    rows: list[tuple[str, ...]] = []
    for line, cells, _reason in Records(Lines(io.BytesIO(head), name), delimiter):
        if cells is not None and (header_line is None or line > header_line):
            rows.append(tuple(cells))
            if len(rows) > SAMPLE_ROWS:
                break
    if more and len(rows) <= SAMPLE_ROWS and rows:
        rows.pop()  # the head may end part-way through this row
    return rows[:SAMPLE_ROWS]


def _suggest(header: Sequence[str], rows: Sequence[Sequence[str]]) -> ColumnMapping:
    """suggest_mapping's guess from the names; where they say nothing, a column whose
    values are all e-mail addresses or phone numbers is taken as one. When the names say
    nothing at all and the first row itself holds such values, it is the first contact."""
    by_names = suggest_mapping(header)
    columns = dict(by_names.columns)
    first_is_data = not columns and any(_kind(cell) for cell in header)
    data = [header, *rows] if first_is_data else list(rows)
    width = max([len(header), *(len(r) for r in rows)])
    for i in range(width):
        if i in columns:
            continue
        values = [r[i].strip() for r in data if i < len(r) and r[i].strip()]
        kinds = {_kind(v) for v in values}
        if values and len(kinds) == 1 and None not in kinds:
            columns[i] = f"{kinds.pop()}:other"
        elif first_is_data and values and "full_name" not in columns.values() and all(
                _NAME.fullmatch(v) for v in values):
            columns[i] = "full_name"
    return ColumnMapping(columns, has_header=not first_is_data, day_first=by_names.day_first)


def _kind(value: str) -> str | None:
    value = value.strip()
    if _EMAIL.fullmatch(value):
        return "email"
    if _PHONE.fullmatch(value) and sum(ch.isdigit() for ch in value) >= 6:
        return "phone"
    return None


def preview(path: Path | str, mapping: ColumnMapping, rows: int = PREVIEW_ROWS
            ) -> list[PreviewRow]:
    """The first `rows` rows of the file as `mapping` reads them: the contacts they would
    be, and the rows that would not be imported with why. A file that cannot be read gives
    one row (line None) saying why."""
    path = Path(path)
    name = shown_name(path)
    try:
        head, more = _head(path)
    except OSError:
        why = summary_of(path, ImportOptions()).error or "it cannot be read"
        return [PreviewRow(None, problem=f"{name} cannot be read: {why}")]
    imported = read_csv(io.BytesIO(head), name=name, mapping=mapping)
    found = list(islice(imported, rows + 1))
    if more and len(found) <= rows and found:
        found.pop()  # the head may end part-way through this row
    out = []
    for item in found[:rows]:
        if isinstance(item, ParsedContact):
            out.append(_row(item.line, item.contact))
        else:
            out.append(PreviewRow(item.line, problem=item.reason))
    return out


def _row(line: int, c: Contact) -> PreviewRow:
    also = [part for part in (
        c.title, c.department,
        *(", ".join(p for p in (a.street, a.locality, a.region, a.postal_code, a.country)
                    if p) for a in c.addresses),
        *(w.url for w in c.websites),
        *(f"{i.service or 'chat'}: {i.handle}" for i in c.ims),
        f"born {c.birthday}" if c.birthday else "",
        " ".join(c.notes.split())[:60],
        ", ".join(c.tags),
    ) if part]
    extra = [x for x in c.extra if x.name.startswith("X-CSV-")]
    if extra:
        also.append(f"{len(extra):,} extra field{'' if len(extra) == 1 else 's'}")
    return PreviewRow(line, c.display_name, c.account_name or "",
                      ", ".join(e.value for e in c.emails),
                      ", ".join(p.value for p in c.phones),
                      "; ".join(" ".join(part.split()) for part in also))


def target_choices() -> list[tuple[str, str]]:
    """What a column can fill, as (target, what the user is shown), in the order offered."""
    return [(t, describe_target(t)) for t in TARGET_CHOICES]


def label_of(target: str) -> str:
    """What the user is shown for any target (a known export's own ones too)."""
    try:
        return describe_target(target)
    except (ValidationError, KeyError):
        return target


def missing(mapping: ColumnMapping) -> str | None:
    """Why the mapping cannot be imported with yet, or None: every contact needs a name or
    an e-mail address, so some column must hold one of them."""
    for target in mapping.columns.values():
        op = parse_target(target)
        if op[0] == "scalar" and op[1] in _NAME_TARGETS:
            return None
        if op[0] in ("item", "numbered") and op[1] == "email" and op[-1] == "value":
            return None
        if op == ("codec", "emails"):
            return None
    return ("Choose the column that holds a name or an e-mail address: every contact needs "
            "one of them (a phone number alone is not enough).")


def same_reading(a: ColumnMapping, b: ColumnMapping) -> bool:
    """Whether two mappings read a file the same way (a column kept as an extra field is
    kept so whether the mapping names it or not)."""
    def plain(m: ColumnMapping) -> tuple[object, ...]:
        columns = {i: t for i, t in m.columns.items() if t != KEEP}
        return (columns, m.has_header, m.day_first)
    return plain(a) == plain(b)


def mapping_to_text(mapping: ColumnMapping) -> str:
    """The mapping as text, to keep in the settings."""
    return json.dumps(mapping.to_json(), sort_keys=True)


def mapping_from_text(text: object) -> ColumnMapping | None:
    """A mapping kept with mapping_to_text; None when the text is not one (an older or
    hand-edited settings file is not an error)."""
    if not isinstance(text, str):
        return None
    try:
        data = json.loads(text)
        return ColumnMapping.from_json(data) if isinstance(data, dict) else None
    except (ValueError, ValidationError):
        return None
