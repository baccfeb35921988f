"""The inbox: one row per lead who wrote, newest first, kept up to date as replies come in
and answers go out (like the sequence counters: the list never aggregates messages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, tuple_, update
from sqlalchemy.orm import Session

from desktop.models import Conversation, InboundMessage, Lead
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound

# The customer started the conversation: answers within this are not held by quiet hours.
CONVERSATION_WINDOW = timedelta(hours=24)
PREVIEW_CHARS = 160


@dataclass(frozen=True)
class ConversationRow:
    lead_id: int
    phone: str
    name: str
    unread: int
    last_at: datetime
    last_body: str
    last_inbound: bool  # the lead wrote last (else our answer is the last message)
    opted_out: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "lead_id": self.lead_id,
            "phone": self.phone,
            "name": self.name,
            "unread": self.unread,
            "last_at": self.last_at.isoformat(),
            "last_body": self.last_body,
        }


def list_conversations(
    ctx: Context,
    *,
    limit: int | None = None,
    offset: int = 0,
    search: str = "",
    after: tuple[datetime, int] | None = None,
) -> list[ConversationRow]:
    """Newest first; `search` matches a name or a phone number. `after` is the (last_at,
    lead_id) of the last row already shown: the next page starts below it, read from the
    index instead of counting `offset` rows again (pages deep in a long list cost the
    same as the first)."""
    # Columns, not Conversation objects: the list's pages are read while the window scrolls,
    # and building ORM objects held the GIL ~4 ms a page (bench/bench_inbox.py).
    query = (
        select(
            Conversation.lead_id,
            Conversation.unread,
            Conversation.last_at,
            Conversation.last_body,
            Conversation.last_inbound,
            Lead.phone,
            Lead.first_name,
            Lead.last_name,
            Lead.opted_out,
        )
        .join(Lead, Lead.id == Conversation.lead_id)
        .where(Lead.deleted_at.is_(None))
        .order_by(Conversation.last_at.desc(), Conversation.lead_id.desc())
        .offset(offset)
    )
    if search.strip():
        like = f"%{search.strip()}%"
        query = query.where(
            Lead.phone.like(like) | Lead.first_name.ilike(like) | Lead.last_name.ilike(like)
        )
    if after is not None:
        query = query.where(tuple_(Conversation.last_at, Conversation.lead_id) < after)
    if limit is not None:
        query = query.limit(limit)
    with ctx.db.read() as session:
        rows = session.execute(query).all()
    return [
        ConversationRow(
            lead_id=lead_id,
            phone=phone,
            name=" ".join(p for p in (first, last) if p) or phone,
            unread=unread,
            last_at=last_at,
            last_body=last_body,
            last_inbound=last_inbound,
            opted_out=opted_out,
        )
        for lead_id, unread, last_at, last_body, last_inbound, phone, first, last, opted_out in rows
    ]


def _listed(query: Select[Any]) -> Select[Any]:
    """Only the conversations the list shows: a deleted lead's are not counted."""
    return query.join(Lead, Lead.id == Conversation.lead_id).where(Lead.deleted_at.is_(None))


def count_conversations(ctx: Context) -> int:
    with ctx.db.read() as session:
        query = _listed(select(func.count()).select_from(Conversation))
        return int(session.scalar(query) or 0)


def unread_total(ctx: Context) -> int:
    """Unread replies of the listed conversations (a deleted lead's could never be read)."""
    with ctx.db.read() as session:
        query = _listed(select(func.coalesce(func.sum(Conversation.unread), 0)))
        return int(session.scalar(query) or 0)


def mark_read(ctx: Context, lead_id: int) -> int:
    """Every reply of the lead is read; returns how many were unread."""
    now = ctx.now()
    with ctx.db.write() as session:
        if session.get(Lead, lead_id) is None:
            raise NotFound(f"no lead with id {lead_id}")
        unread = InboundMessage.lead_id == lead_id, InboundMessage.read_at.is_(None)
        marked = session.scalar(select(func.count()).where(*unread))
        session.execute(update(InboundMessage).where(*unread).values(read_at=now))
        session.execute(
            update(Conversation).where(Conversation.lead_id == lead_id).values(unread=0)
        )
    return int(marked or 0)


def _preview(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def note_inbound(session: Session, lead_id: int, body: str, at: datetime) -> None:
    """A reply from the lead: its conversation comes first, one more unread."""
    row = session.get(Conversation, lead_id)
    if row is None:
        session.add(
            Conversation(
                lead_id=lead_id,
                last_at=at,
                last_body=_preview(body),
                last_inbound=True,
                last_inbound_at=at,
                unread=1,
            )
        )
        return
    row.unread += 1
    row.last_inbound_at = max(row.last_inbound_at, at)
    if at >= row.last_at:
        row.last_at, row.last_body, row.last_inbound = at, _preview(body), True


def note_outbound(session: Session, lead_id: int, body: str, at: datetime) -> None:
    """An answer to the lead: the last message of its conversation (if it has one)."""
    row = session.get(Conversation, lead_id)
    if row is not None and at >= row.last_at:
        row.last_at, row.last_body, row.last_inbound = at, _preview(body), False


def wrote_recently(session: Session, lead_id: int, now: datetime) -> bool:
    """The lead wrote within the conversation window (24 h)."""
    row = session.get(Conversation, lead_id)
    return row is not None and now - row.last_inbound_at <= CONVERSATION_WINDOW
