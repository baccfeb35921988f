"""`textdesk autoreply set KEYWORD TEXT | list [--json] | delete KEYWORD`."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.database import opened
from desktop.cli.output import EXIT_OK, print_json


def register(sub: Any) -> None:
    auto = sub.add_parser("autoreply", help="answers sent by themselves to keywords")
    actions = auto.add_subparsers(dest="action", required=True, parser_class=type(auto))
    put = actions.add_parser("set", help="answer KEYWORD (the whole reply, any case) with TEXT")
    put.add_argument("keyword")
    put.add_argument("text")
    put.set_defaults(handler=set_command)
    listing = actions.add_parser("list", help="the keywords and their answers")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    delete = actions.add_parser("delete", help="stop answering KEYWORD")
    delete.add_argument("keyword")
    delete.set_defaults(handler=delete_command)


def set_command(args: argparse.Namespace) -> int:
    from desktop.services.inbox.auto_replies import set_rule

    with opened(args) as ctx:
        rule = set_rule(ctx, args.keyword, args.text)
    print(f"{rule.keyword} is answered with: {rule.answer}")
    return EXIT_OK


def list_command(args: argparse.Namespace) -> int:
    from desktop.services.inbox.auto_replies import list_rules

    with opened(args) as ctx:
        rules = list_rules(ctx)
    if args.json:
        print_json([rule.as_json() for rule in rules])
        return EXIT_OK
    for rule in rules:
        state = "off" if not rule.enabled else ("default" if rule.default else "on")
        print(f"{rule.keyword:<12} {state:<8} {rule.answer}")
    return EXIT_OK


def delete_command(args: argparse.Namespace) -> int:
    from desktop.services.inbox.auto_replies import delete_rule, normalize_keyword

    with opened(args) as ctx:
        delete_rule(ctx, args.keyword)
    print(f"{normalize_keyword(args.keyword)} is no longer answered by itself.")
    return EXIT_OK
