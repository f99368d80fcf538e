"""What an import will do, record by record, and what it did: plain values a window can
show (counts, one line per record with its file and line) and the command line can print.

An ImportPlan comes from ImportService.plan (nothing written) and goes to
ImportService.commit; ImportService.run does both in one go. The ImportReport says what was
committed: the counts, every record that was not imported with where it is and why, and the
journal unit ("Undo this import" reverts it)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from app.domain.activity import Activity
from app.domain.changes import ChangeSet
from app.domain.contact import Contact
from app.domain.groups import CustomFieldDef
from app.domain.history import HistoryItem
from app.services.wording import plural

if TYPE_CHECKING:
    from importers.csv import ColumnMapping

Format = Literal["vcard", "csv", "ldif", "ics"]
OnDuplicate = Literal["merge", "skip", "create"]
FORMATS: tuple[Format, ...] = ("vcard", "csv", "ldif", "ics")
ON_DUPLICATE: tuple[OnDuplicate, ...] = ("merge", "skip", "create")


class Action(enum.StrEnum):
    CREATE = "create"  # a new contact
    UPDATE = "update"  # the same record (same UID), changed in the file
    MERGE = "merge"  # another record of a stored person (same e-mail, phone or name)
    UNCHANGED = "unchanged"  # already in the address book as the file has it
    SKIP = "skip"  # a duplicate left alone (--on-duplicate skip), or in the trash
    REFUSE = "refuse"  # not readable or not valid: not imported


# What changes the database: the rest are reported only.
WRITES = frozenset({Action.CREATE, Action.UPDATE, Action.MERGE})


@dataclass(frozen=True)
class ImportOptions:
    """`format`: None finds it from the file (its name, then its first bytes).
    `on_duplicate`: what a record that matches a stored contact by e-mail address, phone
    number or name and company does: merge into it, skip, or create another contact (a
    record with the same UID is the same record, and is updated whatever this says, except
    that skip leaves it as it is too). `region`: the country (ISO code, "GB") of phone
    numbers written without one; None: the machine's. `csv_mapping`: what each column of a
    CSV file holds, for one that is no known export (importers.csv.ColumnMapping);
    `csv_mappings`: one per file (by its path as given), for the files it names.
    `past_as_history`: calendar events that ended before the import are logged as history
    (a meeting or call that happened) rather than scheduled as activities."""

    format: Format | None = None
    on_duplicate: OnDuplicate = "merge"
    region: str | None = None
    csv_mapping: ColumnMapping | None = None
    csv_mappings: Mapping[str, ColumnMapping] = field(default_factory=dict)
    past_as_history: bool = True

    def mapping_for(self, path: Path) -> ColumnMapping | None:
        return self.csv_mappings.get(str(path), self.csv_mapping)


@dataclass(frozen=True)
class Issue:
    """Something to tell about a file or a record: `line` is the file's line, `record` the
    record's number in its file (None: the whole file); `error` when it was not imported."""

    file: str
    line: int | None
    record: int | None
    message: str
    error: bool = True

    @property
    def where(self) -> str:
        out = self.file
        if self.line is not None:
            out += f" line {self.line:,}"
        if self.record is not None:
            out += f" (record {self.record:,})"
        return out

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(eq=False)
class PlanLine:
    """One record of a file and what happens to it. `contact` is what will be saved (a new
    contact, or the stored one with the file's values folded in) and is let go once it is;
    `target_id` the stored contact it matched; `into` the earlier record of this import it
    was folded into; `contact_id`, after the commit, the contact it made or changed."""

    action: Action
    file: str
    line: int | None
    record: int | None
    name: str
    reason: str
    uid: str = ""
    target_id: int | None = None
    contact: Contact | None = None
    into: PlanLine | None = None
    contact_id: int | None = None
    changes: tuple[str, ...] = ()
    # Its entry in the import's match index (imports_match), while later records may match it.
    ref: int | None = field(default=None, repr=False)
    # A calendar event (imports_calendar) saves an activity or a history item instead of a
    # contact; `event_id` is then what it made or changed, `target_id` the stored one.
    event: bool = False
    activity: Activity | None = None
    history: HistoryItem | None = None
    people: list[PlanLine | int] = field(default_factory=list)  # its attendees' contacts
    series: PlanLine | int | None = None  # a moved occurrence's series
    event_id: int | None = None

    @property
    def where(self) -> str:
        return Issue(self.file, self.line, self.record, "").where

    @property
    def resolved_id(self) -> int | None:
        """The stored contact this record ends up as (made, changed or matched), if any."""
        if self.into is not None:
            return self.into.resolved_id
        return self.contact_id if self.contact_id is not None else self.target_id


@dataclass(eq=False)
class GroupPlan:
    """A group card (vCard KIND:group, Apple's group cards): a group made, or one of the
    same UID or name added to. `members` are the records of this import and stored
    contacts it names; `missing` how many of its members are neither."""

    name: str
    uid: str
    file: str
    line: int | None
    record: int | None
    existing_id: int | None = None
    members: list[PlanLine | int] = field(default_factory=list)
    missing: int = 0
    group_id: int | None = None
    added: int = 0

    @property
    def where(self) -> str:
        return Issue(self.file, self.line, self.record, "").where


