"""Hands due In-queue messages to Twilio, at each sender's rate, inside quiet hours, for the
senders whose lease this engine holds.

Order per message: wait for the sender's rate slot, then claim it (the claim re-checks the
sequence, the lead and the lease), then send, then commit the SID. Nothing is claimed while
it waits, so another engine never finds a claim that is merely queued behind a slow rate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from itertools import zip_longest

from sqlalchemy import ColumnElement, Row, select, update
from sqlalchemy.orm import Session

from desktop.models import Lead, Message, Sequence
from desktop.services.core.context import Context
from desktop.services.engine.account_problems import AccountProblems
from desktop.services.engine.handoff_sql import SENDING_STATUSES, of_account
from desktop.services.engine.handoff_store import HandoffStore, Job
from desktop.services.engine.leases import Leases
from desktop.services.engine.rate_limit import RateLimiter, Stopped
from desktop.services.engine.reconcile import Reconciler
from desktop.services.leads.quiet_hours import candidate_zones, next_send_time
from desktop.services.status.transitions import cancel_pending
from desktop.services.status.vocabulary import Bucket
from desktop.services.text.segments import analyze
from desktop.services.twilio.gateway import Ambiguous, Gateway, GatewayError, Refused, Unavailable
from desktop.services.twilio.refusals import is_account_problem

log = logging.getLogger(__name__)

BATCH = 200
TIMEZONE_RECHECK = timedelta(days=1)
TOO_MANY_REQUESTS = 20429

# A due message with what deciding it needs: lead time zone, opted out, deleted, sender.
DueRow = Row[Message, str, bool, datetime | None, str]


class Dispatcher:
    def __init__(
        self,
        ctx: Context,
        gateway: Gateway,
        leases: Leases,
        *,
        default_sender: str = "",
        workers: int = 8,
        reconcile_grace: timedelta | None = None,
        on_change: Callable[[set[int]], None] | None = None,
        on_handoff: Callable[[], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.gateway = gateway
        self.leases = leases
        self.default_sender = default_sender
        self.workers = workers
        self.on_change = on_change or (lambda ids: None)
        self.on_handoff = on_handoff or (lambda: None)
        self.store = HandoffStore(ctx, leases.owner.id)
        # A claim younger than this may still have its request in flight somewhere.
        grace = reconcile_grace or timedelta(seconds=2 * gateway.http.timeout + 5)
        self.reconciler = Reconciler(ctx, gateway, self.store, grace)
        self.account = AccountProblems()
        self._limiters: dict[str, RateLimiter] = {}
        self._limiters_lock = threading.Lock()
        self._stop = threading.Event()
        self._config = ctx.settings.config()
        self.handed_off = 0
        self.handoff_cpu = 0.0  # seconds of CPU spent in successful hand-offs (benchmarks)
        self.last_problem: str | None = None

    # -- public --------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def run_once(self, max_seconds: float | None = None) -> int:
        """Hand off everything due now (paced); returns how many messages went out."""
        self.adopt_unassigned()
        self.reconcile_claims()
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        sent = 0
        with ThreadPoolExecutor(self.workers, thread_name_prefix="handoff") as pool:
            while not self._stop.is_set():
                if deadline is not None and time.monotonic() >= deadline:
                    break
                jobs = self._next_jobs()
                if not jobs:
                    break
                results = list(pool.map(self._hand_off, jobs))
                sent += sum(results)
                self.on_change({job.sequence_id for job in jobs})
                if not any(results) and not self._sendable():
                    break  # every held sender is stopped: do not spin on the same batch
        return sent

    def reconcile_claims(self) -> int:
        changed = self.reconciler.run(
            self.leases.held, self.leases.live_owners(), self.default_sender
        )
        if changed:
            self.on_change(changed)
        return len(changed)

    def adopt_unassigned(self) -> None:
        """Sequences created without a sender take this engine's default sender, in one
        statement, so two engines never split one sequence between their senders."""
        sender = self.default_sender
        if not sender or sender not in self.leases.held:
            return
        with self.ctx.db.write_connection() as connection:
            connection.execute(
                update(Sequence)
                .where(
                    Sequence.sender == "",
                    Sequence.status.in_(SENDING_STATUSES),
                    self.of_my_account(),
                )
                .values(sender=sender)
            )

    def of_my_account(self) -> ColumnElement[bool]:
        return of_account(self.gateway.account_sid)

    # -- choosing what is due -------------------------------------------------------

    def _sendable(self) -> set[str]:
        now = self.ctx.now()
        return {s for s in self.leases.held if not self.account.stopped(s, now)}

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
        """The next batch of due messages of the senders this engine may send for, after
        canceling those of opted-out or deleted leads and deferring those outside quiet
        hours."""
        senders = self._sendable()
        if not senders:
            return []
        now = self.ctx.now()
        # Settings are read once per batch: a change applies from the next batch on.
        self._config = self.ctx.settings.config()
        window = self._config.quiet_hours
        jobs: list[Job] = []
        changed: set[int] = set()
        with self.ctx.db.write() as session:
            # Each sender's due messages, taken in turns: one batch keeps every held
            # sender's rate busy at once (a batch in plain (scheduled_for, id) order is one
            # sequence's, hence one sender's, and the senders would take turns).
            busy = sorted(senders & self._sending_senders(session))
            share = max(1, BATCH // max(1, len(busy)))
            per_sender = [self._due(session, sender, now, share) for sender in busy]
            rows = [row for turn in zip_longest(*per_sender) for row in turn if row is not None]
            # Why each lead gets no more texts, for its history: deleted wins, as in
            # builder.choose_recipients.
            gone_leads: dict[int, str] = {}
            zoneless_leads: set[int] = set()
            for message, tz_name, opted_out, deleted_at, sender in rows:
                if deleted_at is not None:
                    gone_leads[message.lead_id] = "lead deleted"
                    continue
                if opted_out:
                    gone_leads[message.lead_id] = "lead opted out"
                    continue
                if window is not None and not message.skip_quiet_hours:
                    zones = candidate_zones(tz_name, message.to_phone)
                    when = next_send_time(now, zones, window)
                    if when is None:
                        # Its number's zones never share the window: hold it until the
                        # owner gives the lead a time zone (looked at again daily).
                        zoneless_leads.add(message.lead_id)
                        message.scheduled_for = now + TIMEZONE_RECHECK
                        continue
                    if when > now:
                        message.scheduled_for = when
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
            if zoneless_leads:
                session.execute(
                    update(Lead)
                    .where(Lead.id.in_(zoneless_leads), Lead.timezone_needed.is_(False))
                    .values(timezone_needed=True)
                )
            for reason in sorted(set(gone_leads.values())):
                lead_ids = [lead for lead, why in gone_leads.items() if why == reason]
                canceled = cancel_pending(session, Message.lead_id.in_(lead_ids), now, reason)
                changed.update(canceled)
        if changed:
            self.on_change(changed)
        return jobs

    def _sending_senders(self, session: Session) -> set[str]:
        """Senders of this account's sequences still sending (a small table): a held
        sender with nothing to send takes no share of the batch."""
        return set(
            session.scalars(
                select(Sequence.sender)
                .where(Sequence.status.in_(SENDING_STATUSES), self.of_my_account())
                .distinct()
            )
        )

    def _due(self, session: Session, sender: str, now: datetime, limit: int) -> list[DueRow]:
        """Up to `limit` due, unclaimed messages of `sender`, oldest first."""
        return list(
            session.execute(
                select(Message, Lead.timezone, Lead.opted_out, Lead.deleted_at, Sequence.sender)
                .join(Lead, Lead.id == Message.lead_id)
                .join(Sequence, Sequence.id == Message.sequence_id)
                .where(
                    Message.bucket == Bucket.IN_QUEUE.value,
                    Message.claimed_at.is_(None),
                    Message.scheduled_for <= now,
                    Sequence.status.in_(SENDING_STATUSES),
                    Sequence.sender == sender,
                    self.of_my_account(),
                )
                .order_by(Message.scheduled_for, Message.id)
                .limit(limit)
                # PostgreSQL: rows another transaction holds (a cancel, a poll, another
                # engine's pick during a lease takeover) are passed over, never waited on;
                # the claim decides each message. SQLite writes one at a time anyway.
                .with_for_update(of=Message, skip_locked=True)
            ).all()
        )

    # -- one hand-off (runs on a pool thread) ----------------------------------------

    def _hand_off(self, job: Job) -> bool:
        if self._stop.is_set() or self.account.stopped(job.sender, self.ctx.now()):
            return False
        limiter = self._limiter(job.sender)
        try:
            limiter.acquire(job.segments, stop=self._stop)
        except Stopped:
            return False  # nothing was claimed: the message simply stays In-queue
        started = time.thread_time()  # CPU of this thread only: waits and sleeps excluded
        # A stalled engine (a long pause, a sleeping laptop) may have lost its lease without
        # knowing it yet: it must not send on a lease another engine may have taken.
        if not self.leases.fresh(job.sender) or not self.store.claim(job):
            return False  # canceled, paused, opted out, taken, or the lease is gone
        try:
            answer = self.gateway.create_message(
                job.to, job.body, job.sender, media_urls=job.media_urls
            )
        except Refused as exc:
            self._refused(job, exc)
            return False
        except Unavailable as exc:
            if exc.status == 429 or exc.code == TOO_MANY_REQUESTS:
                limiter.hold(5.0)
            self.store.release(job, str(exc))
            self.last_problem = str(exc)
            return False
        except Ambiguous as exc:
            # Left claimed: reconciliation decides, after the grace, whether it went out.
            log.warning("message %s may or may not have been sent: %s", job.message_id, exc)
            self.reconciler.unclear(job.message_id)
            self.last_problem = str(exc)
            return False
        except GatewayError as exc:
            log.warning("message %s: %s", job.message_id, exc)
            self.reconciler.unclear(job.message_id)
            return False
        self.account.cleared(job.sender)
        if self.store.handed_off(
            job, answer.sid, answer.status, answer.num_segments, self.ctx.now()
        ):
            with self._limiters_lock:
                self.handed_off += 1
                self.handoff_cpu += time.thread_time() - started
            self.on_handoff()
        return True

    def _refused(self, job: Job, exc: Refused) -> None:
        if is_account_problem(exc):
            # Every message from this sender would be refused the same way: stop the
            # sender and keep the message In-queue, instead of turning the queue into errors.
            stop = self.account.stop(job.sender, exc, self.ctx.now())
            log.warning("%s", stop.line)
            self.last_problem = stop.line
            self.store.release(job, stop.line, retry_in=0)
            return
        self.account.cleared(job.sender)
        changed = self.store.refused(job, exc.code, str(exc))
        self.on_change(changed)

    @property
    def account_problems(self) -> list[str]:
        return self.account.lines()
