"""`textdesk service`: a detached sending process per database, started, asked, stopped,
refusing a second engine, surviving its starter, and leaving when nothing is left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.core.processes import process_alive
from desktop.services.engine.service_control import service_state
from desktop.services.sequences import builder, lifecycle
from desktop.services.status.vocabulary import Bucket
from tests.engine_helpers import fast_settings, worker_env
from tests.helpers import add_leads
from tests.waiting import wait_until

STEP = [builder.StepSpec("Hello {first_name}. Reply STOP to opt out")]


def _textdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _status(env: dict[str, str]) -> dict[str, object]:
    done = _textdesk(env, "service", "status", "--json")
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


@pytest.fixture
def service_env(tmp_path: Path) -> Iterator[tuple[Context, CarrierSandbox, dict[str, str]]]:
    db_url = f"sqlite:///{tmp_path / 'service.db'}"
    ctx = Context.open(db_url)
    fast_settings(ctx, rate_limit="5")
    with CarrierSandbox(SandboxConfig.fast(seed=4)) as sandbox:
        env = worker_env(db_url, sandbox)
        env.pop("TEXTDESK_SERVICE", None)  # these tests want the service
        try:
            yield ctx, sandbox, env
        finally:
            _textdesk(env, "service", "stop")
            ctx.close()


def test_start_status_stop(service_env: tuple[Context, CarrierSandbox, dict[str, str]]) -> None:
    ctx, sandbox, env = service_env
    add_leads(ctx, 10)
    sid = builder.create_sequence(ctx, "S", STEP, builder.LeadSelection(all=True)).sequence_id
    assert _status(env)["running"] is False
    started = _textdesk(env, "service", "start")
    assert started.returncode == 0 and "Started" in started.stdout, started.stderr
    status = _status(env)
    assert set(status) == {
        "running", "pid", "host", "since", "database", "in_queue", "outbox", "problem",
        "elsewhere",
    }  # fmt: skip
    assert status["elsewhere"] == []
    assert status["running"] is True and isinstance(status["pid"], int)
    assert status["problem"] is None and "service.db" in str(status["database"])
    again = _textdesk(env, "service", "start")  # one is running: exit 0, names it
    assert again.returncode == 0 and f"pid {status['pid']}" in again.stdout
    # A worker beside the service refuses, naming it.
    worker = _textdesk(env, "worker", "--once")
    assert worker.returncode == 2 and f"pid {status['pid']}" in worker.stderr
    wait_until(lambda: len(sandbox.ledger_snapshot()) == 10, what="the service sending all")
    stopped = _textdesk(env, "service", "stop")
    assert stopped.returncode == 0 and "Stopped" in stopped.stdout
    assert "window is open" not in stopped.stdout  # none is
    assert _status(env)["running"] is False
    assert not process_alive(int(str(status["pid"])), "")
    assert lifecycle.get_summary(ctx, sid).counts[Bucket.IN_QUEUE] == 0
    # The stop is remembered (a window would not undo it) until a service starts again.
    said = _textdesk(env, "service", "status")
    assert "Stopped on request at" in said.stdout, said.stdout
    assert service_state(ctx).stop_requested is not None
    assert _textdesk(env, "service", "start").returncode == 0
    assert service_state(ctx).stop_requested is None
    assert "Stopped on request" not in _textdesk(env, "service", "status").stdout


def test_creating_a_sequence_starts_the_service_which_outlives_its_starter(
    service_env: tuple[Context, CarrierSandbox, dict[str, str]],
) -> None:
    ctx, sandbox, env = service_env
    add_leads(ctx, 6)
    created = _textdesk(env, "sequences", "create", "--name", "Auto", "--step", STEP[0].body)
    assert created.returncode == 0, created.stderr
    status = _status(env)
    assert status["running"] is True  # the command that started it has exited already
    wait_until(lambda: len(sandbox.ledger_snapshot()) == 6, what="the service sending all")


def test_without_credentials_the_service_says_why(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "TEXTDESK_F"))}
    env["TEXTDESK_DB"] = f"sqlite:///{tmp_path / 'none.db'}"
    done = _textdesk(env, "service", "start")
    assert done.returncode == 2
    assert "no Twilio credentials" in done.stderr and "Traceback" not in done.stderr


def test_a_killed_service_is_replaced_and_nothing_goes_twice(
    service_env: tuple[Context, CarrierSandbox, dict[str, str]],
) -> None:
    ctx, sandbox, env = service_env
    fast_settings(ctx, rate_limit="4")
    add_leads(ctx, 16)
    builder.create_sequence(ctx, "Kill", STEP, builder.LeadSelection(all=True))
    assert _textdesk(env, "service", "start").returncode == 0
    wait_until(lambda: len(sandbox.ledger_snapshot()) >= 3, what="the first sends")
    pid = int(str(_status(env)["pid"]))
    os.kill(pid, signal.SIGKILL)
    # The dead process's lease is stale at once on this host: a new service starts.
    restarted = _textdesk(env, "service", "start")
    assert restarted.returncode == 0 and "Started" in restarted.stdout, restarted.stderr
    assert int(str(_status(env)["pid"])) != pid
    wait_until(lambda: len(sandbox.ledger_snapshot()) == 16, timeout=60, what="all sent")
    assert sorted(Counter(e.to for e in sandbox.ledger_snapshot()).values()) == [1] * 16


@pytest.mark.slow
def test_the_service_leaves_when_nothing_is_left(
    service_env: tuple[Context, CarrierSandbox, dict[str, str]],
) -> None:
    ctx, sandbox, env = service_env
    fast_settings(ctx, rate_limit="50", carrier_window="1s", delivery_unknown_after="1s")
    add_leads(ctx, 3)
    builder.create_sequence(ctx, "Short", STEP, builder.LeadSelection(all=True))
    assert _textdesk(env, "service", "start").returncode == 0
    pid = int(str(_status(env)["pid"]))
    wait_until(lambda: not _status(env)["running"], timeout=60, what="the service leaving")
    # Its leases go first (the status says so at once), then it stops its engine and exits.
    wait_until(lambda: not process_alive(pid, ""), timeout=20, what="the service's exit")
    assert len(sandbox.ledger_snapshot()) == 3


def test_new_credentials_apply_to_the_running_service(
    service_env: tuple[Context, CarrierSandbox, dict[str, str]],
) -> None:
    """Settings saved while the service runs reach it without a restart (issue 11, item 21):
    refused with a wrong token it keeps the texts queued and says why; once the right token
    is saved, the same process sends them."""
    ctx, sandbox, env = service_env
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        env.pop(name)  # from the settings, as the window's Settings dialog saves them
    ctx.settings.set_many(
        {"twilio_account_sid": sandbox.account_sid, "twilio_auth_token": "0" * 32}
    )
    add_leads(ctx, 6)
    sid = builder.create_sequence(ctx, "S", STEP, builder.LeadSelection(all=True)).sequence_id
    started = _textdesk(env, "service", "start")
    assert started.returncode == 0, started.stderr
    pid = _status(env)["pid"]
    wait_until(lambda: "20003" in str(_status(env)["problem"]), what="the refusal said")
    assert sandbox.ledger_snapshot() == []
    assert lifecycle.get_summary(ctx, sid).counts[Bucket.IN_QUEUE] == 6

    ctx.settings.set_many({"twilio_auth_token": sandbox.auth_token})
    wait_until(lambda: len(sandbox.ledger_snapshot()) == 6, what="the same service sending")
    status = _status(env)
    assert status["pid"] == pid and status["problem"] is None
    assert Counter(entry.to for entry in sandbox.ledger_snapshot()).most_common(1)[0][1] == 1
