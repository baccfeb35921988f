"""The database side of a hand-off: claim, commit the SID, refuse, release.

Crash safety: a message is claimed (claimed_at and claimed_by committed) right before the
API call and its SID is committed right after. A claim without SID means "maybe sent": only
reconciliation against Twilio's list may decide its fate (desktop/services/engine/reconcile).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from desktop.models import Message, Sequence, Step
from desktop.services.core.context import Context
from desktop.services.engine import handoff_sql as sql
from desktop.services.engine.failures import after_failure, ends_followups
from desktop.services.status.rules import FINAL_BUCKETS
from desktop.services.status.transitions import move
from desktop.services.status.vocabulary import Bucket, EventKind, SequenceStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One message to hand off, with what the worker thread needs (no ORM object crosses
    threads)."""

    message_id: int
    sequence_id: int
    lead_id: int
    step_position: int
    to: str
    body: str
    media_urls: tuple[str, ...]
    sender: str
    segments: int


class HandoffStore:
    def __init__(self, ctx: Context, owner_id: str) -> None:
        self.ctx = ctx
        self.owner_id = owner_id
        self._step_delays: dict[tuple[int, int], float | None] = {}
        self._delays_lock = threading.Lock()

    def claim(self, job: Job) -> bool:
        """Claim `job` for this engine; False when it may not go (see handoff_sql.CLAIM)."""
        with self.ctx.db.write_connection() as connection:
            result = connection.execute(
                sql.CLAIM,
                {
                    "mid": job.message_id,
                    "at": self.ctx.now(),
                    "owner": self.owner_id,
                    "lease_sender": job.sender,
                },
            )
            return bool(result.rowcount == 1)

    def handed_off(
        self,
        job: Job,
        sid: str,
        status: str,
        segments: int | None,
        at: datetime,
        *,
        bucket: Bucket = Bucket.OUTBOX,
        detail: str | None = None,
    ) -> bool:
        """Commit the SID, the move out of In-queue with its event and counters, the
        sequence's hand-off times and the next step's due time: one short Core transaction.
        `bucket` is Outbox for a fresh send; a reconciled message may already be further."""
        with self.ctx.db.write_connection() as connection:
            moved = connection.execute(
                sql.TO_OUTBOX,
                {
                    "mid": job.message_id,
                    "sid": sid,
                    "at": at,
                    "segments": segments,
                    "status": status or "queued",
                    "bucket": bucket.value,
                    "final": at if bucket in FINAL_BUCKETS else None,
                },
            )
            if moved.rowcount != 1:
                log.error("message %s left In-queue during its hand-off", job.message_id)
                return False
            connection.execute(
                sql.HANDOFF_EVENT,
                {
                    "mid": job.message_id,
                    "at": at,
                    "status": status or "queued",
                    "bucket": bucket.value,
                    "detail": detail,
                },
            )
            connection.execute(sql.HANDOFF_COUNTERS[bucket], {"seq": job.sequence_id})
            connection.execute(sql.SEQUENCE_HANDOFF, {"seq": job.sequence_id, "at": at})
            self.schedule_next_step(connection, job, at)
        return True

    def _next_step_delay(self, connection: Connection | Session, job: Job) -> float | None:
        key = (job.sequence_id, job.step_position + 1)
        with self._delays_lock:
            if key in self._step_delays:  # steps never change once a sequence exists
                return self._step_delays[key]
        delay = connection.execute(
            select(Step.delay_seconds).where(Step.sequence_id == key[0], Step.position == key[1])
        ).scalar()
        with self._delays_lock:
            self._step_delays[key] = delay
        return delay

    def schedule_next_step(
        self, connection: Connection | Session, job: Job, after: datetime
    ) -> None:
        delay = self._next_step_delay(connection, job)
        if delay is None:
            return
        connection.execute(
            sql.SCHEDULE_NEXT,
            {
                "seq": job.sequence_id,
                "lead": job.lead_id,
                "position": job.step_position + 1,
                "due": after + timedelta(seconds=delay),
            },
        )

    def refused(self, job: Job, code: int | None, text: str) -> set[int]:
        """Twilio refused this message for good: Error, and what the code means for the
        lead (opt-out, dead number) or else the next step as usual. Returns changed ids."""
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            message = session.get(Message, job.message_id)
            if message is None:
                return set()
            move(
                session,
                message,
                Bucket.ERROR,
                EventKind.REFUSED,
                now,
                error_code=code,
                error_message=text,
            )
            message.claimed_by = None
            changed = after_failure(session, job.sequence_id, job.lead_id, code, now)
            if not ends_followups(code):
                self.schedule_next_step(session, job, now)
        return {job.sequence_id, *changed}

    def release(self, job: Job, reason: str, retry_in: float = 30.0) -> None:
        """Give a claimed message back: Twilio certainly did not take it. Back to the queue,
        or Canceled when its sequence was canceled meanwhile (a canceled sequence never
        keeps anything In-queue)."""
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            message = session.get(Message, job.message_id)
            if message is None or message.twilio_sid or message.bucket != Bucket.IN_QUEUE.value:
                return
            message.claimed_at = None
            message.claimed_by = None
            status = session.scalar(select(Sequence.status).where(Sequence.id == job.sequence_id))
            if status == SequenceStatus.CANCELED.value:
                move(
                    session,
                    message,
                    Bucket.CANCELED,
                    EventKind.CANCELED,
                    now,
                    detail="sequence canceled",
                )
                return
            message.scheduled_for = now + timedelta(seconds=retry_in)
            move(session, message, Bucket.IN_QUEUE, EventKind.RETRY, now, detail=reason)
