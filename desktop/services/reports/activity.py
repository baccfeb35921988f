"""Hand-offs and confirmed deliveries over time, for the dashboard's Delivery overview chart.

The series covers the recent activity only (at most `window`), cut into equal bins whose
width follows the span of the data, so a demo that ran for three minutes and a campaign that
ran all day both fill the chart. Timestamps are binned in Python: the same code then runs on
SQLite and PostgreSQL; the range scan runs off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from desktop.models import Message
from desktop.services.core.context import Context
from desktop.services.status.vocabulary import Bucket

DEFAULT_WINDOW = timedelta(hours=24)
MIN_SPAN = timedelta(minutes=2)
MAX_ROWS = 200_000  # far more than a chart can show; keeps a huge database cheap


@dataclass(frozen=True)
class ActivityBin:
    start: datetime
    handed_off: int
    delivered: int


@dataclass(frozen=True)
class Activity:
    bins: list[ActivityBin]
    bin_width: timedelta

    @property
    def total_handed_off(self) -> int:
        return sum(b.handed_off for b in self.bins)

    @property
    def total_delivered(self) -> int:
        return sum(b.delivered for b in self.bins)


def delivery_activity(
    ctx: Context, *, window: timedelta = DEFAULT_WINDOW, bins: int = 30
) -> Activity:
    """Messages handed to Twilio and messages confirmed delivered, per time bin."""
    now = ctx.now()
    since = now - window
    with ctx.db.read() as session:
        first = session.scalar(
            select(func.min(Message.handed_off_at)).where(Message.handed_off_at >= since)
        )
        start = max(since, min(first or now, now - MIN_SPAN))
        handed = list(
            session.scalars(
                select(Message.handed_off_at).where(Message.handed_off_at >= start).limit(MAX_ROWS)
            )
        )
        delivered = list(
            session.scalars(
                select(Message.final_at)
                .where(Message.bucket == Bucket.SENT.value, Message.final_at >= start)
                .limit(MAX_ROWS)
            )
        )
    width = (now - start) / bins
    handed_counts = _histogram(handed, start, width, bins)
    delivered_counts = _histogram(delivered, start, width, bins)
    return Activity(
        bins=[
            ActivityBin(start + width * i, handed_counts[i], delivered_counts[i])
            for i in range(bins)
        ],
        bin_width=width,
    )


def _histogram(
    times: list[datetime | None], start: datetime, width: timedelta, bins: int
) -> list[int]:
    counts = [0] * bins
    seconds = width.total_seconds() or 1.0
    for moment in times:
        if moment is None:
            continue
        index = int((moment - start).total_seconds() // seconds)
        counts[min(max(index, 0), bins - 1)] += 1
    return counts
