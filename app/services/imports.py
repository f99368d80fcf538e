"""Importing address books: files in, contacts matched, planned, committed, reported.

    plan = services.imports.plan([path])          # reads; writes nothing
    report = services.imports.commit(plan)        # one unit of work: all or nothing
    report = services.imports.run([path])         # both, reading and writing as it goes
    services.journal.revert(report.seq)           # "Undo this import", days later too

The pipeline: each file is read by its reader in importers/ (streamed); each record is
matched (imports_match: same UID, e-mail, phone, then name and company) against the stored
contacts and the records before it; the plan says per record create, update, merge,
unchanged, skip or refuse, with its file and line; the commit saves it in one unit through
the contact use cases (imports_commit), labelled "Import N contacts from FILE"; a Cancel or a
crash leaves nothing. Records that cannot be read are reported and, unless the caller asks
for the good ones alone (`commit_good`), hold back the whole import.

Memory: `plan` keeps each record's contact to show and save (some 4 KB a contact); `run`
keeps only the records not imported, saving the others a batch at a time, so a file of any
size imports in bounded memory. The stored contacts are indexed by their keys alone
(imports_match.MatchIndex, from db.queries.match_keys); only those a record matched are
read, a batch at a time."""

from __future__ import annotations

import locale
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing
from pathlib import Path

from app.domain import matching as m
from app.domain.contact import Contact
from app.domain.errors import ValidationError
from app.domain.groups import FieldOwner
from app.domain.record import stored_id
from app.services.imports_calendar import CalendarPlanner, EventWriter
from app.services.imports_commit import Writer
from app.services.imports_export import ExportFormat, export_file
from app.services.imports_match import MatchIndex, Planner
from app.services.imports_merge import stored_fingerprint
from app.services.imports_plan import (
    WRITES,
    Action,
    FileSummary,
    ImportOptions,
    ImportPlan,
    ImportReport,
    Issue,
    PlanLine,
)
from app.services.imports_sources import Counted, EventIssue, Incoming, summary_of
from app.services.imports_worker import Reading, read_items
from app.services.progress import CancelToken, Progress, no_progress, paused_collection
from db.database import Database
from db.journal import store
from db.queries import calendar_import as calendar_queries
from db.queries import directory as directory_queries
from db.queries import match_keys
from db.repositories import common
from db.repositories import contacts as repo
from db.repositories import organize as organize_repo
from db.unit import Origin, Unit
from importers.ical import ParsedActivity
from importers.vcard import ParsedGroup

__all__ = ["ImportOptions", "ImportPlan", "ImportReport", "ImportService", "default_region"]

# Records decided and (by run) saved at a time: bulk inserts of this size run at full speed,
# and a batch's contacts are a few megabytes.
BATCH = 2000
# Progress counts stored contacts read and records read; a file's records are estimated
# from its size until it is read.
BYTES_PER_RECORD = 400
CHUNK = repo.MANY_CHUNK
DEFAULTS = ImportOptions()


def default_region() -> str | None:
    """The machine's country (from its locale, "en_GB" -> "GB"), for phone numbers written
    without a country code; None when the locale names none."""
    for name in (locale.getlocale()[0], os.environ.get("LC_ALL"), os.environ.get("LANG")):
        if name and "_" in name:
            region = name.split("_", 1)[1][:2].upper()
            if region.isalpha() and len(region) == 2:
                return region
    return None


class _HeldBack(Exception):
    """Rolls back a run whose refused records the caller did not want to import without."""


