"""Rolodeck: with no command, open the window; with one, run it for scripts and cron jobs.

The composition root: the only module that wires the core (app/, db/) to the window (ui/).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app.cli.output import one_line
from app.domain.errors import MissingDatabaseError, RolodeckError, ValidationError

APP_NAME = "Rolodeck"
# An error line quotes what the user typed; past this it is cut, so it stays one line to read.
MAX_MESSAGE_CHARS = 500


class NoDatabaseError(RolodeckError):
    """A reading command was pointed at a file that does not exist."""


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "rolodeck.db"


def database_path(cli_value: str | None) -> Path:
    """--db wins, then ROLODECK_DB, then the user data folder."""
    chosen = cli_value or os.environ.get("ROLODECK_DB")
    if chosen:
        _check_text(chosen, "the database path")
    return Path(chosen).expanduser() if chosen else default_db_path()


def _check_text(text: str, what: str) -> str:
    """Arguments arrive decoded with surrogate escapes; bytes that were not UTF-8 cannot be
    stored, searched or shown, so they are refused here rather than deep in SQLite."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        byte = f"byte 0x{ord(bad) - 0xDC00:02x}" if "\udc80" <= bad <= "\udcff" else repr(bad)
        raise ValidationError(f"{what} is not valid UTF-8 ({byte}); check the encoding of the "
                              "terminal or script that passed it") from None
    return text


def _utf8_argument(what: str):
    def parse(text: str) -> str:
        try:
            return _check_text(text, what)
        except ValidationError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return parse


# Stands for the default database in --db's help until the help is printed.
_DEFAULT_DB = "<the user data folder's rolodeck.db>"


