"""`textdesk settings get KEY | set KEY VALUE | list`."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.database import opened
from desktop.cli.output import EXIT_OK


def register(sub: Any) -> None:
    settings = sub.add_parser("settings", help="read or change a setting")
    actions = settings.add_subparsers(dest="action", required=True, parser_class=type(settings))
    get = actions.add_parser("get")
    get.add_argument("key")
    put = actions.add_parser("set")
    put.add_argument("key")
    put.add_argument("value")
    actions.add_parser("list")
    settings.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from desktop.services.core.settings import SPECS

    with opened(args) as ctx:
        settings = ctx.settings
        if args.action == "get":
            print(settings.display(args.key))
        elif args.action == "set":
            settings.set(args.key, args.value)
            secret = settings.spec(args.key).secret
            where = f" (kept in {settings.secrets.describe()})" if secret else ""
            print(f"{args.key} = {settings.display(args.key)}{where}")
        else:
            for key in SPECS:
                print(f"{key} = {settings.display(key)}")
    return EXIT_OK
