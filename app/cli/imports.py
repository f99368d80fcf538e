"""`import` and `export`: address books in and out from a script.

    rolodeck import FILE... [--format auto|vcard|csv|ldif|ics] [--on-duplicate merge|skip|create]
                            [--dry-run] [--commit-good] [--region CC] [--json]
    rolodeck export --format vcard3|vcard4|csv-google|csv-outlook|csv [--group NAME] [--force]
                    [--json] FILE

Exit status: 0 done; 3 done in part (--commit-good imported the good records, some were
refused; for --dry-run: some would be); 1 nothing done (a mistake, a file that cannot be
read, or records refused without --commit-good)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import output
from app.cli.output import one_line, plural
from app.domain.errors import ValidationError
from app.services.imports_export import EXPORT_FORMATS, ExportScope, export_file, format_spec
from app.services.imports_plan import FORMATS, ON_DUPLICATE, ImportOptions, ImportPlan, PlanLine

if TYPE_CHECKING:
    from app.services.imports_plan import ImportReport
    from app.services.registry import Services

PARTIAL = 3
# Shown per record in a dry run's plan; past this the rest are counted (--json has them all).
MAX_PLAN_LINES = 10_000
_REGION = re.compile(r"[A-Za-z]{2}")
def _region(text: str) -> str:
    if not _REGION.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{output.quoted(text)} is not a country code; use two letters such as GB or US")
    return text.upper()


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{done * 100 // max(total, 1):3d}% ")


def _end_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r     \r")


# --- import ------------------------------------------------------------------------------------

def cmd_import(s: Services, args) -> int:
    options = ImportOptions(format=None if args.format == "auto" else args.format,
                            on_duplicate=args.on_duplicate, region=args.region)
    paths = [Path(p).expanduser() for p in args.files]
    try:
        if args.dry_run:
            plan = s.imports.plan(paths, options, progress=_progress)
        else:
            report = s.imports.run(paths, options, commit_good=args.commit_good,
                                   progress=_progress)
            plan = report.plan
    finally:
        _end_progress()
    readable = [f for f in plan.files if f.error is None]
    if args.json:
        output.print_json(_plan_item(plan, None if args.dry_run else report))
    elif not readable:
        pass  # nothing was read: the error line says why
    elif args.dry_run:
        _print_plan(plan)
    else:
        _print_report(report)
    if not readable:
        first = plan.failed_files[0]
        raise ValidationError(f"{first.name}: {first.error}; nothing was imported")
    if args.dry_run:
        return PARTIAL if plan.refused else 0
    if not report.committed:
        good = plan.writes + plan.event_writes
        raise ValidationError(
            f"{plural(plan.refused, 'record or file', 'records or files')} could not be "
            f"read (listed above); nothing was imported. Fix them, or add --commit-good to "
            f"import the {plural(good, 'other record')} alone")
    return PARTIAL if report.partial else 0


def _counts(plan: ImportPlan) -> str:
    c, e = plan.counts, plan.events
    out = [f"{c.created:,} new", f"{c.updated:,} updated", f"{c.merged:,} merged",
           f"{c.unchanged:,} unchanged", f"{c.skipped:,} skipped"]
    events = [f"{e.created:,} new", f"{e.updated:,} updated", f"{e.unchanged:,} unchanged",
              f"{e.skipped:,} skipped"]
    if plan.logged:
        events[0] += f" ({plan.logged:,} logged as history)"
    if plan.refused:
        (events if e.total and not c.total else out).append(f"{plan.refused:,} refused")
    if not e.total:
        return ", ".join(out)
    if not c.total:
        return "events " + ", ".join(events)
    return "contacts " + ", ".join(out) + "; events " + ", ".join(events)


def _files(plan: ImportPlan) -> str:
    return "; ".join(f"{f.name} ({f.detail or f.format}, "
                     f"{plural(f.records, 'record')})" for f in plan.files if f.error is None)


def _line(ln: PlanLine) -> str:
    name = f"{ln.name}: " if ln.name else ""
    return one_line(f"  {ln.action.value:<9} {ln.where}: {name}{ln.reason}")


def _print_plan(plan: ImportPlan) -> None:
    say(f"Would import from {_files(plan)}: {_counts(plan)}.")
    for ln in plan.lines[:MAX_PLAN_LINES]:
        print(_line(ln))
    if len(plan.lines) > MAX_PLAN_LINES:
        print(f"  ... and {plural(len(plan.lines) - MAX_PLAN_LINES, 'more record')} "
              "(--json lists them all)")
    _print_extras(plan, would=True)


def _print_report(report: ImportReport) -> None:
    plan = report.plan
    if not report.committed:
        say(f"Nothing was imported from {_files(plan)} ({_counts(plan)}).")
    elif report.seq is None:
        say(f"Nothing to change from {_files(plan)}: {_counts(plan)}.")
    else:
        say(f"{plan.label()} (change {report.seq}; `rolodeck revert {report.seq}` takes it "
            f"back): {_counts(plan)}.")
    if report.committed:
        _print_extras(plan, would=False)
    if plan.not_imported:
        print("Not imported:")
        for ln in plan.not_imported:
            print(_line(ln))
    _print_issues(plan)


def _print_extras(plan: ImportPlan, *, would: bool) -> None:
    made = "Would make" if would else "Made"
    if plan.new_accounts:
        say(f"{made} {plural(len(plan.new_accounts), 'account')}: "
            + ", ".join(plan.new_accounts[:20])
            + (f" and {len(plan.new_accounts) - 20:,} more" if len(plan.new_accounts) > 20
               else ""))
    if plan.new_fields:
        say(f"{made} {plural(len(plan.new_fields), 'custom field')}: "
            + ", ".join(d.name for d in plan.new_fields[:20]))
    for g in plan.groups:
        if g.existing_id is None:
            say(f"{made} group {g.name} with {plural(len(g.members), 'member')}")
        elif would:
            say(f"Would add to group {g.name}: up to {plural(len(g.members), 'member')}")
        elif g.added:
            say(f"Added {plural(g.added, 'member')} to group {g.name}")
    if would:
        _print_issues(plan)


def _print_issues(plan: ImportPlan) -> None:
    """Whole files (and group cards) that could not be read, then warnings about records
    that were read; refused records are among the plan's lines."""
    errors = [i for i in plan.issues if i.error]
    if errors:
        print("Could not be read:")
        for i in errors:
            print(one_line(f"  {i}"))
    if plan.warnings:
        print("Warnings:")
        for i in plan.warnings:
            print(one_line(f"  {i}"))


