"""The quick search's rows: what each result says and where it is highlighted, grouped by kind
under headers. Built from the service's typed hits and the registered commands; no Qt here."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.history import HistoryKind
from app.services.directory import AccountHit, ContactHit, HistoryHit, QuickResults
from ui.search.matching import Command, Span, Typed, command_score, excerpt, spans

COMMAND_PREFIX = ">"
# Commands a record search also lists (at the end) when what was typed only starts a word
# of theirs: enough to notice them, not so many that they push the records away.
COMMANDS_AFTER_RECORDS = 3

HEADINGS = {"contact": "Contacts", "account": "Accounts", "history": "Notes & history",
            "command": "Commands"}
KIND_LABELS = {HistoryKind.CALL: "Call", HistoryKind.MEETING: "Meeting",
               HistoryKind.NOTE: "Note", HistoryKind.EMAIL: "E-mail",
               HistoryKind.TODO_DONE: "To-do done"}
NOTHING_FOUND = ("Nothing matches “{text}”. Try part of a name or company, a few digits of a "
                 "phone number, a word from a note, or type > for commands.")
NO_COMMAND = "No command matches “{text}”."
FIRST_USE = "Type a name, a company, a few digits of a phone number, or a word from a note."


class RowKind(enum.Enum):
    HEADER = "header"
    CONTACT = "contact"
    ACCOUNT = "account"
    HISTORY = "history"
    COMMAND = "command"
    MESSAGE = "message"


@dataclass(frozen=True)
class Row:
    kind: RowKind
    title: str
    subtitle: str = ""
    title_marks: tuple[Span, ...] = ()
    subtitle_marks: tuple[Span, ...] = ()
    hint: str = ""  # at the right: a command's shortcut, or where a record matched
    id: int = 0  # the record's id, or the command's place in the registry
    contact_id: int | None = None  # a history item's person

    @property
    def selectable(self) -> bool:
        return self.kind not in (RowKind.HEADER, RowKind.MESSAGE)


def when(moment: datetime, now: datetime) -> str:
    """A moment as a list shows it: "Today 10:40", "Yesterday 16:05", "28 Nov", or
    "28 Nov 2023" in another year; in the computer's time zone."""
    local = moment.astimezone(now.tzinfo) if moment.tzinfo else moment
    day, today = local.date(), now.date()
    clock = f"{local:%H:%M}"
    if day == today:
        return f"Today {clock}"
    if day == today - timedelta(days=1):
        return f"Yesterday {clock}"
    if day == today + timedelta(days=1):
        return f"Tomorrow {clock}"
    if day.year == today.year:
        return f"{day.day} {local:%b}"
    return f"{day.day} {local:%b} {day.year}"


def _joined(parts: Sequence[str]) -> str:
    return " · ".join(p for p in parts if p)


def _row(kind: RowKind, title: str, subtitle: str, typed: Typed, *, id: int,
         contact_id: int | None = None, unseen: str = "") -> Row:
    """A record's row; `unseen` is the hint shown when nothing typed is visible in it."""
    marks, sub_marks = spans(title, typed), spans(subtitle, typed)
    return Row(kind, title, subtitle, tuple(marks), tuple(sub_marks),
               "" if marks or sub_marks else unseen, id, contact_id)


def contact_row(hit: ContactHit, typed: Typed) -> Row:
    where = hit.company or hit.title
    parts = ([hit.phone, where, hit.email] if hit.matched == "phone"
             else [where, hit.email, hit.phone])
    return _row(RowKind.CONTACT, hit.name, _joined(parts), typed, id=hit.id,
                unseen="in details" if hit.matched == "details" else "")


def account_row(hit: AccountHit, typed: Typed) -> Row:
    people = f"{hit.contact_count:,} contact{'' if hit.contact_count == 1 else 's'}"
    site = hit.website.removeprefix("https://").removeprefix("http://").removeprefix("www.")
    parts = ([hit.phone, hit.industry, people] if hit.matched == "phone"
             else [hit.industry, people, hit.phone, site.rstrip("/")])
    return _row(RowKind.ACCOUNT, hit.name, _joined(parts), typed, id=hit.id,
                unseen="in details" if hit.matched == "details" else "")


