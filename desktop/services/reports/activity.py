"""Hand-offs and confirmed deliveries over time, for the dashboard's Delivery overview chart.

The series covers the recent activity only (at most `window`), cut into equal bins whose
width follows the span of the data, so a demo that ran for three minutes and a campaign that
ran all day both fill the chart. The database counts the bins: one row of cumulative counts
(`count(*) FILTER (WHERE t >= edge)` per bin edge, the same SQL on SQLite and PostgreSQL), so
no timestamp passes through Python. Reading and binning thousands of them in Python held the
interpreter for 10-20 ms, which the window's GUI thread then waited out (its longest stalls
while a sequence sent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Executable, bindparam, func, select
from sqlalchemy.orm import InstrumentedAttribute

from desktop.models import Message
from desktop.services.core.context import Context
from desktop.services.status.vocabulary import Bucket

DEFAULT_WINDOW = timedelta(hours=24)
MIN_SPAN = timedelta(minutes=2)


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
        width = (now - start) / bins
        edges = {f"edge{i}": start + width * i for i in range(bins)}
        handed = _cumulative(session.execute(_handed_off(bins), edges).one())
        delivered = _cumulative(session.execute(_delivered(bins), edges).one())
    return Activity(
        bins=[ActivityBin(start + width * i, handed[i], delivered[i]) for i in range(bins)],
        bin_width=width,
    )


def _counted(
    column: InstrumentedAttribute[datetime | None], bins: int, *where: ColumnElement[bool]
) -> Executable:
    """Rows at or after each bin's edge (bound as edge0, edge1, ...), in one row."""
    return select(
        *(func.count().filter(column >= bindparam(f"edge{i}")) for i in range(bins))
    ).where(column >= bindparam("edge0"), *where)


@cache
def _handed_off(bins: int) -> Executable:
    return _counted(Message.handed_off_at, bins)


@cache
def _delivered(bins: int) -> Executable:
    return _counted(Message.final_at, bins, Message.bucket == Bucket.SENT.value)


def _cumulative(at_or_after: Sequence[Any]) -> list[int]:
    """Per bin, from counts of rows at or after each edge: the last bin keeps all the
    rows after its edge (a clock a little ahead of this one's lands there)."""
    counts = [int(n or 0) for n in at_or_after] + [0]
    return [counts[i] - counts[i + 1] for i in range(len(counts) - 1)]
