"""Replies from leads: opt-out and opt-in keywords, and stop-on-reply."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from desktop.models import InboundMessage, Lead, Message, Sequence
from desktop.services.leads.store import find_by_phone, opt_out
from desktop.services.status.transitions import cancel_pending
from desktop.services.status.vocabulary import Bucket
from desktop.services.twilio.gateway import TwilioMessage

# Twilio's default opt-out and opt-in keywords (Advanced Opt-Out defaults).
OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})


class ReplyAction(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    REPLY = "reply"


def classify(body: str) -> ReplyAction:
    """A reply that is only a keyword (any case, surrounding spaces or punctuation) acts."""
    word = re.sub(r"[^A-Za-z]", "", (body or "").strip()).upper()
    if word in OPT_OUT_WORDS:
        return ReplyAction.OPT_OUT
    if word in OPT_IN_WORDS:
        return ReplyAction.OPT_IN
    return ReplyAction.REPLY


def record_inbound(session: Session, record: TwilioMessage, now: datetime) -> set[int] | None:
    """Store one inbound message and act on it; returns the sequence ids it changed, or None
    when it was already stored."""
    if session.scalar(select(InboundMessage.id).where(InboundMessage.twilio_sid == record.sid)):
        return None
    action = classify(record.body)
    lead = find_by_phone(session, record.from_)
    received = record.date_sent or record.date_created or now
    session.add(
        InboundMessage(
            twilio_sid=record.sid,
            lead_id=lead.id if lead else None,
            from_phone=record.from_[:20],
            to_phone=record.to[:64],
            body=record.body,
            action=action.value,
            received_at=received,
        )
    )
    if lead is None:
        return set()
    if action == ReplyAction.OPT_OUT:
        canceled = cancel_pending(session, Message.lead_id == lead.id, now, "lead replied STOP")
        opt_out(session, lead, now, "lead replied STOP")
        return set(canceled)
    if action == ReplyAction.OPT_IN:
        lead.opted_out = False
        lead.opted_out_at = None
        return set()
    return _stop_on_reply(session, lead, now)


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
