"""Sequences after creation: pause/resume/cancel, status refresh, listing with counts.

Creation and enqueueing live in desktop.services.sequences.builder.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Message, Sequence, Step
from desktop.services.core.actor import current_actor
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound
from desktop.services.status.rules import (
    SequenceAction,
    SequenceFacts,
    apply_action,
    sequence_status,
)
from desktop.services.status.transitions import Counts, cancel_pending, counts_by_sequence
from desktop.services.status.vocabulary import Bucket, SequenceStatus

# A message in one of these has an outcome: the carrier confirmed it, it failed, or the
# carrier stayed silent past the timeout. In-queue and Outbox are still on their way.
OUTCOME_BUCKETS: tuple[Bucket, ...] = (Bucket.SENT, Bucket.ERROR, Bucket.DELIVERY_UNKNOWN)


BULK = "bulk"  # Sequence.kind of the owner's campaigns (the others hold one-off messages)


@dataclass(frozen=True)
class SequenceSummary:
    id: int
    name: str
    status: SequenceStatus
    sender: str
    created_at: datetime
    start_at: datetime
    steps: int
    counts: Counts
    last_handoff_at: datetime | None = None
    done_at: datetime | None = None
    canceled_at: datetime | None = None

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def going_out(self) -> int:
        """Messages that will go out, or went out: every one but the canceled ones."""
        return self.counts.total - self.counts[Bucket.CANCELED]

    @property
    def with_outcome(self) -> int:
        """Messages whose fate is known: delivered, failed, or never confirmed."""
        return sum(self.counts[bucket] for bucket in OUTCOME_BUCKETS)

    @property
    def progress(self) -> float:
        """Messages with an outcome / messages that will go out (0..1).

        Canceled messages count on neither side, so a canceled sequence with nothing sent
        is at 0%, not 100%; a message still In-queue or in the Outbox keeps a sequence
        below 100%. A sequence with nothing to send is complete only once it is Done."""
        if not self.going_out:
            return 1.0 if self.status == SequenceStatus.DONE and not self.total else 0.0
        return self.with_outcome / self.going_out

    @property
    def last_activity_at(self) -> datetime | None:
        """The latest of the last hand-off to Twilio and the sequence's own outcome (Done,
        Canceled); None while nothing happened. Read from the sequence's row: the
        dashboard asks for it at every change, a scan of its messages would cost too much."""
        moments = [m for m in (self.last_handoff_at, self.done_at, self.canceled_at) if m]
        return max(moments) if moments else None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status.value,
            "total": self.counts.total,
            "counts": self.counts.as_json(),
        }


def _get(session: Session, sequence_id: int) -> Sequence:
    sequence = session.get(Sequence, sequence_id)
    if sequence is None:
        raise NotFound(f"no sequence with id {sequence_id}")
    return sequence


def _facts(sequence: Sequence, counts: Counts) -> SequenceFacts:
    return SequenceFacts(
        status=SequenceStatus(sequence.status),
        prepared=sequence.status != SequenceStatus.BEING_PROCESSED.value,
        start_at=sequence.start_at,
        counts=counts.buckets,
        last_handoff_at=sequence.last_handoff_at,
    )


def act(ctx: Context, sequence_id: int, action: SequenceAction) -> SequenceStatus:
    """Pause, resume or cancel; returns the new status. Canceling cancels every message
    still In-queue; messages already handed off keep being tracked."""
    now = ctx.now()
    window = ctx.settings.get("carrier_window")
    with ctx.db.write() as session:
        sequence = _get(session, sequence_id)
        status = apply_action(SequenceStatus(sequence.status), action)
        sequence.status = status.value
        if action == SequenceAction.CANCEL:
            sequence.canceled_at = now
            sequence.canceled_by = who = current_actor()
            cancel_pending(
                session, Message.sequence_id == sequence_id, now, "sequence canceled", actor=who
            )
        elif action == SequenceAction.RESUME:
            counts = counts_by_sequence(session, [sequence_id])[sequence_id]
            status = sequence_status(_facts(sequence, counts), now, window)
            sequence.status = status.value
            if status == SequenceStatus.DONE:
                sequence.done_at = now
        return status


def pause(ctx: Context, sequence_id: int) -> SequenceStatus:
    return act(ctx, sequence_id, SequenceAction.PAUSE)


def resume(ctx: Context, sequence_id: int) -> SequenceStatus:
    return act(ctx, sequence_id, SequenceAction.RESUME)


def cancel(ctx: Context, sequence_id: int) -> SequenceStatus:
    return act(ctx, sequence_id, SequenceAction.CANCEL)


def refresh_statuses(
    ctx: Context,
    sequence_ids: list[int] | None = None,
    *,
    senders: Collection[str] | None = None,
) -> list[int]:
    """Re-derive the status of live sequences (Done after the carrier window, Scheduled ->
    In progress ...); returns the ids whose status changed."""
    now = ctx.now()
    window = ctx.settings.get("carrier_window")
    live = [
        s.value
        for s in SequenceStatus
        if s
        not in (
            SequenceStatus.DONE,
            SequenceStatus.CANCELED,
            SequenceStatus.BEING_PROCESSED,
            SequenceStatus.PREPARATION_FAILED,
        )
    ]
    changed: list[int] = []
    with ctx.db.write() as session:
        # Hidden sequences (answers, test sends) are always In progress: nothing to derive.
        query = select(Sequence).where(Sequence.status.in_(live), Sequence.kind == BULK)
        if sequence_ids is not None:
            query = query.where(Sequence.id.in_(sequence_ids))
        if senders is not None:
            query = query.where(Sequence.sender.in_(list(senders)))
        sequences = list(session.scalars(query))
        counts = counts_by_sequence(session, [s.id for s in sequences])
        for sequence in sequences:
            status = sequence_status(_facts(sequence, counts[sequence.id]), now, window)
            if status.value != sequence.status:
                sequence.status = status.value
                if status == SequenceStatus.DONE:
                    sequence.done_at = now
                changed.append(sequence.id)
    return changed


def list_sequences(ctx: Context, sequence_ids: list[int] | None = None) -> list[SequenceSummary]:
    """All sequences with their counts and step numbers: two Core queries whatever the
    number of messages (no ORM objects: the dashboard and the CLI call this often)."""
    sequences, steps_table = Sequence.__table__, Step.__table__
    steps = (
        select(func.count())
        .where(steps_table.c.sequence_id == sequences.c.id)
        .correlate(sequences)
        .scalar_subquery()
    )
    query = select(
        sequences.c.id,
        sequences.c.name,
        sequences.c.status,
        sequences.c.sender,
        sequences.c.created_at,
        sequences.c.start_at,
        steps,
        sequences.c.last_handoff_at,
        sequences.c.done_at,
        sequences.c.canceled_at,
    ).order_by(sequences.c.id.desc())
    query = query.where(sequences.c.kind == BULK)  # answers and test sends are not campaigns
    if sequence_ids is not None:
        query = query.where(sequences.c.id.in_(sequence_ids))
    with ctx.db.read_connection() as connection:
        rows = connection.execute(query).all()
        counts = counts_by_sequence(connection, sequence_ids)
    return [
        SequenceSummary(
            id=row[0],
            name=row[1],
            status=SequenceStatus(row[2]),
            sender=row[3],
            created_at=row[4],
            start_at=row[5],
            steps=int(row[6] or 0),
            counts=counts.get(row[0], Counts()),
            last_handoff_at=row[7],
            done_at=row[8],
            canceled_at=row[9],
        )
        for row in rows
    ]


def get_summary(ctx: Context, sequence_id: int) -> SequenceSummary:
    found = list_sequences(ctx, [sequence_id])
    if not found:
        raise NotFound(f"no sequence with id {sequence_id}")
    return found[0]
