"""Sending you can trust, one finding at a time: leases, owned claims, reconciliation that
cannot adopt the wrong message, account problems that stop instead of burning the queue,
cancel that is final, and no follow-ups to dead numbers."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from desktop.models import EngineLease, Lead, Message, MessageEvent
from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.core.processes import this_process
from desktop.services.engine.leases import LEASE_TTL
from desktop.services.sequences import builder, lifecycle
from desktop.services.status.transitions import counts_by_sequence, recount
from desktop.services.status.vocabulary import Bucket, EventKind, SequenceStatus
from tests.engine_helpers import drive, fast_settings, make_engine
from tests.helpers import add_leads
from tests.waiting import wait_until

STEP = [builder.StepSpec("Hello {first_name}! Reply STOP to opt out")]
TWO_STEPS = [
    builder.StepSpec("Step one. Reply STOP to opt out"),
    # Long enough for the first step's outcome to come back before the second is due.
    builder.StepSpec("Step two", delay=timedelta(seconds=2)),
]


def _create(ctx: Context, steps: list[builder.StepSpec] = STEP, name: str = "S") -> int:
    return builder.create_sequence(ctx, name, steps, builder.LeadSelection(all=True)).sequence_id


def _buckets(ctx: Context, sequence_id: int) -> dict[Bucket, int]:
    with ctx.db.read() as session:
        counts = counts_by_sequence(session)[sequence_id]
        assert dict(counts.buckets) == dict(recount(session, sequence_id).buckets)
        return {b: n for b, n in counts.buckets.items() if n}


# -- leases ----------------------------------------------------------------------------------


def test_a_second_engine_leaves_a_held_sender_alone(ctx: Context) -> None:
    fast_settings(ctx)
    add_leads(ctx, 5)
    _create(ctx)
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        first = make_engine(ctx, sandbox)
        second = make_engine(ctx, sandbox)
        assert first.startup() == {}
        elsewhere = second.startup()
        assert set(elsewhere) == {sandbox.phone_number}
        holder = elsewhere[sandbox.phone_number]
        assert holder.pid == this_process().pid and holder.owner_id == first.leases.owner.id
        assert "pid" in holder.describe() and holder.host in holder.describe()
        second.run_once()
        assert sandbox.ledger_snapshot() == []  # the second engine sent nothing
        first.run_once()
        assert len(sandbox.ledger_snapshot()) == 5
        first.stop()
        second.stop()


def test_an_expired_lease_is_taken_over_and_a_clean_stop_frees_it(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        first = make_engine(ctx, sandbox)
        first.startup()
        second = make_engine(ctx, sandbox)
        assert second.startup()  # held
        # The first engine stalls (no heartbeat) past the expiry: the lease is free.
        with ctx.db.write() as session:
            session.execute(update(EngineLease).values(expires_at=ctx.now() - timedelta(seconds=1)))
        assert second.take_leases() == {}
        assert second.leases.held == {sandbox.phone_number}
        # ...and the stalled engine learns it at its next heartbeat, and stops sending.
        assert first.leases.heartbeat() == frozenset()
        assert not first.leases.fresh(sandbox.phone_number)
        second.stop()
        third = make_engine(ctx, sandbox)
        assert third.startup() == {}  # a clean stop released it at once
        third.stop()
        first.stop()


def test_a_lease_of_a_dead_process_on_this_host_is_taken_at_once(ctx: Context) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(done.stdout)
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        now = ctx.now()
        with ctx.db.write() as session:
            session.add(
                EngineLease(
                    sender=sandbox.phone_number,
                    owner_id="deadbeefdeadbeef",
                    host=this_process().host,
                    pid=dead_pid,
                    process_started="1",
                    role="worker",
                    since=now,
                    heartbeat_at=now,
                    expires_at=now + LEASE_TTL,  # not expired: only the dead pid frees it
                )
            )
        engine = make_engine(ctx, sandbox)
        assert engine.startup() == {}
        assert engine.leases.held == {sandbox.phone_number}
        engine.stop()


# -- owned claims ----------------------------------------------------------------------------


def test_no_claim_waits_for_a_rate_slot(ctx: Context) -> None:
    """At 1 segment/s with 3-segment bodies each send waits 3 s for its slot: the messages
    waiting must not be claimed (another engine would take them for abandoned)."""
    fast_settings(ctx, rate_limit="1")
    add_leads(ctx, 4)
    long_body = "Long news. " * 40 + "Reply STOP to opt out"  # 3 GSM-7 segments
    sid = _create(ctx, [builder.StepSpec(long_body)])
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        engine = make_engine(ctx, sandbox)
        engine.startup()
        worst = 0
        sending = threading.Thread(target=engine.dispatch)
        sending.start()
        while sending.is_alive():
            with ctx.db.read() as session:
                claimed = session.scalar(
                    select(func.count()).where(
                        Message.sequence_id == sid,
                        Message.claimed_at.is_not(None),
                        Message.twilio_sid.is_(None),
                    )
                )
            worst = max(worst, int(claimed or 0))
            time.sleep(0.05)
        engine.stop()
        created = [entry.created_at for entry in sandbox.ledger_snapshot()]
    assert len(created) == 4
    assert worst <= 1  # only the one whose request is in flight
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(created)]
    assert min(gaps) >= 2.8  # 3 segments at 1 segment per second


def test_a_claim_of_a_live_owner_is_never_reconciled_by_another_engine(ctx: Context) -> None:
    fast_settings(ctx)
    add_leads(ctx, 1)
    sid = _create(ctx)
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        owner = make_engine(ctx, sandbox, reconcile_grace=timedelta(0))
        owner.startup()
        # The owner claimed the message and is (for all anyone knows) sending it right now.
        with ctx.db.write() as session:
            session.execute(
                update(Message).values(
                    claimed_at=ctx.now() - timedelta(hours=1),
                    claimed_by=owner.leases.owner.id,
                )
            )
        other = make_engine(ctx, sandbox, reconcile_grace=timedelta(0))
        other.startup()
        other.dispatcher.reconciler.run({sandbox.phone_number}, other.leases.live_owners())
        assert _buckets(ctx, sid) == {Bucket.IN_QUEUE: 1}  # untouched: its owner lives
        other.stop()
        owner.stop()


# -- reconciliation --------------------------------------------------------------------------


def test_reconcile_never_adopts_a_sid_another_message_holds(ctx: Context) -> None:
    """Sequence 2 sends the same text as sequence 1 to the same lead; its create gets a 500
    before Twilio created anything. Sequence 1's message is in Twilio's list with the same
    To and body: it must not be adopted; sequence 2's message goes out once."""
    fast_settings(ctx)
    add_leads(ctx, 1)
    first = _create(ctx, name="First")
    with CarrierSandbox(SandboxConfig.fast(seed=5)) as sandbox:
        engine = make_engine(ctx, sandbox, reconcile_grace=timedelta(seconds=0.5))
        drive(engine)
        second = _create(ctx, name="Second")
        sandbox.set_faults(rate_500=1.0, fault_endpoints=frozenset({"create"}))
        engine.dispatch()  # 500: ambiguous, left claimed
        assert _buckets(ctx, second) == {Bucket.IN_QUEUE: 1}
        sandbox.set_faults(rate_500=0.0)
        time.sleep(0.6)
        drive(engine)
        engine.stop()
        ledger = sandbox.ledger_snapshot()
    assert len(ledger) == 2  # once per sequence
    with ctx.db.read() as session:
        sids = list(session.scalars(select(Message.twilio_sid)))
    assert len(set(sids)) == 2 and set(sids) == {entry.sid for entry in ledger}
    assert Bucket.SENT in _buckets(ctx, first) and Bucket.SENT in _buckets(ctx, second)


