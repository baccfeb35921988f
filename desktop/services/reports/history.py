"""Read models for the dialogs: the messages of a sequence in one bucket, and one lead's
history of interactions (outbound messages with their events, and inbound replies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select

from desktop.models import InboundMessage, Lead, Message, MessageEvent, Sequence
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound
from desktop.services.status.vocabulary import Bucket, EventKind
from desktop.services.twilio import error_catalog

LIST_LIMIT = 50_000


@dataclass(frozen=True)
class BucketRow:
    """One message in the lead list dialog."""

    message_id: int
    lead_id: int
    lead_name: str
    phone: str
    step: int  # 1-based
    bucket: Bucket
    provider_status: str | None
    error_code: int | None
    error_title: str
    time: datetime | None  # the latest of final, handed off, scheduled, created
    lead_deleted: bool
    body: str = ""  # the text as rendered for this lead


def messages_in_bucket(
    ctx: Context, sequence_id: int, bucket: Bucket | None = None, limit: int = LIST_LIMIT
) -> list[BucketRow]:
    with ctx.db.read() as session:
        query = (
            select(Message, Lead.first_name, Lead.last_name, Lead.deleted_at)
            .join(Lead, Lead.id == Message.lead_id)
            .where(Message.sequence_id == sequence_id)
            .order_by(Message.id)
            .limit(limit)
        )
        if bucket is not None:
            query = query.where(Message.bucket == bucket.value)
        rows = []
        for m, first, last, deleted_at in session.execute(query):
            title = error_catalog.explain(m.error_code).title if m.error_code else ""
            rows.append(
                BucketRow(
                    message_id=m.id,
                    lead_id=m.lead_id,
                    lead_name=" ".join(p for p in (first, last) if p) or m.to_phone,
                    phone=m.to_phone,
                    step=m.step_position + 1,
                    bucket=Bucket(m.bucket),
                    provider_status=m.provider_status,
                    error_code=m.error_code,
                    error_title=title,
                    time=m.final_at or m.handed_off_at or m.scheduled_for or m.created_at,
                    lead_deleted=deleted_at is not None,
                    body=m.body,
                )
            )
        return rows


class HistoryEvent(NamedTuple):
    """One change of state of an outbound message, as its history shows it."""

    at: datetime
    to_bucket: str
    provider_status: str | None
    # Why it was canceled ("lead replied"). Other events' details stay out: they are for
    # support (an HTTP failure's text, a previous SID), not for the owner.
    reason: str | None = None
    actor: str | None = None  # the person behind it ("anna@front-desk"), team mode's who

    @property
    def label(self) -> str:
        """ "Sent (delivered)", "Canceled (lead replied)", "Canceled (sequence canceled by
        anna@front-desk)", "In-queue"."""
        label = Bucket(self.to_bucket).label
        why = self.reason or self.provider_status
        if why and self.actor:
            why = f"{why} by {self.actor}"
        return f"{label} ({why})" if why else label


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a lead's history, outbound or inbound, in time order."""

    time: datetime
    direction: str  # "outbound" or "inbound"
    sequence_id: int | None
    step: int | None  # 1-based, outbound only
    body: str
    bucket: Bucket | None  # outbound only
    provider_status: str | None
    error_code: int | None
    explanation: str | None  # the error's full explanation, for tooltips
    events: tuple[HistoryEvent, ...] = ()  # in time order
    # Outbound only: "step" (a campaign's), "answer", "auto_reply" or "test".
    origin: str | None = None
    # Outbound only: who wrote it ("anna@front-desk": the answer's writer, the sequence's
    # creator); None for auto-replies and rows from before team mode.
    written_by: str | None = None

    @property
    def status_label(self) -> str:
        if self.direction == "inbound":
            return "Reply"
        assert self.bucket is not None
        label = self.bucket.label
        return f"{label} ({self.error_code})" if self.error_code else label

    @property
    def cancel_reason(self) -> str | None:
        """Why a canceled message was canceled, with who did it ("lead replied", "sequence
        canceled by anna@front-desk"); None for any other message."""
        if self.bucket != Bucket.CANCELED:
            return None
        for event in reversed(self.events):
            if event.to_bucket == Bucket.CANCELED.value and event.reason:
                return f"{event.reason} by {event.actor}" if event.actor else event.reason
        return None


@dataclass(frozen=True)
class LeadHistory:
    lead_id: int
    name: str
    phone: str
    opted_out: bool
    deleted: bool
    entries: list[HistoryEntry]
    opted_out_by: str | None = None  # None: the lead, by text (or before team mode)


