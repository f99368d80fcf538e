"""Exporting contacts: every one, a selection, a group's or a saved search's, to vCard 3.0 or
4.0, or CSV in Google's, Outlook's or Rolodeck's own layout; streamed (a chunk of contacts at
a time, in one read transaction, so the file shows one state of the address book).

    export_contacts(db, path, "vcard3", scope=ExportScope.group(7),
                    parts={Part.PHONES, Part.EMAILS}, per_contact=True)

FORMATS is the one table of what can be written (a dialog lists it; a new format is a row).
`parts` leaves out what the user did not choose: names and company always go, the rest
(phones, e-mails... kept raw properties) only when chosen, raw properties that hold a left-out
kind too (an unreadable BDAY kept as it was read goes with the birthday).

One file is written beside its destination under a temporary name and moved into place only
once it is complete and on disk; a file per contact (vCard) is written the same way into a
hidden folder inside the chosen one, and all are moved to their names at the end (see
export_files). A failed or cancelled export leaves nothing, and an existing file is replaced
only when asked (`replace`), else left byte for byte."""

from __future__ import annotations

import enum
import os
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.domain.contact import Contact
from app.domain.errors import NotFoundError, ValidationError
from app.domain.filters import SavedSearch
from app.domain.groups import FieldOwner, Group
from app.services.export_files import (
    ExportError,
    ExportExists,
    FolderBatch,
    place_file,
    reason,
    safe_stem,
)
from app.services.progress import CancelToken, Progress, no_progress
from db.database import Database
from db.errors import shown as _shown
from db.queries import contact_filter
from db.queries import directory as directory_queries
from db.repositories import contacts as repo
from db.repositories import organize as organize_repo
from db.search import index_for

__all__ = ["EXPORT_FORMATS", "FORMATS", "PARTS", "ExportChoices", "ExportError",
           "ExportExists", "ExportFormat", "ExportResult", "ExportScope", "Exporter",
           "FormatSpec", "Part", "ScopeChoice", "export_contacts", "export_file", "keep_parts"]

ExportFormat = str  # a key of FORMATS
CHUNK = repo.MANY_CHUNK
BOM = b"\xef\xbb\xbf"


class Part(enum.StrEnum):
    """What an export can leave out; names, company, title and department always go."""

    PHONES = "phones"
    EMAILS = "emails"
    ADDRESSES = "addresses"
    WEBSITES = "websites"
    CHAT = "chat"
    DATES = "dates"
    NOTES = "notes"
    PHOTO = "photo"
    TAGS = "tags"
    CUSTOM = "custom"
    RAW = "raw"


# In the order a dialog lists them, with the words it shows.
PARTS: dict[Part, str] = {
    Part.PHONES: "Phone numbers", Part.EMAILS: "E-mail addresses", Part.ADDRESSES: "Addresses",
    Part.WEBSITES: "Websites", Part.CHAT: "Chat handles", Part.DATES: "Birthday and anniversary",
    Part.NOTES: "Notes", Part.PHOTO: "Photo", Part.TAGS: "Tags",
    Part.CUSTOM: "Custom fields", Part.RAW: "Other imported properties",
}
ALL_PARTS = frozenset(Part)

Texts = Callable[[Iterable[Contact]], Iterator[str]]


def _vcards(version: str) -> Texts:
    def texts(contacts: Iterable[Contact]) -> Iterator[str]:
        from importers.vcard import write_vcards

        return write_vcards(contacts, version)  # type: ignore[arg-type]

    return texts


def _csv(layout: str) -> Texts:
    def texts(contacts: Iterable[Contact]) -> Iterator[str]:
        from importers.csv import write_csv

        return write_csv(contacts, layout)  # type: ignore[arg-type]

    return texts


