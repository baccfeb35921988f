"""The window and the sending service, with real processes: the window starts the service,
the window's end does not stop sending, a worker beside it refuses, a killed service is
started again by the window with nobody getting a step twice, and the demo delivers its
first message within seconds of the first start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.app import TextDeskApp, build_app
from desktop.services.core.context import Context
from desktop.services.engine.service_control import service_state, stop_service
from desktop.services.sequences import lifecycle
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.ui.kit.sending_status import Phase
from desktop.ui.shell.banner import Banner
from tests.ui.shell.service_helpers import Sending, open_window
from tests.waiting import wait_until

pytest_plugins = ("tests.ui.shell.service_fixtures",)

ROOT = Path(__file__).resolve().parents[2]


def textdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_window_starts_the_service_and_sending_outlives_it(sending: Sending) -> None:
    sid = sending.create(30, name="Outlives the window")  # 5 a second: about 6 s of sending
    window = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--db", sending.url],
        cwd=ROOT,
        env=sending.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        pid = wait_until(sending.service_pid, timeout=30, what="the window starting the service")
        assert pid != window.pid  # a process of its own, not the window's
        wait_until(lambda: len(sending.sandbox.ledger_snapshot()) >= 3, what="the first sends")
    finally:
        window.kill()  # the window's process ends, as hard as it can
        window.wait(30)
    at_end = len(sending.sandbox.ledger_snapshot())
    assert at_end < 30, "sent everything before the window ended: nothing left to prove"
    wait_until(lambda: len(sending.sandbox.ledger_snapshot()) == 30, timeout=60, what="all sent")
    assert sending.service_pid() == pid  # the same service, on its own
    assert set(sending.sent_to().values()) == {1}
    assert lifecycle.get_summary(sending.ctx, sid).counts[Bucket.IN_QUEUE] == 0


def test_a_worker_beside_the_windows_service_refuses(  # type: ignore[no-untyped-def]
    qtbot, sending: Sending, windows: list[TextDeskApp]
) -> None:
    sending.create(2, name="Tomorrow", start_in_days=1)
    app = open_window(windows, sending.url)
    qtbot.waitUntil(lambda: app.services.bridge.status.running, timeout=30_000)
    pid = sending.service_pid()
    assert pid is not None
    worker = textdesk(sending.env, "worker", "--once")
    assert worker.returncode == 2, worker.stdout + worker.stderr
    assert f"pid {pid}" in worker.stderr and "Traceback" not in worker.stderr


def test_a_killed_service_is_started_again_and_nothing_goes_twice(  # type: ignore[no-untyped-def]
    qtbot, sending: Sending, windows: list[TextDeskApp]
) -> None:
    sending.create(30, name="Survives a kill")
    app = open_window(windows, sending.url)
    bridge = app.services.bridge
    phases: list[Phase] = []
    news: list[str] = []
    bridge.statusChanged.connect(lambda status: phases.append(status.phase))
    bridge.announced.connect(news.append)
    qtbot.waitUntil(lambda: bridge.status.running, timeout=30_000)
    qtbot.waitUntil(lambda: len(sending.sandbox.ledger_snapshot()) >= 3, timeout=30_000)
    pid = sending.service_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    qtbot.waitUntil(
        lambda: (sending.service_pid() or pid) != pid and bridge.status.running, timeout=10_000
    )
    assert time.monotonic() - killed < 10
    assert Phase.RESTARTING in phases  # the window said so while it started it again
    qtbot.waitUntil(lambda: bool(news), timeout=5000)
    assert "running again" in news[-1]
    qtbot.waitUntil(lambda: len(sending.sandbox.ledger_snapshot()) >= 30, timeout=60_000)
    time.sleep(1.0)  # a step sent twice would show up now
    assert sorted(sending.sent_to().values()) == [1] * 30


def test_a_service_stopped_on_request_stays_stopped_until_the_user_gives_it_work(  # type: ignore[no-untyped-def]
    qtbot, sending: Sending, windows: list[TextDeskApp]
) -> None:
    sending.create(2, name="Tomorrow", start_in_days=1)
    app = open_window(windows, sending.url)
    bridge = app.services.bridge
    qtbot.waitUntil(lambda: bridge.status.running, timeout=30_000)
    pid = sending.service_pid()
    stopped = textdesk(sending.env, "service", "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert f"Stopped the sending service (pid {pid})" in stopped.stdout
    assert "A TextDesk window is open on this database" in stopped.stdout
    reads: list[Phase] = []
    bridge.statusChanged.connect(lambda status: reads.append(status.phase))
    qtbot.waitUntil(lambda: len(reads) >= 3, timeout=15_000)  # ~6 s of the window's reads
    # A crash would have been followed by a restart by now (the test above): a stop is not.
    assert sending.service_pid() is None
    assert Phase.RESTARTING not in reads and Phase.STARTING not in reads
    assert bridge.status.phase == Phase.STOPPED and bridge.status.stopped_on_request
    assert "(textdesk service stop)" in bridge.status.note
    banner = app.window.notices.findChild(Banner, "banner_engine")
    assert banner is not None and "(textdesk service stop)" in banner.text
    assert banner.action_button is not None
    assert banner.action_button.text() == "&Start sending"
    # The user starts it again (the notice's button; a new sequence or a resume does too).
    qtbot.mouseClick(banner.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bridge.status.running, timeout=30_000)
    assert sending.service_pid() not in (None, pid)
    assert service_state(sending.ctx).stop_requested is None
    assert bridge.status.note == ""


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TEXTDESK_FROM", "TEXTDESK_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TEXTDESK_SERVICE", raising=False)
    url = f"sqlite:///{tmp_path / 'first.db'}"
    yield url
    ctx = Context.open(url, demo=True)
    try:
        stop_service(ctx)
    finally:
        ctx.close()


def _demo_ready() -> bool:
    """The demo's service-side work (its sandbox kept beside the demo database, scripted by
    the service, the first status check soon after the first hand-off) is in."""
    from desktop.services.engine import service

    return hasattr(service, "connect")


@pytest.mark.xfail(
    not _demo_ready(),
    reason="the demo's sandbox in the service process (desktop/services/engine/service.py) "
    "is being added in parallel; without it the service cannot run the demo",
    strict=False,
)
def test_the_demo_delivers_a_message_within_10_s_of_the_first_start(  # type: ignore[no-untyped-def]
    qtbot, demo_db: str
) -> None:
    started = time.monotonic()
    app = build_app(demo_db, demo=True)
    try:
        app.window.show()
        ctx = app.services.ctx
        assert ctx.db.url.endswith("first-demo.db")

        def delivered() -> bool:
            running = [
                s for s in lifecycle.list_sequences(ctx) if s.status == SequenceStatus.IN_PROGRESS
            ]
            return any(s.counts[Bucket.SENT] > 0 for s in running)

        qtbot.waitUntil(delivered, timeout=10_000)
        assert time.monotonic() - started <= 10.0
        assert service_state(ctx).running
    finally:
        app.shutdown()
