"""`textdesk service start|stop|status [--json]`, and `service run` (what start detaches)."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.database import opened
from desktop.cli.output import EXIT_BAD_INPUT, EXIT_OK, CliError, print_json


def register(sub: Any) -> None:
    service = sub.add_parser("service", help="the background sending service")
    actions = service.add_subparsers(dest="action", required=True, parser_class=type(service))
    start = actions.add_parser("start", help="start it (detached) unless it runs already")
    start.add_argument("--demo", action="store_true", help="for the demo database")
    start.set_defaults(handler=start_command)
    stop = actions.add_parser("stop", help="stop it (waits up to 15 s)")
    stop.add_argument("--demo", action="store_true", help="for the demo database")
    stop.set_defaults(handler=stop_command)
    status = actions.add_parser("status", help="is it running, what waits, any problem")
    status.add_argument("--demo", action="store_true", help="for the demo database")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=status_command)
    run = actions.add_parser("run", help="run it in this terminal (what start detaches)")
    run.add_argument("--demo", action="store_true", help="for the demo database")
    run.set_defaults(handler=run_command, long_running=True)


def start_command(args: argparse.Namespace) -> int:
    from desktop.services.engine.service_control import start_service

    with opened(args, demo=args.demo) as ctx:
        result = start_service(ctx, demo=args.demo)
    if result.error:
        raise CliError(f"the sending service could not start: {result.error}")
    holder = result.state.holder
    if result.started:
        print(f"Started the sending service for {result.state.database}.")
    elif result.state.running:
        print(result.state.describe())
    elif holder is not None:
        print(f"Not started: {holder.describe()} is sending for this database.")
        return EXIT_BAD_INPUT
    return EXIT_OK


def stop_command(args: argparse.Namespace) -> int:
    from desktop.services.engine.service import window_open
    from desktop.services.engine.service_control import stop_service

    with opened(args, demo=args.demo) as ctx:
        stopped, sentence = stop_service(ctx)
        if stopped and window_open(ctx):
            sentence += (
                " A TextDesk window is open on this database: it starts the service again"
                " when you create or resume a sequence there."
            )
    if not stopped:
        raise CliError(sentence)
    print(sentence)
    return EXIT_OK


def status_command(args: argparse.Namespace) -> int:
    from desktop.services.engine.service_control import service_state

    with opened(args, demo=args.demo) as ctx:
        state = service_state(ctx)
    if args.json:
        print_json(state.as_json())
    else:
        print(state.describe())
    return EXIT_OK


def run_command(args: argparse.Namespace) -> int:
    from desktop.services.engine.service import run_service

    with opened(args, demo=args.demo) as ctx:
        return run_service(ctx, demo=args.demo)