@dataclass(frozen=True)
class FormatSpec:
    """A format an export can write. `texts` gives the file's text a piece at a time (the
    first `header_rows` pieces are no contact); `carries` is what of PARTS it has a place
    for at all, `choosable` whether those can be left out one by one, `per_contact` whether
    it can be a file per contact (a format whose file can hold one record)."""

    id: str
    label: str
    extension: str
    file_filter: str
    texts: Texts
    carries: frozenset[Part] = ALL_PARTS
    choosable: bool = True
    per_contact: bool = False
    header_rows: int = 0
    bom: bool = False  # UTF-8 with a byte order mark: how Excel knows the file is UTF-8
    # The activities of the contacts, not the contacts (calendar_export): `texts` unused.
    calendar: bool = False


def _ldif(contacts: Iterable[Contact]) -> Iterator[str]:
    from importers.ldif import ldif_records

    return ldif_records(contacts)


def _no_contacts(contacts: Iterable[Contact]) -> Iterator[str]:
    raise TypeError("a calendar is written from activities (calendar_export)")


_NO_PHOTO = ALL_PARTS - {Part.PHOTO}  # a spreadsheet cell is no place for an image
FORMATS: dict[str, FormatSpec] = {f.id: f for f in (
    FormatSpec("vcard3", "vCard 3.0: Apple Contacts, Google, Outlook, phones", ".vcf",
               "vCard files (*.vcf *.vcard)", _vcards("3.0"), per_contact=True),
    FormatSpec("vcard4", "vCard 4.0", ".vcf", "vCard files (*.vcf *.vcard)", _vcards("4.0"),
               per_contact=True),
    FormatSpec("csv-google", "CSV for Google Contacts", ".csv", "CSV files (*.csv)",
               _csv("google"), _NO_PHOTO, header_rows=1, bom=True),
    FormatSpec("csv-outlook", "CSV for Outlook", ".csv", "CSV files (*.csv)", _csv("outlook"),
               _NO_PHOTO - {Part.CHAT, Part.CUSTOM}, header_rows=1, bom=True),
    FormatSpec("csv", "CSV with every field (Rolodeck)", ".csv", "CSV files (*.csv)",
               _csv("rolodeck"), _NO_PHOTO, header_rows=1),
    FormatSpec("ldif", "LDIF: Thunderbird, LDAP directories", ".ldif", "LDIF files (*.ldif)",
               _ldif, ALL_PARTS - {Part.TAGS}),
    FormatSpec("ics", "Calendar (.ics): these contacts' activities", ".ics",
               "Calendar files (*.ics)", _no_contacts, frozenset(), choosable=False,
               calendar=True),
)}
EXPORT_FORMATS: tuple[str, ...] = tuple(FORMATS)


def format_spec(fmt: str) -> FormatSpec:
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ValidationError(f"'{fmt}' is not an export format; use one of "
                              f"{', '.join(EXPORT_FORMATS)}")
    return spec


# --- what is exported ------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportScope:
    """Whose contacts: everyone (no ids, no group), these ids, or a group's members (a
    saved search's: whoever it finds now). Always in name order, never the trash's."""

    ids: tuple[int, ...] | None = None
    group_id: int | None = None

    @classmethod
    def everyone(cls) -> ExportScope:
        return cls()

    @classmethod
    def of(cls, ids: Iterable[int]) -> ExportScope:
        return cls(ids=tuple(ids))

    @classmethod
    def group(cls, group_id: int) -> ExportScope:
        """A group or a saved search (a saved search is a group whose members it finds)."""
        return cls(group_id=group_id)

    search = group


@dataclass(frozen=True)
class ScopeChoice:
    group_id: int
    name: str
    count: int


@dataclass(frozen=True)
class ExportChoices:
    """What an export dialog offers: how many contacts there are, how many of a selection
    are live ones, and each group and saved search with how many it holds or finds."""

    total: int
    selected: int
    groups: tuple[ScopeChoice, ...]
    searches: tuple[ScopeChoice, ...]


@dataclass(frozen=True)
class ExportResult:
    count: int
    path: Path  # the file, or the folder of a file per contact
    files: tuple[Path, ...]  # every file written
    format: str


