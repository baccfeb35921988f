"""The Delivery overview's activity series: hand-offs and confirmed deliveries per time bin,
counted by the database (the same SQL on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from desktop.models import Message
from desktop.services.core.context import Context
from desktop.services.reports import activity
from desktop.services.sequences import builder
from desktop.services.status.vocabulary import Bucket
from tests.helpers import add_leads

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STEP = [builder.StepSpec("Hello {first_name}. Reply STOP to opt out")]


def test_hand_offs_and_deliveries_are_counted_per_bin(ctx: Context) -> None:
    ctx.clock = lambda: NOW
    add_leads(ctx, 7)
    builder.create_sequence(ctx, "S", STEP, builder.LeadSelection(all=True))
    minute = timedelta(minutes=1)
    # (handed off, final, bucket): the first hand-off, 30 min ago, starts the series, so
    # 30 bins of one minute each.
    rows = [
        (NOW - 30 * minute, None, Bucket.OUTBOX),  # bin 0, its first moment
        (NOW - 29.5 * minute, NOW - 10 * minute + timedelta(seconds=1), Bucket.SENT),  # 0; 20
        (NOW - 15 * minute + timedelta(seconds=10), NOW - 9.5 * minute, Bucket.SENT),  # 15; 20
        (NOW - timedelta(seconds=1), NOW - timedelta(seconds=1), Bucket.ERROR),  # 29; failed
        (NOW + timedelta(seconds=5), None, Bucket.OUTBOX),  # a clock ahead: the last bin
        (NOW - 40 * 60 * minute, NOW - 40 * 60 * minute, Bucket.SENT),  # older than the window
    ]
    with ctx.db.write() as session:
        ids = list(session.scalars(select(Message.id).order_by(Message.id)))
        for message_id, (handed, final, bucket) in zip(ids, rows, strict=False):
            session.execute(
                update(Message)
                .where(Message.id == message_id)
                .values(handed_off_at=handed, final_at=final, bucket=bucket.value)
            )
    series = activity.delivery_activity(ctx)
    assert series.bin_width == minute and series.bins[0].start == NOW - 30 * minute
    handed = {i: b.handed_off for i, b in enumerate(series.bins) if b.handed_off}
    delivered = {i: b.delivered for i, b in enumerate(series.bins) if b.delivered}
    assert handed == {0: 2, 15: 1, 29: 2}
    assert delivered == {20: 2}  # Sent only; the failed one and the old one are not
    assert series.total_handed_off == 5 and series.total_delivered == 2


def test_nothing_handed_off_gives_an_empty_series_of_the_shortest_span(ctx: Context) -> None:
    ctx.clock = lambda: NOW
    series = activity.delivery_activity(ctx)
    assert len(series.bins) == 30 and series.total_handed_off == series.total_delivered == 0
    assert series.bins[0].start == NOW - activity.MIN_SPAN
