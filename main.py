"""Rolodeck: with no command, open the window; with one, run it for scripts and cron jobs.

The composition root: the only module that wires the core (app/, db/) to the window (ui/).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

from app.domain.errors import RolodeckError

APP_NAME = "Rolodeck"


def default_db_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "rolodeck.db"


def database_path(cli_value: str | None) -> Path:
    """--db wins, then ROLODECK_DB, then the user data folder."""
    chosen = cli_value or os.environ.get("ROLODECK_DB")
    return Path(chosen).expanduser() if chosen else default_db_path()


def build_parser() -> argparse.ArgumentParser:
    from app.cli.commands import add_commands

    parser = argparse.ArgumentParser(
        prog="rolodeck",
        description="Rolodeck, the offline-first contact manager. "
                    "Without a command it opens the window.")
    parser.add_argument("--db", metavar="PATH",
                        help=f"database file (default: $ROLODECK_DB or {default_db_path()})")
    parser.add_argument("--version", action="version", version="Rolodeck 0.1.0")
    add_commands(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


def run_gui(path: Path) -> int:
    from app.services.registry import Services
    from ui.app import run_gui as start_window
    from ui.app import show_startup_error

    try:
        services = Services.open(path)
    except RolodeckError as exc:
        show_startup_error(exc)
        raise  # and one line on stderr, for whoever started it from a terminal
    try:
        return start_window(services.directory, f"{APP_NAME} — {path}")
    finally:
        services.close()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    path = database_path(args.db)
    try:
        if args.command is None:
            return run_gui(path)
        from app.services.registry import Services

        services = Services.open(path)
        try:
            return args.run(services, args)
        finally:
            services.close()
    except RolodeckError as exc:
        print(f"rolodeck: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("rolodeck: interrupted; nothing half-done was kept", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `rolodeck contacts list | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
