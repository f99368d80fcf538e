"""The subcommands. Each takes the open services and parsed arguments, prints, and returns an
exit status; user mistakes raise RolodeckError, which main turns into one line on stderr."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from dateutil import tz as dateutil_tz

from app.cli import output, views
from app.domain.errors import ValidationError
from app.domain.recurrence import zone
from app.services.directory import ContactSort
from app.services.registry import Services

DEFAULT_AGENDA_DAYS = 7


def viewer_zone(name: str | None) -> tzinfo:
    """The zone times are shown in: --tz, else the machine's own (with its DST rules)."""
    if name:
        return zone(name)
    return dateutil_tz.gettz() or dateutil_tz.tzlocal()


def parse_day(text: str, what: str) -> date:
    lowered = text.strip().lower()
    if lowered == "today":
        return date.today()
    if lowered == "tomorrow":
        return date.today() + timedelta(days=1)
    if lowered == "yesterday":
        return date.today() - timedelta(days=1)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{what} '{text}' is not a date (use YYYY-MM-DD or 'today')") \
            from None


def _emit(args, data, headers, row) -> int:
    if args.json:
        output.print_json(data)
    elif not data:
        print("(none)")
    else:
        output.print_table(headers, [row(d) for d in data])
    return 0


def cmd_search(s: Services, args) -> int:
    hits = [views.hit_item(h) for h in s.directory.search(args.text, limit=args.limit)]
    return _emit(args, hits, views.HIT_HEADERS, views.hit_row)


def cmd_contacts_list(s: Services, args) -> int:
    account = s.directory.resolve_account(args.account) if args.account else None
    items = [views.contact_item(c) for c in s.directory.contacts(
        ContactSort(args.sort), limit=args.limit, offset=args.offset, trash=args.trash,
        account_id=account)]
    return _emit(args, items, views.CONTACT_HEADERS, views.contact_row)


def cmd_contacts_show(s: Services, args) -> int:
    contact = s.contacts.get(s.directory.resolve_contact(args.contact))
    groups = [g.name for g in s.organize.groups_of_contact(contact.id)]
    card = views.contact_card(contact, groups)
    if args.json:
        output.print_json(card)
    else:
        output.print_fields(views.contact_fields(card))
    return 0


def cmd_accounts_list(s: Services, args) -> int:
    items = [views.account_item(a) for a in s.directory.accounts(
        limit=args.limit, offset=args.offset, trash=args.trash)]
    return _emit(args, items, views.ACCOUNT_HEADERS, views.account_row)


def cmd_accounts_show(s: Services, args) -> int:
    account = s.accounts.get(s.directory.resolve_account(args.account))
    card = views.account_card(account, s.directory.contacts(account_id=account.id))
    if args.json:
        output.print_json(card)
        return 0
    output.print_fields(views.account_fields(card))
    if card["contacts"]:
        print()
        output.print_table(views.CONTACT_HEADERS,
                           [views.contact_row(d) for d in card["contacts"]])
    return 0


def cmd_agenda(s: Services, args) -> int:
    viewer = viewer_zone(args.tz)
    first = parse_day(args.start, "--from") if args.start else date.today()
    last = (parse_day(args.end, "--to") if args.end
            else first + timedelta(days=DEFAULT_AGENDA_DAYS - 1))
    if last < first:
        raise ValidationError("--to is before --from")
    start = datetime.combine(first, time(), viewer)
    end = datetime.combine(last + timedelta(days=1), time(), viewer)
    found = s.activities.occurrences(start, end, viewer, include_cleared=not args.open)
    if args.json:
        output.print_json([views.occurrence_item(o) for o in found])
    elif not found:
        print(f"Nothing scheduled from {first} to {last}.")
    else:
        output.print_table(views.AGENDA_HEADERS, [views.occurrence_row(o, viewer) for o in found])
    return 0


def cmd_history(s: Services, args) -> int:
    viewer = viewer_zone(args.tz)
    entries = s.timeline.for_contact(s.directory.resolve_contact(args.contact), args.limit)
    if args.json:
        output.print_json([views.history_item(h) for h in entries])
    elif not entries:
        print("No history yet.")
    else:
        output.print_table(views.HISTORY_HEADERS, [views.history_row(h, viewer) for h in entries])
    return 0


