"""Twilio statuses applied in bulk: one page of the message list in a few statements.

The rules of status_rules.bucket_after_status: a final answer wins, a stale status never
undoes an outcome, and a new status inside the same bucket (queued -> sent) is recorded as
an event. The poller may apply thousands of statuses per cycle, hence executemany.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.engine import Connection

from desktop.models import Message, MessageEvent
from desktop.services.status.rules import (
    FINAL_BUCKETS,
    bucket_after_status,
    bucket_for_provider_status,
)
from desktop.services.status.transitions import bump_counters
from desktop.services.status.vocabulary import Bucket, EventKind
from desktop.services.twilio.gateway import TwilioMessage

_UPDATE = (
    update(Message)
    .where(Message.id == bindparam("mid"), Message.bucket == bindparam("from_bucket"))
    .values(
        bucket=bindparam("to_bucket"),
        provider_status=bindparam("status"),
        error_code=bindparam("code"),
        error_message=bindparam("text"),
        final_at=bindparam("final"),
        # What Twilio adds later (price once final, segments) fills gaps, never overwrites.
        price=func.coalesce(Message.price, bindparam("price")),
        price_unit=func.coalesce(Message.price_unit, bindparam("unit")),
        num_segments=func.coalesce(Message.num_segments, bindparam("segments")),
        updated_at=bindparam("now"),
    )
)


def apply_statuses(
    connection: Connection,
    records: Sequence[TwilioMessage],
    by_sid: Mapping[str, int],
    current: Mapping[int, Any],
    now: datetime,
    failures: list[tuple[int, int, int | None]] | None = None,
) -> set[int]:
    """Apply `records` to the messages whose current rows are given (id, sequence_id,
    bucket, provider_status and, when `failures` is wanted, lead_id; read in this same
    transaction); returns changed sequences. Messages that newly failed are added to
    `failures` as (sequence_id, lead_id, error code), for what a failure means for the lead."""
    updates: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    deltas: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for record in records:
        row = current.get(by_sid[record.sid])
        if row is None:
            continue
        bucket = Bucket(row.bucket)
        target = bucket_after_status(bucket, record.status)
        if target is None:
            same_bucket = bucket_for_provider_status(record.status) == bucket
            if not same_bucket or record.status == row.provider_status:
                continue
            target = bucket
        at = record.date_updated or now
        error = target == Bucket.ERROR
        updates.append(
            {
                "mid": row.id,
                "from_bucket": bucket.value,
                "to_bucket": target.value,
                "status": record.status,
                "code": record.error_code if error else None,
                "text": record.error_message if error else None,
                "final": at if target in FINAL_BUCKETS else None,
                "price": record.price,
                "unit": record.price_unit,
                "segments": record.num_segments,
                "now": now,
            }
        )
        events.append(
            {
                "message_id": row.id,
                "at": at,
                "kind": EventKind.STATUS.value,
                "from_bucket": bucket.value,
                "to_bucket": target.value,
                "provider_status": record.status,
                "error_code": record.error_code if error else None,
            }
        )
        if failures is not None and error and target != bucket:
            failures.append((row.sequence_id, row.lead_id, record.error_code))
        if target != bucket:
            deltas[row.sequence_id][bucket.value] -= 1
            deltas[row.sequence_id][target.value] += 1
        else:
            deltas.setdefault(row.sequence_id, defaultdict(int))
    if updates:
        connection.execute(_UPDATE, updates)
        connection.execute(insert(MessageEvent), events)
    for sequence_id, delta in deltas.items():
        bump_counters(connection, sequence_id, delta)
    return set(deltas)
