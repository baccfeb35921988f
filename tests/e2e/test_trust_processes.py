"""What users will do with real processes on one database: two workers, a loop of
`worker --once`, a kill, a wrong token, a sender the account cannot use, no credentials,
and a full disk. Every lead gets each step once; nothing is burned or simulated."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.sequences import builder, lifecycle
from desktop.services.status.transitions import counts_by_sequence
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from tests.engine_helpers import fast_settings, worker_env
from tests.helpers import add_leads
from tests.waiting import wait_until

# About 7 GSM-7 segments: at 7 segments per second, one text a second.
LONG_BODY = ("Our spring sale starts Saturday with 20% off every bike and helmet. " * 14)[
    :1000
] + " Reply STOP to opt out"
SEGMENTS = 7


def _textdesk(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_workers_a_once_loop_and_a_kill_send_every_lead_once(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'two.db'}"
    ctx = Context.open(db_url)
    fast_settings(ctx, rate_limit=str(SEGMENTS))
    add_leads(ctx, 12)
    sid = builder.create_sequence(
        ctx, "Spring", [builder.StepSpec(LONG_BODY)], builder.LeadSelection(all=True)
    ).sequence_id
    with CarrierSandbox(SandboxConfig.fast(seed=9, latency=0.05)) as sandbox:
        env = worker_env(db_url, sandbox)
        first = _worker(env, "--until-idle")
        wait_until(lambda: len(sandbox.ledger_snapshot()) >= 2, what="the first sends")
        # A second worker and a loop of --once beside it: each refuses, naming the holder.
        second = _textdesk(env, "worker", "--until-idle", timeout=60)
        assert second.returncode == 2
        assert f"pid {first.pid}" in second.stderr and "Traceback" not in second.stderr
        for _ in range(3):
            once = _textdesk(env, "worker", "--once", timeout=60)
            assert once.returncode == 2 and f"pid {first.pid}" in once.stderr
        # A third waits for the lease, and takes over when the first is killed mid-send.
        waiting = _worker(env, "--wait", "--until-idle")
        time.sleep(1.5)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
        _out, err = waiting.communicate(timeout=180)
        assert waiting.returncode == 0, err
        assert "Traceback" not in err
        ledger = sandbox.ledger_snapshot()
    per_lead = Counter(entry.to for entry in ledger)
    assert sorted(per_lead.values()) == [1] * 12  # every lead exactly once
    gaps = [(b.created_at - a.created_at).total_seconds() for a, b in itertools.pairwise(ledger)]
    # One sender, one rate: consecutive creates never closer than the rate allows (the
    # creates of the killed worker and of its successor included); 0.1 s of timer slack.
    assert min(gaps) >= 1.0 - 0.1, gaps
    with ctx.db.read() as session:
        counts = counts_by_sequence(session)[sid]
    assert counts[Bucket.IN_QUEUE] == 0 and counts.total == 12
    assert lifecycle.get_summary(ctx, sid).status == SequenceStatus.DONE
    ctx.close()


@pytest.fixture
def queued(tmp_path: Path) -> Iterator[tuple[Context, str, int]]:
    db_url = f"sqlite:///{tmp_path / 'queued.db'}"
    ctx = Context.open(db_url)
    fast_settings(ctx)
    add_leads(ctx, 8)
    sid = builder.create_sequence(
        ctx,
        "Queued",
        [builder.StepSpec("Hi. Reply STOP to opt out")],
        builder.LeadSelection(all=True),
    ).sequence_id
    yield ctx, db_url, sid
    ctx.close()


def _in_queue(ctx: Context, sid: int) -> int:
    return lifecycle.get_summary(ctx, sid).counts[Bucket.IN_QUEUE]


def test_a_wrong_token_stops_the_worker_and_burns_nothing(queued: tuple[Context, str, int]) -> None:
    ctx, db_url, sid = queued
    with CarrierSandbox(SandboxConfig.fast(seed=2)) as sandbox:
        env = worker_env(db_url, sandbox)
        env["TWILIO_AUTH_TOKEN"] = "0" * 32  # a well-formed token Twilio refuses: 401, 20003
        wrong = _textdesk(env, "worker", "--until-idle", timeout=60)
        assert wrong.returncode == 2
        line = wrong.stderr.strip().splitlines()[0]
        assert "20003" in line and "to fix it" in line and "Traceback" not in wrong.stderr
        assert sandbox.ledger_snapshot() == []
        assert _in_queue(ctx, sid) == 8  # nothing went to Error
        # Fixed credentials: everything goes out.
        right = _textdesk(worker_env(db_url, sandbox), "worker", "--until-idle")
        assert right.returncode == 0, right.stderr
        assert len(sandbox.ledger_snapshot()) == 8
    assert _in_queue(ctx, sid) == 0


def test_a_sender_the_account_cannot_use_stops_sending(queued: tuple[Context, str, int]) -> None:
    ctx, db_url, sid = queued
    with CarrierSandbox(SandboxConfig.fast(seed=2)) as sandbox:
        env = worker_env(db_url, sandbox)
        env["TEXTDESK_FROM"] = "+15005550007"  # Twilio's magic "not owned by your account"
        run = _textdesk(env, "worker", "--until-idle", timeout=120)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "21606" in run.stderr and "Traceback" not in run.stderr
        assert sandbox.ledger_snapshot() == []
    counts = lifecycle.get_summary(ctx, sid).counts
    assert counts[Bucket.IN_QUEUE] == 8 and counts[Bucket.ERROR] == 0


def test_no_credentials_is_an_error_and_demo_never_touches_real_data(
    queued: tuple[Context, str, int], tmp_path: Path
) -> None:
    ctx, db_url, sid = queued
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TWILIO_", "TEXTDESK_FROM", "TEXTDESK_TWILIO"))
    }
    env["TEXTDESK_DB"] = db_url
    bare = _textdesk(env, "worker", "--once", timeout=60)
    assert bare.returncode == 2
    assert bare.stderr.strip() == (
        "textdesk: error: no Twilio credentials: set them in Settings or with "
        "`textdesk settings set`, or run `--demo`"
    )
    demo = _textdesk(env, "worker", "--demo", "--once", timeout=60)
    assert demo.returncode == 0, demo.stderr
    assert "demo" in demo.stdout
    assert _in_queue(ctx, sid) == 8  # the demo ran on queued-demo.db, beside it
    assert (tmp_path / "queued-demo.db").exists()


def _tmpfs(size: str) -> Path | None:
    folder = Path(tempfile.mkdtemp(prefix="textdesk-full-"))
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return None
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
    )
    return folder if done.returncode == 0 else None


def test_a_create_that_fails_on_a_full_disk_is_never_sent(tmp_path: Path) -> None:
    folder = _tmpfs("2m")
    if folder is None:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount)")
    try:
        db_url = f"sqlite:///{folder / 'full.db'}"
        ctx = Context.open(db_url)
        fast_settings(ctx)
        add_leads(ctx, 1500)
        ctx.close()
        with CarrierSandbox(SandboxConfig.fast(seed=3)) as sandbox:
            env = worker_env(db_url, sandbox)
            body = "Big news for {first_name}: " + "x" * 1200 + " Reply STOP to opt out"
            create = _textdesk(
                env, "sequences", "create", "--name", "Too big", "--all", "--step", body
            )
            assert create.returncode == 2, create.stdout
            assert "full" in create.stderr and "Traceback" not in create.stderr
            run = _textdesk(env, "worker", "--once", timeout=60)
            assert run.returncode == 0, run.stderr
            assert sandbox.ledger_snapshot() == []  # nothing of it is ever sent
        listed = _textdesk(env, "sequences", "list", "--json")
        assert '"status": "preparation_failed"' in listed.stdout
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_an_api_key_sends_like_the_auth_token(queued: tuple[Context, str, int]) -> None:
    ctx, db_url, sid = queued
    with CarrierSandbox(SandboxConfig.fast(seed=2)) as sandbox:
        env = worker_env(db_url, sandbox)
        del env["TWILIO_AUTH_TOKEN"]  # the recommended way: an API key and its secret
        env["TWILIO_API_KEY"] = sandbox.api_key_sid
        env["TWILIO_API_SECRET"] = sandbox.api_key_secret
        run = _textdesk(env, "worker", "--until-idle")
        assert run.returncode == 0, run.stderr
        assert len(sandbox.ledger_snapshot()) == 8
        env["TWILIO_API_SECRET"] = "f" * 32  # a wrong secret is refused like a wrong token
        fast_settings(ctx)
        builder.create_sequence(
            ctx, "Again", [builder.StepSpec("Again. Reply STOP to opt out")],
            builder.LeadSelection(all=True),
        )  # fmt: skip
        refused = _textdesk(env, "worker", "--until-idle", timeout=60)
        assert refused.returncode == 2 and "20003" in refused.stderr
        assert len(sandbox.ledger_snapshot()) == 8
    assert _in_queue(ctx, sid) == 0
