"""A sequence becomes sendable only in the transaction that finishes its preparation; one
that could not finish shows "Preparation failed" and waits for Delete or Retry."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from desktop.models import Message, Sequence, SequenceCounter, Step
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.core.processes import Process, this_process
from desktop.services.sequences import builder, lifecycle
from desktop.services.sequences.preparation import (
    delete_sequence,
    mark_failed_preparations,
    retry_preparation,
)
from desktop.services.status.vocabulary import SequenceStatus
from tests.engine_helpers import fast_settings, make_engine
from tests.helpers import add_leads

STEP = [builder.StepSpec("Hi {first_name}. Reply STOP to opt out")]


def _being_processed(ctx: Context, preparer: str, *, age: timedelta = timedelta(0)) -> int:
    """A sequence row as the first transaction of create_sequence leaves it."""
    now = ctx.now()
    with ctx.db.write() as session:
        sequence = Sequence(
            name="Interrupted",
            sender="",
            status=SequenceStatus.BEING_PROCESSED.value,
            start_at=now,
            lead_selection={"all": True},
            preparer=preparer,
            created_at=now - age,
            updated_at=now - age,
        )
        sequence.steps = [Step(position=0, body=STEP[0].body, media_urls=[], delay_seconds=0)]
        session.add(sequence)
        session.flush()
        session.add(SequenceCounter(sequence_id=sequence.id))
        return sequence.id


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def _status(ctx: Context, sequence_id: int) -> SequenceStatus:
    return lifecycle.get_summary(ctx, sequence_id).status


def test_a_preparer_that_died_leaves_preparation_failed_and_nothing_is_sent(
    ctx: Context,
) -> None:
    fast_settings(ctx)
    add_leads(ctx, 3)
    me = this_process()
    dead = Process(me.host, _dead_pid(), "1").token()
    sid = _being_processed(ctx, dead)
    with CarrierSandbox(SandboxConfig.fast(seed=4)) as sandbox:
        engine = make_engine(ctx, sandbox)
        engine.run_once()  # start-up marks it; the dispatcher finds nothing sendable
        engine.stop()
        assert sandbox.ledger_snapshot() == []
    assert _status(ctx, sid) == SequenceStatus.PREPARATION_FAILED
    with ctx.db.read() as session:
        assert session.scalar(select(Message.id).where(Message.sequence_id == sid)) is None


def test_a_live_preparer_is_left_alone_and_another_hosts_only_after_a_while(
    ctx: Context,
) -> None:
    mine = _being_processed(ctx, this_process().token())
    elsewhere = _being_processed(ctx, "other-host 4242 99")
    old_elsewhere = _being_processed(ctx, "other-host 4243 99", age=timedelta(hours=1))
    assert mark_failed_preparations(ctx) == [old_elsewhere]
    assert _status(ctx, mine) == SequenceStatus.BEING_PROCESSED
    assert _status(ctx, elsewhere) == SequenceStatus.BEING_PROCESSED


def test_retry_prepares_it_and_delete_removes_it(ctx: Context) -> None:
    add_leads(ctx, 4)
    first = _being_processed(ctx, "")
    second = _being_processed(ctx, "")
    assert sorted(mark_failed_preparations(ctx)) == [first, second]
    result = retry_preparation(ctx, first)
    assert (result.messages, result.leads) == (4, 4)
    assert _status(ctx, first) == SequenceStatus.IN_PROGRESS
    delete_sequence(ctx, second)
    assert [s.id for s in lifecycle.list_sequences(ctx)] == [first]
    with pytest.raises(UserError, match="only a sequence whose preparation failed"):
        delete_sequence(ctx, first)
    with pytest.raises(UserError, match="only a sequence whose preparation failed"):
        retry_preparation(ctx, first)


def test_a_failed_enqueue_reports_the_failure_and_marks_the_sequence(ctx: Context) -> None:
    add_leads(ctx, 3)
    # A real refusal by the database in the middle of the second transaction, as a full
    # disk would give: the enqueue raises, and the sequence must never become sendable.
    with ctx.db.write_connection() as connection:
        if ctx.db.is_sqlite:
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_messages BEFORE INSERT ON messages "
                    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
                )
            )
        else:  # PostgreSQL's own "disk full" (SQLSTATE 53100)
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_messages() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'could not extend file: the disk is full' "
                    "USING ERRCODE = '53100'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_messages BEFORE INSERT ON messages "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_messages()"
                )
            )
    with pytest.raises(Exception, match="full"):
        builder.create_sequence(ctx, "Full disk", STEP, builder.LeadSelection(all=True))
    (summary,) = lifecycle.list_sequences(ctx)
    assert summary.status == SequenceStatus.PREPARATION_FAILED
    assert summary.counts.total == 0
    with pytest.raises(UserError):
        lifecycle.resume(ctx, summary.id)
