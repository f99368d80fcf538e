"""The files of an import as one stream of records, whatever their format: each file is
recognised (its name, else its first bytes), opened and read lazily by its reader in
importers/, and what the reader gives becomes a contact to import, a group card, or an issue
(a warning about a record, a record that cannot be read, a file that cannot be read).

Nothing here writes, and a file is only ever opened for reading: a refused file is left as
it is, byte for byte. Reading faults (a folder given as a file, no permission, a disk
error) become the file's error, never an OSError that would read as the database's fault."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from app.domain.contact import MAX_PHOTO_BYTES, Contact
from app.domain.errors import ValidationError
from app.domain.matching import Keys, keys_of
from app.services.imports_merge import content, fingerprint
from app.services.imports_plan import FileSummary, Format, ImportOptions, Issue
from importers.ical import ParsedActivity
from importers.vcard import Parsed, ParsedCard, ParsedGroup, Severity, read_vcards

_BY_SUFFIX: dict[str, Format] = {
    ".vcf": "vcard", ".vcard": "vcard", ".csv": "csv", ".tsv": "csv", ".tab": "csv",
    ".ldif": "ldif", ".ldi": "ldif", ".ics": "ics", ".ical": "ics", ".ifb": "ics",
    ".vcs": "ics"}
_HEAD = 4096


@dataclass
class Incoming:
    """A contact read from a file, with where it is, what its reader warned about it, and
    what it is matched on (worked out here, where the file is read: in a process of its own
    for a big file, beside the matching; see imports_worker)."""

    contact: Contact
    file: str
    line: int | None
    record: int
    warnings: tuple[str, ...] = ()
    keys: Keys | None = None
    name: str = ""
    fingerprint: int | None = None  # imports_merge.fingerprint


def incoming(contact: Contact, file: str, line: int | None, record: int,
             warnings: Sequence[str] = (), *, compare: bool = True) -> Incoming | Issue:
    """A contact as the import takes it: what cannot be stored is left off with a warning
    (a photo over the limit); one that is still not valid is an Issue, not imported.
    `compare`: there are stored contacts it may be the same as (its fingerprint then says
    at a glance whether it is exactly the stored one)."""
    notes = list(warnings)
    if contact.photo is not None and len(contact.photo) > MAX_PHOTO_BYTES:
        notes.append(f"its photo is {len(contact.photo) // 1024:,} KB, over the "
                     f"{MAX_PHOTO_BYTES // 1024:,} KB a contact keeps; it was imported "
                     "without it")
        contact.photo, contact.photo_mime = None, ""
    try:
        contact.validate()
    except ValidationError as exc:
        return Issue(file, line, record, str(exc))
    return Incoming(contact, file, line, record, tuple(notes), keys_of(contact),
                    contact.display_name, fingerprint(contact) if compare else None)


@dataclass(frozen=True)
class EventIssue(Issue):
    """An Issue about a calendar's event (counted with the events, not the contacts)."""


Item = Incoming | ParsedGroup | Issue | ParsedActivity


class Counted:
    """A binary file that counts what has been read of it, for progress."""

    def __init__(self, f: BinaryIO | None):
        self._f = f
        self.done = 0

    def read(self, size: int = -1) -> bytes:
        assert self._f is not None, "a counter of bytes read elsewhere"
        data = self._f.read(size)
        self.done += len(data)
        return data


class ImportFileError(Exception):
    """A file of the import cannot be read; the message says which and why."""


def shown_name(path: Path) -> str:
    """What messages call a file: its name as given (problems and reports print it on one
    line, whatever it holds)."""
    return path.name or str(path)


def summary_of(path: Path, options: ImportOptions) -> FileSummary:
    """The file as it is before reading: its size and format, or why it cannot be read."""
    summary = FileSummary(shown_name(path), path, options.format, 0)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ImportFileError("it is a folder, not a file; choose the files in it")
        if not stat.S_ISREG(info.st_mode):
            raise ImportFileError("it is not a regular file (a device or a pipe)")
        summary.size = info.st_size
        if summary.format is None:
            with path.open("rb") as f:
                summary.format = detect(path, f.read(_HEAD))
    except ImportFileError as exc:
        summary.error = str(exc)
    except OSError as exc:
        summary.error = _os_reason(exc)
    return summary


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "there is no such file; check the name and the folder"
    if isinstance(exc, PermissionError):
        return "Rolodeck may not read it (permission denied)"
    return f"it cannot be read ({exc.strerror or type(exc).__name__})"


def detect(path: Path, head: bytes) -> Format:
    """The format: from the file's name where it says one, else from its first bytes."""
    by_name = _BY_SUFFIX.get(path.suffix.lower())
    if by_name is not None:
        return by_name
    text = _head_text(head).lstrip().upper()
    if text.startswith("BEGIN:VCARD"):
        return "vcard"
    if text.startswith("BEGIN:VCALENDAR"):
        return "ics"
    if text.startswith(("DN:", "VERSION: 1", "VERSION:1")):
        return "ldif"
    return "csv"


def _head_text(head: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, "replace")
    if head[1:2] == b"\x00":
        return head.decode("utf-16-le", "replace")
    return head.decode("utf-8", "replace")


