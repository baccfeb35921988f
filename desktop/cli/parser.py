"""The `textdesk` command: the window by default, plus headless subcommands.

Every bad input ends with one line on stderr and exit code 2; a bug ends with one line and
exit code 1, its traceback going to the log only.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from desktop import __version__

log = logging.getLogger("textdesk")

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints usage plus the error; we keep it to one clear line.
        raise CliError(f"{message} (see '{self.prog} --help')")


class StepAction(argparse.Action):
    """`--step BODY`: appends a step; `--media URL` attaches to the step given before it."""

    def __call__(self, parser: Any, namespace: Any, value: Any, option: Any = None) -> None:
        steps = getattr(namespace, "steps", None) or []
        if self.dest == "steps":
            steps.append({"body": value, "media": []})
        else:
            if not steps:
                steps.append({"body": None, "media": []})  # media before the first --step
            steps[-1]["media"].append(value)
        namespace.steps = steps


def build_parser() -> Parser:
    parser = Parser(prog="textdesk", description="Bulk text sequences through Twilio.")
    parser.add_argument("--version", action="version", version=f"textdesk {__version__}")
    parser.add_argument(
        "--db",
        help="database URL or SQLite file (default: env TEXTDESK_DB, else the user data folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    gui = sub.add_parser("gui", help="open the window (the default)")
    gui.add_argument("--demo", action="store_true", help="run against the built-in sandbox")

    leads = sub.add_parser("leads", help="import, list and delete leads").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    imp = leads.add_parser("import", help="import leads from a CSV file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--tag", help="add this tag to every imported lead")
    imp.add_argument("--json", action="store_true")
    lst = leads.add_parser("list", help="list leads")
    lst.add_argument("--tag")
    lst.add_argument("--search")
    lst.add_argument("--json", action="store_true")
    for name, helptext in (
        ("delete", "delete leads (their waiting messages are canceled)"),
        ("opt-out", "mark leads as opted out"),
        ("opt-in", "clear the opt-out flag"),
    ):
        p = leads.add_parser(name, help=helptext)
        p.add_argument("ids", nargs="+", type=int, metavar="ID")

    seqs = sub.add_parser("sequences", help="create and manage sequences").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    create = seqs.add_parser("create", help="create a sequence and queue its messages")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--step",
        dest="steps",
        action=StepAction,
        required=True,
        metavar="BODY",
        help="a step's text (repeat for more steps)",
    )
    create.add_argument(
        "--media",
        dest="media",
        action=StepAction,
        metavar="URL",
        help="a media URL for the step given before it",
    )
    create.add_argument(
        "--delay",
        action="append",
        default=[],
        metavar="DURATION",
        help="the i-th --delay is the wait before step i+1 (90s, 15m, 48h, 3d)",
    )
    who = create.add_mutually_exclusive_group()
    who.add_argument("--all", action="store_true", help="every lead (the default)")
    who.add_argument("--tag", help="leads with this tag")
    who.add_argument("--lead", type=int, action="append", metavar="ID", help="this lead")
    create.add_argument("--start", metavar="ISO8601", help="start time (default: now)")
    create.add_argument("--sender", help="Twilio number or Messaging Service SID")
    create.add_argument(
        "--accept-warnings", action="store_true", help="go on despite content warnings"
    )
    create.add_argument(
        "--no-stop-on-reply",
        action="store_true",
        help="keep sending later steps to leads who replied",
    )
    create.add_argument("--json", action="store_true")
    slist = seqs.add_parser("list", help="list sequences with their counts")
    slist.add_argument("--json", action="store_true")
    for name in ("pause", "resume", "cancel"):
        p = seqs.add_parser(name, help=f"{name} a sequence")
        p.add_argument("id", type=int)

    worker = sub.add_parser("worker", help="send and track messages without the window")
    mode = worker.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one pass of each job, then exit")
    mode.add_argument(
        "--until-idle",
        action="store_true",
        help="exit when every sequence is Done, Canceled or Paused",
    )
    worker.add_argument("--demo", action="store_true", help="use the built-in sandbox")

    export = sub.add_parser("export", help="write a CSV report")
    export.add_argument("id", type=int, nargs="?")
    export.add_argument("--summary", action="store_true", help="one row per sequence")
    export.add_argument("--out", type=Path, required=True)

    settings = sub.add_parser("settings", help="read or change a setting").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    get = settings.add_parser("get")
    get.add_argument("key")
    put = settings.add_parser("set")
    put.add_argument("key")
    put.add_argument("value")
    settings.add_parser("list")

    sub.add_parser("self-check", help="check that this installation can send and track")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from desktop.services.core.db_errors import describe_db_error
    from desktop.services.core.errors import UserError

    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        from desktop.cli import commands

        return commands.run(args)
    except (CliError, UserError) as exc:
        print(f"textdesk: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        sentence = describe_db_error(exc)
        if sentence:
            print(f"textdesk: error: {sentence}", file=sys.stderr)
            return EXIT_BAD_INPUT
        log.debug("unexpected failure", exc_info=True)
        print(f"textdesk: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_BUG


def parse_start(text: str | None) -> datetime | None:
    """ISO 8601; a time without zone is the computer's local time."""
    from desktop.services.core.errors import UserError

    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UserError(
            f"--start must be an ISO 8601 time such as 2026-12-01T09:00, not {text!r}"
        ) from None
    return value if value.tzinfo else value.astimezone()


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    sys.exit(main())