# Raw properties that are a part's own kind of value (one a card had twice, or one that
# could not be read): they go or stay with that part.
_IM = ("X-SKYPE", "X-SKYPE-USERNAME", "X-JABBER", "X-AIM", "X-ICQ", "X-MSN", "X-YAHOO",
       "X-GADUGADU", "X-GROUPWISE", "X-GOOGLE-TALK", "X-GTALK", "X-QQ", "X-SIP", "IMPP")
_RAW_PARTS: dict[str, Part] = {
    "TEL": Part.PHONES, "EMAIL": Part.EMAILS, "ADR": Part.ADDRESSES, "LABEL": Part.ADDRESSES,
    "X-ABADR": Part.ADDRESSES, "URL": Part.WEBSITES, **dict.fromkeys(_IM, Part.CHAT),
    **dict.fromkeys(("BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY",
                     "X-KADDRESSBOOK-X-ANNIVERSARY", "X-ABDATE"), Part.DATES),
    "NOTE": Part.NOTES, "PHOTO": Part.PHOTO, "LOGO": Part.PHOTO, "CATEGORIES": Part.TAGS,
    "X-ROLODECK-FIELD": Part.CUSTOM,
}


def keep_parts(c: Contact, parts: Collection[Part]) -> Contact:
    """`c` with only the chosen parts (changed in place, and returned): what is left out is
    gone from the contact, so no writer can write it. Raw properties in the same property
    group as a left-out detail (Apple's `item1.X-ABLabel` of `item1.TEL`) go with it."""
    if set(parts) >= ALL_PARTS:
        return c
    dropped: set[str] = set()
    for part, name in ((Part.PHONES, "phones"), (Part.EMAILS, "emails"),
                       (Part.ADDRESSES, "addresses"), (Part.WEBSITES, "websites"),
                       (Part.CHAT, "ims")):
        if part not in parts:
            dropped.update(d.group.casefold() for d in getattr(c, name) if d.group)
            setattr(c, name, [])
    if Part.DATES not in parts:
        c.birthday = c.anniversary = None
    if Part.NOTES not in parts:
        c.notes = ""
    if Part.PHOTO not in parts:
        c.photo, c.photo_mime = None, ""
    if Part.TAGS not in parts:
        c.tags = []
    if Part.CUSTOM not in parts:
        c.custom = {}
    if Part.RAW not in parts:
        c.extra = []
    else:
        c.extra = [p for p in c.extra
                   if _RAW_PARTS.get(p.name.upper(), Part.RAW) in parts
                   and not (p.group and p.group.casefold() in dropped)]
    return c


def scope_ids(s, scope: ExportScope) -> list[int]:
    """The live contacts of `scope`, in name order."""
    conn = s.connection()
    order = directory_queries.contact_ids(conn)
    if scope.group_id is None:
        if scope.ids is None:
            return order
        wanted = set(scope.ids)
        return [i for i in order if i in wanted]
    found = organize_repo.list_groups(s, [scope.group_id], saved=None)
    if not found:
        raise NotFoundError("That group or saved search is no longer there (deleted "
                            "meanwhile?); choose another. Nothing was written.")
    return _members(s, found[0], order)


def _members(s, group: Group, order: list[int]) -> list[int]:
    if group.saved_search is None:
        assert group.id is not None
        return organize_repo.members(s, group.id, FieldOwner.CONTACT)
    found = set(_finds(s.connection(), group.saved_search, len(order)))
    return [i for i in order if i in found]


def _finds(conn, search: SavedSearch, everyone: int) -> list[int]:
    """Every contact the saved search finds (the list shows the best thousand of a typed
    search; an export takes them all)."""
    if not search.text.strip():
        return contact_filter.contact_ids(conn, search.filters)
    hits = index_for(conn.dialect.name).search(conn, search.text, 2 * everyone + 2)
    ids = [h.id for h in hits if h.kind == "contact"]
    if search.filters.empty:
        return ids
    return contact_filter.keep_matching(conn, ids, search.filters)


# --- writing ---------------------------------------------------------------------------------

