"""`textdesk worker` killed with SIGKILL at random moments, 20 times: nobody gets a step
twice, and every message ends in a bucket."""

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.sequences import builder
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.transitions import counts_by_sequence, recount
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from tests.engine_helpers import fast_settings, worker_env
from tests.helpers import add_leads

KILLS = 20
LEADS = 60


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_sigkill_at_random_moments(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'kill.db'}"
    ctx = Context.open(db_url)
    fast_settings(ctx, rate_limit="40", carrier_window="2s")
    add_leads(ctx, LEADS)
    sid = builder.create_sequence(
        ctx,
        "Kill",
        [
            builder.StepSpec("Step one. Reply STOP to opt out"),
            builder.StepSpec("Step two"),
        ],
        builder.LeadSelection(all=True),
    ).sequence_id
    rng = random.Random(20261126)
    config = SandboxConfig.fast(seed=8, latency=0.03, rate_drop_after_create=0.02)
    with CarrierSandbox(config) as sandbox:
        env = worker_env(db_url, sandbox)
        sent_before_kill: list[int] = []
        for _ in range(KILLS):
            process = _worker(env)
            time.sleep(rng.uniform(0.4, 2.5))
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
            assert process.returncode == -signal.SIGKILL
            sent_before_kill.append(len(sandbox.ledger_snapshot()))
        final = _worker(env, "--until-idle")
        _out, err = final.communicate(timeout=180)
        assert final.returncode == 0, err
        assert "Traceback" not in err

        ledger = sandbox.ledger_snapshot()
        per_step = Counter((entry.to, entry.body) for entry in ledger)
        assert [k for k, v in per_step.items() if v > 1] == []
        with ctx.db.read() as session:
            canceled = counts_by_sequence(session)[sid][Bucket.CANCELED]
        # Only second steps to leads whose first step hit a dead number stay unsent.
        assert len(ledger) == 2 * LEADS - canceled
    # The kills really interrupted sending: it happened across many worker lives.
    assert len(set(sent_before_kill)) > 3
    with ctx.db.read() as session:
        counts = counts_by_sequence(session)[sid]
        assert dict(counts.buckets) == dict(recount(session, sid).buckets)
    assert counts.total == 2 * LEADS == sum(counts.buckets.values())
    assert counts[Bucket.IN_QUEUE] == 0
    assert sequences.get_summary(ctx, sid).status == SequenceStatus.DONE
    ctx.close()
