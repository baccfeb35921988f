"""Two-way texting: one conversation row per lead who wrote, keyword auto-replies, and
saved messages (templates)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, UTCDateTime, utcnow


class Conversation(Base):
    """The inbox's row of a lead, kept up to date with each reply and answer (like the
    sequence counters), so the list costs one indexed read whatever the number of messages."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_last_at", "last_at"),)

    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True
    )
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_body: Mapped[str] = mapped_column(Text, default="")
    last_inbound: Mapped[bool] = mapped_column(Boolean, default=True)  # who wrote last
    last_inbound_at: Mapped[datetime] = mapped_column(UTCDateTime)  # for the 24-hour rule
    unread: Mapped[int] = mapped_column(Integer, default=0)


class AutoReply(Base):
    """A keyword (the whole message, any case) and the answer sent to it."""

    __tablename__ = "auto_replies"

    keyword: Mapped[str] = mapped_column(String(40), primary_key=True)  # upper case
    answer: Mapped[str] = mapped_column(Text, default="")
    # A default (HELP, INFO) the owner switched off is kept as a disabled row.
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Template(Base):
    """A saved message, usable in composer steps and answers."""

    __tablename__ = "templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
