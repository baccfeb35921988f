"""`textdesk` / `textdesk gui [--demo]`: the window."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    gui = sub.add_parser("gui", help="open the window (the default)")
    gui.add_argument("--demo", action="store_true", help="run against the built-in sandbox")
    gui.set_defaults(handler=run, long_running=True)


def run(args: argparse.Namespace) -> int:
    from desktop.cli.database import database_url
    from desktop.services.core.errors import UserError

    database_url(args)  # a --db of a kind we cannot open: one line here, not a dialog later

    try:
        from desktop.app import run_gui
    except ImportError as exc:
        raise UserError(f"the desktop window cannot start: {exc}") from None
    return run_gui(db_url=args.db, demo=args.demo)
