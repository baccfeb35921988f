"""The status bar counts down to the next status check on the services' clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop.services.engine.engine import EngineStatus
from desktop.ui.shell.status_bar import EngineStatusBar
from tests.clocks import RunningClock


def running(next_poll_in: timedelta, clock: RunningClock) -> EngineStatus:
    return EngineStatus(
        state="running",
        demo=True,
        next_poll_at=clock() + next_poll_in,
        in_queue=3,
        send_rate=1.0,
        problem=None,
    )


@pytest.mark.clock
def test_next_status_check_counts_from_the_services_clock(qtbot, clock: RunningClock) -> None:
    # The test clock is hours or days away from the machine's: reading the real time here
    # would show a countdown in hours, or none at all.
    bar = EngineStatusBar(clock=clock)
    qtbot.addWidget(bar)
    bar.update_status(running(timedelta(seconds=30), clock))
    assert bar.poll_label.text() == "Next status check in 30 s"
    bar.update_status(running(timedelta(minutes=10), clock))
    assert bar.poll_label.text() == "Next status check in 10 min"
