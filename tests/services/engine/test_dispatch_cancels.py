"""A lead opted out or deleted while one of its messages was being handed off keeps that
message In-queue (cancel_pending leaves claims alone); the dispatcher cancels it on its next
pass, and the history says which of the two happened."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from desktop.models import Lead, Message, MessageEvent
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.sequences import builder
from desktop.services.status.vocabulary import Bucket, EventKind
from tests.engine_helpers import fast_settings, make_engine
from tests.helpers import add_leads


@pytest.fixture
def sandbox():
    with CarrierSandbox(SandboxConfig.fast(seed=5)) as sb:
        yield sb


def test_the_dispatcher_says_opted_out_or_deleted(ctx: Context, sandbox: CarrierSandbox) -> None:
    fast_settings(ctx)
    stopped, gone, both, kept = add_leads(ctx, 4)
    steps = [builder.StepSpec("Hello. Reply STOP to opt out")]
    builder.create_sequence(ctx, "S", steps, builder.LeadSelection(all=True))
    with ctx.db.write() as session:  # as the lead's own cancel left them (they were claimed)
        earlier = ctx.now() - timedelta(minutes=1)
        session.execute(update(Lead).where(Lead.id.in_([stopped, both])).values(opted_out=True))
        session.execute(update(Lead).where(Lead.id.in_([gone, both])).values(deleted_at=earlier))
    make_engine(ctx, sandbox).run_once()
    with ctx.db.read() as session:
        reasons = dict(
            session.execute(
                select(Message.lead_id, MessageEvent.detail)
                .join(MessageEvent, MessageEvent.message_id == Message.id)
                .where(MessageEvent.kind == EventKind.CANCELED.value)
            ).all()
        )
        kept_bucket = session.scalar(select(Message.bucket).where(Message.lead_id == kept))
    assert reasons == {stopped: "lead opted out", gone: "lead deleted", both: "lead deleted"}
    assert kept_bucket != Bucket.IN_QUEUE.value and kept_bucket != Bucket.CANCELED.value
