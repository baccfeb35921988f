"""The sending engine: dispatcher, poller and sweeper as APScheduler background jobs.

What changed (sequence ids) is published through a plain callback list, which the UI adapts
to Qt signals; nothing here knows about Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, or_, select

from desktop.models import Message, Sequence, SequenceCounter
from desktop.services.core.context import Context
from desktop.services.engine.dispatcher import Dispatcher
from desktop.services.engine.handoff_sql import of_account
from desktop.services.engine.leases import HEARTBEAT_EVERY, Holder, Leases, Owner
from desktop.services.engine.leftovers import cancel_leftovers
from desktop.services.engine.poller import Poller
from desktop.services.engine.sweeper import sweep
from desktop.services.sequences.preparation import mark_failed_preparations
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.services.twilio.connection import Connection

log = logging.getLogger(__name__)

Listener = Callable[[set[int]], None]
IDLE_STATUSES = frozenset(
    {
        SequenceStatus.DONE,
        SequenceStatus.CANCELED,
        SequenceStatus.PAUSED,
        SequenceStatus.PREPARATION_FAILED,
    }
)
# A laptop that slept for a night should still run its jobs when it wakes.
MISFIRE_GRACE = 24 * 3600


@dataclass(frozen=True)
class EngineStatus:
    state: str  # "running", "stopped"
    demo: bool
    next_poll_at: datetime | None
    in_queue: int
    send_rate: float  # hand-offs per second over the last 10 s
    problem: str | None


def senders_wanted(ctx: Context, account_sid: str, default_sender: str) -> set[str]:
    """The senders an engine signed in to `account_sid` should hold: its own default sender,
    and those of its account's sequences still sending or tracking (Done ones are tracked a
    while for late answers)."""
    settings = ctx.settings
    recent = ctx.now() - settings.get("delivery_unknown_after") - settings.get("carrier_window")
    with ctx.db.read() as session:
        senders = set(
            session.scalars(
                select(Sequence.sender)
                .where(
                    Sequence.sender != "",
                    of_account(account_sid),
                    or_(
                        Sequence.status.not_in(
                            [SequenceStatus.DONE.value, SequenceStatus.PREPARATION_FAILED.value]
                        ),
                        Sequence.done_at >= recent,
                    ),
                )
                .distinct()
            )
        )
    return senders | ({default_sender} if default_sender else set())


class Engine:
    def __init__(
        self,
        ctx: Context,
        connection: Connection,
        *,
        dispatch_interval: float = 1.0,
        sweep_interval: float = 5.0,
        reconcile_grace: timedelta | None = None,
        workers: int = 8,
        role: str = "engine",
    ) -> None:
        self.ctx = ctx
        self.connection = connection
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()
        self._handoffs: deque[float] = deque(maxlen=1000)
        self.leases = Leases(ctx, Owner.current(role))
        self.dispatcher = Dispatcher(
            ctx,
            connection.gateway,
            self.leases,
            default_sender=connection.default_sender,
            workers=workers,
            reconcile_grace=reconcile_grace,
            on_change=self._publish,
            on_handoff=self._on_handoff,
        )
        self.poller = Poller(
            ctx,
            connection.gateway,
            senders=lambda: self.leases.held,
            on_change=self._publish,
        )
        self.elsewhere: dict[str, Holder] = {}  # senders another live engine holds
        self._poll_interval = 30.0
        self._started_up = False
        self.dispatch_interval = dispatch_interval
        self.sweep_interval = sweep_interval
        self._next_poll = 0.0
        self._scheduler: BackgroundScheduler | None = None
        self.problem: str | None = None
        self._in_queue = 0

    # -- change notification ------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        with self._listeners_lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        with self._listeners_lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _publish(self, sequence_ids: set[int]) -> None:
        if not sequence_ids:
            return
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:  # no lock held while calling out
            try:
                listener(set(sequence_ids))
            except Exception:
                log.exception("a change listener failed")

    # -- jobs -----------------------------------------------------------------------

    def wanted_senders(self) -> set[str]:
        return senders_wanted(
            self.ctx, self.connection.gateway.account_sid, self.connection.default_sender
        )

    def take_leases(self) -> dict[str, Holder]:
        """Hold every wanted sender that is free; returns those another engine holds."""
        self.elsewhere = self.leases.acquire(self.wanted_senders())
        return self.elsewhere

    def keep_leases(self) -> None:
        """The heartbeat, and taking over what became free (a holder that stopped or died)."""
        held = self.leases.heartbeat(self.problem_line())
        if self.wanted_senders() - held:
            self.take_leases()

    def startup(self) -> dict[str, Holder]:
        """Take the leases, then settle what a crash interrupted: preparations, claims
        without SID, In-queue leftovers of canceled sequences. Returns the senders another
        live engine holds (this engine leaves them alone)."""
        elsewhere = self.take_leases()
        self._started_up = True
        self._publish(set(mark_failed_preparations(self.ctx)))
        self.dispatcher.adopt_unassigned()
        default = self.connection.default_sender
        self._publish(cancel_leftovers(self.ctx, self.leases.held, default))
        self.dispatcher.reconcile_claims()
        self._count_in_queue()
        return elsewhere

    def _guard(self, name: str, job: Callable[[], object]) -> None:
        try:
            job()
            if self.problem and self.problem.startswith(name):
                self.problem = None
        except Exception as exc:  # a job must never die; say what happened
            from desktop.services.core.db_errors import describe_db_error

            sentence = describe_db_error(exc, self.ctx.db.url)
            self.problem = f"{name}: {sentence or type(exc).__name__ + ': ' + str(exc)}"
            if sentence:
                log.warning(self.problem)
            else:
                log.exception("%s failed", name)

    def _ensure_started(self) -> None:
        """A job called before start-up (tests, --once) takes the leases first."""
        if not self._started_up:
            self.startup()

    def dispatch(self) -> int:
        self._ensure_started()
        self._poll_interval = self.ctx.settings.get("poll_interval").total_seconds()
        before = self.dispatcher.handed_off
        self.dispatcher.run_once(max_seconds=30)
        sent = self.dispatcher.handed_off - before
        if sent:
            self._count_in_queue()
        return sent

    def _on_handoff(self) -> None:
        """Each hand-off, as it happens (on a pool thread): the first status check follows
        within the poll interval, not after the dispatch pass (up to 30 s) has ended."""
        now = time.monotonic()
        self._handoffs.append(now)
        self._next_poll = min(self._next_poll, now + self._poll_interval)

    def poll(self, force: bool = False) -> None:
        self._ensure_started()
        if not force and time.monotonic() < self._next_poll:
            return
        self.poller.run_once()
        self._next_poll = time.monotonic() + self.poller.next_delay.total_seconds()

    def sweep(self) -> None:
        self._ensure_started()
        held = self.leases.held
        self._publish(sweep(self.ctx, held, self.connection.default_sender))
        self._publish(set(mark_failed_preparations(self.ctx)))
        self._publish(cancel_leftovers(self.ctx, held, self.connection.default_sender))
        self._count_in_queue()

    def run_once(self) -> None:
        """One pass of each job, in order (the worker's --once, and tests)."""
        self._guard("sending", self.dispatch)
        self._guard("polling", lambda: self.poll(force=True))
        self._guard("sweeping", self.sweep)

    # -- scheduler ------------------------------------------------------------------

    def start(self) -> None:
        if self._scheduler is not None:
            return
        if not self._started_up:
            self.startup()
        scheduler = BackgroundScheduler(timezone=UTC)
        common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": MISFIRE_GRACE}
        now = datetime.now(UTC)
        scheduler.add_job(
            lambda: self._guard("sending", self.dispatch),
            "interval",
            seconds=self.dispatch_interval,
            id="dispatch",
            next_run_time=now,
            **common,
        )
        # The poll job ticks every second and polls when its adaptive delay has passed.
        scheduler.add_job(
            lambda: self._guard("polling", self.poll),
            "interval",
            seconds=1,
            id="poll",
            next_run_time=now,
            **common,
        )
        scheduler.add_job(
            lambda: self._guard("leases", self.keep_leases),
            "interval",
            seconds=HEARTBEAT_EVERY.total_seconds(),
            id="leases",
            next_run_time=now + HEARTBEAT_EVERY,
            **common,
        )
        scheduler.add_job(
            lambda: self._guard("sweeping", self.sweep),
            "interval",
            seconds=self.sweep_interval,
            id="sweep",
            next_run_time=now,
            **common,
        )
        scheduler.start()
        self._scheduler = scheduler

    def run_now(self) -> None:
        """After a user action: send, poll and sweep as soon as possible."""
        self._next_poll = 0.0
        if self._scheduler is None:
            return
        now = datetime.now(UTC)
        for job in self._scheduler.get_jobs():
            job.modify(next_run_time=now)

    def stop(self) -> None:
        self.dispatcher.stop()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        try:
            self.leases.release()  # another engine may start at once
        except Exception:  # a lost database: the leases expire by themselves
            log.warning("could not release the engine leases", exc_info=True)

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    # -- state ----------------------------------------------------------------------

    def is_idle(self) -> bool:
        """Every campaign is Done, Canceled or Paused, and no answer or test waits."""
        busy = [s.value for s in SequenceStatus if s not in IDLE_STATUSES]
        with self.ctx.db.read() as session:
            campaigns = session.scalar(
                select(func.count())
                .select_from(Sequence)
                .where(Sequence.status.in_(busy), Sequence.kind == "bulk")
            )
            one_offs = session.scalar(
                select(func.count())
                .select_from(Message)
                .join(Sequence, Sequence.id == Message.sequence_id)
                .where(Sequence.kind != "bulk", Message.bucket == Bucket.IN_QUEUE.value)
            )
        return not campaigns and not one_offs

    def _count_in_queue(self) -> None:
        """Refreshed by the jobs (on their threads), so status() never queries: the UI asks
        for it every second on its own thread."""
        with self.ctx.db.read() as session:
            total = session.scalar(select(func.coalesce(func.sum(SequenceCounter.in_queue), 0)))
        self._in_queue = int(total or 0)

    def status(self) -> EngineStatus:
        in_queue = self._in_queue
        now = time.monotonic()
        recent = sum(1 for t in self._handoffs if now - t <= 10)
        next_poll = None
        if self.running:
            next_poll = self.ctx.now() + timedelta(seconds=max(0.0, self._next_poll - now))
        return EngineStatus(
            state="running" if self.running else "stopped",
            demo=self.connection.demo,
            next_poll_at=next_poll,
            in_queue=in_queue,
            send_rate=recent / 10,
            problem=self.problem_line(),
        )

    def problem_line(self) -> str | None:
        """What keeps this engine from sending, in one line (None when nothing does)."""
        account = self.dispatcher.account_problems
        if account:
            return "; ".join(account)
        return self.problem or self.dispatcher.last_problem
