"""The Conversations list's pages: read after the last row shown (keyset), they give the
same rows as the list read at once, ties of time included, and a row that moves to the top
while the pages load does not shift the next page."""

from __future__ import annotations

from datetime import timedelta

from desktop.services.core.context import Context
from desktop.services.inbox.conversations import ConversationRow, list_conversations
from tests.helpers import add_leads
from tests.inbox_helpers import reply


def phone(i: int) -> str:
    return f"+1415555{i:04d}"


def pages(ctx: Context, size: int) -> list[ConversationRow]:
    shown: list[ConversationRow] = []
    while True:
        last = shown[-1] if shown else None
        after = (last.last_at, last.lead_id) if last is not None else None
        page = list_conversations(ctx, limit=size, after=after)
        shown += page
        if len(page) < size:
            return shown


def test_pages_after_the_last_row_are_the_whole_list(ctx: Context) -> None:
    add_leads(ctx, 25)
    now = ctx.now().replace(microsecond=0)
    for i in range(25):
        # Three leads to each second: the order within a second is by lead, newest first.
        reply(ctx, phone(i), f"Question {i}", now - timedelta(seconds=i // 3))
    whole = list_conversations(ctx)
    assert len(whole) == 25
    assert [r.lead_id for r in pages(ctx, 7)] == [r.lead_id for r in whole]
    assert [r.lead_id for r in pages(ctx, 1)] == [r.lead_id for r in whole]
    by_offset = [r.lead_id for r in list_conversations(ctx, limit=7, offset=7)]
    after = (whole[6].last_at, whole[6].lead_id)
    assert [r.lead_id for r in list_conversations(ctx, limit=7, after=after)] == by_offset


def test_a_row_moving_up_between_pages_is_not_lost(ctx: Context) -> None:
    add_leads(ctx, 6)
    now = ctx.now()
    for i in range(6):
        reply(ctx, phone(i), f"Hello {i}", now - timedelta(minutes=10 + i))
    first = list_conversations(ctx, limit=3)
    reply(ctx, phone(5), "Still there?", now)  # the oldest conversation moves to the top
    last = first[-1]
    rest = list_conversations(ctx, limit=3, after=(last.last_at, last.lead_id))
    # Read by offset the rows below moved down one place and the page would repeat Hello 2;
    # after the last row shown, it holds exactly the ones below that row.
    assert [r.last_body for r in rest] == ["Hello 3", "Hello 4"]
