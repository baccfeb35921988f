"""`textdesk leads import|list|delete|opt-out|opt-in`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.arguments import record_id, tag
from desktop.cli.database import opened
from desktop.cli.output import EXIT_OK, print_json


def register(sub: Any) -> None:
    leads = sub.add_parser("leads", help="import, list and delete leads")
    actions = leads.add_subparsers(dest="action", required=True, parser_class=type(leads))
    imp = actions.add_parser("import", help="import leads from a CSV file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--tag", type=tag, help="add this tag to every imported lead")
    imp.add_argument(
        "--overwrite",
        action="store_true",
        help="let the file replace the names, emails, time zones and custom fields of leads "
        "already stored (by default only their empty fields are filled in)",
    )
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=import_command)
    lst = actions.add_parser("list", help="list leads")
    lst.add_argument("--tag", type=tag, help="only leads with this tag")
    lst.add_argument("--search")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=list_command)
    for name, helptext in (
        ("delete", "delete leads (their waiting messages are canceled)"),
        ("opt-out", "mark leads as opted out"),
        ("opt-in", "clear the opt-out flag"),
    ):
        p = actions.add_parser(name, help=helptext)
        p.add_argument("ids", nargs="+", type=record_id("a lead ID"), metavar="ID")
        p.set_defaults(handler=change_command)


def import_command(args: argparse.Namespace) -> int:
    from desktop.services.leads.importer import import_leads

    with opened(args) as ctx:
        report = import_leads(ctx, args.file, tag=args.tag, overwrite=args.overwrite)
    if args.json:
        print_json(report.as_json())
    else:
        print(report.summary())
        for row in report.problem_rows():
            print(f"  line {row.line}: {row.message}")
    return EXIT_OK


def list_command(args: argparse.Namespace) -> int:
    from desktop.services.leads import store

    with opened(args) as ctx:
        rows = store.list_leads(ctx, tag=args.tag, search=args.search)
    if args.json:
        print_json([r.as_json() for r in rows])
    else:
        for r in rows:
            flags = " (opted out)" if r.opted_out else ""
            tags = f" [{', '.join(r.tags)}]" if r.tags else ""
            print(f"{r.id:>6}  {r.phone:<16} {r.full_name}{tags}{flags}")
    return EXIT_OK


def change_command(args: argparse.Namespace) -> int:
    from desktop.services.leads import store

    with opened(args) as ctx:
        if args.action == "delete":
            count = store.delete_leads(ctx, args.ids)
            print(f"Deleted {count} lead(s); their waiting messages were canceled.")
            return EXIT_OK
        opted_out = args.action == "opt-out"
        count = store.set_opted_out(ctx, args.ids, opted_out)
    print(f"{'Opted out' if opted_out else 'Opted in'} {count} lead(s).")
    return EXIT_OK
