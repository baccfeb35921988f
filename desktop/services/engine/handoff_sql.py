"""The statements of the hand-off path, built once.

The hand-off runs once per message: building and keying a statement per call cost more than
running it, so each execution here only binds values.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, Update, bindparam, case, exists, func, insert, or_, update

from desktop.models import EngineLease, Lead, Message, MessageEvent, Sequence, SequenceCounter
from desktop.services.status.vocabulary import Bucket, EventKind, SequenceStatus

SENDING_STATUSES = (SequenceStatus.SCHEDULED.value, SequenceStatus.IN_PROGRESS.value)


def of_senders(senders: Collection[str], default_sender: str) -> ColumnElement[bool]:
    """Sequences sent from one of `senders`; one without a sender yet (never handed off)
    belongs to the engine holding `default_sender`."""
    condition: ColumnElement[bool] = Sequence.sender.in_(sorted(senders))
    if default_sender and default_sender in senders:
        condition = or_(condition, Sequence.sender == "")
    return condition


# The claim is the start of a send, and re-checks everything that may have changed since the
# message was picked: still In-queue and unclaimed, its sequence still sending (a cancel or
# pause that returned stops it here), its lead not opted out or deleted, and the claimer
# still holding the sender's lease. One statement, so it is atomic with each of those.
CLAIM = (
    update(Message)
    .where(
        Message.id == bindparam("mid"),
        Message.claimed_at.is_(None),
        Message.bucket == Bucket.IN_QUEUE.value,
        exists().where(Sequence.id == Message.sequence_id, Sequence.status.in_(SENDING_STATUSES)),
        exists().where(
            Lead.id == Message.lead_id, Lead.opted_out.is_(False), Lead.deleted_at.is_(None)
        ),
        exists().where(
            EngineLease.sender == bindparam("lease_sender"),
            EngineLease.owner_id == bindparam("owner"),
            EngineLease.expires_at > bindparam("at"),
        ),
    )
    .values(
        claimed_at=bindparam("at"), claimed_by=bindparam("owner"), attempts=Message.attempts + 1
    )
)
TO_OUTBOX = (
    update(Message)
    .where(Message.id == bindparam("mid"), Message.bucket == Bucket.IN_QUEUE.value)
    .values(
        bucket=bindparam("bucket"),
        twilio_sid=bindparam("sid"),
        handed_off_at=bindparam("at"),
        num_segments=bindparam("segments"),
        provider_status=bindparam("status"),
        final_at=bindparam("final"),
        updated_at=bindparam("at"),
    )
)
HANDOFF_EVENT = insert(MessageEvent).values(
    message_id=bindparam("mid"),
    at=bindparam("at"),
    kind=EventKind.HANDED_OFF.value,
    from_bucket=Bucket.IN_QUEUE.value,
    to_bucket=bindparam("bucket"),
    provider_status=bindparam("status"),
    detail=bindparam("detail"),
)
SEQUENCE_HANDOFF = (
    update(Sequence)
    .where(Sequence.id == bindparam("seq"))
    .values(
        first_handoff_at=func.coalesce(Sequence.first_handoff_at, bindparam("at")),
        last_handoff_at=bindparam("at"),
        status=case(
            (Sequence.status == SequenceStatus.SCHEDULED.value, SequenceStatus.IN_PROGRESS.value),
            else_=Sequence.status,
        ),
    )
)
SCHEDULE_NEXT = (
    update(Message)
    .where(
        Message.sequence_id == bindparam("seq"),
        Message.lead_id == bindparam("lead"),
        Message.step_position == bindparam("position"),
        Message.bucket == Bucket.IN_QUEUE.value,
        Message.scheduled_for.is_(None),
    )
    .values(scheduled_for=bindparam("due"))
)


def counters_for(bucket: Bucket) -> Update:
    """In-queue -1, `bucket` +1, for one sequence (built once per target bucket)."""
    return (
        update(SequenceCounter)
        .where(SequenceCounter.sequence_id == bindparam("seq"))
        .values(
            {
                SequenceCounter.in_queue: SequenceCounter.in_queue - 1,
                getattr(SequenceCounter, bucket.value): getattr(SequenceCounter, bucket.value) + 1,
            }
        )
    )


HANDOFF_COUNTERS: dict[Bucket, Update] = {
    bucket: counters_for(bucket) for bucket in Bucket if bucket != Bucket.IN_QUEUE
}


def of_account(account_sid: str) -> ColumnElement[bool]:
    """Sequences an engine signed in to `account_sid` may send: its account's, and those
    that name none (demo mode, or created before team mode). Another account's sequence
    waits for a desktop signed in to that account (it would bill the wrong account)."""
    return or_(Sequence.account_sid == "", Sequence.account_sid == account_sid)
