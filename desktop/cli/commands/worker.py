"""`textdesk worker [--once | --until-idle] [--demo] [--wait]`: send and track without the
window."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.database import opened


def register(sub: Any) -> None:
    worker = sub.add_parser("worker", help="send and track messages without the window")
    mode = worker.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one pass of each job, then exit")
    mode.add_argument(
        "--until-idle",
        action="store_true",
        help="exit when every sequence is Done, Canceled or Paused",
    )
    worker.add_argument("--demo", action="store_true", help="use the built-in sandbox")
    worker.add_argument(
        "--wait",
        action="store_true",
        help="wait for the engine holding this database's senders to stop, instead of exiting 2",
    )
    worker.set_defaults(handler=run, long_running=True)


def run(args: argparse.Namespace) -> int:
    from desktop.services.engine.worker import run_worker

    with opened(args, demo=args.demo) as ctx:
        return run_worker(
            ctx, once=args.once, until_idle=args.until_idle, demo=args.demo, wait=args.wait
        )
