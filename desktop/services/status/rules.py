"""Pure status rules: Twilio status -> bucket, the delivery-unknown timeout, sequence status,
and the pause/resume/cancel transitions. No database, no clock: callers pass `now`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from desktop.services.core.errors import UserError
from desktop.services.status.vocabulary import Bucket, SequenceStatus

# Twilio's message status enum (api.v2010.account.message "status").
PROVIDER_STATUS_BUCKET: Mapping[str, Bucket] = {
    "accepted": Bucket.OUTBOX,
    "scheduled": Bucket.OUTBOX,
    "queued": Bucket.OUTBOX,
    "sending": Bucket.OUTBOX,
    "sent": Bucket.OUTBOX,
    "delivered": Bucket.SENT,
    "read": Bucket.SENT,
    # Some parts of a long text (or some media) reached the phone. Counted as Sent: the
    # carrier confirmed a delivery to that phone, and calling it an error would invite a
    # resend that repeats what already arrived; the history shows the exact status.
    "partially_delivered": Bucket.SENT,
    "undelivered": Bucket.ERROR,
    "failed": Bucket.ERROR,
    "canceled": Bucket.CANCELED,
}
INBOUND_PROVIDER_STATUSES = frozenset({"receiving", "received"})
FINAL_BUCKETS = frozenset({Bucket.SENT, Bucket.ERROR, Bucket.CANCELED})


def bucket_for_provider_status(status: str | None) -> Bucket | None:
    """The bucket a Twilio status means; None for inbound or unknown statuses."""
    if not status:
        return None
    return PROVIDER_STATUS_BUCKET.get(status.strip().lower())


def bucket_after_status(current: Bucket, provider_status: str | None) -> Bucket | None:
    """Where a message goes when Twilio reports `provider_status`; None means stay put.

    A final carrier answer always wins (also over Delivery unknown). A non-final status never
    moves a message back out of Sent, Error or Delivery unknown: list pages can be stale.
    """
    target = bucket_for_provider_status(provider_status)
    if target is None or target == current:
        return None
    if target == Bucket.OUTBOX and current in (Bucket.SENT, Bucket.ERROR, Bucket.DELIVERY_UNKNOWN):
        return None
    if current == Bucket.CANCELED and target == Bucket.OUTBOX:
        return None
    return target


def is_delivery_unknown(
    bucket: Bucket, handed_off_at: datetime | None, now: datetime, timeout: timedelta
) -> bool:
    """An Outbox message with no carrier answer `timeout` after hand-off."""
    return bucket == Bucket.OUTBOX and handed_off_at is not None and now - handed_off_at >= timeout


@dataclass(frozen=True)
class SequenceFacts:
    """What the sequence status depends on."""

    status: SequenceStatus  # the stored status (carries the user's pause/cancel and Done)
    prepared: bool  # messages enqueued
    start_at: datetime
    counts: Mapping[Bucket, int]
    last_handoff_at: datetime | None


def is_done(
    counts: Mapping[Bucket, int],
    last_handoff_at: datetime | None,
    now: datetime,
    carrier_window: timedelta,
) -> bool:
    """Nothing In-queue, and nothing in Outbox or the carrier window has passed since the
    last successful hand-off."""
    if counts.get(Bucket.IN_QUEUE, 0) > 0:
        return False
    if counts.get(Bucket.OUTBOX, 0) == 0:
        return True
    return last_handoff_at is not None and now - last_handoff_at >= carrier_window


def sequence_status(
    facts: SequenceFacts, now: datetime, carrier_window: timedelta
) -> SequenceStatus:
    """The status a sequence should show now. Done and Canceled are final."""
    if facts.status in (
        SequenceStatus.DONE,
        SequenceStatus.CANCELED,
        SequenceStatus.PREPARATION_FAILED,
    ):
        return facts.status
    if not facts.prepared:
        return SequenceStatus.BEING_PROCESSED
    if is_done(facts.counts, facts.last_handoff_at, now, carrier_window):
        return SequenceStatus.DONE
    if facts.status == SequenceStatus.PAUSED:
        return SequenceStatus.PAUSED
    if facts.last_handoff_at is None and facts.start_at > now:
        return SequenceStatus.SCHEDULED
    return SequenceStatus.IN_PROGRESS


class SequenceAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"


class InvalidTransition(UserError):
    pass


# A sequence Being processed takes seconds and is sendable only when its preparation
# commits; one whose preparation failed is deleted or retried, never paused or canceled.
_ALLOWED_FROM: Mapping[SequenceAction, frozenset[SequenceStatus]] = {
    SequenceAction.PAUSE: frozenset({SequenceStatus.SCHEDULED, SequenceStatus.IN_PROGRESS}),
    SequenceAction.RESUME: frozenset({SequenceStatus.PAUSED}),
    SequenceAction.CANCEL: frozenset(
        {
            SequenceStatus.SCHEDULED,
            SequenceStatus.IN_PROGRESS,
            SequenceStatus.PAUSED,
        }
    ),
}


def apply_action(current: SequenceStatus, action: SequenceAction) -> SequenceStatus:
    """The stored status right after a user action; raises InvalidTransition with a sentence.

    Resume returns IN_PROGRESS; the caller re-derives Scheduled/Done with `sequence_status`.
    """
    if current not in _ALLOWED_FROM[action]:
        raise InvalidTransition(f"cannot {action.value} a sequence that is {current.label.lower()}")
    return {
        SequenceAction.PAUSE: SequenceStatus.PAUSED,
        SequenceAction.RESUME: SequenceStatus.IN_PROGRESS,
        SequenceAction.CANCEL: SequenceStatus.CANCELED,
    }[action]


def deleted_leads_count(lead_deleted: Mapping[int, bool]) -> int:
    """Leads of a sequence (lead id -> deleted?) that have been deleted since."""
    return sum(1 for deleted in lead_deleted.values() if deleted)
