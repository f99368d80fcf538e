"""The subcommands. Each takes the open services and parsed arguments, prints, and returns an
exit status; user mistakes raise RolodeckError, which main turns into one line on stderr."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import output, views
from app.domain.errors import ValidationError
from app.domain.record import stored_id
from app.domain.recurrence import zone
from app.domain.sorting import ContactSort

if TYPE_CHECKING:
    from app.services.registry import Services

DEFAULT_AGENDA_DAYS = 7
# Bounds on what one command may expand or generate. Recurrences are expanded from their first
# occurrence, so a day far from the present costs in proportion to the distance: days are
# bounded to a span around the present, an agenda to a year at a time.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
MAX_AGENDA_DAYS = 366
MAX_DEMO_CONTACTS = 1_000_000
MAX_ROWS = 1_000_000
MAX_OFFSET = 2**63 - 1  # SQLite's largest integer
# IANA names are short ASCII paths ("America/Argentina/ComodRivadavia" is among the longest);
# anything else is refused before the zone database is asked, so a NUL, a path or a 5,000
# character name never reaches the file system.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*")
_MAX_ZONE_CHARS = 64


def whole_number(low: int, high: int, too_big: str | None = None):
    """An argparse type: ASCII digits (int() also reads '٣' and ' 1_0 '), from low to high."""
    def parse(text: str) -> int:
        t = text.strip()
        if not re.fullmatch(r"-?[0-9]+", t):
            raise argparse.ArgumentTypeError(
                f"{output.quoted(text)} is not a whole number (digits 0-9)")
        # Past 25 digits the value is only "too big"; int() of a huge string is slow.
        n = int(t) if len(t) <= 25 else (high + 1 if t[0] != "-" else low - 1)
        if n < low:
            raise argparse.ArgumentTypeError(
                f"must be at least {low:,}, not {output.one_line(t, 30)}")
        if n > high:
            raise argparse.ArgumentTypeError(too_big or f"must be at most {high:,}")
        return n
    return parse


def zone_name(text: str) -> str:
    """An argparse type for --tz: a zone the zone database has (a folder such as 'Europe' is
    not one)."""
    hint = f"Unknown time zone {output.quoted(text)}; use an IANA name such as Europe/Berlin"
    if len(text) > _MAX_ZONE_CHARS or not _ZONE_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(hint)
    try:
        zone(text)
    except (ValidationError, IsADirectoryError):  # a folder: 'Europe', 'America/Argentina'
        raise argparse.ArgumentTypeError(hint) from None
    return text


def viewer_zone(name: str | None) -> tzinfo:
    """The zone times are shown in: --tz, else the machine's own (with its DST rules)."""
    from dateutil import tz as dateutil_tz  # the machine's zone: only commands that show times

    if name:
        found = zone(name)
        if found is None:  # zone() gives None only for an empty name
            raise ValidationError(f"Unknown time zone {output.quoted(name)}")
        return found
    return dateutil_tz.gettz() or dateutil_tz.tzlocal()


def today_in(viewer: tzinfo) -> date:
    """What day it is where the viewer is, which is not always the machine's day."""
    return datetime.now(viewer).date()


def parse_day(text: str, what: str, today: date | None = None) -> date:
    """A day a user typed: YYYY-MM-DD or today/tomorrow/yesterday, counted from `today` (the
    viewer's day; the machine's when not given). Days outside FIRST_DAY..LAST_DAY are out of
    range."""
    today = today or date.today()
    lowered = text.strip().lower()
    if lowered == "today":
        day = today
    elif lowered == "tomorrow":
        day = today + timedelta(days=1)
    elif lowered == "yesterday":
        day = today - timedelta(days=1)
    else:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise ValidationError(f"{what} {output.quoted(text)} is not a date (use YYYY-MM-DD "
                                  "or 'today')") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"{what} {day} is out of range: Rolodeck shows days from "
                              f"{FIRST_DAY} to {LAST_DAY}")
    return day


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
    viewer = viewer_zone(args.tz)
    contact = s.contacts.get(s.directory.resolve_contact(args.contact))
    groups = [g.name for g in s.organize.groups_of_contact(stored_id(contact))]
    card = views.contact_card(contact, groups)
    if args.json:
        output.print_json(card)
    else:
        output.print_fields(views.contact_fields(card, viewer))
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
    today = today_in(viewer)
    first = parse_day(args.start, "--from", today) if args.start else today
    last = (parse_day(args.end, "--to", today) if args.end
            else min(first + timedelta(days=DEFAULT_AGENDA_DAYS - 1), LAST_DAY))
    if last < first:
        raise ValidationError("--to is before --from")
    if (last - first).days >= MAX_AGENDA_DAYS:
        raise ValidationError(f"agenda shows at most {MAX_AGENDA_DAYS} days at a time; ask for "
                              f"a shorter range (--from {first} --to {last} is "
                              f"{output.plural((last - first).days + 1, 'day')})")
    start = datetime.combine(first, time(), viewer)
    end = datetime.combine(last + timedelta(days=1), time(), viewer)
    found = s.activities.occurrences(start, end, viewer, include_cleared=not args.open)
    if args.json:
        output.print_json([views.occurrence_item(o, viewer) for o in found])
    elif not found:
        print(f"Nothing scheduled from {first} to {last}.")
    else:
        output.print_table(views.AGENDA_HEADERS, [views.occurrence_row(o, viewer) for o in found])
    return 0


