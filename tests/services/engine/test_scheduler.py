"""The engine on its APScheduler threads, the worker's signals and modes, adaptive polling."""

import logging
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.engine.poll_schedule import QUIET_INTERVAL, next_poll_delay
from desktop.services.sequences import builder
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.vocabulary import SequenceStatus
from desktop.services.twilio.gateway import Refused
from tests.engine_helpers import fast_settings, make_engine, sandbox_gateway, worker_env
from tests.helpers import add_leads
from tests.waiting import wait_until

STEP = [builder.StepSpec("Hello. Reply STOP to opt out")]


def test_scheduler_runs_the_jobs_and_publishes_changes(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=12)) as sandbox:
        fast_settings(ctx)
        add_leads(ctx, 5)
        sid = builder.create_sequence(ctx, "Live", STEP, builder.LeadSelection(all=True))
        engine = make_engine(ctx, sandbox, dispatch_interval=0.2, sweep_interval=0.5)
        heard: list[set[int]] = []
        got_change = threading.Event()

        def listener(ids: set[int]) -> None:
            heard.append(ids)
            got_change.set()

        engine.subscribe(listener)
        engine.start()
        try:
            assert got_change.wait(10)
            wait_until(engine.is_idle, what="the engine going idle")
            status = engine.status()
            assert status.state == "running" and status.in_queue == 0
            assert status.next_poll_at is not None
            engine.run_now()  # never raises while running
        finally:
            engine.stop()
        assert engine.status().state == "stopped"
        assert any(sid.sequence_id in ids for ids in heard)
        assert sequences.get_summary(ctx, sid.sequence_id).status == SequenceStatus.DONE
        assert len(sandbox.ledger_snapshot()) == 5


def test_a_failing_listener_does_not_stop_the_engine(
    ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=12)) as sandbox:
        fast_settings(ctx)
        add_leads(ctx, 2)
        builder.create_sequence(ctx, "L", STEP, builder.LeadSelection(all=True))
        engine = make_engine(ctx, sandbox)

        calls: list[set[int]] = []

        def broken(ids: set[int]) -> None:
            calls.append(ids)
            raise RuntimeError("a broken subscriber")

        engine.subscribe(broken)
        with caplog.at_level(logging.ERROR):
            engine.run_once()
        assert calls, "the failing listener was never called"
        assert "a change listener failed" in caplog.text
        assert len(sandbox.ledger_snapshot()) == 2


def test_adaptive_poll_delay() -> None:
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    base = timedelta(seconds=30)
    assert next_poll_delay(now, now - timedelta(minutes=5), 10, base) == base
    assert next_poll_delay(now, now - timedelta(hours=2), 10, base) == timedelta(minutes=2)
    assert next_poll_delay(now, now - timedelta(days=1), 10, base) == QUIET_INTERVAL
    assert next_poll_delay(now, None, 0, base) == QUIET_INTERVAL
    assert next_poll_delay(now, None, 0, timedelta(hours=1)) == timedelta(hours=1)
    # A long interval is never shortened for older texts (15 min, not the quiet 10).
    slow = timedelta(minutes=15)
    assert next_poll_delay(now, now - timedelta(hours=2), 10, slow) == slow


def test_cancel_a_scheduled_message() -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        gateway = sandbox_gateway(sandbox)
        scheduled = sandbox.send(
            "+14155550100",
            "Later",
            messaging_service_sid="MG" + "b" * 32,
            send_at=datetime.now(UTC) + timedelta(hours=1),
        )
        assert gateway.cancel_message(scheduled["sid"]).status == "canceled"
        with pytest.raises(Refused):  # only a scheduled message can be canceled
            gateway.cancel_message(scheduled["sid"])


@pytest.fixture
def worker_setup(tmp_path: Path):
    db_url = f"sqlite:///{tmp_path / 'w.db'}"
    ctx = Context.open(db_url)
    fast_settings(ctx, rate_limit="2")
    add_leads(ctx, 20)
    builder.create_sequence(ctx, "W", STEP, builder.LeadSelection(all=True))
    with CarrierSandbox(SandboxConfig.fast(seed=3)) as sandbox:
        yield ctx, sandbox, worker_env(db_url, sandbox)
    ctx.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_worker_stops_cleanly_on_a_signal(worker_setup, sig: signal.Signals) -> None:
    _ctx, sandbox, env = worker_setup
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until(sandbox.ledger_snapshot, what="the worker's first send")
    process.send_signal(sig)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped;" in out and "Traceback" not in err
    # Rate 2/s: it was stopped long before all 20 went out; the rest wait In-queue.
    assert 0 < len(sandbox.ledger_snapshot()) < 20


def test_worker_once_does_one_pass(worker_setup) -> None:
    ctx, sandbox, env = worker_setup
    run = subprocess.run(
        [sys.executable, "-m", "desktop", "worker", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert len(sandbox.ledger_snapshot()) == 20  # everything due went out in that pass
    summary = sequences.list_sequences(ctx)[0]
    assert summary.counts.total == 20 and summary.status != SequenceStatus.BEING_PROCESSED
