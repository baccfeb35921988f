"""`textdesk inbox list|show|reply|read`: the conversations of leads who wrote."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.arguments import record_id
from desktop.cli.database import opened
from desktop.cli.output import EXIT_OK, print_json


def register(sub: Any) -> None:
    inbox = sub.add_parser("inbox", help="replies from leads, and your answers")
    actions = inbox.add_subparsers(dest="action", required=True, parser_class=type(inbox))
    listing = actions.add_parser("list", help="one row per lead who wrote, newest first")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    show = actions.add_parser("show", help="a lead's whole conversation")
    show.add_argument("lead_id", type=record_id("a lead ID"), metavar="LEAD_ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_command)
    reply = actions.add_parser("reply", help="answer a lead (sent by the sending service)")
    reply.add_argument("lead_id", type=record_id("a lead ID"), metavar="LEAD_ID")
    reply.add_argument("text", metavar="TEXT")
    reply.set_defaults(handler=reply_command)
    read = actions.add_parser("read", help="mark a lead's replies as read")
    read.add_argument("lead_id", type=record_id("a lead ID"), metavar="LEAD_ID")
    read.set_defaults(handler=read_command)


def list_command(args: argparse.Namespace) -> int:
    from desktop.services.inbox.conversations import list_conversations

    with opened(args) as ctx:
        rows = list_conversations(ctx)
    if args.json:
        print_json([row.as_json() for row in rows])
        return EXIT_OK
    for row in rows:
        unread = f"{row.unread} new" if row.unread else "read"
        when = row.last_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{row.lead_id:>6}  {row.phone:<16} {row.name[:24]:<24} {unread:>7}  {when}")
        print(f"        {'' if row.last_inbound else 'You: '}{row.last_body}")
    return EXIT_OK


def show_command(args: argparse.Namespace) -> int:
    from desktop.services.reports.history import lead_history

    with opened(args) as ctx:
        history = lead_history(ctx, args.lead_id)
    if args.json:
        print_json(
            {
                "lead_id": history.lead_id,
                "name": history.name,
                "phone": history.phone,
                "opted_out": history.opted_out,
                "messages": [
                    {
                        "at": entry.time.isoformat(),
                        "direction": entry.direction,
                        "origin": entry.origin,
                        "body": entry.body,
                        "status": entry.status_label,
                        "cancel_reason": entry.cancel_reason,
                        "error_code": entry.error_code,
                        "explanation": entry.explanation,
                    }
                    for entry in history.entries
                ],
            }
        )
        return EXIT_OK
    opted = " (opted out)" if history.opted_out else ""
    print(f"{history.name} {history.phone}{opted}")
    for entry in history.entries:
        when = entry.time.astimezone().strftime("%Y-%m-%d %H:%M")
        who = "Lead" if entry.direction == "inbound" else _origin_label(entry.origin)
        status = entry.status_label
        if entry.cancel_reason:
            status = f"{status} ({entry.cancel_reason})"
        print(f"  {when}  {who:<10} {status:<22} {entry.body}")
    return EXIT_OK


def _origin_label(origin: str | None) -> str:
    return {"answer": "You", "auto_reply": "Auto-reply", "test": "Test"}.get(origin or "", "Step")


def reply_command(args: argparse.Namespace) -> int:
    from desktop.cli.commands.sequences import start_sending
    from desktop.services.inbox.answers import answer

    with opened(args) as ctx:
        queued = answer(ctx, args.lead_id, args.text)
        quiet = (
            " (not held by quiet hours: the lead wrote today)" if queued.skip_quiet_hours else ""
        )
        print(f"Queued the answer to lead {args.lead_id}{quiet}.")
        start_sending(ctx)
    return EXIT_OK


def read_command(args: argparse.Namespace) -> int:
    from desktop.services.inbox.conversations import mark_read

    with opened(args) as ctx:
        count = mark_read(ctx, args.lead_id)
    print(f"Marked {count} reply(ies) of lead {args.lead_id} as read.")
    return EXIT_OK
