"""The test clock: time-dependent tests run at a fixed instant, never at the machine's hour.

A test marked `clock` gets a `clock` fixture (a RunningClock) and a `ctx` whose clock it is.
The instant comes from env TEXTDESK_TEST_CLOCK (ISO 8601 with an offset, e.g.
2026-11-28T07:30:00Z) or is DEFAULT_INSTANT; scripts/test.sh runs the marked tests again
under one instant inside and one outside US quiet hours, so each must state what it expects
at whatever instant it runs under.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import time as dt_time

import pytest

from desktop.services.core.context import Context

ENV = "TEXTDESK_TEST_CLOCK"
MARKER = "clock"
# 23:00 UTC is inside 08:00-21:00 in every zone a +1 number can map to, with an hour to
# spare: 18:00 New York, 15:00 Los Angeles, 14:00 Anchorage, 13:00 Honolulu and Adak,
# 12:00 Pago Pago, 09:00 the next day in Guam. (18:00 UTC would be 08:00 in Honolulu, on
# the boundary, and 04:00 in Guam.) Late November: no daylight-saving change near it.
DEFAULT_INSTANT = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)


def parse_instant(text: str) -> datetime:
    """An aware instant from ISO 8601; a naive one would mean this machine's zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise pytest.UsageError(f"{ENV}={text!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{ENV}={text!r} needs an offset (Z or +hh:mm)")
    return moment.astimezone(UTC)


def configured_instant() -> datetime:
    text = os.environ.get(ENV, "")
    return parse_instant(text) if text else DEFAULT_INSTANT


class RunningClock:
    """Reads `start` when created, then runs forward with real elapsed time.

    A frozen clock would stop the engine's delays and timeouts from ever passing; this one
    only moves the origin. `advance` jumps ahead (a schedule coming due) without waiting.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the test clock needs an aware start")
        self.start = start.astimezone(UTC)
        self._origin = time.monotonic()
        self._jumped = timedelta(0)

    def __call__(self) -> datetime:
        return self.start + self._jumped + timedelta(seconds=time.monotonic() - self._origin)

    def advance(self, delta: timedelta) -> None:
        self._jumped += delta

    def __repr__(self) -> str:
        return f"RunningClock(start={self.start.isoformat()})"


def use_test_clock(context: Context, request: pytest.FixtureRequest) -> None:
    """Give `context` the test clock when the test is marked `clock`.

    Unmarked tests keep the real clock: the carrier sandbox, the models' column defaults and
    worker subprocesses stamp real time, and mixing the two would break what they compare.
    """
    if request.node.get_closest_marker(MARKER) is not None:
        context.clock = request.getfixturevalue("clock")


def window_opening(
    moment: datetime, zone: tzinfo, window: tuple[dt_time, dt_time] | None
) -> datetime:
    """The first instant at or after `moment` when the wall clock of `zone` is inside
    `window` ([start, end), possibly across midnight; None: always open).

    An oracle for tests, written apart from desktop.services.leads.quiet_hours on purpose:
    a test that asked the code under test what to expect would prove nothing."""
    if window is None:
        return moment
    start, end = window
    wall = moment.astimezone(zone).time().replace(tzinfo=None)
    inside = start <= wall < end if start < end else (wall >= start or wall < end)
    if inside:
        return moment
    day = moment.astimezone(zone).date()
    for later in (0, 1):
        opening = datetime.combine(day + timedelta(days=later), start, tzinfo=zone)
        if opening > moment:  # aware, different zones: compared as instants
            return opening.astimezone(UTC)
    raise AssertionError("a daily window opens within a day")