class _Meter:
    def __init__(self, progress: Progress, stored: int, size: int, counter: list[Counted]):
        self.progress = progress
        self.counter = counter
        self.total = stored + size // BYTES_PER_RECORD + 1
        self.done = 0
        self.read_before = 0

    def scanned(self, n: int) -> None:
        self.done += n
        self.progress(self.done, self.total)

    def reading(self) -> None:
        now = self.read_before + (self.counter[0].done if self.counter else 0)
        self.progress(min(self.done + now // BYTES_PER_RECORD, self.total - 1), self.total)

    def file_done(self, size: int) -> None:
        self.read_before += size

    def end(self) -> None:
        self.progress(self.total, self.total)


class ImportService:
    def __init__(self, db: Database):
        self._db = db

    def plan(self, paths: Sequence[Path | str], options: ImportOptions = DEFAULTS, *,
             cancel: CancelToken | None = None, progress: Progress = no_progress
             ) -> ImportPlan:
        """What importing `paths` would do, record by record; nothing is written."""
        plan = _new_plan(paths, options)
        with ExitStack() as stack, paused_collection(), self._db.read() as s:
            plan.seq = store.last_seq(s.connection())
            counter: list[Counted] = []
            stored = _stored_ids(s) if _has_contacts(plan) else []
            files = stack.enter_context(closing(_files(plan, counter, bool(stored))))
            planner, accounts, meter = self._planner(s, plan, stored, counter, cancel,
                                                     progress)
            calendar = CalendarPlanner(s, options, _people(s, planner.index))

            def keep(lines: list[PlanLine]) -> None:
                for ln in lines:
                    plan.counts.add(ln)
                    _note_account(plan, accounts, ln)
                plan.lines += lines

            def keep_events(lines: list[PlanLine]) -> None:
                _count_events(plan, lines)
                plan.lines += lines

            self._read(plan, files, planner, calendar, keep, keep_events, meter, cancel)
        return plan

    def commit(self, plan: ImportPlan, *, commit_good: bool = False,
               cancel: CancelToken | None = None, progress: Progress = no_progress
               ) -> ImportReport:
        """Save what `plan` says, in one unit ("Import N contacts from FILE"). With records
        refused, nothing is saved unless `commit_good`. A plan made before another change
        to the database is refused (preview it again): its matches may no longer hold."""
        if plan.refused and not commit_good:
            return ImportReport(plan, committed=False)
        todo = [ln for ln in plan.lines if ln.action in WRITES and ln.contact is not None]
        events = [ln for ln in plan.lines if ln.event and ln.action in WRITES]
        if not todo and not plan.groups and not events:
            return ImportReport(plan, committed=True)
        with paused_collection(), self._db.unit(plan.label(), Origin.IMPORT) as tx:
            latest = store.last_seq(tx.conn)
            if latest != plan.seq:
                raise ValidationError(
                    "The address book changed since this import was previewed (change "
                    f"{latest:,}); preview it again. Nothing was imported.")
            writer = Writer(tx, _accounts(tx.session), cancel)
            writer.new_fields = plan.new_fields
            for start in range(0, len(todo), BATCH):
                if cancel:
                    cancel.raise_if_set()
                writer.write(todo[start:start + BATCH])
                progress(min(start + BATCH, len(todo)), len(todo))
            writer.groups(plan.groups)
            EventWriter(tx).write(events)
        return ImportReport(plan, True, tx.changes, tx.seq)

    def run(self, paths: Sequence[Path | str], options: ImportOptions = DEFAULTS, *,
            commit_good: bool = False, cancel: CancelToken | None = None,
            progress: Progress = no_progress) -> ImportReport:
        """Plan and commit in one go, in one unit, saving each batch as it is decided: the
        plan keeps only the records not imported (skipped, refused). With records refused
        and not `commit_good`, everything is rolled back and the report says what would
        have been done."""
        plan = _new_plan(paths, options)
        try:
            with ExitStack() as stack, paused_collection(), \
                    self._db.unit(plan.label(), Origin.IMPORT) as tx:
                plan.seq = store.last_seq(tx.conn)
                counter: list[Counted] = []
                stored = _stored_ids(tx.session) if _has_contacts(plan) else []
                files = stack.enter_context(closing(_files(plan, counter, bool(stored))))
                planner, accounts, meter = self._planner(tx.session, plan, stored, counter,
                                                         cancel, progress)
                writer = Writer(tx, accounts, cancel)
                writer.new_fields = planner.new_fields
                calendar = CalendarPlanner(tx.session, options,
                                           _people(tx.session, planner.index))
                known: dict[str, int] = {}  # once held back: what accounts there would be

                def save(lines: list[PlanLine]) -> None:
                    for ln in lines:
                        plan.counts.add(ln)
                        if ln.action in (Action.SKIP, Action.REFUSE):
                            plan.lines.append(ln)
                    if plan.refused and not commit_good:
                        known.update(writer.accounts if not known else {})
                        for ln in lines:  # held back: only counted, never saved
                            _note_account(plan, known, ln)
                            ln.contact = None
                    else:
                        writer.write(lines)
                    planner.written(lines)

                def save_events(lines: list[PlanLine]) -> None:
                    _count_events(plan, lines)
                    plan.lines += [ln for ln in lines
                                   if ln.action in (Action.SKIP, Action.REFUSE)]
                    if not plan.refused or commit_good:
                        EventWriter(tx).write(lines)

                self._read(plan, files, planner, calendar, save, save_events, meter, cancel)
                if plan.refused and not commit_good:
                    plan.new_accounts[:0] = writer.made_accounts
                    raise _HeldBack
                writer.groups(plan.groups)
                plan.new_accounts = writer.made_accounts
                _relabel(tx, plan.label())
        except _HeldBack:
            return ImportReport(plan, committed=False)
        return ImportReport(plan, True, tx.changes, tx.seq)

    def export(self, path: Path | str, fmt: ExportFormat, ids: Sequence[int] | None = None,
               *, replace: bool = False, cancel: CancelToken | None = None,
               progress: Progress = no_progress) -> int:
        """Write contacts to a file (see imports_export): `ids`, or every contact not in
        the trash; an existing file only when `replace`. Returns how many were written."""
        return export_file(self._db, Path(path), fmt, ids, replace=replace, cancel=cancel,
                           progress=progress)

    # --- the shared parts ---------------------------------------------------------------------

    def _planner(self, s, plan: ImportPlan, ids: list[int], counter: list[Counted],
                 cancel: CancelToken | None, progress: Progress
                 ) -> tuple[Planner, dict[str, int], _Meter]:
        """The index of the stored contacts (`ids`: all of them) by their keys, and a
        planner over it."""
        conn = s.connection()
        meter = _Meter(progress, len(ids), sum(f.size for f in plan.files), counter)
        index = _index(conn, plan.options.region or default_region(), bool(ids), cancel,
                       meter)

        def fetch(wanted: list[int]) -> dict[int, Contact]:
            out: dict[int, Contact] = {}
            for start in range(0, len(wanted), CHUNK):
                out.update((stored_id(c), c)
                           for c in repo.get_many(s, wanted[start:start + CHUNK]))
            return out

        def prints(wanted: list[int]) -> dict[int, int | None]:
            return {cid: stored_fingerprint(found) for cid, found in
                    match_keys.contents(conn, wanted).items()}

        planner = Planner(index, plan.options, fetch,
                          common.field_defs(conn, FieldOwner.CONTACT),
                          organize_repo.list_groups(s, saved=None), plan.issues.append, prints)
        planner.new_fields = plan.new_fields
        return planner, _accounts(s), meter

    @staticmethod
    def _read(plan: ImportPlan, files: _Files, planner: Planner, calendar: CalendarPlanner,
              sink: Callable[[list[PlanLine]], None],
              event_sink: Callable[[list[PlanLine]], None], meter: _Meter,
              cancel: CancelToken | None) -> None:
        n = 0
        for summary, found in files:
            with closing(found):  # a Cancel ends a reading process too
                for item in found:
                    if cancel:
                        cancel.raise_if_set()
                    if isinstance(item, Incoming):
                        planner.add(item)
                    elif isinstance(item, ParsedActivity):
                        calendar.add(item)
                    elif isinstance(item, ParsedGroup):
                        planner.add_group(item, summary.name)
                    elif isinstance(item, EventIssue) and item.error:
                        calendar.refuse(item)
                    elif item.error:
                        planner.refuse(item)
                    else:
                        plan.issues.append(item)
                    n += 1
                    if n % BATCH == 0:
                        sink(planner.take())
                        meter.reading()
            meter.file_done(summary.size)
            if summary.error is not None:
                plan.issues.append(Issue(summary.name, None, None, summary.error))
        sink(planner.finish())
        plan.groups = planner.groups
        event_sink(calendar.finish())
        meter.end()


class _Files:
    """Each readable file with its records (see _files); close() stops any reading begun."""

    def __init__(self, ready: list[FileSummary], first: Reading | None,
                 counter: list[Counted], options: ImportOptions, compare: bool):
        self.ready, self.first, self.counter, self.options = ready, first, counter, options
        self.compare = compare

    def __iter__(self) -> Iterator[tuple[FileSummary, Reading]]:
        for i, summary in enumerate(self.ready):
            if i == 0 and self.first is not None:
                yield summary, self.first
            else:
                yield summary, read_items(summary, self.counter, self.options, self.compare)

    def close(self) -> None:
        if self.first is not None:
            self.first.close()


def _has_contacts(plan: ImportPlan) -> bool:
    """Any file of contacts: only then are the stored contacts indexed to match against (a
    calendar's attendees are looked up by e-mail address alone)."""
    return any(f.format != "ics" for f in plan.files if f.error is None)


def _people(s, index: MatchIndex) -> Callable[[list[str]], dict[str, int | PlanLine]]:
    """Contacts by e-mail key: the records of this import and the stored contacts the
    index holds, then any other stored contact (the index is empty for a calendar alone)."""

    def find(keys: list[str]) -> dict[str, int | PlanLine]:
        out: dict[str, int | PlanLine] = {}
        for key in keys:
            refs = index.emails.get(key)
            ref = refs[0] if isinstance(refs, list) else refs
            if ref is not None:
                out[key] = index.target(ref)
        rest = [k for k in keys if k not in out]
        out.update(calendar_queries.contacts_by_email(s.connection(), rest))
        return out

    return find


def _count_events(plan: ImportPlan, lines: list[PlanLine]) -> None:
    for ln in lines:
        plan.events.add(ln)
        if ln.history is not None and ln.action in WRITES:
            plan.logged += 1


def _index(conn, region: str | None, any_stored: bool, cancel: CancelToken | None,
           meter: _Meter) -> MatchIndex:
    """The stored contacts' keys (match_keys: a few columns, never whole contacts), in
    the order the index has always taken them (see match_keys.people)."""
    index = MatchIndex(region)
    if not any_stored:
        return index
    people = match_keys.people(conn)
    emails, phones = match_keys.emails(conn), match_keys.phones(conn)
    keys_from, add, none = m.keys_from, index.add_stored, ()
    for n, (cid, uid, trashed, given, middle, family, company) in enumerate(people, 1):
        if trashed:  # matched by its UID alone
            add(cid, keys_from(uid, "", "", "", None, none, none), True)
        else:
            add(cid, keys_from(uid, given, middle, family, company, emails.get(cid, none),
                               phones.get(cid, none)))
        if n % CHUNK == 0:
            if cancel:
                cancel.raise_if_set()
            meter.scanned(CHUNK)
    meter.scanned(len(people) % CHUNK)
    return index


def _stored_ids(s) -> list[int]:
    """Every stored contact, the trash too (a UID there is the same record)."""
    conn = s.connection()
    return directory_queries.contact_ids(conn) + directory_queries.contact_ids(conn, trash=True)


def _files(plan: ImportPlan, counter: list[Counted], compare: bool) -> _Files:
    """Each readable file with its records. The first one's reading starts now: a big file
    is read in a process of its own (imports_worker) while the stored contacts are indexed.
    A file that cannot be opened at all refuses the import at once (plan.refused).
    `counter` holds the file being read, for progress; `compare`: there are stored
    contacts to compare records with."""
    ready = []
    for summary in plan.files:
        if summary.error is None:
            ready.append(summary)
        else:
            plan.issues.append(Issue(summary.name, None, None, summary.error))
    first = read_items(ready[0], counter, plan.options, compare) if ready else None
    return _Files(ready, first, counter, plan.options, compare)


def _new_plan(paths: Iterable[Path | str], options: ImportOptions) -> ImportPlan:
    if options.on_duplicate not in ("merge", "skip", "create"):
        raise ValidationError(f"'{options.on_duplicate}' is not a way to handle duplicates; "
                              "use merge, skip or create")
    files = [summary_of(Path(p), options) for p in paths]
    if not files:
        raise ValidationError("Choose at least one file to import")
    return ImportPlan(options, files)


def _accounts(s) -> dict[str, int]:
    """The stored accounts' ids by company_key (the oldest, where two share a name)."""
    out: dict[str, int] = {}
    for account_id, name, _parent in directory_queries.account_outline(s.connection()):
        key = m.company_key(name)
        if key not in out or account_id < out[key]:
            out[key] = account_id
    return out


def _note_account(plan: ImportPlan, accounts: dict[str, int], line: PlanLine) -> None:
    """A company a contact to be saved names that no account has: one to make."""
    c = line.contact
    if c is None or c.account_id is not None or line.action not in WRITES:
        return
    name = " ".join((c.account_name or "").split())
    if name and (key := m.company_key(name)) not in accounts:
        accounts[key] = 0
        plan.new_accounts.append(name)


def _relabel(tx: Unit, label: str) -> None:
    """Name the unit for what it did, known only at its end ("Import 3 contacts from a.vcf"),
    stored as text whatever the file's name holds (as Unit does with the label it is
    given)."""
    tx.label = label.encode("utf-8", "backslashreplace").decode("utf-8")
