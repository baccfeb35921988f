"""Time-based moves: Outbox -> Delivery unknown after the timeout, and sequence statuses
(Scheduled -> In progress, -> Done after the carrier window)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from desktop.models import Message, Sequence
from desktop.services.core.context import Context
from desktop.services.engine.handoff_sql import of_senders
from desktop.services.sequences.lifecycle import refresh_statuses
from desktop.services.status.transitions import move
from desktop.services.status.vocabulary import Bucket, EventKind

BATCH = 1000


def sweep(ctx: Context, senders: Collection[str], default_sender: str = "") -> set[int]:
    """One sweep over the sequences of `senders` (the leases this engine holds); returns
    the sequence ids that changed."""
    if not senders:
        return set()
    now = ctx.now()
    cutoff = now - ctx.settings.get("delivery_unknown_after")
    changed: set[int] = set()
    while True:
        with ctx.db.write() as session:
            overdue = list(
                session.scalars(
                    select(Message)
                    .join(Sequence, Sequence.id == Message.sequence_id)
                    .where(
                        Message.bucket == Bucket.OUTBOX.value,
                        Message.handed_off_at <= cutoff,
                        of_senders(senders, default_sender),
                    )
                    .limit(BATCH)
                )
            )
            for message in overdue:
                move(
                    session,
                    message,
                    Bucket.DELIVERY_UNKNOWN,
                    EventKind.TIMEOUT,
                    now,
                    detail="no answer from the carrier within the timeout",
                )
                changed.add(message.sequence_id)
        if len(overdue) < BATCH:
            break
    changed.update(refresh_statuses(ctx, senders=senders))
    return changed
