"""`textdesk sequences create|list|pause|resume|cancel|delete|retry`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from desktop.cli.arguments import record_id, sender, start_time, tag
from desktop.cli.database import opened
from desktop.cli.output import EXIT_OK, CliError, print_json

if TYPE_CHECKING:
    from desktop.services.core.context import Context
    from desktop.services.sequences.builder import CreateResult, StepSpec

SEQUENCE_ID = record_id("a sequence ID")


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
        help="the i-th --delay is the wait before step i+1 (90s, 15m, 48h, 3d; at most 365d)",
    )
    who = create.add_mutually_exclusive_group()
    who.add_argument("--all", action="store_true", help="every lead (the default)")
    who.add_argument("--tag", type=tag, help="leads with this tag")
    who.add_argument(
        "--lead", type=record_id("--lead"), action="append", metavar="ID", help="this lead"
    )
    create.add_argument(
        "--start",
        type=start_time,
        metavar="ISO8601",
        help="start time, 2000-01-01 to 2100-12-31 (default: now)",
    )
    create.add_argument(
        "--sender", type=sender, help="Twilio number (+E.164) or Messaging Service SID (MG...)"
    )
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
        p.add_argument("id", type=SEQUENCE_ID)
        p.set_defaults(handler=change_command)
    delete = actions.add_parser(
        "delete", help="delete a sequence whose preparation failed (asks nothing)"
    )
    delete.add_argument("id", type=SEQUENCE_ID)
    delete.set_defaults(handler=delete_command)
    retry = actions.add_parser("retry", help="prepare again a sequence whose preparation failed")
    retry.add_argument("id", type=SEQUENCE_ID)
    retry.add_argument("--json", action="store_true")
    retry.set_defaults(handler=retry_command)


def _steps_from_args(args: argparse.Namespace) -> list[StepSpec]:
    from desktop.services.core.durations import MAX_STEP_DELAY, parse_duration
    from desktop.services.sequences.builder import StepSpec

    raw_steps = args.steps or []
    if any(step["body"] is None for step in raw_steps):
        raise CliError("--media must follow the --step it belongs to")
    if len(args.delay) > max(len(raw_steps) - 1, 0):
        raise CliError(
            f"{len(args.delay)} --delay given for {len(raw_steps)} step(s); "
            "the i-th --delay is the wait before step i+1"
        )
    # Bounded here, before the database is opened: the engine adds the delay to dates, and
    # 3000000d overflows them on every tick.
    delays = [parse_duration(d, maximum=MAX_STEP_DELAY, name="--delay") for d in args.delay]
    specs = []
    for index, step in enumerate(raw_steps):
        delay = delays[index - 1] if 0 < index <= len(delays) else timedelta(0)
        specs.append(StepSpec(step["body"], tuple(step["media"]), delay))
    return specs


def create_command(args: argparse.Namespace) -> int:
    from desktop.services.sequences.builder import LeadSelection, create_sequence

    steps = _steps_from_args(args)
    if args.lead:
        selection = LeadSelection(ids=tuple(args.lead))
    elif args.tag is not None:
        selection = LeadSelection(tag=args.tag)
    else:
        selection = LeadSelection(all=True)
    with opened(args) as ctx:
        result = create_sequence(
            ctx,
            args.name,
            steps,
            selection,
            sender=args.sender,
            start_at=args.start,
            stop_on_reply=not args.no_stop_on_reply,
            accept_warnings=args.accept_warnings,
        )
        _print_result(result, args.json, "Created")
        start_sending(ctx)
    return EXIT_OK


def start_sending(ctx: Context) -> None:
    """A sequence to send: the background service starts unless an engine holds the
    database. A service that cannot start (no credentials yet) is a note, not a failure."""
    from desktop.services.engine.service_control import ensure_service

    started = ensure_service(ctx)
    if started is None:
        return
    if started.error:
        print(f"textdesk: note: not sending yet: {started.error}", file=sys.stderr)
    elif started.started:
        print("textdesk: note: the sending service started; texts go out in the background")


def _print_result(result: CreateResult, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(
            {
                "id": result.sequence_id,
                "messages": result.messages,
                "leads": result.leads,
                "excluded_opted_out": result.excluded_opted_out,
                "excluded_deleted": result.excluded_deleted,
                "excluded_dead": result.excluded_dead,
                "warnings": list(result.warnings),
                "reminders": list(result.reminders),
            }
        )
    else:
        print(
            f"{verb} sequence {result.sequence_id}: {result.messages} message(s) to "
            f"{result.leads} lead(s); excluded {result.excluded_opted_out} opted out, "
            f"{result.excluded_deleted} deleted and {result.excluded_dead} unreachable."
        )
        for line in result.warnings + result.reminders:
            print(f"  note: {line}")


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
        if args.action == "resume":
            start_sending(ctx)
    return EXIT_OK


def delete_command(args: argparse.Namespace) -> int:
    # The service refuses (UserError) a sequence whose preparation did not fail.
    from desktop.services.sequences.preparation import delete_sequence

    with opened(args) as ctx:
        delete_sequence(ctx, args.id)
    print(f"Deleted sequence {args.id}.")
    return EXIT_OK


def retry_command(args: argparse.Namespace) -> int:
    from desktop.services.sequences.preparation import retry_preparation

    with opened(args) as ctx:
        result = retry_preparation(ctx, args.id)
        _print_result(result, args.json, "Prepared")
        start_sending(ctx)
    return EXIT_OK
