"""The `textdesk` command: the window by default, plus headless subcommands.

Every bad input ends with one line on stderr and exit code 2; a bug ends with one line and
exit code 1, its traceback going to the log file only. Each command imports what it needs
when it runs, so `textdesk sequences list` never loads Qt, Alembic or the twilio SDK.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Sequence

from desktop.cli.output import EXIT_BAD_INPUT, EXIT_BUG, CliError

log = logging.getLogger("textdesk")


def main(argv: Sequence[str] | None = None) -> int:
    from desktop.cli.parser import build_parser
    from desktop.logging_setup import FILE_ONLY, configure_logging
    from desktop.services.core.errors import UserError

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
            gc.enable()
    except (CliError, UserError) as exc:
        print(f"textdesk: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from desktop.services.core.db_errors import describe_db_error

        sentence = describe_db_error(exc)
        if sentence:
            print(f"textdesk: error: {sentence}", file=sys.stderr)
            return EXIT_BAD_INPUT
        log.error("unexpected failure", exc_info=True, extra=FILE_ONLY)
        print(f"textdesk: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_BUG


__all__ = ["main"]
