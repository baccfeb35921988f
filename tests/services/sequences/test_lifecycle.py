"""Creating, enqueuing, pausing, resuming and canceling sequences."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from desktop.models import Message, Sequence
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.leads import store as leads
from desktop.services.sequences import builder
from desktop.services.sequences import lifecycle as sequences
from desktop.services.sequences.builder import LeadSelection, StepSpec
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from tests.helpers import add_leads

OPT_OUT = " Reply STOP to opt out."


def steps(*bodies: str) -> list[StepSpec]:
    return [StepSpec(b, delay=timedelta(hours=i)) for i, b in enumerate(bodies)]


def test_create_renders_and_enqueues_every_message(ctx: Context) -> None:
    add_leads(ctx, 3)
    result = builder.create_sequence(
        ctx,
        "Spring",
        steps("Hi {first_name|there}!" + OPT_OUT, "Bye {last_name}"),
        LeadSelection(all=True),
    )
    assert (result.messages, result.leads) == (6, 3)
    with ctx.db.read() as session:
        rows = session.scalars(select(Message).order_by(Message.step_position, Message.lead_id))
        rows = list(rows)
        seq = session.get(Sequence, result.sequence_id)
    assert rows[0].body == "Hi Lead0!" + OPT_OUT
    assert rows[3].body == "Bye Test"
    assert all(r.bucket == "in_queue" for r in rows)
    # The first step is due at the start; later steps wait for the previous one.
    assert all(r.scheduled_for == seq.start_at for r in rows[:3])
    assert all(r.scheduled_for is None for r in rows[3:])
    assert seq.steps[1].delay_seconds == 3600
    assert seq.status == SequenceStatus.IN_PROGRESS
    summary = sequences.get_summary(ctx, result.sequence_id)
    assert summary.as_json() == {
        "id": result.sequence_id,
        "name": "Spring",
        "status": "in_progress",
        "total": 6,
        "counts": {
            "in_queue": 6,
            "outbox": 0,
            "sent": 0,
            "error": 0,
            "delivery_unknown": 0,
            "canceled": 0,
            "deleted_leads": 0,
        },
    }


def test_opted_out_and_deleted_leads_are_excluded_and_reported(ctx: Context) -> None:
    ids = add_leads(ctx, 5)
    leads.set_opted_out(ctx, ids[:1], True)
    leads.delete_leads(ctx, ids[1:3])
    result = builder.create_sequence(ctx, "S", steps("Hello" + OPT_OUT), LeadSelection(all=True))
    assert (result.leads, result.excluded_opted_out, result.excluded_deleted) == (2, 1, 2)


def test_selection_by_tag_and_ids(ctx: Context) -> None:
    add_leads(ctx, 3)
    vip = add_leads(ctx, 2, tag="vip", start=100)
    by_tag = builder.create_sequence(ctx, "T", steps("Hi" + OPT_OUT), LeadSelection(tag="VIP"))
    assert by_tag.leads == 2
    by_ids = builder.create_sequence(ctx, "I", steps("Hi" + OPT_OUT), LeadSelection(ids=(vip[0],)))
    assert by_ids.leads == 1
    with pytest.raises(NotFound, match="9999"):
        builder.create_sequence(ctx, "X", steps("Hi"), LeadSelection(ids=(9999,)))


def test_future_start_is_scheduled(ctx: Context) -> None:
    add_leads(ctx, 1)
    result = builder.create_sequence(
        ctx,
        "Later",
        steps("Hi" + OPT_OUT),
        LeadSelection(all=True),
        start_at=ctx.now() + timedelta(days=1),
    )
    assert sequences.get_summary(ctx, result.sequence_id).status == SequenceStatus.SCHEDULED


@pytest.mark.parametrize(
    ("bodies", "match"),
    [
        ((), "at least one step"),
        (("",), "no text"),
        (("x" * 1601,), "1601 characters"),
        (("Hi {nickname}",), "Unknown merge field"),
        (("Hi {first_name",), "step 1"),
        (("Win big at our casino tonight!",), "gambling"),
    ],
)
def test_bad_sequences_store_nothing(ctx: Context, bodies, match: str) -> None:
    add_leads(ctx, 2)
    with pytest.raises(UserError, match=match):
        builder.create_sequence(ctx, "Bad", steps(*bodies), LeadSelection(all=True))
    assert sequences.list_sequences(ctx) == []


def test_rendered_body_over_the_limit_is_refused(ctx: Context) -> None:
    add_leads(ctx, 1)
    body = "x" * 1590 + "{email}"
    with pytest.raises(UserError, match="after merge fields"):
        builder.create_sequence(ctx, "Long", steps(body), LeadSelection(all=True))
    with ctx.db.read() as session:
        assert session.scalar(select(Message.id)) is None


def test_warnings_must_be_accepted(ctx: Context) -> None:
    add_leads(ctx, 1)
    body = "Happy hour: two beers for one tonight!" + OPT_OUT
    with pytest.raises(UserError, match="accept the warnings"):
        builder.create_sequence(ctx, "Beer", steps(body), LeadSelection(all=True))
    result = builder.create_sequence(
        ctx, "Beer", steps(body), LeadSelection(all=True), accept_warnings=True
    )
    assert result.warnings


def test_missing_opt_out_wording_is_a_reminder(ctx: Context) -> None:
    add_leads(ctx, 1)
    result = builder.create_sequence(ctx, "R", steps("Hello"), LeadSelection(all=True))
    assert result.reminders


def test_no_leads_is_a_clear_error(ctx: Context) -> None:
    with pytest.raises(UserError, match="no leads"):
        builder.create_sequence(ctx, "Empty", steps("Hi"), LeadSelection(all=True))


def test_pause_resume_cancel(ctx: Context) -> None:
    add_leads(ctx, 4)
    sid = builder.create_sequence(
        ctx, "P", steps("Hi" + OPT_OUT, "Again"), LeadSelection(all=True)
    ).sequence_id
    assert sequences.pause(ctx, sid) == SequenceStatus.PAUSED
    with pytest.raises(UserError, match="cannot pause"):
        sequences.pause(ctx, sid)
    assert sequences.resume(ctx, sid) == SequenceStatus.IN_PROGRESS
    assert sequences.cancel(ctx, sid) == SequenceStatus.CANCELED
    counts = sequences.get_summary(ctx, sid).counts
    assert counts[Bucket.CANCELED] == 8 and counts[Bucket.IN_QUEUE] == 0
    with pytest.raises(UserError, match="cannot resume"):
        sequences.resume(ctx, sid)
    with pytest.raises(NotFound):
        sequences.cancel(ctx, 999)


def test_refresh_marks_done(ctx: Context) -> None:
    add_leads(ctx, 1)
    sid = builder.create_sequence(
        ctx, "D", steps("Hi" + OPT_OUT), LeadSelection(all=True)
    ).sequence_id
    leads.delete_leads(ctx, [1])  # cancels its only message
    assert sequences.refresh_statuses(ctx) == [sid]
    summary = sequences.get_summary(ctx, sid)
    assert summary.status == SequenceStatus.DONE
    assert summary.counts.deleted_leads == 1


def test_counts_read_only_counter_rows(ctx: Context) -> None:
    """The summary never aggregates messages: its SQL touches sequence_counters only."""
    from sqlalchemy import event

    add_leads(ctx, 2)
    builder.create_sequence(ctx, "C", steps("Hi" + OPT_OUT), LeadSelection(all=True))
    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(ctx.db.engine, "before_cursor_execute", listener)
    try:
        sequences.list_sequences(ctx)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", listener)
    assert statements and not any("FROM messages" in s for s in statements)
