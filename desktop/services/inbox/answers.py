"""Answers to a lead: a one-off message through the engine, like any step (rate limit,
opt-outs, claims, tracking to Sent or Error), in the sender's conversation sequence.

Each answer is a step of its own in a sequence of kind "conversation" (one per sender,
hidden from the dashboard), so the engine, the counters and the history need nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop.models import InboundMessage, Lead, Message, Sequence, SequenceCounter, Step
from desktop.services.core.actor import current_actor
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.inbox.conversations import note_outbound, wrote_recently
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.services.text.segments import MAX_BODY_CHARS
from desktop.services.text.template import parse_template

CONVERSATION = "conversation"
TEST = "test"


@dataclass(frozen=True)
class Answer:
    message_id: int
    sequence_id: int
    body: str
    skip_quiet_hours: bool


def merge_values(lead: Lead) -> dict[str, str]:
    values = {
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "full_name": lead.full_name,
        "email": lead.email,
        "phone": lead.phone,
    }
    custom = getattr(lead, "custom_fields", None) or {}
    values.update({str(k): str(v) for k, v in custom.items()})
    return values


def render_for(lead: Lead, text: str) -> str:
    """`text` with the lead's merge fields; UserError when empty or too long."""
    body = parse_template(text.strip()).render(merge_values(lead)).strip() if text else ""
    if not body:
        raise UserError("the answer has no text")
    if len(body) > MAX_BODY_CHARS:
        raise UserError(
            f"the answer has {len(body)} characters; a text can have at most {MAX_BODY_CHARS}"
        )
    return body


def sendable_lead(session: Session, lead_id: int) -> Lead:
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"no lead with id {lead_id}")
    if lead.deleted_at is not None:
        raise UserError(f"{lead.full_name or lead.phone} was deleted: TextDesk does not text them")
    if lead.opted_out:
        raise UserError(
            f"{lead.full_name or lead.phone} opted out (replied STOP): TextDesk never texts "
            "them again unless they reply START"
        )
    return lead


def _sender_for(session: Session, lead: Lead, fallback: str) -> str:
    """The number the lead last wrote to, so the conversation stays on one number."""
    to = session.scalar(
        select(InboundMessage.to_phone)
        .where(InboundMessage.lead_id == lead.id)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(1)
    )
    return to if to and to.startswith("+") else fallback


def _sequence(session: Session, kind: str, sender: str, now: datetime) -> Sequence:
    """The hidden sequence that holds the one-off messages of `kind` from `sender`."""
    found = session.scalar(
        select(Sequence).where(Sequence.kind == kind, Sequence.sender == sender).limit(1)
    )
    if found is not None:
        return found
    name = "Conversations" if kind == CONVERSATION else "Test sends"
    sequence = Sequence(
        name=name,
        kind=kind,
        sender=sender,
        status=SequenceStatus.IN_PROGRESS.value,
        start_at=now,
        lead_selection={},
        stop_on_reply=False,
        created_at=now,
        updated_at=now,
    )
    session.add(sequence)
    session.flush()
    session.add(SequenceCounter(sequence_id=sequence.id))
    return sequence


def queue_one_off(
    session: Session,
    lead: Lead,
    body: str,
    now: datetime,
    *,
    sender: str,
    kind: str = CONVERSATION,
    skip_quiet_hours: bool = False,
    answers_inbound_id: int | None = None,
    created_by: str | None = None,
) -> Answer:
    """A message due now, as a new step of the hidden sequence of `kind` and `sender`;
    `created_by` names the person who wrote it (None: an auto-reply)."""
    sequence = _sequence(session, kind, sender, now)
    position = session.scalar(
        select(func.coalesce(func.max(Step.position), -1) + 1).where(
            Step.sequence_id == sequence.id
        )
    )
    step = Step(sequence_id=sequence.id, position=int(position or 0), body=body, media_urls=[])
    session.add(step)
    session.flush()
    message = Message(
        sequence_id=sequence.id,
        step_id=step.id,
        lead_id=lead.id,
        step_position=step.position,
        to_phone=lead.phone,
        body=body,
        bucket=Bucket.IN_QUEUE.value,
        scheduled_for=now,
        skip_quiet_hours=skip_quiet_hours,
        answers_inbound_id=answers_inbound_id,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    session.add(message)
    session.execute(
        update(SequenceCounter)
        .where(SequenceCounter.sequence_id == sequence.id)
        .values(total=SequenceCounter.total + 1, in_queue=SequenceCounter.in_queue + 1)
    )
    if sequence.status != SequenceStatus.IN_PROGRESS.value:
        sequence.status = SequenceStatus.IN_PROGRESS.value  # hidden sequences never finish
    session.flush()
    return Answer(message.id, sequence.id, body, skip_quiet_hours)


def answer(ctx: Context, lead_id: int, text: str) -> Answer:
    """Queue an answer to a lead (merge fields filled in); refused, with the reason, for an
    opted-out or deleted lead, an empty or too long text. Not held by quiet hours when the
    lead wrote within the last 24 hours."""
    now = ctx.now()
    fallback = ctx.settings.raw("sender")
    with ctx.db.write() as session:
        lead = sendable_lead(session, lead_id)
        body = render_for(lead, text)
        queued = queue_one_off(
            session,
            lead,
            body,
            now,
            sender=_sender_for(session, lead, fallback),
            skip_quiet_hours=wrote_recently(session, lead.id, now),
            created_by=current_actor(),
        )
        note_outbound(session, lead.id, body, now)
        return queued
