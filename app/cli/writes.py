"""The writing commands: every change the window will offer, from a script. Their work is in
writes_records (contacts, accounts, links), writes_journal (log, groups, undo, redo, changes,
revert) and writes_parse (reading typed values); this module declares their arguments."""

from __future__ import annotations

import argparse

from app.cli import writes_accounts as firms
from app.cli import writes_journal as journal
from app.cli import writes_records as records
from app.cli.commands import MAX_OFFSET, MAX_ROWS, whole_number, zone_name
from app.cli.writes_parse import ADDRESS_SYNTAX
from app.domain.contact import ContactStatus
from app.domain.history import HistoryKind, Outcome

MAX_DURATION_MINUTES = 7 * 24 * 60


def writing(p: argparse.ArgumentParser) -> None:
    """Mark a command that writes: a missing database file is created for it."""
    p.set_defaults(writes=True)


def reading(p: argparse.ArgumentParser) -> None:
    p.set_defaults(writes=False)


class _WritingExtend(argparse._ExtendAction):
    """--add/--remove on `groups members`: listing members only reads, changing them
    writes, so the option itself says which."""

    def __call__(self, parser, namespace, values, option_string=None):
        super().__call__(parser, namespace, values, option_string)
        namespace.writes = True


def _existing(sub: argparse._SubParsersAction, name: str) -> argparse._SubParsersAction:
    """The subcommands of an existing command (`contacts`, `accounts`), to add to them; its
    line in `rolodeck --help` says it now changes them too."""
    for choice in sub._choices_actions:
        if choice.dest == name:
            choice.help = f"list, show, add, edit and delete {name}"
    parser = sub.choices[name]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _json(p: argparse.ArgumentParser, what: str = "the record") -> None:
    p.add_argument("--json", action="store_true",
                   help=f"print {what} as JSON (keys in the README)")


def _tz(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tz", metavar="ZONE", type=zone_name,
                   help="times in this IANA zone (the machine's)")


def _many(p: argparse.ArgumentParser, flag: str, metavar: str, help: str, **kw) -> None:
    p.add_argument(flag, action="append", default=[], metavar=metavar, help=help, **kw)


def _contact_fields(p: argparse.ArgumentParser) -> None:
    for name in ("prefix", "given", "middle", "family", "suffix", "nickname", "title",
                 "department", "source", "owner"):
        p.add_argument(f"--{name}", metavar="TEXT")
    p.add_argument("--notes", metavar="TEXT", help="free text; may have several lines")
    p.add_argument("--birthday", metavar="DATE",
                   help="YYYY-MM-DD, or MM-DD (or --birthday=--MM-DD) when the year is unknown")
    p.add_argument("--anniversary", metavar="DATE", help="as --birthday")
    p.add_argument("--status", metavar="STATUS",
                   help=" | ".join(s.value for s in ContactStatus))
    p.add_argument("--company", metavar="ACCOUNT",
                   help="an existing account (id, UID or name)")
    p.add_argument("--create-company", action="store_true",
                   help="make the --company account if none matches")


