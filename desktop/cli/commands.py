"""What each `textdesk` subcommand does. The parser lives in desktop.cli.parser."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from desktop.cli.parser import EXIT_BAD_INPUT, EXIT_OK, CliError, parse_start, print_json
from desktop.services.core.context import Context
from desktop.services.core.durations import parse_duration
from desktop.services.core.errors import UserError
from desktop.services.leads import store as leads
from desktop.services.reports import exports as reports
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.vocabulary import BUCKET_ORDER


def run(args: argparse.Namespace) -> int:
    command = args.command or "gui"
    if command == "gui":
        return run_gui(args)
    if command == "self-check":
        from desktop.cli.self_check import self_check

        return self_check()
    handler = HANDLERS[command]
    ctx = Context.open(args.db, demo=getattr(args, "demo", False))
    try:
        return handler(ctx, args)
    finally:
        ctx.close()


def run_gui(args: argparse.Namespace) -> int:
    try:
        from desktop.app import run_gui as launch
    except ImportError as exc:
        raise UserError(f"the desktop window cannot start: {exc}") from None
    return launch(db_url=args.db, demo=getattr(args, "demo", False))


def leads_command(ctx: Context, args: argparse.Namespace) -> int:
    if args.action == "import":
        from desktop.services.leads.importer import import_leads

        report = import_leads(ctx, args.file, tag=args.tag)
        if args.json:
            print_json(report.as_json())
        else:
            print(report.summary())
            for row in report.problem_rows():
                print(f"  line {row.line}: {row.message}")
        return EXIT_OK
    if args.action == "list":
        rows = leads.list_leads(ctx, tag=args.tag, search=args.search)
        if args.json:
            print_json([r.as_json() for r in rows])
        else:
            for r in rows:
                flags = " (opted out)" if r.opted_out else ""
                tags = f" [{', '.join(r.tags)}]" if r.tags else ""
                print(f"{r.id:>6}  {r.phone:<16} {r.full_name}{tags}{flags}")
        return EXIT_OK
    if args.action == "delete":
        count = leads.delete_leads(ctx, args.ids)
        print(f"Deleted {count} lead(s); their waiting messages were canceled.")
        return EXIT_OK
    opted_out = args.action == "opt-out"
    count = leads.set_opted_out(ctx, args.ids, opted_out)
    print(f"{'Opted out' if opted_out else 'Opted in'} {count} lead(s).")
    return EXIT_OK


def _steps_from_args(args: argparse.Namespace) -> list[sequences.StepSpec]:
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
        specs.append(sequences.StepSpec(step["body"], tuple(step["media"]), delay))
    return specs


def sequences_command(ctx: Context, args: argparse.Namespace) -> int:
    if args.action == "create":
        steps = _steps_from_args(args)
        if args.lead:
            selection = sequences.LeadSelection(ids=tuple(args.lead))
        elif args.tag:
            selection = sequences.LeadSelection(tag=args.tag)
        else:
            selection = sequences.LeadSelection(all=True)
        result = sequences.create_sequence(
            ctx,
            args.name,
            steps,
            selection,
            sender=args.sender,
            start_at=parse_start(args.start),
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
    if args.action == "list":
        summaries = sequences.list_sequences(ctx)
        if args.json:
            print_json([s.as_json() for s in summaries])
        else:
            labels = "  ".join(f"{b.label:>8}" for b in BUCKET_ORDER)
            print(f"{'ID':>4}  {'Name':<24} {'Status':<16} {'Total':>6}  {labels}")
            for s in summaries:
                counts = "  ".join(f"{s.counts[b]:>8}" for b in BUCKET_ORDER)
                print(f"{s.id:>4}  {s.name[:24]:<24} {s.status.label:<16} {s.total:>6}  {counts}")
        return EXIT_OK
    action: Callable[[Context, int], object] = {
        "pause": sequences.pause,
        "resume": sequences.resume,
        "cancel": sequences.cancel,
    }[args.action]
    status = action(ctx, args.id)
    print(f"Sequence {args.id} is now {getattr(status, 'label', status)}.")
    return EXIT_OK


def export_command(ctx: Context, args: argparse.Namespace) -> int:
    if args.summary == (args.id is not None):
        raise CliError("give either a sequence ID or --summary")
    if args.summary:
        count = reports.export_summary(ctx, args.out)
    else:
        count = reports.export_sequence(ctx, args.id, args.out)
    print(f"Wrote {count} row(s) to {args.out}")
    return EXIT_OK


def settings_command(ctx: Context, args: argparse.Namespace) -> int:
    settings = ctx.settings
    if args.action == "get":
        print(settings.display(args.key))
    elif args.action == "set":
        settings.set(args.key, args.value)
        where = (
            f" (kept in {settings.secrets.describe()})" if settings.spec(args.key).secret else ""
        )
        print(f"{args.key} = {settings.display(args.key)}{where}")
    else:
        from desktop.services.core.settings import SPECS

        for key in SPECS:
            print(f"{key} = {settings.display(key)}")
    return EXIT_OK


def worker_command(ctx: Context, args: argparse.Namespace) -> int:
    try:
        from desktop.services.engine.worker import run_worker
    except ImportError:
        print("textdesk: error: the sending engine is not available", file=sys.stderr)
        return EXIT_BAD_INPUT
    return run_worker(ctx, once=args.once, until_idle=args.until_idle, demo=args.demo)


HANDLERS: dict[str, Callable[[Context, argparse.Namespace], int]] = {
    "leads": leads_command,
    "sequences": sequences_command,
    "export": export_command,
    "settings": settings_command,
    "worker": worker_command,
}