@dataclass
class FileSummary:
    """One file of the import: what it was read as, and how far."""

    name: str
    path: Path
    format: Format | None
    size: int
    records: int = 0
    detail: str = ""  # "vCard 3.0", "Google Contacts CSV, UTF-8, comma-delimited"
    error: str | None = None  # the whole file could not be read: why


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: int = 0
    refused: int = 0
    # Updated or merged records folded into another record of the same import: counted
    # above, but no contact of their own.
    folded: int = 0

    def add(self, line: PlanLine) -> None:
        name = _COUNTED[line.action]
        setattr(self, name, getattr(self, name) + 1)
        if line.into is not None and line.action in WRITES:
            self.folded += 1

    @property
    def total(self) -> int:
        return (self.created + self.updated + self.merged + self.unchanged + self.skipped
                + self.refused)


_COUNTED = {Action.CREATE: "created", Action.UPDATE: "updated", Action.MERGE: "merged",
            Action.UNCHANGED: "unchanged", Action.SKIP: "skipped", Action.REFUSE: "refused"}


@dataclass
class ImportPlan:
    """What an import would do. `lines` has one line per record in file order (for a run
    that commits as it reads, only the records not imported are kept); `issues` the
    warnings about records that are imported and the reasons whole files are not."""

    options: ImportOptions
    files: list[FileSummary]
    counts: Counts = field(default_factory=Counts)
    # Calendar events, counted apart; `logged`: how many of those made become history.
    events: Counts = field(default_factory=Counts)
    logged: int = 0
    lines: list[PlanLine] = field(default_factory=list)
    groups: list[GroupPlan] = field(default_factory=list)
    new_accounts: list[str] = field(default_factory=list)
    new_fields: list[CustomFieldDef] = field(default_factory=list)  # custom fields it makes
    issues: list[Issue] = field(default_factory=list)
    # The journal's newest unit when the plan was made: commit refuses a plan made before
    # another change, whose matches may no longer hold.
    seq: int = 0

    @property
    def failed_files(self) -> list[FileSummary]:
        return [f for f in self.files if f.error is not None]

    @property
    def refused(self) -> int:
        """Records, group cards and whole files not imported because they cannot be."""
        return (self.counts.refused + self.events.refused
                + sum(1 for i in self.issues if i.error))

    @property
    def writes(self) -> int:
        """How many contacts it makes or changes."""
        c = self.counts
        return c.created + c.updated + c.merged - c.folded

    @property
    def event_writes(self) -> int:
        """How many activities and history items it makes or changes."""
        e = self.events
        return e.created + e.updated + e.merged - e.folded

    @property
    def not_imported(self) -> list[PlanLine]:
        return [ln for ln in self.lines if ln.action in (Action.SKIP, Action.REFUSE)]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.error]

    def label(self) -> str:
        """The journal's and the Edit menu's name for it: Import 120 contacts from a.vcf."""
        named = [f.name for f in self.files if f.error is None] or [f.name for f in self.files]
        # One line whatever the name holds: the Edit menu shows it.
        source = ("".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in named[0])
                  if len(named) == 1 else f"{len(named):,} files")
        if self.event_writes and not self.writes:
            what = plural(self.event_writes, "event")
        elif self.event_writes:
            what = f"{plural(self.writes, 'contact')} and {plural(self.event_writes, 'event')}"
        else:
            what = plural(self.writes, "contact")
        return f"Import {what} from {source}"


@dataclass
class ImportReport:
    """What was committed. `committed` is False when nothing was written: nothing to write,
    or records were refused and the caller did not ask for the good ones alone (the counts
    then say what would have been done). `seq` is the journal unit: JournalService.revert
    (seq) is "Undo this import"."""

    plan: ImportPlan
    committed: bool
    changes: ChangeSet = field(default_factory=ChangeSet)
    seq: int | None = None

    @property
    def counts(self) -> Counts:
        return self.plan.counts

    @property
    def created(self) -> int:
        return self.counts.created

    @property
    def updated(self) -> int:
        return self.counts.updated

    @property
    def merged(self) -> int:
        return self.counts.merged

    @property
    def unchanged(self) -> int:
        return self.counts.unchanged

    @property
    def skipped(self) -> int:
        return self.counts.skipped

    @property
    def refused(self) -> int:
        return self.plan.refused

    @property
    def partial(self) -> bool:
        """Committed, though some records or files were refused."""
        return self.committed and self.refused > 0

    @property
    def not_imported(self) -> list[PlanLine]:
        return self.plan.not_imported

    @property
    def summary(self) -> str:
        c = self.counts
        verb = "Imported" if self.committed else "Nothing was imported"
        parts = [f"{c.created:,} new", f"{c.updated:,} updated", f"{c.merged:,} merged",
                 f"{c.unchanged:,} unchanged", f"{c.skipped:,} skipped"]
        if self.refused:
            parts.append(f"{self.refused:,} refused")
        head = f"{verb}: " if self.committed else f"{verb} ("
        tail = "" if self.committed else ")"
        if self.plan.events.total:
            e = self.plan.events
            events = [f"{e.created:,} new", f"{e.updated:,} updated",
                      f"{e.unchanged:,} unchanged", f"{e.skipped:,} skipped"]
            if e.refused:
                events.append(f"{e.refused:,} refused")
            logged = f" ({self.plan.logged:,} logged as history)" if self.plan.logged else ""
            text = "events " + ", ".join(events) + logged
            if not c.total:
                return head + text + tail
            return head + "contacts " + ", ".join(parts) + "; " + text + tail
        return head + ", ".join(parts) + tail
