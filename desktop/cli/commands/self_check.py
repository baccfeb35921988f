"""`textdesk self-check`: can this installation start Qt, migrate, send, track and export?"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    check = sub.add_parser("self-check", help="check that this installation can send and track")
    # The check keeps its own log in the temp folder and never touches the user's data.
    check.set_defaults(handler=run, log_to_file=False)


def run(_args: argparse.Namespace) -> int:
    from desktop.cli.installation_check import self_check

    return self_check()
