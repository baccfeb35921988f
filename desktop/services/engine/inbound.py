"""Replies from leads: opt-out and opt-in keywords, and stop-on-reply."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from desktop.models import InboundMessage, Lead, Message, Sequence
from desktop.services.inbox.auto_replies import auto_reply
from desktop.services.inbox.conversations import note_inbound
from desktop.services.inbox.keywords import ReplyAction, classify
from desktop.services.leads.store import find_by_phone, opt_out
from desktop.services.status.transitions import cancel_pending
from desktop.services.status.vocabulary import Bucket
from desktop.services.twilio.gateway import TwilioMessage


def record_inbound(
    session: Session,
    record: TwilioMessage,
    now: datetime,
    *,
    business_name: str = "",
    fallback_sender: str = "",
) -> set[int] | None:
    """Store one inbound message and act on it (opt-out, opt-in, stop-on-reply, the inbox,
    a keyword's auto-reply); returns the sequence ids it changed, or None when it was
    already stored."""
    if session.scalar(select(InboundMessage.id).where(InboundMessage.twilio_sid == record.sid)):
        return None
    action = classify(record.body)
    lead = find_by_phone(session, record.from_)
    received = record.date_sent or record.date_created or now
    inbound = InboundMessage(
        twilio_sid=record.sid,
        lead_id=lead.id if lead else None,
        from_phone=record.from_[:20],
        to_phone=record.to[:64],
        body=record.body,
        action=action.value,
        received_at=received,
    )
    session.add(inbound)
    if lead is None:
        return set()
    session.flush()
    note_inbound(session, lead.id, record.body, received)
    if action == ReplyAction.OPT_OUT:
        canceled = cancel_pending(session, Message.lead_id == lead.id, now, "lead replied STOP")
        opt_out(session, lead, now, "lead replied STOP")
        return set(canceled)
    if action == ReplyAction.OPT_IN:
        lead.opted_out = False
        lead.opted_out_at = None
        lead.opted_out_by = None  # the lead, by text
        return set()
    changed = _stop_on_reply(session, lead, now)
    answered = auto_reply(
        session, inbound, lead, now, business_name=business_name, fallback_sender=fallback_sender
    )
    if answered is not None:
        changed.add(answered.sequence_id)
    return changed


def _stop_on_reply(session: Session, lead: Lead, now: datetime) -> set[int]:
    """A lead who answered a sequence gets no later steps of it (when the sequence says so):
    only sequences that already texted this lead count."""
    texted = exists().where(
        Message.sequence_id == Sequence.id,
        Message.lead_id == lead.id,
        Message.handed_off_at.is_not(None),
    )
    sequence_ids = list(
        session.scalars(select(Sequence.id).where(Sequence.stop_on_reply.is_(True), texted))
    )
    if not sequence_ids:
        return set()
    canceled = cancel_pending(
        session,
        and_(Message.lead_id == lead.id, Message.sequence_id.in_(sequence_ids)),
        now,
        "lead replied",
    )
    return set(canceled)


__all__ = ["Bucket", "ReplyAction", "classify", "record_inbound"]