def history_row(hit: HistoryHit, typed: Typed, now: datetime) -> Row:
    regarding = " ".join(hit.regarding.split())
    title = regarding
    if not spans(regarding, typed):
        # The words are in the details: show the words, or the user cannot tell why.
        found = excerpt(hit.details, typed)
        if found:
            title = f"{regarding} — {found}" if regarding else found
        elif not regarding:
            title = " ".join(hit.details.split())[:200]
    who = hit.contact_name
    if who and hit.other_contacts:
        who += f" and {hit.other_contacts} other{'s' if hit.other_contacts > 1 else ''}"
    subtitle = _joined([KIND_LABELS.get(hit.kind, hit.kind.value.title()),
                        when(hit.occurred_at, now), who, hit.account_name])
    return _row(RowKind.HISTORY, title, subtitle, typed, id=hit.id,
                contact_id=hit.contact_id)


def command_row(command: Command, typed: Typed) -> Row:
    return Row(RowKind.COMMAND, command.name, "", tuple(spans(command.name, typed)), (),
               command.shortcut, command.order)


def _commands(commands: Sequence[Command], text: str) -> list[tuple[int, Command]]:
    scored = [(command_score(c, text), c) for c in commands]
    found = [(s, c) for s, c in scored if s > 0]
    found.sort(key=lambda sc: (-sc[0], sc[1].order))
    return found


def _group(kind: str, rows: list[Row]) -> list[Row]:
    return [Row(RowKind.HEADER, HEADINGS[kind]), *rows] if rows else []


def command_rows(text: str, commands: Sequence[Command]) -> list[Row] | None:
    """The rows for text that needs no search (nothing typed, or `>`), else None."""
    stripped = text.strip()
    if stripped.startswith(COMMAND_PREFIX):
        rest = stripped[len(COMMAND_PREFIX):].strip()
        typed = Typed.of(rest)
        found = [command_row(c, typed) for _, c in _commands(commands, rest)]
        return _group("command", found) or [Row(RowKind.MESSAGE, NO_COMMAND.format(text=rest))]
    if not stripped:
        listed = [command_row(c, Typed((), ())) for c in sorted(commands, key=lambda c: c.order)]
        return _group("command", listed) or [Row(RowKind.MESSAGE, FIRST_USE)]
    return None


def result_rows(results: QuickResults, commands: Sequence[Command], now: datetime) -> list[Row]:
    """The rows for a search's results, by kind; the commands first when what was typed
    names one ("new", "trash"), else the few it might mean at the end."""
    text = results.text
    typed = Typed.of(text)
    found = _commands(commands, text)
    first = bool(found) and found[0][0] >= 2
    cmds = _group("command", [command_row(c, typed) for _, c in
                              (found if first else found[:COMMANDS_AFTER_RECORDS])])
    records = (_group("contact", [contact_row(h, typed) for h in results.contacts])
               + _group("account", [account_row(h, typed) for h in results.accounts])
               + _group("history", [history_row(h, typed, now) for h in results.history]))
    rows = cmds + records if first else records + cmds
    if rows:
        return rows
    # Nothing found: say so, and offer what can be done instead (New contact...).
    listed = [command_row(c, Typed((), ())) for c in sorted(commands, key=lambda c: c.order)]
    return [Row(RowKind.MESSAGE, NOTHING_FOUND.format(text=text.strip())),
            *_group("command", listed)]


def failure_rows(error: BaseException) -> list[Row]:
    said = str(error).strip() or type(error).__name__
    return [Row(RowKind.MESSAGE, f"The search could not run: {said.rstrip('.')}. "
                "Type again to retry; if it keeps failing, restart Rolodeck.")]