def cmd_today(s: Services, args) -> int:
    viewer = viewer_zone(args.tz)
    day = parse_day(args.day, "--day") if args.day else date.today()
    summary = s.today.summary(day, viewer)
    data = {"day": day,
            "due": [views.occurrence_item(o) for o in summary.due_today],
            "overdue": [views.occurrence_item(o) for o in summary.overdue],
            "birthdays": [views.birthday_item(b) for b in summary.birthdays],
            "open_quotes": [views.quote_total_item(q) for q in summary.open_quotes]}
    if args.json:
        output.print_json(data)
        return 0
    print(f"Today, {day:%A %d %B %Y}\n")
    for title, items in (("Due today", summary.due_today), ("Overdue", summary.overdue)):
        print(f"{title} ({len(items)})")
        if items:
            output.print_table(views.AGENDA_HEADERS,
                               [views.occurrence_row(o, viewer) for o in items])
        print()
    print(f"Birthdays in the next 14 days ({len(summary.birthdays)})")
    for b in summary.birthdays:
        turns = f", turns {b.turns}" if b.turns is not None else ""
        print(f"  {b.on:%a %d %b}  {b.display_name}{turns}")
    print(f"\nOpen quotes ({sum(q.count for q in summary.open_quotes)})")
    for q in summary.open_quotes:
        print(f"  {q.status:<6} {q.count:>4}  {q.currency} {q.total:,.2f}")
    return 0


def cmd_backup(s: Services, args) -> int:
    dest = s.maintenance.backup(Path(args.path))
    print(f"Backed up {s.path} to {dest}")
    return 0


def cmd_restore(s: Services, args) -> int:
    safety = s.maintenance.restore(Path(args.path))
    print(f"Restored {s.path} from {args.path}.\nThe data it replaced was saved to {safety}")
    return 0


def cmd_stats(s: Services, args) -> int:
    counts = s.maintenance.stats()
    if args.json:
        output.print_json(counts)
    else:
        output.print_table(("RECORDS", "COUNT"), list(counts.items()))
    return 0


def cmd_demo(s: Services, args) -> int:
    from app.services.sample import generate  # the generator is only needed here

    existing = s.maintenance.stats()["contacts"]
    if existing and not args.force:
        raise ValidationError(
            f"{s.path} already has {existing} contacts; sample data goes into an empty "
            "database (use --db NEW_FILE), or add --force to mix it in")

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{done * 100 // max(total, 1):3d}% ")

    made = generate(s, contacts=args.contacts, seed=args.seed, progress=progress)
    if sys.stderr.isatty():
        sys.stderr.write("\r")
    print(f"Filled {s.path} with sample data: "
          + ", ".join(f"{n} {kind}" for kind, n in made.items()))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    def listing(p: argparse.ArgumentParser, limit: int | None = 200) -> None:
        p.add_argument("--json", action="store_true", help="print JSON (keys in the README)")
        p.add_argument("--limit", type=int, default=limit, help=f"at most N rows ({limit})")

    p = sub.add_parser("demo", help="fill the database with realistic sample data")
    p.add_argument("--contacts", type=int, default=300,
                   help="how many contacts; every other kind of record scales with it (300)")
    p.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    p.add_argument("--force", action="store_true", help="add to a database that has data")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser("search", help="quick search across contacts and accounts")
    p.add_argument("text")
    listing(p, 50)
    p.set_defaults(run=cmd_search)

    contacts = sub.add_parser("contacts", help="list or show contacts").add_subparsers(
        dest="action", required=True, metavar="list|show")
    p = contacts.add_parser("list", help="list contacts")
    listing(p)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--sort", choices=[s.value for s in ContactSort], default="name")
    p.add_argument("--account", metavar="ACCOUNT", help="only people at this account")
    p.add_argument("--trash", action="store_true", help="list the trash instead")
    p.set_defaults(run=cmd_contacts_list)
    p = contacts.add_parser("show", help="show one contact (id, UID or name)")
    p.add_argument("contact")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_contacts_show)

    accounts = sub.add_parser("accounts", help="list or show accounts").add_subparsers(
        dest="action", required=True, metavar="list|show")
    p = accounts.add_parser("list", help="list accounts")
    listing(p)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--trash", action="store_true", help="list the trash instead")
    p.set_defaults(run=cmd_accounts_list)
    p = accounts.add_parser("show", help="show one account and its people")
    p.add_argument("account")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_accounts_show)

    p = sub.add_parser("agenda", help="scheduled activities in a date range")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (today)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (a week on)")
    p.add_argument("--tz", metavar="ZONE", help="show times in this IANA zone")
    p.add_argument("--open", action="store_true", help="leave out cleared occurrences")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_agenda)

    p = sub.add_parser("history", help="a contact's history, newest first")
    p.add_argument("contact")
    p.add_argument("--tz", metavar="ZONE")
    listing(p, 100)
    p.set_defaults(run=cmd_history)

    p = sub.add_parser("today", help="due, overdue, birthdays and open quotes")
    p.add_argument("--day", metavar="DATE")
    p.add_argument("--tz", metavar="ZONE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_today)

    p = sub.add_parser("backup", help="copy the database safely, even while it is in use")
    p.add_argument("path")
    p.set_defaults(run=cmd_backup)

    p = sub.add_parser("restore", help="replace the data with a backup's (the current data "
                       "is kept as an automatic backup)")
    p.add_argument("path")
    p.set_defaults(run=cmd_restore)

    p = sub.add_parser("stats", help="counts of every kind of record")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_stats)
