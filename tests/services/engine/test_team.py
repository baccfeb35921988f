"""Team mode in the services: who did what is recorded (the person and the desktop), and a
sequence belongs to the Twilio account it was created under: an engine signed in to
another account leaves it alone (it would bill the wrong account), and the service of a
desktop whose senders are free starts even while another desktop sends for others."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from desktop.models import Lead, Message, MessageEvent, Sequence
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.actor import current_actor, user_name
from desktop.services.core.context import Context
from desktop.services.core.processes import this_process
from desktop.services.engine import dispatcher
from desktop.services.engine.engine import senders_wanted
from desktop.services.engine.leases import holders
from desktop.services.engine.service_control import service_state
from desktop.services.inbox.answers import answer
from desktop.services.leads import store
from desktop.services.sequences import builder, lifecycle
from desktop.services.status.vocabulary import Bucket, EventKind
from tests.engine_helpers import fast_settings, lease_of_another_desktop, make_engine
from tests.helpers import add_leads

ACCOUNT_A = "AC" + "a" * 32
ACCOUNT_B = "AC" + "b" * 32
TOKEN = "7" * 32
STEP = [builder.StepSpec("Hi {first_name}. Reply STOP to opt out")]


def _sign_in(ctx: Context, account: str) -> None:
    ctx.settings.set_many(
        {"twilio_account_sid": account, "twilio_auth_token": TOKEN, "sender": "+15005550006"}
    )


def _create(ctx: Context, name: str = "Team", sender: str = "") -> int:
    return builder.create_sequence(
        ctx, name, STEP, builder.LeadSelection(all=True), sender=sender
    ).sequence_id


def test_the_actor_is_this_person_on_this_desktop() -> None:
    assert current_actor() == f"{user_name()}@{this_process().host}"
    assert user_name()


def test_who_created_and_who_canceled_a_sequence(ctx: Context) -> None:
    fast_settings(ctx)
    _sign_in(ctx, ACCOUNT_A)
    add_leads(ctx, 3)
    sid = _create(ctx)
    lifecycle.cancel(ctx, sid)
    with ctx.db.read() as session:
        sequence = session.get(Sequence, sid)
        assert sequence is not None
        assert sequence.created_by == current_actor()
        assert sequence.canceled_by == current_actor()
        assert sequence.account_sid == ACCOUNT_A
        actors = set(
            session.scalars(
                select(MessageEvent.actor).where(MessageEvent.kind == EventKind.CANCELED.value)
            )
        )
    assert actors == {current_actor()}


def test_who_opted_a_lead_out_by_hand_and_the_lead_by_text(ctx: Context) -> None:
    fast_settings(ctx)
    ids = add_leads(ctx, 2)
    _create(ctx)
    store.set_opted_out(ctx, [ids[0]], True)
    with ctx.db.read() as session:
        lead = session.get(Lead, ids[0])
        assert lead is not None and lead.opted_out and lead.opted_out_by == current_actor()
        canceled = session.scalars(
            select(MessageEvent.actor)
            .join(Message, Message.id == MessageEvent.message_id)
            .where(Message.lead_id == ids[0], MessageEvent.kind == EventKind.CANCELED.value)
        ).all()
    assert canceled == [current_actor()]
    # Back in by hand: the person who did it is kept; a lead never touched stays None.
    store.set_opted_out(ctx, [ids[0]], False)
    with ctx.db.read() as session:
        lead = session.get(Lead, ids[0])
        other = session.get(Lead, ids[1])
        assert lead is not None and not lead.opted_out
        assert lead.opted_out_by == current_actor()
        assert other is not None and other.opted_out_by is None


def test_who_wrote_an_answer(ctx: Context) -> None:
    fast_settings(ctx)
    (lead_id,) = add_leads(ctx, 1)
    queued = answer(ctx, lead_id, "Yes, kids are welcome!")
    with ctx.db.read() as session:
        message = session.get(Message, queued.message_id)
        assert message is not None and message.created_by == current_actor()


def test_an_engine_of_another_account_leaves_the_sequence_alone(ctx: Context) -> None:
    fast_settings(ctx)
    add_leads(ctx, 4)
    _sign_in(ctx, ACCOUNT_A)
    theirs = _create(ctx, "Account A's", sender="+14155550101")
    with CarrierSandbox(SandboxConfig.fast(seed=4), account_sid=ACCOUNT_B) as sandbox:
        engine = make_engine(ctx, sandbox)
        assert "+14155550101" not in engine.wanted_senders()
        engine.startup()
        assert engine.dispatch() == 0
        assert sandbox.ledger_snapshot() == []
        engine.stop()
    assert lifecycle.get_summary(ctx, theirs).counts[Bucket.IN_QUEUE] == 4
    # A desktop signed in to account A sends it.
    with CarrierSandbox(SandboxConfig.fast(seed=5), account_sid=ACCOUNT_A) as sandbox:
        engine = make_engine(ctx, sandbox)
        assert "+14155550101" in engine.wanted_senders()
        engine.startup()
        assert engine.dispatch() == 4
        assert {entry.from_ for entry in sandbox.ledger_snapshot()} == {"+14155550101"}
        engine.stop()


def test_a_sequence_of_no_account_is_anyones(ctx: Context) -> None:
    fast_settings(ctx)
    add_leads(ctx, 2)
    sid = _create(ctx, sender="+14155550103")  # no credentials in the settings: no account
    with ctx.db.read() as session:
        sequence = session.get(Sequence, sid)
        assert sequence is not None and sequence.account_sid == ""
    assert "+14155550103" in senders_wanted(ctx, ACCOUNT_B, "")
    assert "+14155550103" in senders_wanted(ctx, ACCOUNT_A, "")


def test_another_desktops_service_is_named_and_is_not_ours(ctx: Context) -> None:
    lease_of_another_desktop(ctx, "+14155550101")
    state = service_state(ctx)
    assert not state.running  # front-desk's service is not this computer's
    assert state.holder is not None and not state.holder.here
    assert state.holder.describe().startswith("the desktop front-desk (anna) (since ")
    assert [h.sender for h in state.senders_elsewhere()] == ["+14155550101"]
    (held,) = holders(ctx)
    assert held.user_name == "anna" and held.since <= datetime.now(UTC)


def test_one_engine_keeps_each_of_its_senders_busy(ctx: Context) -> None:
    """A batch takes its senders in turns: the pool's threads wait on every sender's rate at
    once (a batch of one sequence's messages made three senders send one after another, at
    one sender's rate; bench/bench_team.py measures it)."""
    fast_settings(ctx)
    senders = ("+14155550111", "+14155550112", "+14155550113")
    add_leads(ctx, 120)
    for sender in senders:
        _create(ctx, f"From {sender}", sender=sender)
    with CarrierSandbox(SandboxConfig.fast(seed=6)) as sandbox:
        engine = make_engine(ctx, sandbox)
        engine.startup()
        assert set(senders) <= engine.dispatcher.leases.held
        batch = engine.dispatcher._next_jobs()
        share = dispatcher.BATCH // len(senders)
        assert [job.sender for job in batch[:6]] == [*senders, *senders]
        assert Counter(job.sender for job in batch) == {sender: share for sender in senders}
        first = {
            sender: min(j.message_id for j in batch if j.sender == sender) for sender in senders
        }
        with ctx.db.read() as session:  # each sender's oldest message comes first
            for sender, message_id in first.items():
                oldest = session.scalar(
                    select(Message.id)
                    .join(Sequence, Sequence.id == Message.sequence_id)
                    .where(Sequence.sender == sender)
                    .order_by(Message.id)
                    .limit(1)
                )
                assert oldest == message_id
        engine.stop()
