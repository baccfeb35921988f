"""Nothing stays In-queue in a Canceled sequence: after a crash or a restart, what a
cancel could not reach (it was being handed off at that moment) is settled here, and what
was never claimed is canceled."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from desktop.models import Message, Sequence
from desktop.services.core.context import Context
from desktop.services.engine.handoff_sql import of_senders
from desktop.services.status.transitions import cancel_pending
from desktop.services.status.vocabulary import SequenceStatus


def cancel_leftovers(ctx: Context, senders: Collection[str], default_sender: str = "") -> set[int]:
    """Cancel unclaimed In-queue messages of canceled sequences of `senders`; returns the
    sequences that changed. Claimed ones are settled by reconciliation (to Canceled when
    Twilio never got them)."""
    if not senders:
        return set()
    canceled = (
        select(Sequence.id)
        .where(
            Sequence.status == SequenceStatus.CANCELED.value,
            of_senders(senders, default_sender),
        )
        .scalar_subquery()
    )
    with ctx.db.write() as session:
        changed = cancel_pending(
            session, Message.sequence_id.in_(canceled), ctx.now(), "sequence canceled"
        )
    return set(changed)