def items(summary: FileSummary, counter: list[Counted], options: ImportOptions,
          compare: bool = True) -> Generator[Item, None, None]:
    """The file's records in order. The open file is put in `counter` (for progress) while
    it is read. A fault part-way through ends the file with its error set; what was read
    before it stays."""
    try:
        with summary.path.open("rb") as raw:
            f = Counted(raw)
            counter[:] = [f]
            read = {"vcard": _vcard, "ics": _ical, "ldif": _ldif}.get(summary.format or "",
                                                                      _csv)
            yield from read(summary, f, options, compare)  # type: ignore[arg-type]
    except OSError as exc:
        summary.error = _os_reason(exc)
    finally:
        counter.clear()


def _ldif(summary: FileSummary, f: BinaryIO, options: ImportOptions,
          compare: bool) -> Iterator[Item]:
    from importers.ldif import read_ldif

    yield from _cards(summary, read_ldif(f, name=summary.name), compare)
    if summary.error is None and summary.records:
        summary.detail = "LDIF"


def _vcard(summary: FileSummary, f: BinaryIO, options: ImportOptions,
           compare: bool) -> Iterator[Item]:
    yield from _cards(summary, read_vcards(f, name=summary.name), compare)


def _cards(summary: FileSummary, found: Iterator[Parsed], compare: bool) -> Iterator[Item]:
    """What a reader of cards gives (the vCard reader, and the LDIF one, which gives the
    same kinds) as items of the import."""
    name = summary.name
    warnings: list[str] = []
    versions: dict[str, int] = {}
    for parsed in found:
        if isinstance(parsed, ParsedCard):
            summary.records = parsed.record
            versions[parsed.version] = versions.get(parsed.version, 0) + 1
            yield incoming(parsed.contact, name, parsed.line, parsed.record, warnings,
                           compare=compare)
            warnings = []
        elif isinstance(parsed, ParsedGroup):
            summary.records = parsed.record
            yield parsed
            warnings = []
        elif parsed.severity == Severity.WARNING:
            if parsed.record is None:
                yield Issue(name, parsed.line, None, parsed.message, error=False)
            else:  # the card it is about comes next
                warnings.append(f"line {parsed.line:,}: {parsed.message}")
        elif parsed.record is None:
            summary.error = parsed.message
        else:
            summary.records = parsed.record
            warnings = []
            yield Issue(name, parsed.line, parsed.record, parsed.message)
    if versions and summary.format == "vcard":
        summary.detail = "vCard " + ", ".join(v or "2.1" for v in sorted(versions))


def _csv(summary: FileSummary, f: BinaryIO, options: ImportOptions,
         compare: bool) -> Iterator[Item]:
    from importers.csv import ParsedContact, read_csv

    name = summary.name
    imported = read_csv(f, name=name, mapping=options.mapping_for(summary.path))
    if imported.needs_mapping:
        summary.error = (f"its columns ({_columns(imported.header)}) match no known export; "
                         "choose what each column holds in the import window")
        return
    if imported.error is not None:
        summary.error = imported.error.reason
        return
    layout = imported.preset.label if imported.preset is not None else "CSV"
    if "CSV" not in layout:
        layout += " CSV"
    summary.detail = f"{layout}, {imported.encoding}, " + {
        ",": "comma", ";": "semicolon", "\t": "tab"}.get(imported.delimiter,
                                                        repr(imported.delimiter)) + "-delimited"
    for record, row in enumerate(imported, 1):
        summary.records = record
        if isinstance(row, ParsedContact):
            if not row.contact.uid:
                row.contact.uid = derived_uid(row.contact)
            yield incoming(row.contact, name, row.line, record, row.warnings,
                           compare=compare)
        elif row.line is None:
            summary.error = row.reason
        else:
            yield Issue(name, row.line, record, row.reason)
    for warning in imported.warnings:
        yield Issue(name, None, None, warning.removeprefix(f"{name}: "), error=False)


def _ical(summary: FileSummary, f: BinaryIO, options: ImportOptions,
          compare: bool) -> Iterator[Item]:
    from importers.ical import Level, ParsedActivity, read_ical

    name = summary.name
    before = datetime.now(UTC) if options.past_as_history else None
    for item in read_ical(f, name=name, history_before=before):
        if isinstance(item, ParsedActivity):
            summary.records = item.component
            yield item
        elif item.level == Level.ERROR and item.component is None:
            summary.error = item.reason
        elif item.level == Level.ERROR:
            summary.records = item.component or summary.records
            yield EventIssue(name, item.line, item.component, item.reason)
        else:
            yield EventIssue(name, item.line, item.component, item.reason, error=False)
    if summary.error is None:
        summary.detail = "iCalendar"


def _columns(header: list[str] | None) -> str:
    """The first column names, each cut short: a message stays one readable line whatever
    the header holds."""
    cells = [c.strip() for c in header or [] if c.strip()]
    shown = ", ".join(c if len(c) <= 30 else c[:29] + "…" for c in cells[:4])
    return shown + (f" and {len(cells) - 4} more" if len(cells) > 4 else "")


def derived_uid(c: Contact) -> str:
    """A UID for a record that has none (CSV rows seldom do), the same each time the same
    record is read: importing the file again finds the contacts it made."""
    digest = hashlib.blake2b(repr(content(c)).encode("utf-8", "surrogatepass"),
                             digest_size=16).hexdigest()
    return f"import-{digest}"
