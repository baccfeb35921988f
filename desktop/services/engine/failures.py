"""What a failed message means for its lead, whether Twilio refused it at once or the
carrier reported it later: an opt-out ends every text to the lead; a dead number ends the
later steps of that sequence and marks the lead; a temporary failure changes nothing.
The catalog's attributes decide (desktop/services/twilio/errors.toml)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from desktop.models import Lead, Message
from desktop.services.core.context import Context
from desktop.services.leads.store import opt_out
from desktop.services.status.apply import apply_statuses
from desktop.services.status.transitions import cancel_pending
from desktop.services.twilio.error_catalog import explain
from desktop.services.twilio.gateway import TwilioMessage


def ends_followups(code: int | None) -> bool:
    """Whether a failure with `code` makes the lead's later steps pointless."""
    if code is None:
        return False
    entry = explain(code)
    return entry.opt_out or entry.dead_number


def after_failure(
    session: Session, sequence_id: int, lead_id: int, code: int | None, now: datetime
) -> set[int]:
    """Act on a failure with `code` of a message of `lead_id` in `sequence_id`; returns the
    sequences whose messages changed."""
    if not ends_followups(code):
        return set()
    assert code is not None
    entry = explain(code)
    if entry.opt_out:
        lead = session.get(Lead, lead_id)
        if lead is None:
            return set()
        reason = f"the lead unsubscribed (Twilio error {code})"
        canceled = cancel_pending(session, Message.lead_id == lead_id, now, reason)
        opt_out(session, lead, now, reason)
        return set(canceled)
    _mark_dead(session, lead_id, code, now)
    canceled = cancel_pending(
        session,
        and_(Message.sequence_id == sequence_id, Message.lead_id == lead_id),
        now,
        f"dead number: {entry.title.lower()} (error {code})",
    )
    return set(canceled)


def _mark_dead(session: Session | Connection, lead_id: int, code: int, now: datetime) -> None:
    session.execute(
        update(Lead)
        .where(Lead.id == lead_id, Lead.dead_number_code.is_(None))
        .values(dead_number_code=code, dead_number_at=now)
    )


def apply_with_consequences(
    ctx: Context, records: Sequence[TwilioMessage], by_sid: Mapping[str, int], now: datetime
) -> set[int]:
    """Apply Twilio statuses (desktop.services.status.apply) and, in the same transaction,
    what each new failure means for its lead: a crash between the two could otherwise let
    a follow-up go to a dead number. Returns the sequences that changed."""
    with ctx.db.write() as session:
        connection = session.connection()
        current = {
            row.id: row
            for row in connection.execute(
                select(
                    Message.id,
                    Message.sequence_id,
                    Message.lead_id,
                    Message.bucket,
                    Message.provider_status,
                ).where(Message.id.in_([by_sid[r.sid] for r in records]))
            )
        }
        failures: list[tuple[int, int, int | None]] = []
        changed = apply_statuses(connection, records, by_sid, current, now, failures)
        for sequence_id, lead_id, code in failures:
            changed |= after_failure(session, sequence_id, lead_id, code, now)
        return changed
