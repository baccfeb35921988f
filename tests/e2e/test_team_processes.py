"""Team mode as users run it: three desktops' workers on one database and one sender, the
one sending killed mid-send. On SQLite and on PostgreSQL (the `db_url` fixture): every lead
gets each step exactly once, the busiest second at the Twilio stand-in stays within the
rate limit + 1, and the sequence finishes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from desktop.models import EngineLease
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.sequences import builder, lifecycle
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from tests.engine_helpers import fast_settings, lease_of_another_desktop, worker_env
from tests.helpers import add_leads
from tests.waiting import wait_until

RATE = 5  # texts a second: one-part bodies
LEADS = 24
# No carrier refusals: a refused first step would rightly cancel that lead's second.
EVERY_TEXT_DELIVERED: dict[str, object] = {"outcome_weights": {"delivered": 1.0}}


def _worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "worker", "--wait", "--until-idle"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _holder_pid(ctx: Context) -> int | None:
    with ctx.db.read() as session:
        pids = list(session.scalars(select(EngineLease.pid)))
    return pids[0] if len(pids) == 1 else None


def busiest_second(times: list[float]) -> int:
    """The most creates within any one second (a sliding window, stricter than clock
    seconds)."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_busiest_second_counts_a_sliding_window() -> None:
    assert busiest_second([]) == 0
    assert busiest_second([0.0, 0.5, 0.99, 1.0, 1.2]) == 4  # 0.5 to 1.2
    assert busiest_second([0.0, 0.2, 0.4, 0.6, 0.8, 1.0]) == 5


@pytest.mark.slow
def test_three_desktops_one_sender_one_killed(db_url: str) -> None:
    ctx = Context.open(db_url)
    fast_settings(ctx, rate_limit=str(RATE))
    add_leads(ctx, LEADS)
    steps = [
        builder.StepSpec("Spring sale Saturday. Reply STOP to opt out"),
        builder.StepSpec("Last day of the sale today!", delay=timedelta(seconds=2)),
    ]
    sid = builder.create_sequence(ctx, "Spring", steps, builder.LeadSelection(all=True)).sequence_id
    with CarrierSandbox(
        SandboxConfig.fast(seed=13, latency=0.05, **EVERY_TEXT_DELIVERED)
    ) as sandbox:
        env = worker_env(db_url, sandbox)
        desks = [_worker(env) for _ in range(3)]
        pids = {desk.pid for desk in desks}
        # One of them holds the sender; the other two wait for it.
        wait_until(lambda: _holder_pid(ctx) in pids, what="a desktop taking the sender")
        wait_until(lambda: len(sandbox.ledger_snapshot()) >= 8, what="the first sends")
        holder = _holder_pid(ctx)
        killed = next(desk for desk in desks if desk.pid == holder)
        killed.send_signal(signal.SIGKILL)
        killed.communicate(timeout=30)
        others = [desk for desk in desks if desk is not killed]
        for desk in others:
            _out, err = desk.communicate(timeout=240)
            assert desk.returncode == 0, err
            assert "Traceback" not in err
        ledger = sandbox.ledger_snapshot()
    per_text = Counter((entry.to, entry.body) for entry in ledger)
    assert len(per_text) == LEADS * len(steps)  # every lead got each step...
    assert set(per_text.values()) == {1}  # ...exactly once
    first = min(entry.created_at for entry in ledger)
    seconds = [(entry.created_at - first).total_seconds() for entry in ledger]
    assert busiest_second(seconds) <= RATE + 1
    summary = lifecycle.get_summary(ctx, sid)
    assert summary.status == SequenceStatus.DONE
    assert summary.counts[Bucket.IN_QUEUE] == 0 and summary.counts.total == LEADS * len(steps)
    ctx.close()


FRONT_DESK_SENDER = "+14155550101"


def _textdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_a_desktop_sends_its_sender_and_takes_over_when_another_goes(db_url: str) -> None:
    ctx = Context.open(db_url)
    fast_settings(ctx, rate_limit="20")
    add_leads(ctx, 6)
    step = [builder.StepSpec("Doors open at 9. Reply STOP to opt out")]
    everyone = builder.LeadSelection(all=True)
    with CarrierSandbox(SandboxConfig.fast(seed=21, **EVERY_TEXT_DELIVERED)) as sandbox:
        env = worker_env(db_url, sandbox)
        env.pop("TEXTDESK_SERVICE", None)
        theirs = builder.create_sequence(
            ctx, "Front desk's", step, everyone, sender=FRONT_DESK_SENDER
        ).sequence_id
        ours = builder.create_sequence(
            ctx, "Ours", step, everyone, sender=sandbox.phone_number
        ).sequence_id
        lease_of_another_desktop(ctx, FRONT_DESK_SENDER, minutes=5)
        try:
            # Another desktop holds one sender: our service still starts, for the other.
            started = _textdesk(env, "service", "start")
            assert started.returncode == 0 and "Started" in started.stdout, started.stderr
            wait_until(
                lambda: lifecycle.get_summary(ctx, ours).counts[Bucket.IN_QUEUE] == 0,
                what="our sender's texts going out",
            )
            status = _textdesk(env, "service", "status", "--json")
            assert json.loads(status.stdout)["elsewhere"] == [
                {"sender": FRONT_DESK_SENDER, "desktop": "front-desk", "user": "anna"}
            ]
            assert lifecycle.get_summary(ctx, theirs).counts[Bucket.IN_QUEUE] == 6
            assert {e.from_ for e in sandbox.ledger_snapshot()} == {sandbox.phone_number}
            # front-desk goes away: once its lease expires, our service takes its sender over.
            lease_of_another_desktop(ctx, FRONT_DESK_SENDER, minutes=-1)
            wait_until(
                lambda: lifecycle.get_summary(ctx, theirs).counts[Bucket.IN_QUEUE] == 0,
                timeout=60,
                what="the takeover of the other desktop's sender",
            )
        finally:
            _textdesk(env, "service", "stop")
        ledger = sandbox.ledger_snapshot()
    per_text = Counter((entry.to, entry.from_) for entry in ledger)
    assert len(per_text) == 12 and set(per_text.values()) == {1}
    ctx.close()
