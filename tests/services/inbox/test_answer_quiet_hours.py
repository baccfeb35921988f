"""Issue 12: answers to a lead who wrote in the last 24 h are not held by quiet hours (the
customer started the conversation); anything else is: campaign steps, and answers to a lead
whose last message is older.

The engine runs against the carrier sandbox on the test clock, with each lead in a zone
where it is 03:xx when the test starts (inside the quiet period whatever instant the clock
runs at). The 24 h rule is decided when the answer is queued
(desktop/services/inbox/answers.py `answer`, conversations.wrote_recently) and obeyed at
dispatch (desktop/services/engine/dispatcher.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from desktop.models import Lead, Message, Sequence
from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.inbox import answers
from desktop.services.sequences import builder
from desktop.services.status.vocabulary import Bucket
from tests.clocks import window_opening
from tests.engine_helpers import fast_settings, make_engine
from tests.helpers import add_leads
from tests.inbox_helpers import reply
from tests.waiting import wait_until

pytestmark = pytest.mark.clock  # the decision is taken on ctx.now(): run at fixed clocks too

QUIET_HOURS = "08:00-21:00"
WINDOW = (time(8, 0), time(21, 0))
LEAD_HOUR = 3  # the leads' local hour when the test starts: inside the quiet period
DAY = timedelta(hours=24)
CAMPAIGN = [builder.StepSpec("Open house Saturday! Reply STOP to opt out")]
OUR_NUMBER = SandboxConfig().phone_number  # the sandbox's number: answers go out from it


def phone(i: int) -> str:
    return f"+1415555{i:04d}"  # add_leads' numbers


def zone_at_hour(now: datetime, hour: int) -> str:
    """An Etc/GMT zone where the local hour is `hour` at `now`."""
    offset = (hour - now.hour) % 24
    if offset > 12:
        offset -= 24
    # Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
    return "Etc/GMT" + ("-" if offset > 0 else "+") + str(abs(offset)) if offset else "Etc/GMT"


def leads_at_night(ctx: Context, count: int) -> tuple[list[int], ZoneInfo]:
    """`count` leads living where it is 03:xx now; returns their ids and zone."""
    ids = add_leads(ctx, count)
    name = zone_at_hour(ctx.now(), LEAD_HOUR)
    with ctx.db.write() as session:
        for lead_id in ids:
            session.get(Lead, lead_id).timezone = name
    zone = ZoneInfo(name)
    assert ctx.now().astimezone(zone).hour == LEAD_HOUR  # quiet now, for the oracle too
    assert window_opening(ctx.now(), zone, WINDOW) > ctx.now()
    return ids, zone


def lead_wrote(ctx: Context, number: str, body: str, at: datetime, to: str = OUR_NUMBER) -> None:
    """`number` wrote `body` to our number (the sandbox's) at `at` (whole seconds, as Twilio
    dates it), stored as the poller stores a reply it read."""
    reply(ctx, number, body, at.astimezone(UTC).replace(microsecond=0), to=to)


def message(ctx: Context, message_id: int) -> Message:
    with ctx.db.read() as session:
        found = session.get(Message, message_id)
        assert found is not None
        session.expunge(found)
        return found


def campaign_messages(ctx: Context) -> list[Message]:
    with ctx.db.read() as session:
        found = list(
            session.scalars(
                select(Message)
                .join(Sequence, Sequence.id == Message.sequence_id)
                .where(Sequence.kind == "bulk")
                .order_by(Message.lead_id)
            )
        )
        session.expunge_all()
        return found


def sent_to(sandbox: CarrierSandbox) -> list[tuple[str, str]]:
    return [(entry.to, entry.body) for entry in sandbox.ledger_snapshot()]


def assert_held(ctx: Context, held: Message, opening: datetime) -> None:
    """In-queue, unclaimed, due when the lead's sending window opens."""
    assert held.bucket == Bucket.IN_QUEUE.value
    assert held.claimed_at is None and held.twilio_sid is None
    assert held.scheduled_for == opening
    assert held.scheduled_for > ctx.now()


