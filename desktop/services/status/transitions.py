"""The one place that changes a message's bucket: it writes the message event and keeps the
sequence counters in the same transaction, so the buckets always add up to the total."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, literal, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from desktop.models import Message, MessageEvent, SequenceCounter
from desktop.services.status.rules import (
    FINAL_BUCKETS,
)
from desktop.services.status.vocabulary import BUCKET_ORDER, Bucket, EventKind


@dataclass(frozen=True)
class Counts:
    """Bucket counts of one sequence, plus its deleted leads."""

    total: int = 0
    deleted_leads: int = 0
    buckets: Mapping[Bucket, int] = field(default_factory=dict)

    def __getitem__(self, bucket: Bucket) -> int:
        return self.buckets.get(bucket, 0)

    def as_json(self) -> dict[str, int]:
        data = {bucket.value: self[bucket] for bucket in Bucket}
        data["deleted_leads"] = self.deleted_leads
        return data

    @staticmethod
    def from_row(row: Any) -> Counts:
        """From a SequenceCounter object or a row of its table."""
        return Counts(
            total=row.total,
            deleted_leads=row.deleted_leads,
            buckets={bucket: getattr(row, bucket.value) for bucket in BUCKET_ORDER},
        )


def bump_counters(
    session: Session | Connection, sequence_id: int, deltas: Mapping[str, int]
) -> None:
    """Add `deltas` (column name -> amount) to a sequence's counter row."""
    values = {
        name: getattr(SequenceCounter, name) + amount for name, amount in deltas.items() if amount
    }
    if values:
        session.execute(
            update(SequenceCounter).where(SequenceCounter.sequence_id == sequence_id).values(values)
        )


def move(
    session: Session,
    message: Message,
    to: Bucket,
    kind: EventKind,
    now: datetime,
    *,
    provider_status: str | None = None,
    error_code: int | None = None,
    error_message: str | None = None,
    detail: str | None = None,
) -> bool:
    """Put `message` in bucket `to` and record the event; returns whether anything changed.

    A provider status change inside the same bucket (queued -> sending -> sent) is recorded
    as an event too: it is part of the lead's history.
    """
    current = Bucket(message.bucket)
    status_changed = provider_status is not None and provider_status != message.provider_status
    if to == current and not status_changed and error_code is None:
        return False
    session.add(
        MessageEvent(
            message_id=message.id,
            at=now,
            kind=kind.value,
            from_bucket=current.value,
            to_bucket=to.value,
            provider_status=provider_status,
            error_code=error_code,
            detail=detail,
        )
    )
    if provider_status is not None:
        message.provider_status = provider_status
    if error_code is not None:
        message.error_code = error_code
    if error_message is not None:
        message.error_message = error_message
    if to != current:
        message.bucket = to.value
        message.final_at = now if to in FINAL_BUCKETS else None
        bump_counters(session, message.sequence_id, {current.value: -1, to.value: 1})
    return True


def cancel_pending(
    session: Session,
    where: ColumnElement[bool],
    now: datetime,
    reason: str,
    *,
    actor: str | None = None,
) -> dict[int, int]:
    """Cancel every In-queue message matching `where` that is not being handed off right now;
    `actor` names the person behind it ("user@desktop"; None: the engine or the lead).

    Set-based (events by INSERT ... SELECT, one UPDATE), so canceling 100 000 messages is a
    few statements. Returns canceled counts per sequence id.
    """
    pending = and_(where, Message.bucket == Bucket.IN_QUEUE.value, Message.claimed_at.is_(None))
    per_sequence = dict(
        session.execute(
            select(Message.sequence_id, func.count()).where(pending).group_by(Message.sequence_id)
        ).all()
    )
    if not per_sequence:
        return {}
    session.execute(
        insert(MessageEvent).from_select(
            ["message_id", "at", "kind", "from_bucket", "to_bucket", "detail", "actor"],
            select(
                Message.id,
                literal(now, MessageEvent.at.type),
                literal(EventKind.CANCELED.value),
                literal(Bucket.IN_QUEUE.value),
                literal(Bucket.CANCELED.value),
                literal(reason),
                literal(actor, MessageEvent.actor.type),
            ).where(pending),
        )
    )
    session.execute(
        update(Message)
        .where(pending)
        .values(bucket=Bucket.CANCELED.value, final_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    for sequence_id, count in per_sequence.items():
        bump_counters(
            session, sequence_id, {Bucket.IN_QUEUE.value: -count, Bucket.CANCELED.value: count}
        )
    return per_sequence


def counts_by_sequence(
    session: Session | Connection, sequence_ids: list[int] | None = None
) -> dict[int, Counts]:
    """Counts for many sequences in one query over the counter rows (never over messages).
    A Core query: the dashboard and the CLI ask often, and need no ORM objects."""
    table = SequenceCounter.__table__
    query = select(table)
    if sequence_ids is not None:
        query = query.where(table.c.sequence_id.in_(sequence_ids))
    return {row.sequence_id: Counts.from_row(row) for row in session.execute(query)}


def recount(session: Session, sequence_id: int) -> Counts:
    """Counts straight from the messages: the slow truth the counters are checked against."""
    rows = session.execute(
        select(Message.bucket, func.count())
        .where(Message.sequence_id == sequence_id)
        .group_by(Message.bucket)
    ).all()
    buckets = dict.fromkeys(BUCKET_ORDER, 0)
    buckets.update({Bucket(bucket): count for bucket, count in rows})
    return Counts(total=sum(buckets.values()), buckets=buckets)
