"""Sequences, their steps, and the per-sequence bucket counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, UTCDateTime, utcnow


class Sequence(Base):
    __tablename__ = "sequences"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # "bulk" (the dashboard's sequences), "conversation" (answers to replies, one per
    # sender) or "test" (test sends to the owner's phone): the engine sends all alike.
    kind: Mapped[str] = mapped_column(String(16), default="bulk", index=True)
    sender: Mapped[str] = mapped_column(String(64), default="")
    # The Twilio account it was created under ("" before team mode): only engines signed in
    # to that account send it.
    account_sid: Mapped[str] = mapped_column(String(34), default="", server_default="")
    # Who created and who canceled it: "user@desktop" (None on older rows).
    created_by: Mapped[str | None] = mapped_column(String(120))
    canceled_by: Mapped[str | None] = mapped_column(String(120))
    # A desktop.services.status.vocabulary.SequenceStatus value.
    status: Mapped[str] = mapped_column(String(20), index=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # How leads were chosen ({"all": true} / {"tag": "x"} / {"ids": [...]}); kept so an
    # interrupted preparation can be finished after a restart.
    lead_selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    stop_on_reply: Mapped[bool] = mapped_column(Boolean, default=True)
    excluded_opted_out: Mapped[int] = mapped_column(Integer, default=0)
    excluded_deleted: Mapped[int] = mapped_column(Integer, default=0)
    # Who is preparing it while Being processed ("host pid start"): a preparation whose
    # process is gone is shown as failed, never finished behind the user's back.
    preparer: Mapped[str] = mapped_column(String(80), default="")
    first_handoff_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_handoff_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    steps: Mapped[list[Step]] = relationship(
        back_populates="sequence",
        order_by="Step.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class Step(Base):
    __tablename__ = "steps"
    __table_args__ = (UniqueConstraint("sequence_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("sequences.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 0-based
    body: Mapped[str] = mapped_column(Text)
    media_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Wait after the previous step was handed off to the same lead (0 for the first step).
    delay_seconds: Mapped[float] = mapped_column(Float, default=0.0)

    sequence: Mapped[Sequence] = relationship(back_populates="steps")


class SequenceCounter(Base):
    """Bucket counts per sequence, kept in the same transactions that move messages, so the
    dashboard reads one row per sequence instead of aggregating every message."""

    __tablename__ = "sequence_counters"

    sequence_id: Mapped[int] = mapped_column(
        ForeignKey("sequences.id", ondelete="CASCADE"), primary_key=True
    )
    total: Mapped[int] = mapped_column(Integer, default=0)
    in_queue: Mapped[int] = mapped_column(Integer, default=0)
    outbox: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[int] = mapped_column(Integer, default=0)
    delivery_unknown: Mapped[int] = mapped_column(Integer, default=0)
    canceled: Mapped[int] = mapped_column(Integer, default=0)
    deleted_leads: Mapped[int] = mapped_column(Integer, default=0)