class _RootHelp(argparse.HelpFormatter):
    """Finds the default database only when the help that names it is printed: looking up
    the user data folder (platformdirs) would otherwise cost every command's start."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text and _DEFAULT_DB in text:
            # Escaped: argparse %-formats the help, and a path may hold a %.
            text = text.replace(_DEFAULT_DB, str(default_db_path()).replace("%", "%%"))
        return text


class RolodeckParser(argparse.ArgumentParser):
    """Usage mistakes are one line on stderr and exit status 1, like every other mistake
    (the README's promise); --help and --version still exit 0."""

    def error(self, message: str):
        self.fail(self.prog, message)

    def fail(self, prog: str, message: str):
        self.exit(1, f"rolodeck: {one_line(message, MAX_MESSAGE_CHARS)} "
                     f"(see `{prog} --help`)\n")

    def parse_args(self, args=None, namespace=None):
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # reported by the root parser; the hint names the command they followed
            self.fail(getattr(parsed, "command_prog", self.prog),
                      "unrecognized arguments: " + " ".join(extras))
        return parsed


def _commands(parser: argparse.ArgumentParser):
    """Every parser under `parser`: commands and their subcommands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share a parser
                yield sub
                yield from _commands(sub)


def _complete_commands(parser: argparse.ArgumentParser) -> None:
    """What every command takes, including those registered later (app/cli/writes.py):
    --db after the command too (`rolodeck search x --db f.db`, `make demo ARGS="--db f.db"`;
    given twice, the one after the command wins, as the later option does in argparse), and
    a UTF-8 check on every text argument."""
    for sub in _commands(parser):
        if "--db" not in sub._option_string_actions:
            sub.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                             help="database file (as `rolodeck --db`; this one wins)")
        for action in sub._actions:
            if isinstance(action, argparse._StoreAction | argparse._AppendAction) \
                    and action.type is None:
                action.type = _utf8_argument("the value")
        sub.set_defaults(command_prog=sub.prog)


def _named_command(argv: Sequence[str]) -> str | None:
    """The command `argv` runs when that is plain to see: its first word, after nothing but
    `--db PATH` or `--db=PATH`. Anything else before it (--help, an abbreviated option, a
    mistake) gives None, and argparse, with every command built, reads the line itself."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--db" and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            i += 2
        elif word.startswith("--db="):
            i += 1
        else:
            return None if word.startswith("-") else word
    return None


# The root's options that take a value; a line of nothing else opens (or draws) the window.
_WINDOW_OPTIONS = ("--db", "--screenshot", "--view", "--size", "--theme")


def _opens_window(argv: Sequence[str]) -> bool:
    """Whether `argv` names no command, only the window's options (or nothing): then no
    command's parser needs building, which would import every command's module (a second
    of the window's start)."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in _WINDOW_OPTIONS and i + 1 < len(argv):
            i += 2
        elif any(word.startswith(f"{o}=") for o in _WINDOW_OPTIONS):
            i += 1
        else:
            return False
    return True


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: the one command it names (see _named_command) or, without argv
    or a plain command in it, every command. A line that names one command parses the same
    either way; building every command's parser would cost a short command more than its
    own work."""
    parser = RolodeckParser(
        prog="rolodeck", formatter_class=_RootHelp,
        description="Rolodeck, the offline-first contact manager. "
                    "Without a command it opens the window.")
    parser.add_argument("--db", metavar="PATH",
                        help=f"database file (default: $ROLODECK_DB or {_DEFAULT_DB}); "
                             "may also follow the command")
    parser.add_argument("--version", action="version", version="Rolodeck 0.1.0")
    shots = parser.add_argument_group("screenshots (draw the window to a PNG and exit)")
    shots.add_argument("--screenshot", metavar="PATH", type=_utf8_argument("--screenshot"),
                       help="render the window on the database to PATH (PNG) and exit")
    shots.add_argument("--view", default="contacts",
                       choices=("contacts", "contact", "accounts", "account", "groups", "trash",
                                "editor"),
                       help="the view to render (default: contacts)")
    shots.add_argument("--size", metavar="WxH", default="1280x800",
                       help="the window's size in pixels (default: 1280x800)")
    shots.add_argument("--theme", default="light", choices=("light", "dark"),
                       help="the colours to draw in (default: light)")
    # Commands may create the database unless they say they only read (set_defaults).
    parser.set_defaults(writes=True, command=None)
    if argv is not None and _opens_window(argv):
        return parser
    from app.cli.commands import add_commands

    add_commands(parser.add_subparsers(dest="command", metavar="COMMAND"),
                 only=None if argv is None else _named_command(argv))
    _complete_commands(parser)
    return parser


def _started() -> None:
    """The end of start-up, when `__main__` paused the collector for it: what start-up built
    (modules, classes, the tables) lives until exit, so it is frozen out of every later
    collection, and the command's own work is collected as usual."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _last_opened() -> Path | None:
    """The database the user last switched to from the window, if it is still there."""
    from ui.app import named_application
    from ui.settings.preferences import Preferences

    last = Preferences(parent=named_application()).last_database
    return last if last is not None and last.is_file() else None


def run_gui(path: Path) -> int:
    from app.services.registry import Services
    from ui.app import run_gui as start_window
    from ui.app import show_startup_error

    try:
        services = Services.open(path)
    except RolodeckError as exc:
        show_startup_error(exc)
        raise  # and one line on stderr, for whoever started it from a terminal
    _started()
    try:
        return start_window(services, f"{APP_NAME} — {path}")
    finally:
        services.close()


def screenshot(path: Path, args) -> int:
    # A picture needs no screen: offscreen unless the caller chose a platform.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.services.registry import Services
    from ui import theme
    from ui.app import application
    from ui.screenshot import parse_size, shoot

    size = parse_size(args.size)
    out = Path(args.screenshot).expanduser()
    services = Services.open(path)
    _started()
    try:
        # The picture is drawn in the colours asked for, not in the user's own choice.
        theme.apply(application(styled=False), args.theme)
        image = shoot(services, out, args.view, size)
    finally:
        services.close()
    print(f"Saved the {args.view} view ({image.width()}x{image.height()}) to "
          f"{one_line(str(out))}")
    return 0


def open_for(args, path: Path):
    """The services for a command. A command that only reads creates nothing: a mistyped
    --db must not leave an empty database (and its folders) behind."""
    from app.services.registry import Services

    try:
        return Services.open(path, create=args.writes)
    except MissingDatabaseError:
        shown = one_line(str(path))
        raise NoDatabaseError(
            f"No Rolodeck database at {shown} (nothing was created); run "
            f"`rolodeck --db {shown} demo` for one with sample data, or check the path") \
            from None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage mistake already reported
        return 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    try:
        path = database_path(args.db)
        if args.command is None:
            if args.screenshot:
                return screenshot(path, args)
            if not (args.db or os.environ.get("ROLODECK_DB")):
                path = _last_opened() or path
            return run_gui(path)
        services = open_for(args, path)
        _started()
        try:
            return args.run(services, args)
        finally:
            services.close()
    except RolodeckError as exc:
        print(f"rolodeck: {one_line(str(exc), MAX_MESSAGE_CHARS)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("rolodeck: interrupted; nothing half-done was kept", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `rolodeck contacts list | head`
        return 0


if __name__ == "__main__":
    # Start-up makes some 100,000 objects that live until exit (modules, classes, SQLAlchemy's
    # and the tables' structures); the collector would go through them again and again while
    # they are made, and once more at exit: over a quarter of a short command's time. main()
    # turns it back on once start-up is done (_started); at exit everything is frozen out of
    # the final collection, since the process ending frees it all anyway.
    gc.disable()
    status = main()
    gc.freeze()
    sys.exit(status)
