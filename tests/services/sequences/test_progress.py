"""Progress: messages with an outcome out of messages that will go out (canceled ones are
on neither side), and the moment of a sequence's last activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop.services.sequences import builder
from desktop.services.sequences import lifecycle as sequences
from desktop.services.sequences.lifecycle import SequenceSummary
from desktop.services.status.transitions import Counts
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from tests.helpers import add_leads

CREATED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def summary(status: SequenceStatus, **buckets: int) -> SequenceSummary:
    counts = {Bucket(name): count for name, count in buckets.items()}
    return SequenceSummary(
        id=1,
        name="S",
        status=status,
        sender="",
        created_at=CREATED,
        start_at=CREATED,
        steps=1,
        counts=Counts(total=sum(counts.values()), buckets=counts),
    )


def test_a_canceled_sequence_with_nothing_sent_is_not_complete() -> None:
    canceled = summary(SequenceStatus.CANCELED, canceled=40)
    assert canceled.going_out == 0 and canceled.with_outcome == 0
    assert canceled.progress == 0.0


def test_messages_in_the_outbox_keep_a_sequence_below_complete() -> None:
    running = summary(SequenceStatus.IN_PROGRESS, sent=30, error=2, outbox=4)
    assert (running.with_outcome, running.going_out) == (32, 36)
    assert running.progress == pytest.approx(32 / 36)
    assert running.progress < 1.0


@pytest.mark.parametrize(
    ("buckets", "expected"),
    [
        ({"in_queue": 40}, 0.0),
        ({"sent": 10, "in_queue": 30}, 0.25),
        # Canceled messages will never go out: they count on neither side.
        ({"sent": 6, "error": 1, "delivery_unknown": 1, "canceled": 32}, 1.0),
        ({"sent": 12, "outbox": 8, "in_queue": 16, "canceled": 4}, 12 / 36),
    ],
)
def test_progress_counts_outcomes_among_what_goes_out(
    buckets: dict[str, int], expected: float
) -> None:
    assert summary(SequenceStatus.IN_PROGRESS, **buckets).progress == pytest.approx(expected)


def test_a_sequence_with_no_messages_is_complete_only_when_done() -> None:
    assert summary(SequenceStatus.DONE).progress == 1.0
    assert summary(SequenceStatus.BEING_PROCESSED).progress == 0.0


def test_last_activity_is_the_latest_handoff_or_outcome() -> None:
    base = summary(SequenceStatus.IN_PROGRESS, sent=1)
    assert base.last_activity_at is None
    handoff = CREATED + timedelta(hours=1)
    done = CREATED + timedelta(hours=3)
    later = SequenceSummary(**{**base.__dict__, "last_handoff_at": handoff})
    assert later.last_activity_at == handoff
    finished = SequenceSummary(**{**base.__dict__, "last_handoff_at": handoff, "done_at": done})
    assert finished.last_activity_at == done


def test_canceling_before_anything_went_out_lists_zero_progress(ctx) -> None:  # type: ignore[no-untyped-def]
    add_leads(ctx, 3)
    created = builder.create_sequence(
        ctx,
        "Later",
        [builder.StepSpec("Hello! Reply STOP to opt out.")],
        builder.LeadSelection(all=True),
        start_at=ctx.now() + timedelta(days=2),
    )
    before = sequences.get_summary(ctx, created.sequence_id)
    assert before.status == SequenceStatus.SCHEDULED
    assert (before.with_outcome, before.going_out, before.progress) == (0, 3, 0.0)
    assert before.last_activity_at is None

    sequences.cancel(ctx, created.sequence_id)
    after = sequences.get_summary(ctx, created.sequence_id)
    assert after.counts[Bucket.CANCELED] == 3
    assert after.progress == 0.0
    assert after.canceled_at is not None and after.last_activity_at == after.canceled_at
