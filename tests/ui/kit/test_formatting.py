"""Times on screen: time only today, day and time this year, the full date before, with
"today" taken from the clock the screen is given, never from the machine."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from desktop.services.reports.history import RecentError
from desktop.ui.dashboard.feed_models import RecentErrorsModel
from desktop.ui.kit.formatting import format_time
from tests.clocks import RunningClock


def local(*args: int) -> datetime:
    """A wall time of this computer's zone, as the tables show them."""
    return datetime(*args).astimezone()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "now", "shown"),
    [
        # On both sides of midnight and of New Year, by one minute.
        (local(2026, 11, 28, 0, 0, 30), local(2026, 11, 28, 0, 1), "00:00:30"),
        (local(2026, 11, 27, 23, 59), local(2026, 11, 28, 0, 1), "Nov 27, 23:59"),
        (local(2026, 12, 31, 23, 59), local(2026, 12, 31, 23, 59, 30), "23:59:00"),
        (local(2026, 12, 31, 23, 59), local(2027, 1, 1, 0, 0, 30), "2026-12-31 23:59"),
    ],
)
def test_relative_dates_around_a_day_and_a_year_boundary(
    moment: datetime, now: datetime, shown: str
) -> None:
    assert format_time(moment, now=now) == shown


def _error_at(moment: datetime) -> RecentError:
    return RecentError(moment, 1, 1, "+14155550100", 30008, "Unknown error", "")


@pytest.mark.clock
def test_a_table_says_today_by_its_clock(qtbot, clock: RunningClock) -> None:
    model = RecentErrorsModel(clock=clock)
    today = clock().astimezone()
    midnight = datetime.combine(today.date(), time()).astimezone()  # the zone's own offset
    long_ago = (today - timedelta(days=400)).astimezone()
    model.set_rows([_error_at(midnight), _error_at(long_ago)])
    assert model.index(0, 0).data() == "00:00:00"
    assert model.index(1, 0).data() == f"{long_ago:%Y-%m-%d %H:%M}"
    clock.advance(timedelta(days=1))  # that midnight is yesterday now
    shown = f"{midnight:%b} {midnight.day}, 00:00"
    if midnight.year != clock().astimezone().year:
        shown = f"{midnight:%Y-%m-%d} 00:00"
    assert model.index(0, 0).data() == shown