def _contact_commands(sub: argparse._SubParsersAction) -> None:
    contacts = _existing(sub, "contacts")
    contacts.metavar = "list|show|add|edit|delete|restore|purge"

    p = contacts.add_parser("add", help="add a contact",
                            description="Add a contact. Repeatable details take [LABEL:]VALUE; "
                                        "the label is one word (work, home, mobile...) and is "
                                        "'work' when left out.")
    p.add_argument("name", nargs="?", metavar="NAME",
                   help="the full name, split into prefix, given, middle, family and suffix "
                        "(--given etc. override the parts)")
    _contact_fields(p)
    _many(p, "--phone", "[LABEL:]NUMBER", "a phone (repeatable): mobile:+44 7700 900123")
    _many(p, "--email", "[LABEL:]ADDRESS", "an e-mail address (repeatable)")
    _many(p, "--address", ADDRESS_SYNTAX,
          "a postal address (repeatable): parts in this order, later ones may be left out, "
          "empty ones kept; a comma inside a part is \\,")
    _many(p, "--website", "[LABEL:]URL", "a web address (repeatable)")
    _many(p, "--im", "SERVICE:HANDLE", "an instant-messaging handle (repeatable)")
    _many(p, "--tag", "TAG", "a tag (repeatable)")
    _json(p)
    p.set_defaults(run=records.cmd_contacts_add)
    writing(p)

    p = contacts.add_parser("edit", help="change a contact's fields and details")
    p.add_argument("contact", metavar="CONTACT")
    p.add_argument("--name", metavar="FULL NAME",
                   help="a new full name, split as in `contacts add`")
    _contact_fields(p)
    _many(p, "--clear", "FIELD", "empty a field or a whole list (repeatable)",
          choices=records.CONTACT_CLEARABLE)
    for noun, metavar, removing in (
            ("phone", "[LABEL:]NUMBER", "NUMBER (matched by its digits)"),
            ("email", "[LABEL:]ADDRESS", "ADDRESS (any case)"),
            ("website", "[LABEL:]URL", "URL"),
            ("im", "SERVICE:HANDLE", "HANDLE or SERVICE:HANDLE"),
            ("tag", "TAG", "TAG (any case)")):
        _many(p, f"--add-{noun}", metavar, f"add a {noun} (repeatable)")
        _many(p, f"--remove-{noun}", removing.split()[0], f"remove the {noun} {removing}")
    _many(p, "--add-address", ADDRESS_SYNTAX, "add a postal address (repeatable)")
    _many(p, "--remove-address", "N", "remove the Nth address as `contacts show` lists "
          "them, from 1 (repeatable)", type=whole_number(1, 10_000))
    _json(p)
    p.set_defaults(run=records.cmd_contacts_edit)
    writing(p)
    _trash_commands(contacts, "contact")


def _trash_commands(sub: argparse._SubParsersAction, kind: str) -> None:
    for action, what in (("delete", "move to the trash"), ("restore", "bring back from the "
                         "trash"), ("purge", "delete for good; only what is in the trash")):
        p = sub.add_parser(action, help=f"{what} ({kind}s by id or name)")
        p.add_argument("refs", nargs="+", metavar=kind.upper())
        _json(p, f"the {kind}s")
        p.set_defaults(run=records.cmd_trash(kind), action=action)
        writing(p)


def _account_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--industry", metavar="TEXT")
    p.add_argument("--website", metavar="URL")
    p.add_argument("--phone", metavar="NUMBER", help="the main phone (no label)")
    p.add_argument("--address", metavar="STREET, LOCALITY, REGION, POSTCODE, COUNTRY",
                   help="as a contact's --address, without a label")
    p.add_argument("--parent", metavar="ACCOUNT", help="the parent company")
    p.add_argument("--notes", metavar="TEXT")


def _account_commands(sub: argparse._SubParsersAction) -> None:
    accounts = _existing(sub, "accounts")
    accounts.metavar = "list|show|add|edit|delete|restore|purge"
    p = accounts.add_parser("add", help="add an account (a company)")
    p.add_argument("name", metavar="NAME")
    _account_fields(p)
    _many(p, "--tag", "TAG", "a tag (repeatable)")
    _json(p)
    p.set_defaults(run=firms.cmd_accounts_add)
    writing(p)

    p = accounts.add_parser("edit", help="change an account's fields")
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("--name", metavar="NAME", help="rename it")
    _account_fields(p)
    _many(p, "--clear", "FIELD", "empty a field (repeatable)",
          choices=firms.ACCOUNT_CLEARABLE)
    _many(p, "--add-tag", "TAG", "add a tag (repeatable)")
    _many(p, "--remove-tag", "TAG", "remove a tag (repeatable)")
    _json(p)
    p.set_defaults(run=firms.cmd_accounts_edit)
    writing(p)
    _trash_commands(accounts, "account")


