"""Leads: listing, soft delete, opt-out/in and tags. Import from CSV is in leads_import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session

from desktop.models import Lead, LeadTag, Message
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.status.transitions import bump_counters, cancel_pending


def normalize_tag(tag: str) -> str:
    cleaned = " ".join((tag or "").split()).lower()
    if not cleaned:
        raise UserError("a tag cannot be empty")
    if len(cleaned) > 64:
        raise UserError(f"a tag can have at most 64 characters: {cleaned[:20]!r}…")
    return cleaned


def split_tags(text: str) -> list[str]:
    """Tags written in one cell: `vip; spring, walk-in` -> three tags."""
    parts = text.replace(";", ",").replace("|", ",").split(",")
    return sorted({normalize_tag(p) for p in parts if p.strip()})


@dataclass(frozen=True)
class LeadRow:
    """A detached lead for display and JSON."""

    id: int
    phone: str
    first_name: str
    last_name: str
    email: str
    tags: tuple[str, ...]
    timezone: str
    opted_out: bool
    deleted: bool

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "phone": self.phone,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "tags": list(self.tags),
            "timezone": self.timezone,
            "opted_out": self.opted_out,
        }

    @staticmethod
    def of(lead: Lead) -> LeadRow:
        return LeadRow(
            id=lead.id,
            phone=lead.phone,
            first_name=lead.first_name,
            last_name=lead.last_name,
            email=lead.email,
            tags=tuple(lead.tag_names),
            timezone=lead.timezone,
            opted_out=lead.opted_out,
            deleted=lead.deleted_at is not None,
        )


def _filtered(
    query: Select[Any], search: str | None, tag: str | None, include_deleted: bool
) -> Select[Any]:
    if not include_deleted:
        query = query.where(Lead.deleted_at.is_(None))
    if tag:
        query = query.where(
            Lead.id.in_(select(LeadTag.lead_id).where(LeadTag.tag == normalize_tag(tag)))
        )
    if search and search.strip():
        like = f"%{search.strip()}%"
        query = query.where(
            or_(
                Lead.phone.ilike(like),
                Lead.first_name.ilike(like),
                Lead.last_name.ilike(like),
                Lead.email.ilike(like),
            )
        )
    return query


def list_leads(
    ctx: Context,
    *,
    search: str | None = None,
    tag: str | None = None,
    include_deleted: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[LeadRow]:
    with ctx.db.read() as session:
        query = _filtered(select(Lead), search, tag, include_deleted).order_by(Lead.id)
        query = query.offset(offset).limit(limit)
        return [LeadRow.of(lead) for lead in session.scalars(query)]


def count_leads(
    ctx: Context,
    *,
    search: str | None = None,
    tag: str | None = None,
    include_deleted: bool = False,
) -> int:
    with ctx.db.read() as session:
        query = _filtered(select(func.count(Lead.id)), search, tag, include_deleted)
        return int(session.scalar(query) or 0)


def all_tags(ctx: Context) -> list[tuple[str, int]]:
    """Every tag with how many live leads carry it."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(LeadTag.tag, func.count())
            .join(Lead, Lead.id == LeadTag.lead_id)
            .where(Lead.deleted_at.is_(None))
            .group_by(LeadTag.tag)
            .order_by(LeadTag.tag)
        ).all()
    return [(tag, count) for tag, count in rows]


def _require(session: Session, ids: Sequence[int]) -> list[Lead]:
    unique = sorted(set(ids))
    found = list(session.scalars(select(Lead).where(Lead.id.in_(unique))))
    missing = sorted(set(unique) - {lead.id for lead in found})
    if missing:
        raise NotFound(f"no lead with id {', '.join(map(str, missing))}")
    return found


def _bump_deleted_leads(session: Session, lead_ids: Iterable[int], sign: int) -> None:
    per_sequence = session.execute(
        select(Message.sequence_id, func.count(func.distinct(Message.lead_id)))
        .where(Message.lead_id.in_(list(lead_ids)))
        .group_by(Message.sequence_id)
    ).all()
    for sequence_id, count in per_sequence:
        bump_counters(session, sequence_id, {"deleted_leads": sign * count})


def delete_leads(ctx: Context, ids: Sequence[int]) -> int:
    """Soft-delete leads: their waiting messages are canceled; returns how many were deleted.

    Unknown ids fail the whole call before anything changes.
    """
    now = ctx.now()
    with ctx.db.write() as session:
        leads = [lead for lead in _require(session, ids) if lead.deleted_at is None]
        if not leads:
            return 0
        lead_ids = [lead.id for lead in leads]
        for lead in leads:
            lead.deleted_at = now
        cancel_pending(session, Message.lead_id.in_(lead_ids), now, "lead deleted")
        _bump_deleted_leads(session, lead_ids, +1)
        return len(leads)


def restore_leads(session: Session, leads: Sequence[Lead]) -> None:
    """Undo a soft delete (a re-import of the same number does this)."""
    restored = [lead.id for lead in leads if lead.deleted_at is not None]
    for lead in leads:
        lead.deleted_at = None
    if restored:
        _bump_deleted_leads(session, restored, -1)


def opt_out(session: Session, lead: Lead, now: datetime, reason: str) -> int:
    """Mark a lead opted out and cancel its waiting messages; returns how many were canceled."""
    if not lead.opted_out:
        lead.opted_out = True
        lead.opted_out_at = now
    canceled = cancel_pending(session, Message.lead_id == lead.id, now, reason)
    return sum(canceled.values())


def set_opted_out(ctx: Context, ids: Sequence[int], opted_out: bool) -> int:
    now = ctx.now()
    with ctx.db.write() as session:
        leads = _require(session, ids)
        for lead in leads:
            if opted_out:
                opt_out(session, lead, now, "lead opted out")
            else:
                lead.opted_out = False
                lead.opted_out_at = None
        return len(leads)


def set_tags(
    ctx: Context, ids: Sequence[int], add: Iterable[str] = (), remove: Iterable[str] = ()
) -> None:
    to_add = {normalize_tag(t) for t in add}
    to_remove = {normalize_tag(t) for t in remove}
    with ctx.db.write() as session:
        leads = _require(session, ids)
        lead_ids = [lead.id for lead in leads]
        if to_remove:
            session.execute(
                delete(LeadTag).where(LeadTag.lead_id.in_(lead_ids), LeadTag.tag.in_(to_remove))
            )
        for lead in leads:
            have = {t.tag for t in lead.tags}
            for tag in sorted(to_add - have):
                session.add(LeadTag(lead_id=lead.id, tag=tag))
        session.execute(update(Lead).where(Lead.id.in_(lead_ids)).values(updated_at=ctx.now()))


def find_by_phone(session: Session, phone: str) -> Lead | None:
    return session.scalar(select(Lead).where(Lead.phone == phone))
