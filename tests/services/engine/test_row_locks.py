"""On PostgreSQL an engine never waits on a row another transaction holds: the pick of due
messages passes locked rows over (FOR UPDATE SKIP LOCKED) and takes them on a later pass.
Without it, the claim of a locked message would wait for the other transaction's end."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from desktop.models import Message
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.sequences import builder
from desktop.services.status.vocabulary import Bucket
from tests.databases import admin_url, fresh_database
from tests.engine_helpers import fast_settings, make_engine
from tests.helpers import add_leads


@pytest.fixture
def pg_ctx(request: pytest.FixtureRequest) -> Iterator[Context]:
    if admin_url() is None:
        pytest.skip("no PostgreSQL server (scripts/test.sh starts one)")
    template = request.getfixturevalue("pg_template")
    for url in fresh_database(template):
        ctx = Context.open(url)
        yield ctx
        ctx.close()


def _bucket(ctx: Context, message_id: int) -> str:
    with ctx.db.read() as session:
        return session.scalars(select(Message.bucket).where(Message.id == message_id)).one()


def test_a_locked_message_is_passed_over_not_waited_on(pg_ctx: Context) -> None:
    ctx = pg_ctx
    fast_settings(ctx)
    add_leads(ctx, 6)
    builder.create_sequence(
        ctx,
        "Locks",
        [builder.StepSpec("Hi. Reply STOP to opt out")],
        builder.LeadSelection(all=True),
    )
    with ctx.db.read() as session:
        ids = list(session.scalars(select(Message.id).order_by(Message.id)))
    locked = ids[2]
    with CarrierSandbox(SandboxConfig.fast(seed=3)) as sandbox:
        engine = make_engine(ctx, sandbox)
        engine.startup()
        # Another desktop's transaction holds one message (a cancel in progress, say).
        other = ctx.db.engine.connect()
        transaction = other.begin()
        other.execute(select(Message.id).where(Message.id == locked).with_for_update())
        finished = threading.Event()
        sent: list[int] = []

        def dispatch() -> None:
            sent.append(engine.dispatch())
            finished.set()

        threading.Thread(target=dispatch, daemon=True).start()
        try:
            assert finished.wait(20), "the dispatcher waited on another transaction's row"
            assert sent == [5]
            assert _bucket(ctx, locked) == Bucket.IN_QUEUE.value
        finally:
            transaction.rollback()
            other.close()
        assert engine.dispatch() == 1  # released: the next pass takes it
        assert _bucket(ctx, locked) != Bucket.IN_QUEUE.value
        assert len(sandbox.ledger_snapshot()) == 6
        engine.stop()