def _reply_order(received: datetime, stored: datetime | None) -> datetime:
    """Where a reply goes among the texts: Twilio dates it to the whole second, a hand-off
    has microseconds. It happened within its second and before we stored it, so it sorts
    at the earlier of the end of its second and our storing it: after a text sent earlier
    in that second, before an answer written once it was read."""
    if received.microsecond:
        return received
    latest = received + timedelta(microseconds=999_999)
    return min(latest, stored) if stored is not None and stored >= received else latest


def _origin(kind: str, answers_inbound_id: int | None) -> str:
    if kind == "conversation":
        return "auto_reply" if answers_inbound_id is not None else "answer"
    return "test" if kind == "test" else "step"


def lead_history(ctx: Context, lead_id: int) -> LeadHistory:
    with ctx.db.read() as session:
        lead = session.get(Lead, lead_id)
        if lead is None:
            raise NotFound(f"no lead with id {lead_id}")
        messages = session.scalars(select(Message).where(Message.lead_id == lead_id)).all()
        kinds: dict[int, str] = {}
        creators: dict[int, str | None] = {}
        for sequence_id, kind, creator in session.execute(
            select(Sequence.id, Sequence.kind, Sequence.created_by).where(
                Sequence.id.in_({m.sequence_id for m in messages})
            )
        ):
            kinds[sequence_id], creators[sequence_id] = kind, creator
        events: dict[int, list[HistoryEvent]] = {}
        if messages:
            for e in session.scalars(
                select(MessageEvent)
                .where(MessageEvent.message_id.in_([m.id for m in messages]))
                .order_by(MessageEvent.at, MessageEvent.id)
            ):
                reason = e.detail if e.kind == EventKind.CANCELED.value else None
                events.setdefault(e.message_id, []).append(
                    HistoryEvent(e.at, e.to_bucket, e.provider_status, reason, e.actor)
                )
        entries = [
            HistoryEntry(
                time=m.handed_off_at or m.scheduled_for or m.created_at,
                direction="outbound",
                sequence_id=m.sequence_id,
                step=m.step_position + 1,
                body=m.body,
                bucket=Bucket(m.bucket),
                provider_status=m.provider_status,
                error_code=m.error_code,
                explanation=error_catalog.explain(m.error_code).as_text() if m.error_code else None,
                events=tuple(events.get(m.id, ())),
                origin=_origin(kinds.get(m.sequence_id, "bulk"), m.answers_inbound_id),
                written_by=m.created_by or creators.get(m.sequence_id),
            )
            for m in messages
        ]
        order: dict[int, datetime] = {}
        for r in session.scalars(select(InboundMessage).where(InboundMessage.lead_id == lead_id)):
            reply = HistoryEntry(
                time=r.received_at,
                direction="inbound",
                sequence_id=None,
                step=None,
                body=r.body,
                bucket=None,
                provider_status="received",
                error_code=None,
                explanation=None,
            )
            order[id(reply)] = _reply_order(r.received_at, r.created_at)
            entries.append(reply)
        entries.sort(key=lambda e: order.get(id(e), e.time))
        return LeadHistory(
            lead_id=lead.id,
            name=lead.full_name or lead.phone,
            phone=lead.phone,
            opted_out=lead.opted_out,
            deleted=lead.deleted_at is not None,
            entries=entries,
            opted_out_by=lead.opted_out_by,
        )


@dataclass(frozen=True)
class RecentError:
    time: datetime
    sequence_id: int
    lead_id: int
    phone: str
    error_code: int
    title: str
    explanation: str


def recent_errors(ctx: Context, limit: int = 50) -> list[RecentError]:
    with ctx.db.read() as session:
        rows = session.scalars(
            select(Message)
            .where(Message.bucket == Bucket.ERROR.value, Message.error_code.is_not(None))
            .order_by(Message.final_at.desc(), Message.id.desc())
            .limit(limit)
        )
        result = []
        for m in rows:
            info = error_catalog.explain(m.error_code)
            result.append(
                RecentError(
                    time=m.final_at or m.updated_at,
                    sequence_id=m.sequence_id,
                    lead_id=m.lead_id,
                    phone=m.to_phone,
                    error_code=int(m.error_code or 0),
                    title=info.title,
                    explanation=info.as_text(),
                )
            )
        return result


@dataclass(frozen=True)
class Reply:
    time: datetime
    lead_id: int | None
    phone: str
    body: str
    action: str  # "opt_out", "opt_in", "reply"


def recent_replies(ctx: Context, limit: int = 50) -> list[Reply]:
    with ctx.db.read() as session:
        return [
            Reply(r.received_at, r.lead_id, r.from_phone, r.body, r.action)
            for r in session.scalars(
                select(InboundMessage).order_by(InboundMessage.received_at.desc()).limit(limit)
            )
        ]
