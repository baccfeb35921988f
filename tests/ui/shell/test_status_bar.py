"""The status bar says what the sending service does, that sending continues when the
window is closed, and what waits; the tray's words come from the same status."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.services.core.processes import this_process
from desktop.services.engine.leases import Holder
from desktop.ui.kit.sending_status import (
    BACKGROUND_NOTE,
    Activity,
    Phase,
    RateMeter,
    SendingStatus,
)
from desktop.ui.kit.tooltips import plain_text
from desktop.ui.shell.status_bar import EngineStatusBar

HOLDER = Holder(
    "+15005550006", "abc", "desk", 4242, "service", datetime.now(UTC), datetime.now(UTC)
)


def status(phase: Phase, **fields: object) -> SendingStatus:
    fields.setdefault("holder", HOLDER if phase in (Phase.RUNNING, Phase.ELSEWHERE) else None)
    return SendingStatus(phase, demo=True, **fields)  # type: ignore[arg-type]


def test_sending_says_it_goes_on_when_the_window_closes(qtbot) -> None:
    bar = EngineStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.update_status(status(Phase.RUNNING, in_queue=120, waiting=120, outbox=7, send_rate=4.25))
    assert bar.engine_label.text() == "Sending to demo sandbox in the background"
    assert "pid 4242" in plain_text(bar.engine_label.toolTip())
    assert BACKGROUND_NOTE in plain_text(bar.engine_label.toolTip())
    assert bar.background_label.isVisible()
    assert bar.background_label.text() == "Sending continues when this window is closed."
    assert bar.queue_label.text() == "In-queue: 120"
    assert bar.outbox_label.text() == "Outbox: 7"
    assert bar.rate_label.text() == "4.2 msg/s"


def test_each_phase_has_its_words(qtbot) -> None:
    bar = EngineStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.update_status(status(Phase.RUNNING, outbox=3))
    assert bar.engine_label.text() == "Sending service running: following 3 messages"
    bar.update_status(status(Phase.RUNNING))
    assert bar.engine_label.text() == "Sending service running: nothing waiting"
    bar.update_status(status(Phase.STARTING))
    assert bar.engine_label.text() == "Starting the sending service…"
    assert not bar.background_label.isVisible()
    bar.update_status(status(Phase.RESTARTING, waiting=5))
    assert bar.engine_label.text() == "The sending service stopped: starting it again…"
    here = this_process().host
    worker = Holder("+1", "def", here, 77, "worker", datetime.now(UTC), datetime.now(UTC))
    bar.update_status(status(Phase.ELSEWHERE, holder=worker, waiting=5, send_rate=1.0))
    assert bar.engine_label.text() == f"Sending from another program (pid 77 on {here})"
    assert plain_text(bar.engine_label.toolTip()).startswith(f"The worker with pid 77 on {here}")
    note = "The sending service could not start: no sender. TextDesk tries again in 5 s."
    bar.update_status(status(Phase.STOPPED, note=note))
    assert bar.engine_label.text() == "Sending service not running"
    assert plain_text(bar.engine_label.toolTip()) == note
    assert bar.rate_label.text() == ""


def test_the_tray_words_follow_the_activity() -> None:
    sending = status(Phase.RUNNING, waiting=12, send_rate=2.0)
    assert sending.activity == Activity.SENDING
    assert sending.tray_text() == "TextDesk: sending, 12 messages waiting, 2.0 per second"
    idle = status(Phase.RUNNING, scheduled=1)
    assert idle.activity == Activity.IDLE
    assert idle.tray_text() == "TextDesk: idle, 1 sequence scheduled"
    assert status(Phase.RUNNING).tray_text() == "TextDesk: idle, nothing waiting"
    trouble = status(Phase.RUNNING, waiting=3, problem="Twilio refused the credentials")
    assert trouble.activity == Activity.PROBLEM
    assert trouble.tray_text() == "TextDesk: problem. Twilio refused the credentials"
    gone = status(Phase.STOPPED, waiting=3, note="The sending service could not start: x.")
    assert gone.activity == Activity.PROBLEM
    assert gone.waiting_sentence() == "3 messages waiting to be sent"
    both = status(Phase.RUNNING, waiting=28, scheduled=1)
    assert both.waiting_sentence() == "28 messages waiting to be sent and 1 sequence scheduled"


def test_the_rate_is_read_from_the_counters_over_ten_seconds() -> None:
    meter = RateMeter(window=10.0)
    assert meter.add(0, at=0.0) == 0.0
    assert meter.add(20, at=2.0) == 10.0
    assert meter.add(40, at=4.0) == 10.0
    for second in range(6, 30, 2):
        rate = meter.add(40, at=float(second))
    assert rate == 0.0  # nothing handed off for ten seconds
    assert meter.add(10, at=31.0) == 0.0  # a deleted sequence: counting starts again


def test_team_mode_says_which_desktop_sends_for_a_sender(qtbot) -> None:
    bar = EngineStatusBar()
    qtbot.addWidget(bar)
    now = datetime.now(UTC)
    front = Holder("+14155550101", "a1", "front-desk", 12, "service", now, now, None, "anna")
    ours = Holder("+15005550002", "b2", this_process().host, 34, "service", now, now)
    # Another desktop holds the only sender: the headline names it and its user.
    bar.update_status(status(Phase.ELSEWHERE, holder=front, team=(front,)))
    assert bar.engine_label.text() == "Sending from the desktop front-desk (anna)"
    assert "+14155550101 is sent from the desktop front-desk (anna)." in plain_text(
        bar.engine_label.toolTip()
    )
    # Our service sends one sender, front-desk the other: the tooltip says who sends which.
    bar.update_status(status(Phase.RUNNING, holder=ours, team=(front, ours), waiting=3))
    tip = plain_text(bar.engine_label.toolTip())
    assert tip.startswith("The sending service (pid 34")
    assert "+14155550101 is sent from the desktop front-desk (anna)." in tip
    assert "+15005550002" not in tip