def _log_commands(sub: argparse._SubParsersAction) -> None:
    kinds = [k for k in HistoryKind if k != HistoryKind.TODO_DONE]
    log = sub.add_parser("log", help="log a call, meeting, note or e-mail").add_subparsers(
        dest="kind", required=True, metavar="|".join(k.value for k in kinds))
    for kind in kinds:
        p = log.add_parser(kind.value, help=f"log a {kind.value}")
        p.add_argument("contact", nargs="?", metavar="CONTACT",
                       help="who it was with (or --account, or both)")
        p.add_argument("--account", metavar="ACCOUNT", help="the company it concerned")
        p.add_argument("--regarding", metavar="TEXT", help="what it was about, one line")
        p.add_argument("--details", metavar="TEXT", help="what was said; may have lines")
        p.add_argument("--outcome", metavar="OUTCOME",
                       help=" | ".join(o.value for o in Outcome) + " (completed)")
        p.add_argument("--duration", metavar="MINUTES",
                       type=whole_number(0, MAX_DURATION_MINUTES,
                                         f"--duration is at most {MAX_DURATION_MINUTES:,} "
                                         "minutes (a week)"))
        p.add_argument("--when", metavar="\"YYYY-MM-DD HH:MM\"",
                       help="in the --tz zone (the machine's); also \"today 14:30\" (now)")
        _tz(p)
        _json(p, "the history item")
        p.set_defaults(run=journal.cmd_log, kind=kind.value)
        writing(p)


def _group_commands(sub: argparse._SubParsersAction) -> None:
    groups = sub.add_parser("groups", help="groups of contacts").add_subparsers(
        dest="action", required=True, metavar="list|add|rename|delete|members")
    p = groups.add_parser("list", help="every group with how many members")
    _json(p, "the groups")
    p.set_defaults(run=journal.cmd_groups_list)
    reading(p)

    p = groups.add_parser("add", help="make a group")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--description", metavar="TEXT")
    _json(p, "the group")
    p.set_defaults(run=journal.cmd_groups_add)
    writing(p)

    p = groups.add_parser("rename", help="rename a group")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.add_argument("--description", metavar="TEXT", help="a new description too")
    _json(p, "the group")
    p.set_defaults(run=journal.cmd_groups_rename)
    writing(p)

    p = groups.add_parser("delete", help="delete a group (its members stay)")
    p.add_argument("name", metavar="NAME")
    _json(p, "the group")
    p.set_defaults(run=journal.cmd_groups_delete)
    writing(p)

    p = groups.add_parser("members", help="list a group's members, or add and remove some")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--add", nargs="+", action=_WritingExtend, default=[], metavar="CONTACT")
    p.add_argument("--remove", nargs="+", action=_WritingExtend, default=[],
                   metavar="CONTACT")
    _json(p, "the group and its members")
    p.set_defaults(run=journal.cmd_groups_members)
    reading(p)  # until --add or --remove says otherwise


def _journal_commands(sub: argparse._SubParsersAction) -> None:
    for name, run, what in (("undo", journal.cmd_undo, "take back the last change"),
                            ("redo", journal.cmd_redo, "make the last undone change again")):
        p = sub.add_parser(name, help=what)
        _tz(p)
        _json(p, "what was done")
        p.set_defaults(run=run)
        writing(p)

    p = sub.add_parser("changes", help="the change journal, newest first, or one record's "
                                       "field history")
    p.add_argument("record", nargs="?", metavar="RECORD",
                   help="a contact (id, UID or name), or account:ACCOUNT")
    p.add_argument("--limit", type=whole_number(1, MAX_ROWS), default=50,
                   help="at most N rows (50)")
    _tz(p)
    _json(p, "the changes")
    p.set_defaults(run=journal.cmd_changes)
    reading(p)

    p = sub.add_parser("revert", help="undo one change by its number, however old, if nothing "
                                      "since changed the same records")
    p.add_argument("change", metavar="CHANGE", type=whole_number(1, MAX_OFFSET))
    _tz(p)
    _json(p, "what was done")
    p.set_defaults(run=journal.cmd_revert)
    writing(p)


def add_commands(sub: argparse._SubParsersAction) -> None:
    _contact_commands(sub)
    _account_commands(sub)

    p = sub.add_parser("link", help="put a contact at an account")
    p.add_argument("contact", metavar="CONTACT")
    p.add_argument("account", metavar="ACCOUNT")
    _json(p, "the contact")
    p.set_defaults(run=firms.cmd_link)
    writing(p)
    p = sub.add_parser("unlink", help="take a contact away from its account")
    p.add_argument("contact", metavar="CONTACT")
    _json(p, "the contact")
    p.set_defaults(run=firms.cmd_unlink)
    writing(p)

    _log_commands(sub)
    _group_commands(sub)
    _journal_commands(sub)
