"""The `textdesk` command: the window by default, plus headless subcommands.

Every bad input ends with one line on stderr and exit code 2; a bug ends with one line and
exit code 1, its traceback going to the log file only. Each command imports what it needs
when it runs, so `textdesk sequences list` never loads Qt, Alembic or the twilio SDK.

Output cut short by its reader (`textdesk leads list | head -1`) ends quietly with exit code
141, what a shell reports for a program stopped by SIGPIPE: under `set -o pipefail` the
script can tell the listing was not read to its end, exactly as with `cat` or `seq`.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Sequence

from desktop.cli.output import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_BUG, CliError

log = logging.getLogger("textdesk")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _run(argv)
        # Flushed here, under the guard: a buffered tail left for the interpreter's exit
        # would meet the closed pipe there, and Python would print the error itself.
        if sys.stdout is not None:  # None in a windowed (console-less) frozen build
            sys.stdout.flush()
        return code
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE


def _run(argv: Sequence[str] | None) -> int:
    from desktop.cli.parser import build_parser
    from desktop.logging_setup import FILE_ONLY, configure_logging
    from desktop.services.core.errors import UserError

    args: argparse.Namespace | None = None
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        args = build_parser(words).parse_args(words)
        configure_logging(verbose=args.verbose, to_file=getattr(args, "log_to_file", True))
        if getattr(args, "long_running", False):
            return int(args.handler(args))
        # A short command spends most of its life importing (SQLAlchemy builds thousands of
        # objects) and exits within a second: cycle collection there is pure cost (about a
        # fifth of `sequences list`), and the process's exit frees everything anyway.
        gc.disable()
        try:
            return int(args.handler(args))
        finally:
            # The program exits next: turned on again, the collector would first walk every
            # object the imports made (~20 ms). A caller in this process gets it back.
            if argv is not None:
                gc.enable()
    except (CliError, UserError) as exc:
        print(f"textdesk: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise  # the reader went away: not a bug, handled in main
    except Exception as exc:
        from desktop.services.core.db_errors import describe_db_error

        sentence = describe_db_error(exc, _database_of(args))
        if sentence:
            print(f"textdesk: error: {sentence}", file=sys.stderr)
            return EXIT_BAD_INPUT
        log.error("unexpected failure", exc_info=True, extra=FILE_ONLY)
        print(f"textdesk: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_BUG


def _database_of(args: argparse.Namespace | None) -> str | None:
    """The URL of the database the command used, so that a damaged file's sentence can name
    its backup; None when it cannot be told."""
    if args is None:
        return None
    from desktop.cli.database import database_url

    try:
        return database_url(args, demo=bool(getattr(args, "demo", False)))
    except Exception:  # the sentence is still true without the backup's name
        return None


def _stdout_to_devnull() -> None:
    # What is still buffered for stdout is written at exit; aimed at devnull, it goes
    # nowhere instead of raising BrokenPipeError a second time.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor: captured, or none
        pass


__all__ = ["main"]