class _Unwritable(Exception):
    def __init__(self, fault: OSError):
        super().__init__(str(fault))
        self.fault = fault


def export_file(db: Database, path: Path, fmt: ExportFormat, ids: Sequence[int] | None = None,
                *, replace: bool = False, cancel: CancelToken | None = None,
                progress: Progress = no_progress, scope: ExportScope | None = None,
                parts: Collection[Part] | None = None, per_contact: bool = False) -> int:
    """Write the contacts `ids` (in that order; None: every contact not in the trash, in name
    order), or `scope`'s, to `path` as `fmt`; returns how many were written. See
    export_contacts for the rest."""
    return export_contacts(db, path, fmt, ids, replace=replace, cancel=cancel,
                           progress=progress, scope=scope, parts=parts,
                           per_contact=per_contact).count


def export_contacts(db: Database, path: Path, fmt: ExportFormat,
                    ids: Sequence[int] | None = None, *, replace: bool = False,
                    cancel: CancelToken | None = None, progress: Progress = no_progress,
                    scope: ExportScope | None = None, parts: Collection[Part] | None = None,
                    per_contact: bool = False) -> ExportResult:
    """Write the contacts (`ids` in their order, else `scope`'s, else everyone's) as `fmt`:
    to the file `path`, or with `per_contact` to a file each in the folder `path`, named
    from the contact (safe_stem). Only the `parts` chosen (None: all) that the format
    carries. ExportExists, writing nothing, when a file is there and not `replace`."""
    spec = format_spec(fmt)
    if ids is not None and scope is not None:
        raise ValueError("give ids or a scope, not both")
    chosen = ALL_PARTS if parts is None else frozenset(Part(p) for p in parts)
    if per_contact and not spec.per_contact:
        raise ValidationError(f"{spec.label} cannot be written as a file per contact; "
                              "choose one file, or a vCard format")
    source = _Source(ids, scope or ExportScope(), chosen, cancel, progress)
    target = Path(path)
    if per_contact:
        return _to_folder(db, target, spec, source, replace)
    return _to_file(db, target, spec, source, replace)


@dataclass
class _Source:
    ids: Sequence[int] | None
    scope: ExportScope
    parts: frozenset[Part]
    cancel: CancelToken | None
    progress: Progress

    def activities(self, s) -> tuple[Iterator[str], int]:
        """The calendar of the contacts (every activity, for everyone)."""
        from app.services.calendar_export import calendar_texts

        everyone = self.ids is None and self.scope.ids is None and self.scope.group_id is None
        ids = None if everyone else (list(dict.fromkeys(self.ids)) if self.ids is not None
                                     else scope_ids(s, self.scope))
        return calendar_texts(s, ids, self.cancel, self.progress)

    def contacts(self, s) -> Iterator[Contact]:
        """The contacts, a chunk at a time, with only the parts chosen."""
        ids = list(dict.fromkeys(self.ids)) if self.ids is not None else scope_ids(
            s, self.scope)
        total = len(ids)
        for start in range(0, total, CHUNK):
            if self.cancel:
                self.cancel.raise_if_set()
            for c in repo.get_many(s, ids[start:start + CHUNK]):
                yield keep_parts(c, self.parts)
            self.progress(min(start + CHUNK, total), total)
        if not total:
            self.progress(0, 0)


