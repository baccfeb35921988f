"""`textdesk sequences create|list|pause|resume|cancel`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop.cli.database import opened
from desktop.cli.output import EXIT_OK, CliError, print_json

if TYPE_CHECKING:
    from desktop.services.core.context import Context
    from desktop.services.sequences.builder import StepSpec


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


def register(sub: Any) -> None:
    seqs = sub.add_parser("sequences", help="create and manage sequences")
    actions = seqs.add_subparsers(dest="action", required=True, parser_class=type(seqs))
    create = actions.add_parser("create", help="create a sequence and queue its messages")
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
    create.set_defaults(handler=create_command)
    listing = actions.add_parser("list", help="list sequences with their counts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    for name in ("pause", "resume", "cancel"):
        p = actions.add_parser(name, help=f"{name} a sequence")
        p.add_argument("id", type=int)
        p.set_defaults(handler=change_command)


def parse_start(text: str | None) -> datetime | None:
    """ISO 8601; a time without zone is the computer's local time."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CliError(
            f"--start must be an ISO 8601 time such as 2026-12-01T09:00, not {text!r}"
        ) from None
    return value if value.tzinfo else value.astimezone()


def _steps_from_args(args: argparse.Namespace) -> list[StepSpec]:
    from desktop.services.core.durations import parse_duration
    from desktop.services.sequences.builder import StepSpec

    raw_steps = args.steps or []
    if any(step["body"] is None for step in raw_steps):
        raise CliError("--media must follow the --step it belongs to")
    if len(args.delay) > max(len(raw_steps) - 1, 0):
        raise CliError(
            f"{len(args.delay)} --delay given for {len(raw_steps)} step(s); "
            "the i-th --delay is the wait before step i+1"
        )
    delays = [parse_duration(d) for d in args.delay]
    specs = []
    for index, step in enumerate(raw_steps):
        delay = delays[index - 1] if 0 < index <= len(delays) else parse_duration("0s")
        specs.append(StepSpec(step["body"], tuple(step["media"]), delay))
    return specs


def create_command(args: argparse.Namespace) -> int:
    from desktop.services.sequences.builder import LeadSelection, create_sequence

    steps = _steps_from_args(args)
    if args.lead:
        selection = LeadSelection(ids=tuple(args.lead))
    elif args.tag:
        selection = LeadSelection(tag=args.tag)
    else:
        selection = LeadSelection(all=True)
    start_at = parse_start(args.start)
    with opened(args) as ctx:
        result = create_sequence(
            ctx,
            args.name,
            steps,
            selection,
            sender=args.sender,
            start_at=start_at,
            stop_on_reply=not args.no_stop_on_reply,
            accept_warnings=args.accept_warnings,
        )
    if args.json:
        print_json(
            {
                "id": result.sequence_id,
                "messages": result.messages,
                "leads": result.leads,
                "excluded_opted_out": result.excluded_opted_out,
                "excluded_deleted": result.excluded_deleted,
                "warnings": list(result.warnings),
                "reminders": list(result.reminders),
            }
        )
    else:
        print(
            f"Created sequence {result.sequence_id}: {result.messages} message(s) to "
            f"{result.leads} lead(s); excluded {result.excluded_opted_out} opted out and "
            f"{result.excluded_deleted} deleted."
        )
        for line in result.warnings + result.reminders:
            print(f"  note: {line}")
    return EXIT_OK


def list_command(args: argparse.Namespace) -> int:
    from desktop.services.sequences.lifecycle import list_sequences
    from desktop.services.status.vocabulary import BUCKET_ORDER

    with opened(args) as ctx:
        summaries = list_sequences(ctx)
    if args.json:
        print_json([s.as_json() for s in summaries])
        return EXIT_OK
    labels = "  ".join(f"{b.label:>8}" for b in BUCKET_ORDER)
    print(f"{'ID':>4}  {'Name':<24} {'Status':<16} {'Total':>6}  {labels}")
    for s in summaries:
        counts = "  ".join(f"{s.counts[b]:>8}" for b in BUCKET_ORDER)
        print(f"{s.id:>4}  {s.name[:24]:<24} {s.status.label:<16} {s.total:>6}  {counts}")
    return EXIT_OK


def change_command(args: argparse.Namespace) -> int:
    from desktop.services.sequences import lifecycle

    action: Callable[[Context, int], object] = {
        "pause": lifecycle.pause,
        "resume": lifecycle.resume,
        "cancel": lifecycle.cancel,
    }[args.action]
    with opened(args) as ctx:
        status = action(ctx, args.id)
    print(f"Sequence {args.id} is now {getattr(status, 'label', status)}.")
    return EXIT_OK
