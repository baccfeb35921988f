"""Engine leases: which process sends, polls and sweeps for a sender."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, UTCDateTime


class EngineLease(Base):
    """One row per sender. The holder renews `expires_at` with a heartbeat; a row whose
    expiry passed, or whose process is gone from this host, may be taken over."""

    __tablename__ = "engine_leases"

    sender: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    # When the owning process started (Linux /proc start time): a reused pid is not alive.
    process_started: Mapped[str] = mapped_column(String(32), default="")
    role: Mapped[str] = mapped_column(String(16), default="engine")  # worker, service, window
    user_name: Mapped[str] = mapped_column(String(64), default="", server_default="")
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What keeps the holder from sending (one line), renewed with each heartbeat.
    problem: Mapped[str | None] = mapped_column(Text)
