"""Sequences whose preparation did not finish: shown as "Preparation failed", then deleted
or retried by the owner, never finished behind their back.

A sequence stays Being processed only while the process named in its `preparer` runs its
second transaction. When that process is gone from this host (killed, crashed) or, for a
preparer on another host, after a quarter of an hour (preparing 200 000 messages takes
seconds), the sequence is marked Preparation failed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from desktop.models import Sequence
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.core.processes import Process, this_process
from desktop.services.leads.store import suppress_dead_numbers
from desktop.services.sequences.builder import CreateResult, LeadSelection, choose_recipients
from desktop.services.sequences.enqueue import enqueue_or_fail
from desktop.services.status.vocabulary import SequenceStatus

STALE_ELSEWHERE = timedelta(minutes=15)


def mark_failed_preparations(ctx: Context) -> list[int]:
    """Mark Being processed sequences whose preparer is gone; returns their ids."""
    now = ctx.now()
    failed: list[int] = []
    with ctx.db.write() as session:
        rows = list(
            session.scalars(
                select(Sequence).where(Sequence.status == SequenceStatus.BEING_PROCESSED.value)
            )
        )
        for sequence in rows:
            preparer = Process.from_token(sequence.preparer)
            if preparer is None:
                gone = True  # written before preparers were recorded: nobody is on it
            elif preparer.host == this_process().host:
                gone = preparer.gone()
            else:
                gone = now - sequence.created_at > STALE_ELSEWHERE
            if gone:
                sequence.status = SequenceStatus.PREPARATION_FAILED.value
                failed.append(sequence.id)
    return failed


def _failed(ctx: Context, sequence_id: int) -> Sequence:
    with ctx.db.read() as session:
        sequence = session.get(Sequence, sequence_id)
    if sequence is None:
        raise NotFound(f"no sequence with id {sequence_id}")
    if sequence.status != SequenceStatus.PREPARATION_FAILED.value:
        raise UserError(
            f"sequence {sequence_id} is {SequenceStatus(sequence.status).label.lower()}; "
            "only a sequence whose preparation failed can be deleted or retried"
        )
    return sequence


def delete_sequence(ctx: Context, sequence_id: int) -> None:
    """Delete a sequence whose preparation failed (nothing of it was ever sent)."""
    _failed(ctx, sequence_id)
    with ctx.db.write() as session:
        session.execute(
            delete(Sequence).where(
                Sequence.id == sequence_id,
                Sequence.status == SequenceStatus.PREPARATION_FAILED.value,
            )
        )


def retry_preparation(ctx: Context, sequence_id: int) -> CreateResult:
    """Prepare a failed sequence again, for the leads its selection names now."""
    sequence = _failed(ctx, sequence_id)
    selection = LeadSelection.from_json(sequence.lead_selection)
    with ctx.db.write() as session:
        stored = session.get(Sequence, sequence_id)
        if stored is None or stored.status != SequenceStatus.PREPARATION_FAILED.value:
            raise UserError(f"sequence {sequence_id} changed meanwhile; try again")
        stored.status = SequenceStatus.BEING_PROCESSED.value
        stored.preparer = this_process().token()
        chosen = choose_recipients(session, selection, suppress_dead=suppress_dead_numbers(ctx))
    messages = enqueue_or_fail(ctx, sequence_id, chosen.recipients)
    return CreateResult(
        sequence_id=sequence_id,
        messages=messages,
        leads=len(chosen.recipients),
        excluded_opted_out=chosen.opted_out,
        excluded_deleted=chosen.deleted,
        excluded_dead=chosen.dead,
    )
