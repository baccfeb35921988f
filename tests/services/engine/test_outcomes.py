"""End to end: leads -> 2-step sequence -> engine -> every outcome class in its bucket."""

from collections import Counter

import pytest
from sqlalchemy import select

from desktop.models import Lead, Message, MessageEvent
from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.sequences import builder
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.transitions import counts_by_sequence, recount
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from tests.engine_helpers import drive, fast_settings, make_engine

PHONES = {
    "delivered": "+14155550100",
    "undelivered": "+14155550101",
    "failed": "+14155550102",
    "silent": "+14155550103",
    "invalid": "+15005550001",  # Twilio's magic number: 21211
    "unsubscribed": "+15005550004",  # 21610
    "landline": "+15005550009",  # 21614
}


@pytest.fixture
def sandbox():
    with CarrierSandbox(SandboxConfig.fast(seed=3)) as sb:
        sb.force_outcome(PHONES["delivered"], Outcome.delivered())
        sb.force_outcome(PHONES["undelivered"], Outcome.undelivered(30008))
        sb.force_outcome(PHONES["failed"], Outcome.failed(30005))
        sb.force_outcome(PHONES["silent"], Outcome.silent())
        yield sb


def _add(ctx: Context) -> dict[str, int]:
    ids = {}
    with ctx.db.write() as session:
        for name, phone in PHONES.items():
            lead = Lead(
                phone=phone,
                first_name=name.title(),
                last_name="",
                email="",
                timezone="",
                opted_out=False,
            )
            session.add(lead)
            session.flush()
            ids[name] = lead.id
    return ids


def test_every_outcome_lands_in_its_bucket(ctx: Context, sandbox: CarrierSandbox) -> None:
    fast_settings(ctx)
    ids = _add(ctx)
    sid = builder.create_sequence(
        ctx,
        "Outcomes",
        [
            builder.StepSpec("Step one for {first_name}. Reply STOP to opt out"),
            builder.StepSpec("Step two for {first_name}"),
        ],
        builder.LeadSelection(all=True),
    ).sequence_id
    engine = make_engine(ctx, sandbox)
    seen: list[set[int]] = []
    engine.subscribe(seen.append)
    drive(engine)

    with ctx.db.read() as session:
        messages = session.scalars(select(Message)).all()
        by = {(m.lead_id, m.step_position): m for m in messages}
        events = session.scalars(select(MessageEvent)).all()
        lead = session.get(Lead, ids["unsubscribed"])
        counts = counts_by_sequence(session)[sid]
        assert dict(counts.buckets) == dict(recount(session, sid).buckets)

    def bucket(name: str, step: int) -> tuple[str, int | None]:
        m = by[(ids[name], step)]
        return m.bucket, m.error_code

    assert bucket("delivered", 0) == ("sent", None) and bucket("delivered", 1) == ("sent", None)
    assert bucket("undelivered", 0) == ("error", 30008)
    assert bucket("failed", 0) == ("error", 30005)
    assert bucket("silent", 0) == ("delivery_unknown", None)
    assert bucket("silent", 1) == ("delivery_unknown", None)
    assert bucket("invalid", 0) == ("error", 21211)
    assert bucket("invalid", 1) == ("canceled", None)  # the number cannot take texts
    assert bucket("unsubscribed", 0) == ("error", 21610)
    assert bucket("unsubscribed", 1) == ("canceled", None)
    assert lead.opted_out  # 21610 marks the lead opted out
    assert bucket("landline", 0) == ("error", 21614)
    assert counts.total == 14
    assert sum(counts.buckets.values()) == 14
    assert sequences.get_summary(ctx, sid).status == SequenceStatus.DONE

    # Every hand-off wrote an event with Twilio's status; every outcome too.
    kinds = Counter(e.kind for e in events)
    assert kinds["handed_off"] == 8 and kinds["refused"] == 3 and kinds["timeout"] == 2
    sent = by[(ids["delivered"], 0)]
    history = [
        (e.from_bucket, e.to_bucket, e.provider_status) for e in events if e.message_id == sent.id
    ]
    assert history[0][:2] == ("in_queue", "outbox")
    assert history[-1] == ("outbox", "sent", "delivered")
    assert sent.twilio_sid.startswith("SM") and sent.handed_off_at and sent.final_at
    assert sent.num_segments == 1 and sent.price
    # The second step waited for the first to go out to the same lead.
    assert by[(ids["delivered"], 1)].handed_off_at >= sent.handed_off_at
    # Twilio received each step exactly once per lead that could take it.
    ledger = Counter((e.to, e.body.split(" for ")[0]) for e in sandbox.ledger_snapshot())
    assert max(ledger.values()) == 1
    assert any(sid in changed for changed in seen)  # listeners heard about it


def test_paused_and_canceled_sequences_are_skipped(ctx: Context, sandbox: CarrierSandbox) -> None:
    fast_settings(ctx)
    _add(ctx)
    steps = [builder.StepSpec("Hello. Reply STOP to opt out")]
    paused = builder.create_sequence(ctx, "P", steps, builder.LeadSelection(all=True))
    canceled = builder.create_sequence(ctx, "C", steps, builder.LeadSelection(all=True))
    sequences.pause(ctx, paused.sequence_id)
    sequences.cancel(ctx, canceled.sequence_id)
    engine = make_engine(ctx, sandbox)
    engine.run_once()
    assert sandbox.ledger_snapshot() == []
    assert sequences.get_summary(ctx, paused.sequence_id).counts[Bucket.IN_QUEUE] == 7
    sequences.resume(ctx, paused.sequence_id)
    drive(engine)
    assert len(sandbox.ledger_snapshot()) == 4  # three magic numbers are refused
