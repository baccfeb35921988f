"""Resend the messages of a sequence whose error a resend can cure (the error catalog's
`resend_helps`), on the user's explicit request."""

from __future__ import annotations

from sqlalchemy import select

from desktop.models import Lead, Message, Sequence
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.status.transitions import move
from desktop.services.status.vocabulary import Bucket, EventKind, SequenceStatus
from desktop.services.twilio import error_catalog


def resendable_count(ctx: Context, sequence_id: int) -> int:
    with ctx.db.read() as session:
        codes = session.scalars(
            select(Message.error_code).where(
                Message.sequence_id == sequence_id, Message.bucket == Bucket.ERROR.value
            )
        )
        return sum(1 for code in codes if code and error_catalog.explain(code).resend_helps)


def resend_where_it_helps(ctx: Context, sequence_id: int) -> int:
    """Put every Error message a resend can cure back In-queue (due now); returns how many.

    The previous SID is kept in the event's detail, so the history shows both attempts.
    Leads that opted out or were deleted since are left alone.
    """
    now = ctx.now()
    with ctx.db.write() as session:
        sequence = session.get(Sequence, sequence_id)
        if sequence is None:
            raise NotFound(f"no sequence with id {sequence_id}")
        if sequence.status == SequenceStatus.CANCELED.value:
            raise UserError("this sequence was canceled; create a new one to send again")
        rows = session.execute(
            select(Message)
            .join(Lead, Lead.id == Message.lead_id)
            .where(
                Message.sequence_id == sequence_id,
                Message.bucket == Bucket.ERROR.value,
                Lead.opted_out.is_(False),
                Lead.deleted_at.is_(None),
            )
        ).scalars()
        count = 0
        for message in rows:
            if not message.error_code or not error_catalog.explain(message.error_code).resend_helps:
                continue
            previous = message.twilio_sid
            move(
                session,
                message,
                Bucket.IN_QUEUE,
                EventKind.RESEND,
                now,
                detail=f"resent by the user; previous SID {previous or 'none'}",
            )
            message.twilio_sid = None
            message.provider_status = None
            message.error_code = None
            message.error_message = None
            message.claimed_at = None
            message.handed_off_at = None
            message.final_at = None
            message.scheduled_for = now
            count += 1
        if count and sequence.status == SequenceStatus.DONE.value:
            sequence.status = SequenceStatus.IN_PROGRESS.value
            sequence.done_at = None
        return count
