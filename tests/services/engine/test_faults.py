"""Faults on the wire: everything still accounted for, nobody texted twice."""

import logging
from collections import Counter

import pytest
from sqlalchemy import select

from desktop.models import Message
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.sequences import builder
from desktop.services.status.transitions import counts_by_sequence, recount
from desktop.services.status.vocabulary import Bucket
from tests.engine_helpers import drive, fast_settings, make_engine
from tests.helpers import add_leads

STEPS = [
    builder.StepSpec("First step. Reply STOP to opt out"),
    builder.StepSpec("Second step"),
]


def _assert_accounted(ctx: Context, sid: int, total: int) -> None:
    with ctx.db.read() as session:
        counts = counts_by_sequence(session)[sid]
        assert dict(counts.buckets) == dict(recount(session, sid).buckets)
        assert counts.total == total == sum(counts.buckets.values())
        stuck = session.scalars(
            select(Message).where(Message.bucket == Bucket.IN_QUEUE.value)
        ).all()
        assert stuck == []


def _assert_no_duplicates(sandbox: CarrierSandbox) -> None:
    per_step = Counter((e.to, e.body) for e in sandbox.ledger_snapshot())
    twice = {k: v for k, v in per_step.items() if v > 1}
    assert twice == {}


def test_429_500_drops_and_ambiguous_drops(ctx: Context) -> None:
    config = SandboxConfig.fast(
        seed=5, rate_429=0.10, rate_500=0.05, rate_drop=0.03, rate_drop_after_create=0.03
    )
    with CarrierSandbox(config) as sandbox:
        fast_settings(ctx)
        add_leads(ctx, 60)
        sid = builder.create_sequence(
            ctx, "Faults", STEPS, builder.LeadSelection(all=True)
        ).sequence_id
        engine = make_engine(ctx, sandbox)
        drive(engine, deadline=120)
        faults = sandbox.fault_counts()
        _assert_accounted(ctx, sid, 120)
        _assert_no_duplicates(sandbox)
        # Every lead got both steps exactly once despite the faults.
        assert len(sandbox.ledger_snapshot()) == 120
    injected = Counter(fault for (_kind, fault) in faults.elements())
    assert injected["429"] and injected["500"] and injected["drop_after_create"]


def test_stalls_and_malformed_answers_on_create(ctx: Context) -> None:
    config = SandboxConfig.fast(seed=9, rate_stall=0.05, rate_malformed=0.05, stall_seconds=1.5)
    with CarrierSandbox(config) as sandbox:
        fast_settings(ctx)
        add_leads(ctx, 40)
        sid = builder.create_sequence(
            ctx, "Stalls", STEPS, builder.LeadSelection(all=True)
        ).sequence_id
        drive(make_engine(ctx, sandbox), deadline=120)
        _assert_accounted(ctx, sid, 80)
        _assert_no_duplicates(sandbox)
        assert len(sandbox.ledger_snapshot()) == 80


def test_malformed_lists_and_unknown_statuses_do_not_crash(
    ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    """Twilio answering garbage: the worker goes on, messages stay accounted, it is logged."""
    with CarrierSandbox(SandboxConfig.fast(seed=2)) as sandbox:
        fast_settings(ctx, delivery_unknown_after="60s", carrier_window="60s")
        add_leads(ctx, 10)
        sid = builder.create_sequence(
            ctx, "Garbage", STEPS[:1], builder.LeadSelection(all=True)
        ).sequence_id
        engine = make_engine(ctx, sandbox)
        engine.dispatch()
        sandbox.set_faults(rate_malformed=1.0, fault_endpoints=frozenset({"list"}))
        with caplog.at_level(logging.WARNING):
            engine.run_once()
        assert "could not be read" in caplog.text
        sandbox.set_faults(rate_malformed=0.0, rate_bad_status=1.0)
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            engine.run_once()
        assert "unknown status" in caplog.text
        assert engine.poller.unknown_statuses > 0
        with ctx.db.read() as session:
            assert counts_by_sequence(session)[sid][Bucket.OUTBOX] == 10
        _assert_accounted_partial(ctx, sid, 10)
        sandbox.set_faults(rate_bad_status=0.0)
        fast_settings(ctx)
        drive(engine)
        _assert_accounted(ctx, sid, 10)
        assert engine.status().problem is None


def _assert_accounted_partial(ctx: Context, sid: int, total: int) -> None:
    with ctx.db.read() as session:
        counts = counts_by_sequence(session)[sid]
        assert counts.total == total == sum(counts.buckets.values())
        assert dict(counts.buckets) == dict(recount(session, sid).buckets)
