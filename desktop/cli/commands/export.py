"""`textdesk export ID --out FILE` and `textdesk export --summary --out FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.arguments import record_id
from desktop.cli.database import opened
from desktop.cli.output import EXIT_OK, CliError


def register(sub: Any) -> None:
    export = sub.add_parser("export", help="write a CSV report")
    export.add_argument("id", type=record_id("a sequence ID"), nargs="?")
    export.add_argument("--summary", action="store_true", help="one row per sequence")
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from desktop.services.reports import exports

    if args.summary == (args.id is not None):
        raise CliError("give either a sequence ID or --summary")
    with opened(args) as ctx:
        if args.summary:
            count = exports.export_summary(ctx, args.out)
        else:
            count = exports.export_sequence(ctx, args.id, args.out)
    print(f"Wrote {count} row(s) to {args.out}")
    return EXIT_OK
