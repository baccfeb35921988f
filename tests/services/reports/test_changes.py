"""What changed since the last look: nothing is read while nothing was committed; then the
sequences, leads and lead histories that changed are named, whoever wrote them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.services.core.context import Context
from desktop.services.leads import store as leads
from desktop.services.reports.changes import (
    Changes,
    ChangeTracker,
    EveryLook,
    Look,
    SqliteDataVersion,
)
from desktop.services.sequences import builder, lifecycle
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from tests.helpers import add_leads, phone, report_status

STEP = [builder.StepSpec("Hello {first_name}. Reply STOP to opt out")]


def poll(tracker: ChangeTracker) -> tuple[Look, Changes]:
    found = tracker.poll()
    assert found is not None, "a commit was not seen"
    return found


@pytest.mark.sqlite_only  # data_version is SQLite's (a server database is looked at each time)
def test_nothing_is_read_while_nothing_was_committed(ctx: Context) -> None:
    tracker = ChangeTracker(ctx)
    assert isinstance(tracker.source, SqliteDataVersion)
    look, changes = poll(tracker)  # the first look names nothing: screens load themselves
    assert changes == Changes() and changes.empty and look.sequences == {}
    assert tracker.poll() is None
    assert tracker.poll() is None
    add_leads(ctx, 1)
    assert tracker.poll() is not None
    assert tracker.poll() is None
    tracker.close()


def test_sequences_leads_and_histories_are_named(ctx: Context) -> None:
    first, second, third = add_leads(ctx, 3)
    tracker = ChangeTracker(ctx)
    poll(tracker)
    created = builder.create_sequence(ctx, "S", STEP, builder.LeadSelection(all=True))
    look, changes = poll(tracker)
    sid = created.sequence_id
    assert changes.sequences == {sid}
    assert look.sequences[sid].status == SequenceStatus.IN_PROGRESS.value or look.waiting == 3
    assert look.in_queue == 3 and look.keeps_service_busy

    message_id = _message_of(ctx, sid, second)
    report_status(ctx, message_id, "delivered")
    look, changes = poll(tracker)
    assert changes.sequences == {sid}
    assert changes.histories == {second}  # only the lead whose message moved
    assert changes.leads == frozenset()
    assert not changes.conversations  # the inbox list is not read again for a delivery

    leads.set_opted_out(ctx, [third], True)
    _look, changes = poll(tracker)
    assert changes.leads == {third}
    assert changes.histories is not None and third in changes.histories

    lifecycle.pause(ctx, sid)
    look, changes = poll(tracker)
    assert sid in changes.sequences and look.waiting == 0 and look.in_queue > 0
    assert first not in (changes.leads or ())
    tracker.close()


def test_the_inbox_list_moves_with_replies_and_reads_only(ctx: Context) -> None:
    """A reply and its reading move the conversations; a sequence's texts do not."""
    from desktop.services.inbox import conversations
    from tests.inbox_helpers import reply

    first, _second = add_leads(ctx, 2)
    tracker = ChangeTracker(ctx)
    poll(tracker)
    builder.create_sequence(ctx, "S", STEP, builder.LeadSelection(all=True))
    _look, changes = poll(tracker)
    assert changes.sequences and not changes.conversations
    reply(ctx, phone(0), "Are you open on Sunday?")
    look, changes = poll(tracker)
    assert changes.conversations and first in (changes.histories or ())
    assert look.conversations[0] == 1 and look.conversations[2] == 1  # one, unread
    conversations.mark_read(ctx, first)
    look, changes = poll(tracker)
    assert changes.conversations and look.conversations[2] == 0
    tracker.close()


def test_the_feeds_move_with_failures_and_replies_only(ctx: Context) -> None:
    """Recent errors move when a text fails, Replies when one comes in (from a lead or
    not); texts handed off and delivered move neither."""
    from tests.inbox_helpers import reply

    first, second = add_leads(ctx, 2)
    tracker = ChangeTracker(ctx)
    poll(tracker)
    sid = builder.create_sequence(ctx, "S", STEP, builder.LeadSelection(all=True)).sequence_id
    _look, changes = poll(tracker)
    assert changes.sequences and not (changes.errors or changes.replies)
    report_status(ctx, _message_of(ctx, sid, first), "delivered")
    _look, changes = poll(tracker)
    assert changes.sequences and not (changes.errors or changes.replies)
    report_status(ctx, _message_of(ctx, sid, second), "undelivered", error_code=30008)
    look, changes = poll(tracker)
    assert changes.errors and not changes.replies and look.errors == {sid: 1}
    reply(ctx, phone(0), "Thanks!")
    _look, changes = poll(tracker)
    assert changes.replies and not changes.errors
    reply(ctx, "+14155559999", "Who is this?")  # a number that is no lead's
    _look, changes = poll(tracker)
    assert changes.replies and not changes.errors
    tracker.close()


def test_a_commit_by_another_process_is_seen(ctx: Context, db_url: str) -> None:
    (lead,) = add_leads(ctx, 1)
    tracker = ChangeTracker(ctx)
    poll(tracker)
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", db_url, "leads", "delete", str(lead)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    _look, changes = poll(tracker)
    assert changes.leads == {lead}
    tracker.close()


def test_without_data_version_every_look_compares(ctx: Context) -> None:
    tracker = ChangeTracker(ctx, source=EveryLook())
    poll(tracker)
    _look, changes = poll(tracker)  # nothing changed, and nothing is named
    assert changes.empty
    add_leads(ctx, 2)
    _look, changes = poll(tracker)
    assert changes.leads is None or len(changes.leads) == 2


def _message_of(ctx: Context, sequence_id: int, lead_id: int) -> int:
    from sqlalchemy import select

    from desktop.models import Message

    with ctx.db.read() as session:
        message_id = session.scalar(
            select(Message.id).where(
                Message.sequence_id == sequence_id,
                Message.lead_id == lead_id,
                Message.bucket == Bucket.IN_QUEUE.value,
            )
        )
    assert message_id is not None
    return int(message_id)
