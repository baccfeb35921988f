"""Hands due In-queue messages to Twilio, at the sender's rate, inside quiet hours.

Crash safety: a message is claimed (claimed_at committed) before the API call and its SID is
committed right after. A claim without SID means "maybe sent": it is reconciled against
Twilio's list (To, date, body) before the message may go again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from desktop.models import Lead, Message, MessageEvent, Sequence, SequenceCounter, Step
from desktop.services.core.context import Context
from desktop.services.engine.rate_limit import RateLimiter, Stopped
from desktop.services.leads.quiet_hours import lead_zone, next_send_time
from desktop.services.leads.store import opt_out
from desktop.services.status.transitions import cancel_pending, move
from desktop.services.status.vocabulary import Bucket, EventKind, SequenceStatus
from desktop.services.text.segments import analyze
from desktop.services.twilio.error_catalog import explain
from desktop.services.twilio.gateway import Ambiguous, Gateway, GatewayError, Refused, Unavailable

log = logging.getLogger(__name__)

BATCH = 200
SENDING_STATUSES = (SequenceStatus.SCHEDULED.value, SequenceStatus.IN_PROGRESS.value)


# The hand-off path runs once per message: its statements are built once, here, so each
# execution only binds values (building and keying a statement per call cost more than
# running it).
_CLAIM = (
    update(Message)
    .where(
        Message.id == bindparam("mid"),
        Message.claimed_at.is_(None),
        Message.bucket == Bucket.IN_QUEUE.value,
    )
    .values(claimed_at=bindparam("at"), attempts=Message.attempts + 1)
)
_TO_OUTBOX = (
    update(Message)
    .where(Message.id == bindparam("mid"), Message.bucket == Bucket.IN_QUEUE.value)
    .values(
        bucket=Bucket.OUTBOX.value,
        twilio_sid=bindparam("sid"),
        handed_off_at=bindparam("at"),
        num_segments=bindparam("segments"),
        provider_status=bindparam("status"),
        updated_at=bindparam("at"),
    )
)
_HANDOFF_EVENT = insert(MessageEvent).values(
    message_id=bindparam("mid"),
    at=bindparam("at"),
    kind=EventKind.HANDED_OFF.value,
    from_bucket=Bucket.IN_QUEUE.value,
    to_bucket=Bucket.OUTBOX.value,
    provider_status=bindparam("status"),
)
_HANDOFF_COUNTERS = (
    update(SequenceCounter)
    .where(SequenceCounter.sequence_id == bindparam("seq"))
    .values(in_queue=SequenceCounter.in_queue - 1, outbox=SequenceCounter.outbox + 1)
)
_SEQUENCE_HANDOFF = (
    update(Sequence)
    .where(Sequence.id == bindparam("seq"))
    .values(
        first_handoff_at=func.coalesce(Sequence.first_handoff_at, bindparam("at")),
        last_handoff_at=bindparam("at"),
        # The poller filters Twilio's list by the sender actually used.
        sender=case((Sequence.sender == "", bindparam("sender")), else_=Sequence.sender),
        status=case(
            (Sequence.status == SequenceStatus.SCHEDULED.value, SequenceStatus.IN_PROGRESS.value),
            else_=Sequence.status,
        ),
    )
)
_SCHEDULE_NEXT = (
    update(Message)
    .where(
        Message.sequence_id == bindparam("seq"),
        Message.lead_id == bindparam("lead"),
        Message.step_position == bindparam("position"),
        Message.bucket == Bucket.IN_QUEUE.value,
        Message.scheduled_for.is_(None),
    )
    .values(scheduled_for=bindparam("due"))
)


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


class Dispatcher:
    def __init__(
        self,
        ctx: Context,
        gateway: Gateway,
        *,
        default_sender: str = "",
        workers: int = 8,
        reconcile_grace: timedelta | None = None,
        on_change: Callable[[set[int]], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.gateway = gateway
        self.default_sender = default_sender
        self.workers = workers
        # A claim younger than this may still have its request in flight somewhere.
        self.reconcile_grace = reconcile_grace or timedelta(seconds=2 * gateway.http.timeout + 5)
        self.on_change = on_change or (lambda ids: None)
        self._limiters: dict[str, RateLimiter] = {}
        self._limiters_lock = threading.Lock()
        self._stop = threading.Event()
        self._config = ctx.settings.config()
        self._step_delays: dict[tuple[int, int], float | None] = {}
        self.handed_off = 0
        self.handoff_cpu = 0.0  # seconds of CPU spent in successful hand-offs (benchmarks)
        self.last_problem: str | None = None

    # -- public --------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def run_once(self, max_seconds: float | None = None) -> int:
        """Hand off everything due now (paced); returns how many messages went out."""
        self.reconcile_claims()
        deadline = None if max_seconds is None else self.ctx.now() + timedelta(seconds=max_seconds)
        sent = 0
        with ThreadPoolExecutor(self.workers, thread_name_prefix="handoff") as pool:
            while not self._stop.is_set():
                if deadline is not None and self.ctx.now() >= deadline:
                    break
                jobs = self._next_jobs()
                if not jobs:
                    break
                results = list(pool.map(self._hand_off, jobs))
                sent += sum(results)
                self.on_change({job.sequence_id for job in jobs})
        return sent

    # -- choosing what is due -------------------------------------------------------

    def _sender_for(self, sequence: str) -> str:
        return sequence or self._config.sender or self.default_sender

    def _limiter(self, sender: str) -> RateLimiter:
        rate = self._config.rate_limit
        with self._limiters_lock:
            limiter = self._limiters.get(sender)
            if limiter is None:
                limiter = self._limiters[sender] = RateLimiter(rate)
            elif limiter.rate != rate:
                limiter.set_rate(rate)
            return limiter

    def _next_jobs(self) -> list[Job]:
        """The next batch of due messages, after canceling those of opted-out or deleted
        leads and deferring those outside quiet hours."""
        now = self.ctx.now()
        # Settings are read once per batch: a change applies from the next batch on.
        self._config = self.ctx.settings.config()
        window = self._config.quiet_hours
        jobs: list[Job] = []
        changed: set[int] = set()
        with self.ctx.db.write() as session:
            rows = session.execute(
                select(Message, Lead.timezone, Lead.opted_out, Lead.deleted_at, Sequence.sender)
                .join(Lead, Lead.id == Message.lead_id)
                .join(Sequence, Sequence.id == Message.sequence_id)
                .where(
                    Message.bucket == Bucket.IN_QUEUE.value,
                    Message.claimed_at.is_(None),
                    Message.scheduled_for <= now,
                    Sequence.status.in_(SENDING_STATUSES),
                )
                .order_by(Message.scheduled_for, Message.id)
                .limit(BATCH)
            ).all()
            gone_leads: set[int] = set()
            for message, tz_name, opted_out, deleted_at, seq_sender in rows:
                if opted_out or deleted_at is not None:
                    gone_leads.add(message.lead_id)
                    continue
                if window is not None:
                    when = next_send_time(now, lead_zone(tz_name, message.to_phone), window)
                    if when > now:
                        message.scheduled_for = when
                        continue
                sender = self._sender_for(seq_sender)
                if not sender:
                    self.last_problem = "no sender is set: add a Twilio number in Settings"
                    continue
                jobs.append(
                    Job(
                        message_id=message.id,
                        sequence_id=message.sequence_id,
                        lead_id=message.lead_id,
                        step_position=message.step_position,
                        to=message.to_phone,
                        body=message.body,
                        media_urls=tuple(message.media_urls or ()),
                        sender=sender,
                        segments=max(1, analyze(message.body).segments),
                    )
                )
            if gone_leads:
                canceled = cancel_pending(
                    session, Message.lead_id.in_(gone_leads), now, "lead opted out or deleted"
                )
                changed.update(canceled)
        if changed:
            self.on_change(changed)
        return jobs

    # -- one hand-off (runs on a pool thread) ----------------------------------------

    def _claim(self, job: Job) -> bool:
        with self.ctx.db.write_connection() as connection:
            result = connection.execute(_CLAIM, {"mid": job.message_id, "at": self.ctx.now()})
            return result.rowcount == 1

    def _hand_off(self, job: Job) -> bool:
        if self._stop.is_set():
            return False
        limiter = self._limiter(job.sender)
        started = time.thread_time()  # CPU of this thread only: waits and sleeps excluded
        if not self._claim(job):
            return False  # canceled, paused or taken meanwhile
        # The slot is taken after the claim, right before the request: a slow commit must not
        # shift this send towards the next one (the carrier counts what arrives per second).
        started -= time.thread_time()
        try:
            limiter.acquire(job.segments, stop=self._stop)
        except Stopped:
            self._release(job, "the engine stopped before its turn", retry_in=0)
            return False
        started += time.thread_time()
        try:
            answer = self.gateway.create_message(
                job.to, job.body, job.sender, media_urls=job.media_urls
            )
        except Refused as exc:
            self._refused(job, exc)
            return False
        except Unavailable as exc:
            if exc.status == 429 or exc.code == 20429:
                limiter.hold(5.0)
            self._release(job, str(exc))
            self.last_problem = str(exc)
            return False
        except Ambiguous as exc:
            # Left claimed: reconcile_claims decides later whether it went out.
            log.warning("message %s may or may not have been sent: %s", job.message_id, exc)
            self.last_problem = str(exc)
            return False
        except GatewayError as exc:
            log.warning("message %s: %s", job.message_id, exc)
            return False
        self._handed_off(job, answer.sid, answer.status, answer.num_segments, self.ctx.now())
        with self._limiters_lock:
            self.handoff_cpu += time.thread_time() - started
        return True

    def _handed_off(
        self,
        job: Job,
        sid: str,
        status: str,
        segments: int | None,
        at: datetime,
    ) -> None:
        """Commit the SID, the move to Outbox with its event and counters, the sequence's
        hand-off times and the next step's due time: one short Core transaction."""
        with self.ctx.db.write_connection() as connection:
            moved = connection.execute(
                _TO_OUTBOX,
                {
                    "mid": job.message_id,
                    "sid": sid,
                    "at": at,
                    "segments": segments,
                    "status": status or "queued",
                },
            )
            if moved.rowcount != 1:
                log.error("message %s left In-queue during its hand-off", job.message_id)
                return
            connection.execute(
                _HANDOFF_EVENT, {"mid": job.message_id, "at": at, "status": status or "queued"}
            )
            connection.execute(_HANDOFF_COUNTERS, {"seq": job.sequence_id})
            connection.execute(
                _SEQUENCE_HANDOFF, {"seq": job.sequence_id, "at": at, "sender": job.sender}
            )
            self._schedule_next_step(connection, job, at)
        self.handed_off += 1

    def _next_step_delay(self, connection: Connection | Session, job: Job) -> float | None:
        key = (job.sequence_id, job.step_position + 1)
        if key not in self._step_delays:  # steps never change once a sequence exists
            self._step_delays[key] = connection.execute(
                select(Step.delay_seconds).where(
                    Step.sequence_id == key[0], Step.position == key[1]
                )
            ).scalar()
        return self._step_delays[key]

    def _schedule_next_step(
        self, connection: Connection | Session, job: Job, after: datetime
    ) -> None:
        delay = self._next_step_delay(connection, job)
        if delay is None:
            return
        connection.execute(
            _SCHEDULE_NEXT,
            {
                "seq": job.sequence_id,
                "lead": job.lead_id,
                "position": job.step_position + 1,
                "due": after + timedelta(seconds=delay),
            },
        )

    def _refused(self, job: Job, exc: Refused) -> None:
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            message = session.get(Message, job.message_id)
            assert message is not None
            move(
                session,
                message,
                Bucket.ERROR,
                EventKind.REFUSED,
                now,
                error_code=exc.code,
                error_message=str(exc),
            )
            # The error catalog says what a code means for this lead: unsubscribed, or a
            # number that cannot take texts (later steps would fail the same way).
            refusal = explain(exc.code)
            if refusal.opt_out:
                lead = session.get(Lead, job.lead_id)
                if lead is not None:
                    opt_out(session, lead, now, f"Twilio says the lead unsubscribed ({exc.code})")
            elif refusal.dead_number:
                cancel_pending(
                    session,
                    and_(Message.sequence_id == job.sequence_id, Message.lead_id == job.lead_id),
                    now,
                    f"the number was refused ({exc.code})",
                )
            else:
                self._schedule_next_step(session, job, now)

    def _release(self, job: Job, reason: str, retry_in: float = 30.0) -> None:
        """Give a claimed message back to the queue: Twilio certainly did not take it."""
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            message = session.get(Message, job.message_id)
            if message is None or message.twilio_sid or message.bucket != Bucket.IN_QUEUE.value:
                return
            message.claimed_at = None
            message.scheduled_for = now + timedelta(seconds=retry_in)
            move(session, message, Bucket.IN_QUEUE, EventKind.RETRY, now, detail=reason)

    # -- reconciliation -------------------------------------------------------------

    def reconcile_claims(self) -> int:
        """Settle claims without SID that are old enough: adopt the SID when Twilio's list
        has the message, else give it back to the queue. Returns how many were settled."""
        cutoff = self.ctx.now() - self.reconcile_grace
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(Message, Sequence.sender)
                .join(Sequence, Sequence.id == Message.sequence_id)
                .where(
                    Message.bucket == Bucket.IN_QUEUE.value,
                    Message.claimed_at.is_not(None),
                    Message.claimed_at <= cutoff,
                    Message.twilio_sid.is_(None),
                )
            ).all()
        settled = 0
        for message, seq_sender in rows:
            job = Job(
                message.id,
                message.sequence_id,
                message.lead_id,
                message.step_position,
                message.to_phone,
                message.body,
                tuple(message.media_urls or ()),
                self._sender_for(seq_sender),
                1,
            )
            try:
                found = self._find_on_twilio(job, message.claimed_at)
            except GatewayError as exc:
                log.warning("cannot reconcile message %s yet: %s", message.id, exc)
                continue
            if found is not None:
                sid, status, segments, created = found
                self._handed_off(job, sid, status, segments, created or self.ctx.now())
                log.info("message %s had gone out as %s; adopted", message.id, sid)
            else:
                self._release(job, "not found on Twilio after an unclear answer", retry_in=0)
            settled += 1
        if settled:
            self.on_change({m.sequence_id for m, _ in rows})
        return settled

    def _find_on_twilio(
        self, job: Job, claimed_at: datetime | None
    ) -> tuple[str, str, int | None, datetime | None] | None:
        since = (claimed_at or self.ctx.now()) - timedelta(minutes=10)
        sender_filter = job.sender if job.sender.startswith("+") else None
        for page in self.gateway.list_pages(to=job.to, from_=sender_filter, page_size=100):
            for record in page:
                if record.direction.startswith("inbound"):
                    continue
                if record.body == job.body:
                    return record.sid, record.status, record.num_segments, record.date_created
            oldest = min((r.date_created for r in page if r.date_created), default=None)
            if oldest is not None and oldest < since:
                break  # newest first: nothing older can be ours
        return None