def cmd_history(s: Services, args) -> int:
    viewer = viewer_zone(args.tz)
    entries = s.timeline.for_contact(s.directory.resolve_contact(args.contact), args.limit)
    if args.json:
        output.print_json([views.history_item(h, viewer) for h in entries])
    elif not entries:
        print("No history yet.")
    else:
        output.print_table(views.HISTORY_HEADERS, [views.history_row(h, viewer) for h in entries])
    return 0


def cmd_today(s: Services, args) -> int:
    viewer = viewer_zone(args.tz)
    today = today_in(viewer)
    day = parse_day(args.day, "--day", today) if args.day else today
    summary = s.today.summary(day, viewer)
    data = {"day": day,
            "due": [views.occurrence_item(o, viewer) for o in summary.due_today],
            "overdue": [views.occurrence_item(o, viewer) for o in summary.overdue],
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
    from app.services.maintenance import shown  # a file name as one printable line

    dest = s.maintenance.backup(Path(args.path), force=args.force)
    print(f"Backed up {shown(s.path)} to {shown(dest)} (checked: it restores)")
    return 0


def cmd_restore(s: Services, args) -> int:
    from app.services.maintenance import shown

    safety = s.maintenance.restore(Path(args.path))
    print(f"Restored {shown(s.path)} from {shown(args.path)}.\n"
          f"The data it replaced was saved to {shown(safety)}")
    return 0


def cmd_stats(s: Services, args) -> int:
    counts = s.maintenance.stats()
    if args.json:
        output.print_json(counts)
    else:
        output.print_table(("RECORDS", "COUNT"), list(counts.items()))
    return 0


def cmd_demo(s: Services, args) -> int:
    from app.sample import generate  # the generator is only needed here

    existing = s.maintenance.stats()["contacts"]
    if existing and not args.force:
        raise ValidationError(
            f"{s.path} already has {output.plural(existing, 'contact')}; sample data goes into "
            "an empty database (use --db NEW_FILE), or add --force to mix it in")
    seed = args.seed
    if existing:
        # The same seed would add the same people again (names, e-mails) beside themselves.
        seed = args.seed + existing
        print(f"{s.path} already has {output.plural(existing, 'contact')}: using seed {seed} "
              f"(--seed {args.seed} + {existing:,}) so the new people differ from them")

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{done * 100 // max(total, 1):3d}% ")

    made = generate(s, contacts=args.contacts, seed=seed, progress=progress)
    if sys.stderr.isatty():
        sys.stderr.write("\r")
    print(f"Filled {s.path} with sample data: "
          + ", ".join(output.plural(n, *_KINDS.get(kind, (kind.replace("_", " "),)))
                      for kind, n in made.items()))
    return 0


# What `demo` reports making, in the singular and plural.
_KINDS = {"accounts": ("account",), "contacts": ("contact",),
          "history": ("history item",), "activities": ("activity", "activities"),
          "quotes": ("quote",), "quote_lines": ("quote line",), "products": ("product",),
          "groups": ("group",), "tags": ("tag",), "tagged_contacts": ("tagged contact",),
          "custom_fields": ("custom field",)}


def reading(p: argparse.ArgumentParser) -> None:
    """Mark a command that only reads: on a path with no database it creates nothing."""
    p.set_defaults(writes=False)


def _listing(p: argparse.ArgumentParser, limit: int | None = 200) -> None:
    p.add_argument("--json", action="store_true", help="print JSON (keys in the README)")
    p.add_argument("--limit", type=whole_number(1, MAX_ROWS), default=limit,
                   help=f"at most N rows, 1 to {MAX_ROWS:,} ({limit})")
    reading(p)


def _offset(p: argparse.ArgumentParser) -> None:
    p.add_argument("--offset", type=whole_number(0, MAX_OFFSET), default=0,
                   help="skip the first N rows (0)")


def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="fill the database with realistic sample data")
    p.add_argument("--contacts", default=300, type=whole_number(
                       1, MAX_DEMO_CONTACTS, f"demo makes at most {MAX_DEMO_CONTACTS:,} "
                       "contacts at a time; ask for fewer"),
                   help="how many contacts; every other kind of record scales with it "
                        f"(300; at most {MAX_DEMO_CONTACTS:,})")
    p.add_argument("--seed", type=whole_number(-MAX_OFFSET - 1, MAX_OFFSET), default=7,
                   help="random seed (same seed, same data)")
    p.add_argument("--force", action="store_true",
                   help="add to a database that has data (with a seed moved on by the number "
                        "of contacts there, so the new people are not copies)")
    p.set_defaults(run=cmd_demo)


def _add_search(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="quick search across contacts and accounts")
    p.add_argument("text")
    _listing(p, 50)
    p.set_defaults(run=cmd_search)


def _add_contacts(sub: argparse._SubParsersAction) -> None:
    contacts = sub.add_parser("contacts", help="list or show contacts").add_subparsers(
        dest="action", required=True, metavar="list|show")
    p = contacts.add_parser("list", help="list contacts")
    _listing(p)
    _offset(p)
    p.add_argument("--sort", choices=[s.value for s in ContactSort], default="name")
    p.add_argument("--account", metavar="ACCOUNT", help="only people at this account")
    p.add_argument("--trash", action="store_true", help="list the trash instead")
    p.set_defaults(run=cmd_contacts_list)
    p = contacts.add_parser("show", help="show one contact (id, UID or name)")
    p.add_argument("contact")
    p.add_argument("--tz", metavar="ZONE", type=zone_name,
                   help="show times in this IANA zone (the machine's)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_contacts_show)
    reading(p)


def _add_accounts(sub: argparse._SubParsersAction) -> None:
    accounts = sub.add_parser("accounts", help="list or show accounts").add_subparsers(
        dest="action", required=True, metavar="list|show")
    p = accounts.add_parser("list", help="list accounts")
    _listing(p)
    _offset(p)
    p.add_argument("--trash", action="store_true", help="list the trash instead")
    p.set_defaults(run=cmd_accounts_list)
    p = accounts.add_parser("show", help="show one account and its people")
    p.add_argument("account")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_accounts_show)
    reading(p)


def _add_agenda(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("agenda", help="scheduled activities in a date range")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (today in --tz)")
    p.add_argument("--to", dest="end", metavar="DATE",
                   help=f"last day (a week on; at most {MAX_AGENDA_DAYS} days from --from)")
    p.add_argument("--tz", metavar="ZONE", type=zone_name,
                   help="show times in this IANA zone (the machine's)")
    p.add_argument("--open", action="store_true", help="leave out cleared occurrences")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_agenda)
    reading(p)


def _add_history(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("history", help="a contact's history, newest first")
    p.add_argument("contact")
    p.add_argument("--tz", metavar="ZONE", type=zone_name)
    _listing(p, 100)
    p.set_defaults(run=cmd_history)


def _add_today(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("today", help="due, overdue, birthdays and open quotes")
    p.add_argument("--day", metavar="DATE", help="the day (today in --tz)")
    p.add_argument("--tz", metavar="ZONE", type=zone_name)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_today)
    reading(p)


def _add_backup(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="copy the database safely, even while it is in use")
    p.add_argument("path")
    p.add_argument("--force", action="store_true",
                   help="replace PATH if it exists (any file, an older backup too)")
    p.set_defaults(run=cmd_backup)


def _add_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("restore", help="replace the data with a backup's (the current data "
                       "is kept as an automatic backup)")
    p.add_argument("path")
    p.set_defaults(run=cmd_restore)


def _add_stats(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="counts of every kind of record")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_stats)
    reading(p)


def _add_import(sub: argparse._SubParsersAction) -> None:
    from app.cli import imports  # the import pipeline is only needed here

    imports.add_import(sub)


def _add_export(sub: argparse._SubParsersAction) -> None:
    from app.cli import imports

    imports.add_export(sub)


# In the order `rolodeck --help` lists them.
_COMMANDS = {"demo": _add_demo, "search": _add_search, "contacts": _add_contacts,
             "accounts": _add_accounts, "agenda": _add_agenda, "history": _add_history,
             "today": _add_today, "import": _add_import, "export": _add_export,
             "backup": _add_backup, "restore": _add_restore, "stats": _add_stats}
# app/cli/writes adds subcommands to these, so they are never built alone.
_EXTENDED = frozenset({"contacts", "accounts"})


def add_commands(sub: argparse._SubParsersAction, only: str | None = None) -> None:
    """Every command; or, when `only` names one of this module's that the writing commands
    do not extend, that one alone. Building every parser (and importing the writing
    commands) costs a short command more than the work it was asked for; a line that names
    one command is parsed the same with only that one built."""
    if only in _COMMANDS and only not in _EXTENDED:
        _COMMANDS[only](sub)
        return
    for add in _COMMANDS.values():
        add(sub)

    from app.cli import writes  # imported here: writes builds on this module's helpers
    writes.add_commands(sub)
