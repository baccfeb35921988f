"""The status vocabulary: message buckets, sequence statuses and event kinds, one enum per
concept and one label table each (the words the window, the CLI and the exports share).

Every other module names buckets and sequence statuses through these enums; the string values
are what the database stores and what `sequences list --json` prints.
"""

from __future__ import annotations

from enum import StrEnum


class Bucket(StrEnum):
    """Where a message stands, as counted per sequence."""

    IN_QUEUE = "in_queue"
    OUTBOX = "outbox"
    SENT = "sent"
    ERROR = "error"
    DELIVERY_UNKNOWN = "delivery_unknown"
    CANCELED = "canceled"

    @property
    def label(self) -> str:
        return BUCKET_LABELS[self]

    @property
    def meaning(self) -> str:
        return BUCKET_MEANINGS[self]


# Order in which the buckets appear as columns and in reports.
BUCKET_ORDER: tuple[Bucket, ...] = (
    Bucket.ERROR,
    Bucket.IN_QUEUE,
    Bucket.OUTBOX,
    Bucket.SENT,
    Bucket.DELIVERY_UNKNOWN,
    Bucket.CANCELED,
)

BUCKET_LABELS: dict[Bucket, str] = {
    Bucket.IN_QUEUE: "In-queue",
    Bucket.OUTBOX: "Outbox",
    Bucket.SENT: "Sent",
    Bucket.ERROR: "Error",
    Bucket.DELIVERY_UNKNOWN: "Delivery unknown",
    Bucket.CANCELED: "Canceled",
}

OUTBOX_INFO = "Awaiting response from destination carrier"

BUCKET_MEANINGS: dict[Bucket, str] = {
    Bucket.IN_QUEUE: "Created and waiting for its send time, quiet hours or a free rate slot, "
    "or being handed to Twilio right now.",
    Bucket.OUTBOX: "Accepted by Twilio. " + OUTBOX_INFO + ".",
    Bucket.SENT: "The destination carrier confirmed delivery to the phone.",
    Bucket.ERROR: "Went out but was not delivered, or Twilio refused it. The error code says why.",
    Bucket.DELIVERY_UNKNOWN: "Stayed in the Outbox longer than the delivery-unknown timeout: "
    "the carrier never confirmed. A later confirmation still moves it to Sent or Error.",
    Bucket.CANCELED: "Never sent: the sequence was canceled, or the lead opted out or was "
    "deleted before its turn.",
}

# Buckets a message can still leave because of something the carrier reports.
TRACKED_BUCKETS: frozenset[Bucket] = frozenset({Bucket.OUTBOX, Bucket.DELIVERY_UNKNOWN})


class SequenceStatus(StrEnum):
    BEING_PROCESSED = "being_processed"
    PREPARATION_FAILED = "preparation_failed"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    DONE = "done"
    CANCELED = "canceled"

    @property
    def label(self) -> str:
        return SEQUENCE_STATUS_LABELS[self]

    @property
    def meaning(self) -> str:
        return SEQUENCE_STATUS_MEANINGS[self]


SEQUENCE_STATUS_LABELS: dict[SequenceStatus, str] = {
    SequenceStatus.BEING_PROCESSED: "Being processed",
    SequenceStatus.PREPARATION_FAILED: "Preparation failed",
    SequenceStatus.SCHEDULED: "Scheduled",
    SequenceStatus.IN_PROGRESS: "In progress",
    SequenceStatus.PAUSED: "Paused",
    SequenceStatus.DONE: "Done",
    SequenceStatus.CANCELED: "Canceled",
}

SEQUENCE_STATUS_MEANINGS: dict[SequenceStatus, str] = {
    SequenceStatus.BEING_PROCESSED: "Just created: its messages are being prepared.",
    SequenceStatus.PREPARATION_FAILED: "Its messages could not all be prepared (the program "
    "stopped or the disk was full): nothing of it is sent. Delete it, or retry.",
    SequenceStatus.SCHEDULED: "Prepared; its start time is still in the future.",
    SequenceStatus.IN_PROGRESS: "Messages are being handed to Twilio and tracked.",
    SequenceStatus.PAUSED: "Paused by you: nothing new goes out until you resume it.",
    SequenceStatus.DONE: "Nothing is waiting to go out, and every message has an outcome or "
    "the carrier window has passed since the last one went out.",
    SequenceStatus.CANCELED: "Canceled by you: waiting messages were canceled; messages "
    "already sent are still tracked.",
}


class EventKind(StrEnum):
    """Why a message event was written (kept beside from/to buckets in the history)."""

    CREATED = "created"
    CLAIMED = "claimed"
    HANDED_OFF = "handed_off"
    REFUSED = "refused"
    STATUS = "status"
    TIMEOUT = "timeout"
    CANCELED = "canceled"
    RETRY = "retry"
    RESEND = "resend"
    DEFERRED = "deferred"