def test_an_adopted_message_takes_its_twilio_status(ctx: Context) -> None:
    """Sent, then the process died before the SID was committed; Twilio already says
    delivered: the adopted message is Sent, not Outbox or Delivery unknown."""
    fast_settings(ctx)
    add_leads(ctx, 1)
    sid = _create(ctx)
    with ctx.db.read() as session:
        message = session.scalars(select(Message)).one()
    with CarrierSandbox(SandboxConfig.fast(seed=5)) as sandbox:
        sandbox.force_outcome(message.to_phone, Outcome.delivered())
        sandbox.send(message.to_phone, message.body, from_=sandbox.phone_number)
        wait_until(
            lambda: (
                sandbox.fetch_message(sandbox.ledger_snapshot()[0].sid)["status"] == "delivered"
            ),
            what="the sandbox delivering",
        )
        with ctx.db.write() as session:  # the claim a killed process left behind
            session.execute(
                update(Message).values(
                    claimed_at=ctx.now() - timedelta(minutes=2), claimed_by="gone0000gone0000"
                )
            )
        engine = make_engine(ctx, sandbox, reconcile_grace=timedelta(seconds=1))
        engine.startup()
        engine.stop()
        assert len(sandbox.ledger_snapshot()) == 1
    assert _buckets(ctx, sid) == {Bucket.SENT: 1}


