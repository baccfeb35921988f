"""Demo mode's sample data (plain services, no Qt) and the story the scripted sandbox tells."""

from __future__ import annotations

from sqlalchemy import select

from desktop.models import Lead
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services import demo
from desktop.services.core.context import Context
from desktop.services.leads import store as leads
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.vocabulary import BUCKET_ORDER, Bucket, SequenceStatus
from tests.engine_helpers import make_engine
from tests.helpers import add_leads
from tests.waiting import wait_until


def by_name(ctx: Context) -> dict[str, sequences.SequenceSummary]:
    return {s.name: s for s in sequences.list_sequences(ctx)}


def test_seed_fills_a_fresh_demo_database_once(ctx: Context) -> None:
    result = demo.seed_demo(ctx)
    assert result is not None and result.leads == len(demo.DEMO_LEADS)
    with ctx.db.read() as session:
        names = {f"{lead.first_name} {lead.last_name}" for lead in session.scalars(select(Lead))}
        phones = set(session.scalars(select(Lead.phone)))
    assert {"José Álvarez", "Zoë Müller", "Renée Côté"} <= names
    assert {"+15005550001", "+15005550004"} <= phones  # Twilio's magic test numbers
    found = by_name(ctx)
    assert found["Holiday hours notice"].status == SequenceStatus.CANCELED
    assert found["Loyalty card reminder"].status == SequenceStatus.SCHEDULED
    running = found["Spring open house"]
    assert running.steps == 2 and running.counts.deleted_leads == 1
    assert running.counts[Bucket.CANCELED] == 2  # the deleted lead's two steps
    recap = found["Winter sale recap"]
    assert recap.status == SequenceStatus.DONE
    # From the first second, every count a finished campaign can have is non-zero.
    shown = (Bucket.SENT, Bucket.ERROR, Bucket.DELIVERY_UNKNOWN, Bucket.CANCELED)
    assert all(recap.counts[b] > 0 for b in shown), recap.counts.as_json()
    assert recap.counts.deleted_leads == 1
    assert sum(recap.counts[b] for b in BUCKET_ORDER) == recap.counts.total
    assert ctx.settings.raw("quiet_hours") == "off"
    assert demo.is_seeded(ctx)
    assert demo.seed_demo(ctx) is None
    assert len(sequences.list_sequences(ctx)) == 4


def test_a_database_with_leads_is_never_seeded(ctx: Context) -> None:
    add_leads(ctx, 2)
    assert demo.seed_demo(ctx) is None
    assert sequences.list_sequences(ctx) == [] and demo.is_seeded(ctx)
    assert len(leads.list_leads(ctx)) == 2


def test_scripted_sandbox_fills_every_bucket(ctx: Context) -> None:
    demo.seed_demo(ctx)
    # The demo's pace, sped up: the same story in seconds rather than a minute or two.
    ctx.settings.set_many(
        {"rate_limit": "100", "poll_interval": "1s", "delivery_unknown_after": "1s"}
    )
    running = by_name(ctx)["Spring open house"]
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        demo.script_sandbox(sandbox)
        assert sandbox.config.reply_rules["+14155550110"] == "STOP"
        engine = make_engine(ctx, sandbox)
        engine.startup()

        def settled() -> bool:
            engine.run_once()
            counts = sequences.get_summary(ctx, running.id).counts
            return not counts[Bucket.OUTBOX] and all(
                counts[b] for b in BUCKET_ORDER if b != Bucket.OUTBOX
            )

        wait_until(settled, what="every bucket but Outbox filling")
        engine.stop()
    counts = sequences.get_summary(ctx, running.id).counts
    assert all(counts[b] > 0 for b in BUCKET_ORDER if b != Bucket.OUTBOX), counts.as_json()
    assert counts[Bucket.ERROR] >= 4  # two magic numbers, a 30008 and a 30003
    assert counts[Bucket.IN_QUEUE] > 0  # step 2 waits two minutes
    assert sum(counts[b] for b in BUCKET_ORDER) == counts.total
