"""Bucket moves keep counters and events; random event orders always add up."""

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop.models import Message, MessageEvent
from desktop.services.core.context import Context
from desktop.services.leads import store as leads
from desktop.services.sequences import builder
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.rules import PROVIDER_STATUS_BUCKET
from desktop.services.status.transitions import (
    cancel_pending,
    counts_by_sequence,
    move,
    recount,
)
from desktop.services.status.vocabulary import Bucket, EventKind
from tests.helpers import add_leads, report_status

STATUSES = [*PROVIDER_STATUS_BUCKET, "received", "exploded"]


def _assert_consistent(ctx: Context, sequence_id: int) -> None:
    with ctx.db.read() as session:
        stored = counts_by_sequence(session)[sequence_id]
        truth = recount(session, sequence_id)
    assert dict(stored.buckets) == dict(truth.buckets)
    assert sum(stored.buckets.values()) == stored.total == truth.total


def _bucket_of(ctx: Context, message_id: int) -> str:
    with ctx.db.read() as session:
        return session.get(Message, message_id).bucket


def _new_sequence(ctx: Context, lead_count: int = 6) -> int:
    add_leads(ctx, lead_count)
    result = builder.create_sequence(
        ctx,
        "Test",
        [builder.StepSpec("Hi {first_name}. Reply STOP to opt out"), builder.StepSpec("Again")],
        builder.LeadSelection(all=True),
    )
    return result.sequence_id


def test_moves_and_statuses_write_events_and_counters(ctx: Context) -> None:
    sid = _new_sequence(ctx, 2)
    now = ctx.now()
    with ctx.db.write() as session:
        message = session.scalars(select(Message).limit(1)).one()
        assert move(
            session, message, Bucket.OUTBOX, EventKind.HANDED_OFF, now, provider_status="queued"
        )
        assert not move(
            session, message, Bucket.OUTBOX, EventKind.STATUS, now, provider_status="queued"
        )
    assert report_status(ctx, message.id, "sent") == {sid}  # same bucket, new status
    assert report_status(
        ctx, message.id, "undelivered", error_code=30008, error_message="Unknown error"
    ) == {sid}
    assert report_status(ctx, message.id, "sending") == set()  # stale: the outcome stays
    assert report_status(ctx, message.id, "undelivered", error_code=30008) == set()  # repeat
    with ctx.db.read() as session:
        message = session.get(Message, message.id)
        assert message.error_code == 30008 and message.final_at is not None
        assert message.error_message == "Unknown error"
        events = session.scalars(
            select(MessageEvent)
            .where(MessageEvent.message_id == message.id)
            .order_by(MessageEvent.id)
        ).all()
    assert [(e.from_bucket, e.to_bucket, e.provider_status) for e in events] == [
        ("in_queue", "outbox", "queued"),
        ("outbox", "outbox", "sent"),
        ("outbox", "error", "undelivered"),
    ]
    assert events[-1].error_code == 30008
    _assert_consistent(ctx, sid)


def test_cancel_pending_is_set_based_and_skips_claimed(ctx: Context) -> None:
    sid = _new_sequence(ctx, 5)
    now = ctx.now()
    with ctx.db.write() as session:
        claimed = session.scalars(select(Message).order_by(Message.id).limit(1)).one()
        claimed.claimed_at = now
        canceled = cancel_pending(session, Message.sequence_id == sid, now, "test")
        assert canceled == {sid: 9}
        assert (
            session.scalar(
                select(func.count())
                .select_from(MessageEvent)
                .where(MessageEvent.kind == "canceled")
            )
            == 9
        )
    _assert_consistent(ctx, sid)


# A template database, migrated once: copying a file is much cheaper than migrating.
@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    ctx = Context.open(f"sqlite:///{path}")
    ctx.close()
    return path


operation = st.one_of(
    st.tuples(st.just("status"), st.integers(0, 11), st.sampled_from(STATUSES)),
    st.tuples(st.just("timeout"), st.integers(0, 11), st.none()),
    st.tuples(st.just("delete_lead"), st.integers(0, 5), st.none()),
    st.tuples(st.just("opt_out"), st.integers(0, 5), st.none()),
    st.tuples(st.just("cancel_sequence"), st.none(), st.none()),
    st.tuples(st.just("pause"), st.none(), st.none()),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(operation, max_size=30))
def test_random_event_orders_always_add_up(template_db: Path, tmp_path_factory, ops) -> None:
    path = tmp_path_factory.mktemp("h") / "t.db"
    shutil.copy(template_db, path)
    ctx = Context.open(f"sqlite:///{path}")
    try:
        sid = _new_sequence(ctx)
        with ctx.db.read() as session:
            ids = list(session.scalars(select(Message.id).order_by(Message.id)))
            lead_ids = sorted(set(session.scalars(select(Message.lead_id))))
        for kind, index, status in ops:
            now = ctx.now()
            if kind == "status":
                with ctx.db.write() as session:
                    message = session.get(Message, ids[index])
                    if message.bucket == Bucket.IN_QUEUE.value and status in PROVIDER_STATUS_BUCKET:
                        move(session, message, Bucket.OUTBOX, EventKind.HANDED_OFF, now)
                if status in PROVIDER_STATUS_BUCKET and _bucket_of(ctx, ids[index]) != "in_queue":
                    report_status(ctx, ids[index], status, error_code=30003)
            elif kind == "timeout":
                with ctx.db.write() as session:
                    message = session.get(Message, ids[index])
                    if message.bucket == Bucket.OUTBOX.value:
                        move(session, message, Bucket.DELIVERY_UNKNOWN, EventKind.TIMEOUT, now)
            elif kind == "delete_lead":
                leads.delete_leads(ctx, [lead_ids[index]])
            elif kind == "opt_out":
                leads.set_opted_out(ctx, [lead_ids[index]], True)
            elif kind in ("cancel_sequence", "pause"):
                try:
                    getattr(sequences, "cancel" if kind == "cancel_sequence" else "pause")(ctx, sid)
                except Exception as exc:  # an invalid transition is a fine outcome here
                    assert "cannot" in str(exc)
            _assert_consistent(ctx, sid)
        with ctx.db.read() as session:
            deleted = counts_by_sequence(session)[sid].deleted_leads
        expected_deleted = len({lead_ids[i] for k, i, _ in ops if k == "delete_lead"})
        assert deleted == expected_deleted
    finally:
        ctx.close()
