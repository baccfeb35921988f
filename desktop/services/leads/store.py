"""Leads: soft delete, opt-out/in, tags, and undoing what the engine marked (a dead
number, a time zone needed). Reading lists is in listing, adding and editing one lead in
lead_form, import from CSV in importer; the names callers know are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desktop.models import Lead, LeadTag, Message
from desktop.services.core.actor import current_actor
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.leads.listing import (
    LeadRow,
    LeadShow,
    LeadSort,
    all_tags,
    count_leads,
    custom_field_names,
    flag_counts,
    get_lead,
    list_leads,
)
from desktop.services.leads.tags import normalize_tag, split_tags
from desktop.services.status.transitions import bump_counters, cancel_pending
from desktop.services.status.vocabulary import Bucket

__all__ = [
    "LeadRow",
    "LeadShow",
    "LeadSort",
    "all_tags",
    "count_leads",
    "custom_field_names",
    "delete_leads",
    "find_by_phone",
    "flag_counts",
    "get_lead",
    "list_leads",
    "mark_reachable",
    "normalize_tag",
    "opt_out",
    "release_held",
    "restore_leads",
    "set_opted_out",
    "set_tags",
    "set_timezone",
    "split_tags",
    "suppress_dead_numbers",
]


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
        cancel_pending(
            session, Message.lead_id.in_(lead_ids), now, "lead deleted", actor=current_actor()
        )
        _bump_deleted_leads(session, lead_ids, +1)
        return len(leads)


def restore_leads(session: Session, leads: Sequence[Lead]) -> None:
    """Undo a soft delete (a re-import of the same number does this)."""
    restored = [lead.id for lead in leads if lead.deleted_at is not None]
    for lead in leads:
        lead.deleted_at = None
    if restored:
        _bump_deleted_leads(session, restored, -1)


def opt_out(
    session: Session, lead: Lead, now: datetime, reason: str, *, actor: str | None = None
) -> int:
    """Mark a lead opted out and cancel its waiting messages; returns how many were canceled.
    `actor`: the person who did it by hand (None: the lead, by text)."""
    if not lead.opted_out:
        lead.opted_out = True
        lead.opted_out_at = now
        lead.opted_out_by = actor
    canceled = cancel_pending(session, Message.lead_id == lead.id, now, reason, actor=actor)
    return sum(canceled.values())


def set_opted_out(ctx: Context, ids: Sequence[int], opted_out: bool) -> int:
    now = ctx.now()
    who = current_actor()
    with ctx.db.write() as session:
        leads = _require(session, ids)
        for lead in leads:
            if opted_out:
                opt_out(session, lead, now, "lead opted out", actor=who)
            elif lead.opted_out:
                lead.opted_out = False
                lead.opted_out_at = None
                lead.opted_out_by = who
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


# -- undoing what the engine marked ---------------------------------------------------------


def suppress_dead_numbers(ctx: Context) -> bool:
    """The setting suppress_dead_numbers: leads with a dead-number mark are left out of new
    sequences. On when the key is missing (a version of the settings without it) or
    unreadable: texting numbers known to be dead costs money and carrier reputation."""
    try:
        return bool(ctx.settings.get("suppress_dead_numbers"))
    except UserError:
        return True


def mark_reachable(ctx: Context, ids: Sequence[int]) -> int:
    """Clear the dead-number mark (the owner knows the number works again, or fixed it);
    the leads are in new sequences again. Returns how many had a mark."""
    with ctx.db.write() as session:
        leads = [lead for lead in _require(session, ids) if lead.dead_number_code is not None]
        for lead in leads:
            lead.dead_number_code = None
            lead.dead_number_at = None
        return len(leads)


def release_held(session: Session, lead_ids: Sequence[int], now: datetime) -> int:
    """Make due now the waiting messages of these leads that the engine held for a time
    zone. Returns how many.

    A held message was pushed into the future while it was due; a message whose time has
    simply not come (a later start, a step's delay) keeps its time: a message is released
    only when it would be due now without the hold (first step: the sequence's start;
    later steps: the previous step's hand-off plus the step's delay).
    """
    from desktop.models import Sequence as SequenceRow
    from desktop.models import Step

    waiting = session.execute(
        select(Message.id, Message.sequence_id, Message.lead_id, Message.step_position)
        .add_columns(SequenceRow.start_at, Step.delay_seconds)
        .join(SequenceRow, SequenceRow.id == Message.sequence_id)
        .join(Step, Step.id == Message.step_id)
        .where(
            Message.lead_id.in_(list(lead_ids)),
            Message.bucket == Bucket.IN_QUEUE.value,
            Message.claimed_at.is_(None),
            Message.scheduled_for > now,
        )
    ).all()
    if not waiting:
        return 0
    went_out: dict[tuple[int, int, int], datetime] = {}
    for sequence_id, lead_id, position, handed, final in session.execute(
        select(
            Message.sequence_id,
            Message.lead_id,
            Message.step_position,
            Message.handed_off_at,
            Message.final_at,
        ).where(
            Message.lead_id.in_(list(lead_ids)),
            Message.sequence_id.in_({row.sequence_id for row in waiting}),
        )
    ):
        moment = handed or final
        if moment is not None:
            went_out[(sequence_id, lead_id, position)] = moment
    due: list[int] = []
    for row in waiting:
        natural: datetime
        if row.step_position == 0:
            natural = row.start_at
        else:
            previous = went_out.get((row.sequence_id, row.lead_id, row.step_position - 1))
            if previous is None:
                continue
            natural = previous + timedelta(seconds=row.delay_seconds)
        if natural <= now:
            due.append(row.id)
    if due:
        session.execute(update(Message).where(Message.id.in_(due)).values(scheduled_for=now))
    return len(due)


def set_timezone(ctx: Context, ids: Sequence[int], timezone: str) -> int:
    """Give leads a time zone (a name from time_zones.canonical_zone, or "" for "from the
    number"): the time-zone-needed flag is cleared and their held messages are due at once
    (the engine then checks the sending window in that zone). Returns how many messages
    were released."""
    now = ctx.now()
    with ctx.db.write() as session:
        leads = _require(session, ids)
        for lead in leads:
            lead.timezone = timezone
            lead.timezone_needed = False
        return release_held(session, [lead.id for lead in leads], now)
