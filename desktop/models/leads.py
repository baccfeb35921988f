"""Leads: the people a sequence texts, with their tags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, UTCDateTime, utcnow


class Lead(Base):
    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    # E.164; unique even among deleted leads so a re-import restores the same row.
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="")
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who last opted it out or back in by hand ("user@desktop"); None when the lead did so
    # by text (STOP / START).
    opted_out_by: Mapped[str | None] = mapped_column(String(120))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Set when a message to the number failed with an error that says the number itself cannot
    # take texts (the catalog's `dead_number`): such leads are left out of new sequences
    # while the setting suppress_dead_numbers is on; the owner can clear it.
    dead_number_code: Mapped[int | None] = mapped_column(Integer)
    dead_number_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The number's region spans time zones whose sending windows never overlap: its messages
    # wait until the owner gives the lead a time zone.
    timezone_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The owner's own phone, texted only by "send a test to my phone": never part of a
    # selection, a list or an export.
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    # The lead's own fields beyond the ones above ({"company": "Acme"}), keyed by merge-field
    # name (desktop.services.leads.custom_fields); NULL when it has none.
    custom_fields: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tags: Mapped[list[LeadTag]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def tag_names(self) -> list[str]:
        return sorted(t.tag for t in self.tags)


class LeadTag(Base):
    """Tags live in their own table so "all leads tagged X" is an index lookup."""

    __tablename__ = "lead_tags"
    __table_args__ = (Index("ix_lead_tags_tag", "tag"),)

    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)

    lead: Mapped[Lead] = relationship(back_populates="tags")
