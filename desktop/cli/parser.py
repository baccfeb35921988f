"""The argument parser: global options, then one subparser per command module."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import NoReturn

from desktop.cli.commands import COMMANDS
from desktop.cli.output import CliError

# Global options that take a value: the command name is the first other bare word.
_VALUE_OPTIONS = ("--db",)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints usage plus the error; we keep it to one clear line.
        raise CliError(f"{message} (see '{self.prog} --help')")


class _Version(argparse.Action):
    """`--version`: the version is read from the package metadata only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        from desktop import __version__

        print(f"textdesk {__version__}")
        parser.exit()


def command_named(argv: Sequence[str]) -> str | None:
    """The subcommand in `argv`, if it names one we know."""
    words = iter(argv)
    for word in words:
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The whole parser, or (given `argv` naming a command) the parser of that command
    only: building every subcommand's parser costs more than running `sequences list`."""
    parser = Parser(prog="textdesk", description="Bulk text sequences through Twilio.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    parser.add_argument(
        "--db",
        help="database URL or SQLite file (default: env TEXTDESK_DB, else the user data folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    chosen = command_named(argv) if argv is not None else None
    for name, module in COMMANDS.items():
        if chosen is None or name == chosen:
            importlib.import_module(module).register(sub)
    if chosen is None:
        # No subcommand opens the window.
        from desktop.cli.commands import gui

        parser.set_defaults(handler=gui.run, demo=False, long_running=True)
    return parser