# -- cancel and pause are final --------------------------------------------------------------


@pytest.mark.parametrize("action", ["cancel", "pause"])
def test_nothing_new_goes_out_once_cancel_or_pause_returns(ctx: Context, action: str) -> None:
    fast_settings(ctx, rate_limit="4")
    add_leads(ctx, 20)
    sid = _create(ctx)
    with CarrierSandbox(SandboxConfig.fast(seed=1, latency=0.1)) as sandbox:
        engine = make_engine(ctx, sandbox)
        engine.startup()
        sending = threading.Thread(target=engine.dispatch)
        sending.start()
        wait_until(lambda: len(sandbox.ledger_snapshot()) >= 3, what="the first sends")
        getattr(lifecycle, action)(ctx, sid)
        # Requests already claimed when the action committed may still complete...
        with ctx.db.read() as session:
            in_flight = session.scalar(
                select(func.count()).where(
                    Message.claimed_at.is_not(None), Message.twilio_sid.is_(None)
                )
            )
        at_action = len(sandbox.ledger_snapshot())
        sending.join(30)
        time.sleep(1.0)  # four more rate slots
        engine.stop()
        # ...but no request starts after it.
        assert len(sandbox.ledger_snapshot()) <= at_action + int(in_flight or 0)
    left = _buckets(ctx, sid)
    if action == "cancel":
        assert Bucket.IN_QUEUE not in left and left[Bucket.CANCELED] > 0
    else:
        assert left[Bucket.IN_QUEUE] > 0


def test_after_a_restart_nothing_stays_in_queue_in_a_canceled_sequence(ctx: Context) -> None:
    fast_settings(ctx)
    add_leads(ctx, 3)
    sid = _create(ctx)
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        # A crash left one message claimed (never sent) and the sequence was then canceled.
        with ctx.db.write() as session:
            first = session.scalars(select(Message).order_by(Message.id)).first()
            assert first is not None
            first.claimed_at = ctx.now() - timedelta(minutes=5)
            first.claimed_by = "gone0000gone0000"
        lifecycle.cancel(ctx, sid)
        assert _buckets(ctx, sid) == {Bucket.IN_QUEUE: 1, Bucket.CANCELED: 2}
        engine = make_engine(ctx, sandbox, reconcile_grace=timedelta(seconds=1))
        engine.startup()
        engine.stop()
        assert sandbox.ledger_snapshot() == []
    assert _buckets(ctx, sid) == {Bucket.CANCELED: 3}


# -- dead numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "follow_up"), [(30005, False), (30006, False), (30003, True), (30008, True)]
)
def test_a_dead_number_gets_no_follow_up(ctx: Context, code: int, follow_up: bool) -> None:
    fast_settings(ctx)
    lead_id = add_leads(ctx, 1)[0]
    sid = _create(ctx, TWO_STEPS)
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        with ctx.db.read() as session:
            phone = session.scalars(select(Lead.phone)).one()
        sandbox.force_outcome(phone, Outcome.undelivered(code), Outcome.delivered())
        engine = make_engine(ctx, sandbox)
        drive(engine)
        engine.stop()
        sent = len(sandbox.ledger_snapshot())
    with ctx.db.read() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        second = session.scalars(
            select(Message).where(Message.step_position == 1, Message.sequence_id == sid)
        ).one()
        events = list(
            session.scalars(select(MessageEvent).where(MessageEvent.message_id == second.id))
        )
    if follow_up:
        assert sent == 2 and lead.dead_number_code is None
        assert second.bucket != Bucket.CANCELED.value
    else:
        assert sent == 1 and lead.dead_number_code == code
        assert second.bucket == Bucket.CANCELED.value
        (canceled,) = [e for e in events if e.kind == EventKind.CANCELED.value]
        assert canceled.detail is not None and f"error {code}" in canceled.detail
    assert lifecycle.get_summary(ctx, sid).status == SequenceStatus.DONE
