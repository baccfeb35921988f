"""Every Canceled event carries its reason in the lead's history: the sequence was canceled,
the lead replied, opted out or was deleted, or the number is dead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from desktop.models import Message, MessageEvent
from desktop.services.core.context import Context
from desktop.services.engine.failures import after_failure
from desktop.services.engine.inbound import record_inbound
from desktop.services.leads import store as leads
from desktop.services.reports.history import lead_history
from desktop.services.sequences import builder
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.vocabulary import Bucket, EventKind
from desktop.services.twilio.gateway import TwilioMessage
from tests.helpers import add_leads

STEPS = [
    builder.StepSpec("Hi {first_name}! Reply STOP to opt out."),
    builder.StepSpec("Still interested, {first_name}?", delay=timedelta(days=1)),
]


def two_steps(ctx: Context, leads_count: int = 1) -> tuple[int, list[int]]:
    ids = add_leads(ctx, leads_count)
    created = builder.create_sequence(ctx, "Follow-up", STEPS, builder.LeadSelection(all=True))
    return created.sequence_id, ids


def cancel_reasons(ctx: Context, lead_id: int) -> list[str]:
    """The detail of every Canceled event of the lead's messages, by step."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(MessageEvent.detail)
            .join(Message, Message.id == MessageEvent.message_id)
            .where(Message.lead_id == lead_id, MessageEvent.kind == EventKind.CANCELED.value)
            .order_by(Message.step_position)
        ).all()
    return [detail for (detail,) in rows]


def hand_off_first_step(ctx: Context, sequence_id: int, lead_id: int) -> None:
    """Step 1 went out (as far as stop-on-reply and the failures care)."""
    with ctx.db.write() as session:
        session.execute(
            update(Message)
            .where(
                Message.sequence_id == sequence_id,
                Message.lead_id == lead_id,
                Message.step_position == 0,
            )
            .values(bucket=Bucket.ERROR.value, handed_off_at=ctx.now(), twilio_sid="SM" + "1" * 32)
        )


def reply(ctx: Context, phone: str, body: str) -> None:
    record = TwilioMessage(
        sid="SM" + "2" * 32,
        status="received",
        direction="inbound",
        to="+15005550006",
        from_=phone,
        body=body,
        num_segments=1,
        price=None,
        price_unit=None,
        error_code=None,
        error_message=None,
        date_created=ctx.now(),
        date_sent=ctx.now(),
        date_updated=ctx.now(),
    )
    with ctx.db.write() as session:
        record_inbound(session, record, ctx.now())


def test_canceling_the_sequence(ctx: Context) -> None:
    sequence_id, (lead,) = two_steps(ctx)
    sequences.cancel(ctx, sequence_id)
    assert cancel_reasons(ctx, lead) == ["sequence canceled", "sequence canceled"]


def test_deleting_and_opting_out_the_lead(ctx: Context) -> None:
    _sequence_id, (gone, stopped) = two_steps(ctx, 2)
    leads.delete_leads(ctx, [gone])
    leads.set_opted_out(ctx, [stopped], True)
    assert cancel_reasons(ctx, gone) == ["lead deleted", "lead deleted"]
    assert cancel_reasons(ctx, stopped) == ["lead opted out", "lead opted out"]


@pytest.mark.parametrize(
    ("body", "reason"), [("STOP", "lead replied STOP"), ("Thanks, see you!", "lead replied")]
)
def test_a_reply(ctx: Context, body: str, reason: str) -> None:
    sequence_id, (lead,) = two_steps(ctx)
    hand_off_first_step(ctx, sequence_id, lead)
    reply(ctx, "+14155550000", body)
    assert cancel_reasons(ctx, lead) == [reason]  # step 2: step 1 was sent already


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (30005, "dead number: "),
        (30006, "dead number: "),
        (21610, "the lead unsubscribed (Twilio error 21610)"),
    ],
)
def test_a_failure_that_ends_the_follow_ups(ctx: Context, code: int, reason: str) -> None:
    sequence_id, (lead,) = two_steps(ctx)
    hand_off_first_step(ctx, sequence_id, lead)
    with ctx.db.write() as session:
        after_failure(session, sequence_id, lead, code, ctx.now())
    [detail] = cancel_reasons(ctx, lead)
    assert detail.startswith(reason)
    if reason.startswith("dead number"):
        assert f"(error {code})" in detail


def test_every_canceled_event_has_a_reason(ctx: Context) -> None:
    """Whatever path canceled them, no Canceled event is left without its detail."""
    sequence_id, ids = two_steps(ctx, 3)
    leads.delete_leads(ctx, ids[:1])
    leads.set_opted_out(ctx, ids[1:2], True)
    sequences.cancel(ctx, sequence_id)
    with ctx.db.read() as session:
        details = list(
            session.scalars(
                select(MessageEvent.detail).where(MessageEvent.kind == EventKind.CANCELED.value)
            )
        )
    assert len(details) == 6 and all(details)


def test_the_history_rows_say_why(ctx: Context) -> None:
    """The lead's history shows the reason beside Canceled ("14:30:28 - Canceled" said
    nothing); other events keep their provider status, and no detail meant for support."""
    sequence_id, (lead,) = two_steps(ctx)
    hand_off_first_step(ctx, sequence_id, lead)
    reply(ctx, "+14155550000", "Thanks, see you!")
    entries = {e.step: e for e in lead_history(ctx, lead).entries if e.direction == "outbound"}
    [canceled] = entries[2].events
    assert canceled.reason == "lead replied"
    assert canceled.label == "Canceled (lead replied)"
    assert all(event.reason is None for event in entries[1].events)
