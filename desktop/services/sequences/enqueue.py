"""Writing a prepared sequence's messages: every message of every step in one transaction,
with its counters and its first sendable status, through one compiled Core insert run as a
DBAPI executemany (constant columns bound once per step, only lead, phone and body per
row). If that fails, the sequence shows "Preparation failed" and is never finished behind
the owner's back (see preparation.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import Table, insert, update
from sqlalchemy.engine import Connection

from desktop.models import Message, Sequence, SequenceCounter
from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.sequences.recipients import Recipient, custom_fields_of
from desktop.services.status.rules import SequenceFacts, sequence_status
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.services.text.segments import MAX_BODY_CHARS
from desktop.services.text.template import parse_template

ENQUEUE_CHUNK = 20_000


def _bodies(template_text: str, recipients: list[Recipient]) -> Iterator[str]:
    template = parse_template(template_text, custom_fields_of(recipients))
    if not template.fields:
        yield from (template_text for _ in recipients)  # nothing to merge: one body for all
        return
    for r in recipients:
        body = template.render(r.merge_values())
        if len(body) > MAX_BODY_CHARS:
            raise UserError(
                f"a step is {len(body)} characters long for lead {r.phone} after merge "
                f"fields; the limit is {MAX_BODY_CHARS}"
            )
        yield body


VARYING = ("lead_id", "to_phone", "body")


def _insert_many(
    connection: Connection, constants: dict[str, Any], rows: list[tuple[int, str, str]]
) -> None:
    """One Core `insert(messages)` compiled once and run as a DBAPI executemany.

    Values shared by every row (sequence, step, times, media) go through SQLAlchemy's own
    type processors once, not once per row: at 200 000 messages that per-row conversion
    cost more than writing the rows.
    """
    table = cast(Table, Message.__table__)
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=[*VARYING, *constants])
    processed = {}
    for name, value in constants.items():
        processor = table.c[name].type._cached_bind_processor(dialect)
        processed[name] = processor(value) if processor and value is not None else value
    if compiled.positional:
        order = compiled.positiontup or []
        slots = [VARYING.index(name) if name in VARYING else None for name in order]
        fixed = [processed.get(name) for name in order]
        params: list[Any] = [
            tuple(row[i] if i is not None else f for i, f in zip(slots, fixed, strict=True))
            for row in rows
        ]
    else:
        params = [{**processed, **dict(zip(VARYING, row, strict=True))} for row in rows]
    connection.exec_driver_sql(str(compiled), params)


def _enqueue(ctx: Context, sequence_id: int, recipients: list[Recipient]) -> int:
    """Insert every message of a Being processed sequence in one transaction, set its
    counters and its first real status."""
    now = ctx.now()
    with ctx.db.write() as session:
        sequence = session.get(Sequence, sequence_id)
        if sequence is None or sequence.status != SequenceStatus.BEING_PROCESSED.value:
            return 0
        total = 0
        connection = session.connection()
        for step in sequence.steps:
            constants = {
                "sequence_id": sequence.id,
                "step_id": step.id,
                "step_position": step.position,
                "media_urls": list(step.media_urls) or None,
                "bucket": Bucket.IN_QUEUE.value,
                # Later steps wait (NULL) until the previous step went out to that lead.
                "scheduled_for": sequence.start_at if step.position == 0 else None,
                "attempts": 0,
                "skip_quiet_hours": False,  # raw executemany: no Python-side defaults
                "created_at": now,
                "updated_at": now,
            }
            rows = [
                (r.id, r.phone, body)
                for r, body in zip(recipients, _bodies(step.body, recipients), strict=True)
            ]
            for offset in range(0, len(rows), ENQUEUE_CHUNK):
                _insert_many(connection, constants, rows[offset : offset + ENQUEUE_CHUNK])
            total += len(rows)
        counter = session.get(SequenceCounter, sequence_id)
        assert counter is not None
        counter.total = total
        counter.in_queue = total
        facts = SequenceFacts(
            status=SequenceStatus.IN_PROGRESS,
            prepared=True,
            start_at=sequence.start_at,
            counts={Bucket.IN_QUEUE: total},
            last_handoff_at=None,
        )
        status = sequence_status(facts, now, ctx.settings.get("carrier_window"))
        sequence.status = status.value
        if status == SequenceStatus.DONE:
            sequence.done_at = now
        return total


def enqueue_or_fail(ctx: Context, sequence_id: int, recipients: list[Recipient]) -> int:
    """Enqueue; if that fails (a full disk, a lost database), mark the sequence Preparation
    failed when the database still lets us, and raise: the caller reports the failure, and
    the sequence waits for Delete or Retry instead of being finished behind anyone's back."""
    try:
        return _enqueue(ctx, sequence_id, recipients)
    except BaseException:
        try:
            with ctx.db.write_connection() as connection:
                connection.execute(
                    update(Sequence)
                    .where(
                        Sequence.id == sequence_id,
                        Sequence.status == SequenceStatus.BEING_PROCESSED.value,
                    )
                    .values(status=SequenceStatus.PREPARATION_FAILED.value)
                )
        except Exception:  # the database may be what failed; the next start marks it
            pass
        raise