def _to_file(db: Database, target: Path, spec: FormatSpec, source: _Source,
             replace: bool) -> ExportResult:
    folder = target.parent
    if target.is_dir():
        raise ExportError(f"{_shown(target)} is a folder; give the name of the file to write")
    if not folder.is_dir():
        raise ExportError(f"There is no folder {_shown(folder)} to write {_shown(target.name)} "
                          "in; create it first")
    if os.path.lexists(target) and not replace:
        raise ExportExists(f"{_shown(target)} already exists; choose another name, or "
                           "replace it (--force)", [target])
    try:
        fd, part = tempfile.mkstemp(dir=folder, prefix=".rolodeck-export-", suffix=".part")
    except OSError as exc:
        raise ExportError(f"Cannot write in {_shown(folder)}: {reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            written = _write(db, out, spec, source)
        if source.cancel:
            source.cancel.raise_if_set()
        place_file(part, target, replace)
    except (OSError, _Unwritable) as exc:
        fault = exc.fault if isinstance(exc, _Unwritable) else exc
        raise ExportError(f"Cannot write {_shown(target)}: {reason(fault)}; nothing was "
                          "written") from None
    finally:
        if os.path.exists(part):
            os.unlink(part)
    return ExportResult(written, target, (target,), spec.id)


def _write(db: Database, out, spec: FormatSpec, source: _Source) -> int:
    """The contacts into `out`, synced to disk; how many. A write fault is re-raised as the
    file's own (inside the read transaction an OSError would read as the database's)."""
    pieces = 0
    with db.read() as s:
        try:
            if spec.bom:
                out.write(BOM)
            texts, count = (source.activities(s) if spec.calendar
                            else (spec.texts(source.contacts(s)), None))
            for text in texts:
                out.write(text.encode("utf-8", "surrogatepass"))
                pieces += 1
            out.flush()
            os.fsync(out.fileno())
        except OSError as exc:
            raise _Unwritable(exc) from None
    return count if count is not None else max(0, pieces - spec.header_rows)


def _to_folder(db: Database, folder: Path, spec: FormatSpec, source: _Source,
               replace: bool) -> ExportResult:
    batch = FolderBatch(folder, spec.extension, replace)
    try:
        with db.read() as s:
            for c in source.contacts(s):
                data = "".join(spec.texts([c])).encode("utf-8", "surrogatepass")
                try:
                    batch.add(file_stem(c), BOM + data if spec.bom else data)
                except OSError as exc:
                    raise _Unwritable(exc) from None
        if source.cancel:
            source.cancel.raise_if_set()
        files = batch.place()
    except (OSError, _Unwritable) as exc:
        fault = exc.fault if isinstance(exc, _Unwritable) else exc
        raise ExportError(f"Cannot write the files in {_shown(folder)}: {reason(fault)}; "
                          "nothing was written") from None
    finally:
        batch.discard()
    return ExportResult(len(files), folder, tuple(files), spec.id)


def file_stem(c: Contact) -> str:
    """What a contact's own file is called: their name, else their company, else their
    UID, else their number, whatever the name holds made safe (export_files.safe_stem)."""
    for candidate in (c.display_name, c.account_name or "", c.uid):
        stem = safe_stem(candidate)
        if stem:
            return stem
    return f"contact {c.id}"


# --- for a dialog ----------------------------------------------------------------------------

class Exporter:
    """The export as a dialog uses it, over one database."""

    def __init__(self, db: Database):
        self._db = db

    def choices(self, selection: Sequence[int] = ()) -> ExportChoices:
        with self._db.read() as s:
            order = directory_queries.contact_ids(s.connection())
            live = set(order)
            groups = organize_repo.list_groups(s, saved=None)
            listed = tuple(ScopeChoice(g.id, g.name, g.contact_count)
                           for g in groups if g.saved_search is None and g.id is not None)
            searches = tuple(ScopeChoice(g.id, g.name, len(_members(s, g, order)))
                             for g in groups if g.saved_search is not None
                             and g.id is not None)
        return ExportChoices(len(order), len(live.intersection(selection)), listed, searches)

    def ids(self, scope: ExportScope) -> list[int]:
        with self._db.read() as s:
            return scope_ids(s, scope)

    def export(self, path: Path | str, fmt: ExportFormat, scope: ExportScope, *,
               parts: Collection[Part] | None = None, per_contact: bool = False,
               replace: bool = False, cancel: CancelToken | None = None,
               progress: Progress = no_progress) -> ExportResult:
        return export_contacts(self._db, Path(path), fmt, scope=scope, parts=parts,
                               per_contact=per_contact, replace=replace, cancel=cancel,
                               progress=progress)
