"""`textdesk self-check`: can this installation start Qt, migrate, send, track and export?"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    check = sub.add_parser("self-check", help="check that this installation can send and track")
    check.set_defaults(handler=run)


def run(_args: argparse.Namespace) -> int:
    from desktop.cli.installation_check import self_check

    return self_check()
