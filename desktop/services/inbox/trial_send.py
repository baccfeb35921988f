""" "Send a test to my phone": a step rendered for a chosen lead, sent to the owner's own
mobile through the engine, counted in no campaign."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Lead
from desktop.services.core.actor import current_actor
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.inbox.answers import TEST, Answer, merge_values, queue_one_off
from desktop.services.text.segments import MAX_BODY_CHARS
from desktop.services.text.template import parse_template

MAX_TEST_STEPS = 5


def _owner(phone: str, session: Session) -> Lead:
    """The owner's phone as a lead (one of the leads when the owner added themselves;
    else a hidden one, never part of a selection or a list)."""
    lead = session.scalar(select(Lead).where(Lead.phone == phone))
    if lead is None:
        lead = Lead(phone=phone, first_name="You", is_owner=True)
        session.add(lead)
        session.flush()
    if lead.opted_out:
        raise UserError(f"{phone} replied STOP to your number: reply START from that phone first")
    return lead


def send_test(ctx: Context, bodies: list[str], preview_lead_id: int | None = None) -> list[Answer]:
    """Queue each step, rendered for the preview lead (or with empty fields), to the
    owner's phone (setting owner_phone). Quiet hours do not apply: the owner asked now."""
    owner_phone = str(ctx.settings.get("owner_phone"))
    if not owner_phone:
        raise UserError(
            "set your own mobile number first (Settings, 'Your mobile', or "
            "`textdesk settings set owner_phone +15551234567`)"
        )
    steps = [b for b in bodies if b.strip()][:MAX_TEST_STEPS]
    if not steps:
        raise UserError("there is no text to send as a test")
    now = ctx.now()
    sender = str(ctx.settings.raw("sender"))
    with ctx.db.write() as session:
        values: dict[str, str] = {}
        if preview_lead_id is not None:
            preview = session.get(Lead, preview_lead_id)
            if preview is None:
                raise NotFound(f"no lead with id {preview_lead_id}")
            values = merge_values(preview)
        owner = _owner(owner_phone, session)
        sent = []
        for text in steps:
            body = parse_template(text).render(values).strip()
            if len(body) > MAX_BODY_CHARS:
                raise UserError(f"a test text can have at most {MAX_BODY_CHARS} characters")
            sent.append(
                queue_one_off(
                    session,
                    owner,
                    body,
                    now,
                    sender=sender,
                    kind=TEST,
                    skip_quiet_hours=True,
                    created_by=current_actor(),
                )
            )
        return sent
