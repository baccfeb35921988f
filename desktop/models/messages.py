"""Messages (one per sequence x step x lead), their events, and inbound replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, UTCDateTime, utcnow


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        # The guarantee that no lead gets the same step twice starts here.
        UniqueConstraint("sequence_id", "step_id", "lead_id"),
        # The dispatcher's "what is due" query.
        Index("ix_messages_bucket_scheduled", "bucket", "scheduled_for"),
        Index("ix_messages_sequence_bucket", "sequence_id", "bucket"),
        Index("ix_messages_lead", "lead_id"),
        Index("ix_messages_answers_inbound_id", "answers_inbound_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("sequences.id", ondelete="CASCADE"))
    step_id: Mapped[int] = mapped_column(ForeignKey("steps.id", ondelete="CASCADE"))
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    step_position: Mapped[int] = mapped_column(Integer)
    to_phone: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    media_urls: Mapped[list[str] | None] = mapped_column(JSON)
    # A desktop.services.status.vocabulary.Bucket value.
    bucket: Mapped[str] = mapped_column(String(20))
    twilio_sid: Mapped[str | None] = mapped_column(String(34), unique=True)
    provider_status: Mapped[str | None] = mapped_column(String(20))
    error_code: Mapped[int | None] = mapped_column(Integer)
    error_message: Mapped[str | None] = mapped_column(Text)
    num_segments: Mapped[int | None] = mapped_column(Integer)
    price: Mapped[str | None] = mapped_column(String(16))  # Twilio's decimal string, as given
    price_unit: Mapped[str | None] = mapped_column(String(8))
    # NULL while a later step waits for the previous step to go out.
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set, and committed, before the API call: a claim without SID is reconciled at start-up.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The engine (desktop.services.engine.leases.Owner.id) that claimed it: only that owner
    # may send it, and its claim is reconciled by another engine only once that owner is gone.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    handed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # An answer or an auto-reply to a lead who wrote within the last 24 hours is not held by
    # quiet hours (the customer started the conversation).
    skip_quiet_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    # The reply (inbound_messages.id) an auto-reply answers: one answer per inbound message
    # (a unique index; no foreign key, so the column could be added in place).
    answers_inbound_id: Mapped[int | None] = mapped_column()
    # Who wrote it, for answers and test sends ("user@desktop"); None for a sequence's steps.
    created_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MessageEvent(Base):
    """One row per change of a message's state: the lead's history of interactions."""

    __tablename__ = "message_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # a statuses.EventKind value
    from_bucket: Mapped[str | None] = mapped_column(String(20))
    to_bucket: Mapped[str] = mapped_column(String(20))
    provider_status: Mapped[str | None] = mapped_column(String(20))
    error_code: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    # The person behind the change ("user@desktop"), None when the engine or Twilio made it.
    actor: Mapped[str | None] = mapped_column(String(120))


class InboundMessage(Base):
    """A reply from a lead (or anyone) to one of our senders, read by the poller."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    twilio_sid: Mapped[str] = mapped_column(String(34), unique=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    from_phone: Mapped[str] = mapped_column(String(20), index=True)
    to_phone: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text, default="")
    # "opt_out", "opt_in" or "reply".
    action: Mapped[str] = mapped_column(String(10), default="reply")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
