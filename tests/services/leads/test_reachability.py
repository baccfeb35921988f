"""What the engine marks on a lead and how the owner undoes it: a dead number is left out of
new sequences (counted apart) until marked reachable again; giving a time zone to a lead
whose texts were held makes them due at once, and only those."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from desktop.models import Lead, Message
from desktop.services.core.context import Context
from desktop.services.core.settings import SPECS
from desktop.services.leads import store as leads
from desktop.services.leads.store import LeadShow
from desktop.services.sequences import builder
from desktop.services.sequences.builder import LeadSelection, StepSpec
from desktop.services.status.vocabulary import Bucket
from tests.helpers import add_leads

BODY = "Hi {first_name}! Reply STOP to opt out"
HOLD = timedelta(days=1)  # what the dispatcher pushes a held message by


def mark_dead(ctx: Context, lead_id: int, code: int = 30005) -> None:
    with ctx.db.write() as session:
        session.execute(
            update(Lead)
            .where(Lead.id == lead_id)
            .values(dead_number_code=code, dead_number_at=ctx.now())
        )


def messages(ctx: Context, lead_id: int) -> list[Message]:
    with ctx.db.read() as session:
        query = select(Message).where(Message.lead_id == lead_id)
        return list(session.scalars(query.order_by(Message.sequence_id, Message.step_position)))


def test_dead_numbers_are_left_out_of_new_sequences_and_counted_apart(ctx: Context) -> None:
    ids = add_leads(ctx, 4)
    mark_dead(ctx, ids[1])
    leads.set_opted_out(ctx, [ids[2]], True)
    assert "suppress_dead_numbers" in SPECS or leads.suppress_dead_numbers(ctx)  # missing: on
    check = builder.preflight(ctx, [StepSpec(BODY)], LeadSelection(all=True))
    assert [r.id for r in check.recipients] == [ids[0], ids[3]]
    assert (check.excluded_opted_out, check.excluded_dead, check.excluded_deleted) == (1, 1, 0)
    result = builder.create_sequence(ctx, "Spring", [StepSpec(BODY)], LeadSelection(all=True))
    assert (result.leads, result.excluded_dead, result.excluded_opted_out) == (2, 1, 1)
    assert messages(ctx, ids[1]) == []

    assert leads.mark_reachable(ctx, [ids[1], ids[0]]) == 1  # only one had a mark
    row = leads.get_lead(ctx, ids[1])
    assert not row.dead_number and row.dead_number_at is None
    again = builder.preflight(ctx, [StepSpec(BODY)], LeadSelection(all=True))
    assert again.excluded_dead == 0 and ids[1] in [r.id for r in again.recipients]


def test_only_dead_numbers_left_says_why(ctx: Context) -> None:
    (lead_id,) = add_leads(ctx, 1)
    mark_dead(ctx, lead_id, 30006)
    check = builder.preflight(ctx, [StepSpec(BODY)], LeadSelection(ids=(lead_id,)))
    assert "1 with a number that cannot receive texts" in check.problems[0]


def test_the_selection_keeps_dead_numbers_when_told(ctx: Context) -> None:
    ids = add_leads(ctx, 2)
    mark_dead(ctx, ids[0])
    with ctx.db.read() as session:
        kept = builder.choose_recipients(session, LeadSelection(all=True), suppress_dead=False)
        left = builder.choose_recipients(session, LeadSelection(all=True))
        plain = builder.select_recipients(session, LeadSelection(all=True))
    assert (len(kept.recipients), kept.dead) == (2, 0)
    assert (len(left.recipients), left.dead) == (1, 1)
    assert [r.id for r in plain[0]] == [ids[1]] and plain[1:] == (0, 0)


def test_the_setting_off_keeps_dead_numbers(ctx: Context) -> None:
    if "suppress_dead_numbers" not in SPECS:
        pytest.skip("the suppress_dead_numbers setting is added in another change")
    ids = add_leads(ctx, 2)
    mark_dead(ctx, ids[0])
    ctx.settings.set("suppress_dead_numbers", "off")
    check = builder.preflight(ctx, [StepSpec(BODY)], LeadSelection(all=True))
    assert len(check.recipients) == 2 and check.excluded_dead == 0


def test_a_time_zone_releases_held_messages_and_only_those(ctx: Context) -> None:
    held_id, other_id = add_leads(ctx, 2)
    now = ctx.now()
    two_steps = [StepSpec(BODY), StepSpec("Still there?", delay=timedelta(hours=2))]
    held_seq = builder.create_sequence(ctx, "Now", two_steps, LeadSelection(all=True))
    later = builder.create_sequence(
        ctx, "Later", [StepSpec(BODY)], LeadSelection(all=True), start_at=now + timedelta(days=3)
    )
    with ctx.db.write() as session:
        # What the dispatcher does when the number's zones never share the window.
        session.execute(
            update(Message)
            .where(
                Message.sequence_id == held_seq.sequence_id,
                Message.step_position == 0,
            )
            .values(scheduled_for=now + HOLD)
        )
        session.execute(
            update(Lead).where(Lead.id.in_([held_id, other_id])).values(timezone_needed=True)
        )
    assert leads.count_leads(ctx, show=LeadShow.TIMEZONE_NEEDED) == 2

    released = leads.set_timezone(ctx, [held_id], "America/New_York")
    assert released == 1
    lead = leads.get_lead(ctx, held_id)
    assert lead.timezone == "America/New_York" and not lead.timezone_needed
    first, second, scheduled_later = messages(ctx, held_id)
    assert first.scheduled_for is not None and first.scheduled_for <= ctx.now()
    assert second.scheduled_for is None  # waits for the first step, as before
    assert scheduled_later.sequence_id == later.sequence_id
    assert scheduled_later.scheduled_for == now + timedelta(days=3)  # its start is to come
    # The other lead is untouched: still flagged, still held.
    assert leads.get_lead(ctx, other_id).timezone_needed
    assert messages(ctx, other_id)[0].scheduled_for == now + HOLD


def test_a_held_later_step_is_released_once_its_delay_has_passed(ctx: Context) -> None:
    (lead_id,) = add_leads(ctx, 1)
    now = ctx.now()
    steps = [StepSpec(BODY), StepSpec("Two", delay=timedelta(hours=1))]
    builder.create_sequence(ctx, "S", steps, LeadSelection(all=True))
    with ctx.db.write() as session:
        first, second = session.scalars(select(Message).order_by(Message.step_position)).all()
        first.bucket, first.handed_off_at = Bucket.SENT.value, now - timedelta(hours=5)
        second.scheduled_for = now + HOLD  # due 4 hours ago, then held
        session.get(Lead, lead_id).timezone_needed = True  # type: ignore[union-attr]
    assert leads.set_timezone(ctx, [lead_id], "Asia/Vladivostok") == 1
    assert messages(ctx, lead_id)[1].scheduled_for <= ctx.now()  # type: ignore[operator]

    with ctx.db.write() as session:
        first, second = session.scalars(select(Message).order_by(Message.step_position)).all()
        first.handed_off_at = now - timedelta(minutes=10)
        second.scheduled_for = now + timedelta(minutes=50)  # its delay has not passed yet
    assert leads.set_timezone(ctx, [lead_id], "Asia/Tokyo") == 0
    assert messages(ctx, lead_id)[1].scheduled_for == now + timedelta(minutes=50)


def test_custom_field_names(ctx: Context) -> None:
    ids = add_leads(ctx, 3)
    with ctx.db.write() as session:
        session.get(Lead, ids[0]).custom_fields = {"company": "Acme"}  # type: ignore[union-attr]
        session.get(Lead, ids[1]).custom_fields = {"store": "Main St", "company": "B"}  # type: ignore[union-attr]
    assert leads.custom_field_names(ctx) == ["company", "store"]
    leads.delete_leads(ctx, [ids[1]])
    assert leads.custom_field_names(ctx) == ["company"]
