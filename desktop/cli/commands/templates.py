"""`textdesk templates list | add NAME TEXT | delete NAME`: saved messages."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.database import opened
from desktop.cli.output import EXIT_OK, print_json


def register(sub: Any) -> None:
    templates = sub.add_parser("templates", help="saved messages for steps and answers")
    actions = templates.add_subparsers(dest="action", required=True, parser_class=type(templates))
    listing = actions.add_parser("list", help="the saved messages")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    add = actions.add_parser("add", help="save TEXT as NAME")
    add.add_argument("name")
    add.add_argument("text")
    add.add_argument("--replace", action="store_true", help="replace a template of that name")
    add.set_defaults(handler=add_command)
    delete = actions.add_parser("delete", help="delete the template NAME")
    delete.add_argument("name")
    delete.set_defaults(handler=delete_command)


def list_command(args: argparse.Namespace) -> int:
    from desktop.services.inbox.templates import list_templates

    with opened(args) as ctx:
        saved = list_templates(ctx)
    if args.json:
        print_json([t.as_json() for t in saved])
        return EXIT_OK
    for template in saved:
        print(f"{template.name}: {template.body}")
    return EXIT_OK


def add_command(args: argparse.Namespace) -> int:
    from desktop.services.inbox.templates import add_template

    with opened(args) as ctx:
        saved = add_template(ctx, args.name, args.text, replace=args.replace)
    print(f"Saved the template {saved.name!r}.")
    return EXIT_OK


def delete_command(args: argparse.Namespace) -> int:
    from desktop.services.inbox.templates import delete_template

    with opened(args) as ctx:
        delete_template(ctx, args.name)
    print(f"Deleted the template {args.name!r}.")
    return EXIT_OK