def say(text: str) -> None:
    print(one_line(text))


def _line_item(ln: PlanLine) -> dict[str, Any]:
    return {"action": ln.action.value, "file": ln.file, "line": ln.line, "record": ln.record,
            "name": ln.name, "reason": ln.reason, "uid": ln.uid,
            "contact": None if ln.event else ln.resolved_id,
            "event": ln.event_id if ln.event else None, "changes": list(ln.changes)}


def _plan_item(plan: ImportPlan, report: ImportReport | None) -> dict[str, Any]:
    c = plan.counts
    data: dict[str, Any] = {
        "dry_run": report is None,
        "committed": bool(report and report.committed),
        "change": report.seq if report else None,
        "label": plan.label(),
        "counts": {"created": c.created, "updated": c.updated, "merged": c.merged,
                   "unchanged": c.unchanged, "skipped": c.skipped, "refused": plan.refused},
        "events": {"created": plan.events.created, "updated": plan.events.updated,
                   "unchanged": plan.events.unchanged, "skipped": plan.events.skipped,
                   "refused": plan.events.refused, "logged_as_history": plan.logged},
        "files": [{"name": f.name, "format": f.format, "detail": f.detail,
                   "records": f.records, "error": f.error} for f in plan.files],
        "accounts": list(plan.new_accounts),
        "groups": [{"name": g.name, "id": g.group_id or g.existing_id,
                    "new": g.existing_id is None, "members": len(g.members),
                    "added": g.added, "missing": g.missing} for g in plan.groups],
        "not_imported": [_line_item(ln) for ln in plan.not_imported],
        "issues": [{"file": i.file, "line": i.line, "record": i.record,
                    "message": i.message, "error": i.error} for i in plan.issues],
    }
    if report is None:
        data["records"] = [_line_item(ln) for ln in plan.lines]
    return data


# --- export ------------------------------------------------------------------------------------

def cmd_export(s: Services, args) -> int:
    scope = ExportScope.everyone()
    spec = format_spec(args.format)
    what = "activity" if spec.calendar else "contact"
    if args.group:
        from app.cli.writes_journal import find_group

        group = find_group(s, args.group)
        assert group.id is not None
        scope = ExportScope.group(group.id)
        kind = "saved search" if group.saved_search is not None else "group"
        if group.saved_search is None and not s.organize.group_members(group.id)[0]:
            raise ValidationError(f"The {kind} {output.quoted(group.name)} has no contacts; "
                                  "nothing was written")
        what = f"{what} of {group.name}"
    elif s.maintenance.stats()["contacts"] == 0 and not spec.calendar:
        raise ValidationError("The address book has no contacts; nothing was written")
    path = Path(args.file).expanduser()
    try:
        n = export_file(s.db, path, args.format, replace=args.force, progress=_progress,
                        scope=scope, per_contact=args.per_contact)
    finally:
        _end_progress()
    if args.json:
        output.print_json({"exported": n, "file": str(path), "format": args.format})
    else:
        head, _, rest = what.partition(" ")
        many = ("activities" if head == "activity" else "contacts") + (f" {rest}" if rest
                                                                       else "")
        files = f", a file each in {path}" if args.per_contact else f" to {path}"
        say(f"Exported {plural(n, what, many)}{files} ({spec.label.split(':')[0]}).")
    return 0


def add_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="import contacts from vCard or CSV files",
        description="Import address books: each record is matched with the contacts "
                    "there are (same UID, e-mail address, phone number, or name at the same "
                    "company) and created, updated, merged or left alone. One change in the "
                    "journal: `revert N` takes the whole import back.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("auto", *FORMATS), default="auto",
                   help="what the files are (auto: from each file's name and contents)")
    p.add_argument("--on-duplicate", choices=ON_DUPLICATE, default="merge",
                   help="a record that matches a contact by e-mail, phone or name: merge "
                        "into it (keeping every value), skip it, or create another contact "
                        "(merge)")
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be done, record by record; change nothing")
    p.add_argument("--commit-good", action="store_true",
                   help="when some records cannot be read, import the others (exit status "
                        "3) instead of nothing")
    p.add_argument("--region", metavar="CC", type=_region,
                   help="the country of phone numbers written without one, such as GB "
                        "(the machine's)")
    p.add_argument("--json", action="store_true", help="print the plan or report as JSON")
    p.set_defaults(run=cmd_import, writes=True)


def add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export contacts to a vCard or CSV file, or their "
                       "activities to a calendar (.ics)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS,
                   help="vcard3, vcard4, csv-google (Google Contacts), csv-outlook, csv "
                        "(every field, for Rolodeck) or ics (the contacts' activities as a "
                        "calendar)")
    p.add_argument("--group", metavar="NAME",
                   help="only the contacts in this group or saved search")
    p.add_argument("--per-contact", action="store_true",
                   help="vCard only: a file per contact in the folder FILE (which must exist), "
                        "named after each contact")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_export, writes=False)