def test_an_answer_within_24_hours_goes_out_at_once_while_campaigns_wait(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=21)) as sandbox:
        fast_settings(ctx, quiet_hours=QUIET_HOURS)
        (wrote, other), zone = leads_at_night(ctx, 2)
        sandbox.force_outcome(phone(0), Outcome.delivered())
        # Just inside the cut-off: the lead wrote 23 h 59 min ago.
        lead_wrote(ctx, phone(0), "Can I bring my kids?", ctx.now() - DAY + timedelta(minutes=1))
        builder.create_sequence(ctx, "Open house", CAMPAIGN, builder.LeadSelection(all=True))
        queued = answers.answer(ctx, wrote, "Of course, {first_name}!")
        assert queued.skip_quiet_hours
        opening = window_opening(ctx.now(), zone, WINDOW)

        engine = make_engine(ctx, sandbox)
        try:
            engine.dispatch()
            # (a) The answer reached the carrier at once, in the middle of the lead's night.
            assert sent_to(sandbox) == [(phone(0), "Of course, Lead0!")]

            def delivered() -> bool:
                engine.run_once()
                return message(ctx, queued.message_id).bucket == Bucket.SENT.value

            wait_until(delivered, what="the answer being delivered")
            # (b) The campaign's step waits for the window, to the lead who wrote and to the
            # other one alike, however many passes the engine makes.
            engine.dispatch()
        finally:
            engine.stop()
        assert sent_to(sandbox) == [(phone(0), "Of course, Lead0!")]
    steps = campaign_messages(ctx)
    assert [m.lead_id for m in steps] == [wrote, other]
    for held in steps:
        assert_held(ctx, held, opening)
    answer = message(ctx, queued.message_id)
    assert answer.handed_off_at is not None and answer.handed_off_at < opening


def test_an_answer_after_24_hours_waits_for_the_window(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=22)) as sandbox:
        fast_settings(ctx, quiet_hours=QUIET_HOURS)
        (old, never), zone = leads_at_night(ctx, 2)
        # Just outside the cut-off: the lead last wrote 24 h 1 min ago.
        lead_wrote(ctx, phone(0), "Is it still on?", ctx.now() - DAY - timedelta(minutes=1))
        late = answers.answer(ctx, old, "Yes, {first_name}, Saturday at 10")
        unasked = answers.answer(ctx, never, "Hello {first_name}, we have news")  # never wrote
        assert not late.skip_quiet_hours and not unasked.skip_quiet_hours
        opening = window_opening(ctx.now(), zone, WINDOW)

        engine = make_engine(ctx, sandbox)
        try:
            engine.dispatch()
            engine.dispatch()  # a second pass changes nothing
        finally:
            engine.stop()
        assert sent_to(sandbox) == []
    for held in (late, unasked):
        assert_held(ctx, message(ctx, held.message_id), opening)


@pytest.mark.parametrize(
    ("ago", "at_once"),
    [
        (DAY - timedelta(seconds=1), True),
        (DAY + timedelta(seconds=1), False),
        (timedelta(days=3), False),
    ],
    ids=["one second inside", "one second outside", "three days ago"],
)
def test_the_24_hours_are_counted_from_the_leads_last_message_on_the_context_clock(
    ctx: Context, ago: timedelta, at_once: bool
) -> None:
    """The cut-off to the second, on a clock that stands still while the answer is queued:
    the decision is the context clock's, never the machine's."""
    start = ctx.now().replace(microsecond=0)
    ctx.clock = lambda: start
    fast_settings(ctx, quiet_hours=QUIET_HOURS)
    (lead_id,), _zone = leads_at_night(ctx, 1)
    lead_wrote(ctx, phone(0), "Older message", start - timedelta(days=5))
    lead_wrote(ctx, phone(0), "Last message", start - ago)
    assert answers.answer(ctx, lead_id, "Thanks for writing").skip_quiet_hours is at_once
    assert message_flag(ctx, lead_id) is at_once


def message_flag(ctx: Context, lead_id: int) -> bool:
    with ctx.db.read() as session:
        (flag,) = session.scalars(
            select(Message.skip_quiet_hours).where(Message.lead_id == lead_id)
        ).all()
        return bool(flag)
