"""Replies read from Twilio's list: STOP, START, free text and stop-on-reply; quiet hours;
the rate limiter's schedule."""

import itertools
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.models import InboundMessage, Lead, Message
from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.engine.inbound import ReplyAction, classify
from desktop.services.engine.rate_limit import RateLimiter
from desktop.services.sequences import builder
from desktop.services.status.vocabulary import Bucket
from tests.engine_helpers import drive, fast_settings, make_engine
from tests.helpers import add_leads

TWO_STEPS = [
    builder.StepSpec("First. Reply STOP to opt out"),
    builder.StepSpec("Second", delay=timedelta(seconds=2)),
]


@pytest.mark.parametrize(
    ("body", "action"),
    [
        ("STOP", ReplyAction.OPT_OUT),
        (" stop ", ReplyAction.OPT_OUT),
        ("Unsubscribe.", ReplyAction.OPT_OUT),
        ("STOPALL", ReplyAction.OPT_OUT),
        ("end", ReplyAction.OPT_OUT),
        ("quit", ReplyAction.OPT_OUT),
        ("cancel", ReplyAction.OPT_OUT),
        ("revoke", ReplyAction.OPT_OUT),
        ("optout", ReplyAction.OPT_OUT),
        ("START", ReplyAction.OPT_IN),
        ("yes", ReplyAction.OPT_IN),
        ("unstop", ReplyAction.OPT_IN),
        ("Please stop texting me", ReplyAction.REPLY),
        ("Sounds good!", ReplyAction.REPLY),
        ("", ReplyAction.REPLY),
        ("🛑", ReplyAction.REPLY),
    ],
)
def test_classify(body: str, action: ReplyAction) -> None:
    assert classify(body) == action


def _run(ctx: Context, sandbox: CarrierSandbox, stop_on_reply: bool = True) -> int:
    fast_settings(ctx)
    add_leads(ctx, 3)
    sid = builder.create_sequence(
        ctx, "Replies", TWO_STEPS, builder.LeadSelection(all=True), stop_on_reply=stop_on_reply
    ).sequence_id
    engine = make_engine(ctx, sandbox)
    engine.dispatch()  # step 1 to everyone; step 2 waits 2 s
    return sid, engine


def _bucket(ctx: Context, lead_id: int, step: int) -> str:
    with ctx.db.read() as session:
        return session.scalar(
            select(Message.bucket).where(Message.lead_id == lead_id, Message.step_position == step)
        )


def test_stop_opts_out_and_cancels_the_rest(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=4)) as sandbox:
        sandbox.force_outcome("+14155550002", Outcome.delivered())
        _sid, engine = _run(ctx, sandbox)
        sandbox.add_inbound("+14155550000", sandbox.phone_number, "Stop")
        sandbox.add_inbound("+14155550001", sandbox.phone_number, "Who is this?")
        sandbox.add_inbound("+19999999999", sandbox.phone_number, "Wrong number")
        engine.poll(force=True)
        with ctx.db.read() as session:
            stopped = session.get(Lead, 1)
            replies = session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
        assert stopped.opted_out
        assert [r.action for r in replies] == ["opt_out", "reply", "reply"]
        assert replies[2].lead_id is None  # a stranger's text is kept, tied to no lead
        assert _bucket(ctx, 1, 1) == Bucket.CANCELED  # STOP
        assert _bucket(ctx, 2, 1) == Bucket.CANCELED  # replied: stop-on-reply
        drive(engine)
        assert _bucket(ctx, 3, 1) == Bucket.SENT  # silent lead gets the second step
        engine.poll(force=True)  # reading the same replies again changes nothing
        with ctx.db.read() as session:
            assert len(session.scalars(select(InboundMessage)).all()) == 3


def test_start_opts_back_in(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=4)) as sandbox:
        _sid, engine = _run(ctx, sandbox)
        sandbox.add_inbound("+14155550000", sandbox.phone_number, "STOP")
        engine.poll(force=True)
        sandbox.add_inbound(
            "+14155550000",
            sandbox.phone_number,
            "START",
            at=datetime.now(UTC) + timedelta(seconds=0.01),
        )
        import time

        time.sleep(0.05)
        engine.poll(force=True)
        with ctx.db.read() as session:
            assert not session.get(Lead, 1).opted_out


def test_reply_keeps_later_steps_when_the_sequence_says_so(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=4)) as sandbox:
        sandbox.force_outcome("+14155550001", Outcome.delivered())
        _sid, engine = _run(ctx, sandbox, stop_on_reply=False)
        sandbox.add_inbound("+14155550001", sandbox.phone_number, "Thanks!")
        engine.poll(force=True)
        assert _bucket(ctx, 2, 1) == Bucket.IN_QUEUE
        drive(engine)
        assert _bucket(ctx, 2, 1) == Bucket.SENT


@pytest.mark.clock  # the zones are picked from ctx.now(): run at fixed clocks too
def test_quiet_hours_defer_to_the_leads_morning(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=4)) as sandbox:
        fast_settings(ctx, quiet_hours="08:00-21:00")
        add_leads(ctx, 2)
        now = ctx.now()
        # One lead where it is 03:00 now, one where it is 12:00 now.
        night = (now + timedelta(hours=3 - now.hour)).strftime("%z")
        del night
        with ctx.db.write() as session:
            session.get(Lead, 1).timezone = _zone_at_hour(now, 3)
            session.get(Lead, 2).timezone = _zone_at_hour(now, 12)
        builder.create_sequence(ctx, "Q", TWO_STEPS[:1], builder.LeadSelection(all=True))
        engine = make_engine(ctx, sandbox)
        engine.dispatch()
        with ctx.db.read() as session:
            deferred = session.scalar(select(Message).where(Message.lead_id == 1))
            sent = session.scalar(select(Message).where(Message.lead_id == 2))
        assert sent.bucket == Bucket.OUTBOX
        assert deferred.bucket == Bucket.IN_QUEUE
        hours_ahead = (deferred.scheduled_for - now).total_seconds() / 3600
        assert 4 < hours_ahead <= 5  # 03:xx -> 08:00 local
        assert [e.to for e in sandbox.ledger_snapshot()] == ["+14155550001"]


def _zone_at_hour(now: datetime, hour: int) -> str:
    """An Etc/GMT zone where the local hour is `hour` right now."""
    offset = (hour - now.hour) % 24
    if offset > 12:
        offset -= 24
    # Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
    return "Etc/GMT" + ("-" if offset > 0 else "+") + str(abs(offset)) if offset else "Etc/GMT"


def test_opted_out_lead_is_canceled_at_dispatch(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=4)) as sandbox:
        fast_settings(ctx)
        add_leads(ctx, 2)
        builder.create_sequence(ctx, "O", TWO_STEPS[:1], builder.LeadSelection(all=True))
        with ctx.db.write() as session:  # opted out behind the services' back
            session.get(Lead, 1).opted_out = True
        make_engine(ctx, sandbox).dispatch()
        assert _bucket(ctx, 1, 0) == Bucket.CANCELED
        assert [e.to for e in sandbox.ledger_snapshot()] == ["+14155550001"]


def test_rate_limiter_spaces_sends_from_when_they_really_went() -> None:
    clock = [0.0]
    sent: list[float] = []
    oversleep = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds + oversleep[0]

    limiter = RateLimiter(4, clock=lambda: clock[0], sleep=sleep)
    for _ in range(4):
        limiter.acquire()
        sent.append(clock[0])
    assert sent == [0.0, 0.25, 0.5, 0.75]
    limiter.acquire(cost=2)  # a two-segment message takes two slots
    sent.append(clock[0])
    limiter.acquire()
    assert clock[0] - sent[-1] == 0.5
    clock[0] = 10.0
    assert limiter.acquire() == 0.0  # idle time is not saved up as a burst
    oversleep[0] = 0.1  # a late wake-up pushes the next slot back instead of bunching
    woke = []
    for _ in range(3):
        limiter.acquire()
        woke.append(clock[0])
    assert all(b - a >= 0.25 for a, b in itertools.pairwise(woke))
    limiter.hold(5)
    assert limiter.acquire() == pytest.approx(5)


def test_a_stop_cuts_the_wait_for_a_slot_short() -> None:
    import threading

    from desktop.services.engine.rate_limit import Stopped

    limiter = RateLimiter(0.01)  # one slot every 100 s
    limiter.acquire()
    stop = threading.Event()
    threading.Timer(0.05, stop.set).start()
    started = time.monotonic()
    with pytest.raises(Stopped):
        limiter.acquire(stop=stop)
    assert time.monotonic() - started < 5
