"""`textdesk service run`: the sending engine in a process of its own, per database.

The window only starts it and follows the database; closing the window never stops
sending. The service holds the engine leases of its senders, logs to the data folder's log
file, imports no Qt, picks up new credentials by itself, and exits when nothing is left to
send or track and no window is open on its database.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import FrameType

from sqlalchemy import func, select

from desktop.models import Message, Sequence
from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.core.ui_prefs import get_value, moment, set_value
from desktop.services.engine.engine import Engine
from desktop.services.engine.leases import Holder
from desktop.services.engine.service_control import forget_stop_request
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.services.twilio.connection import Connection, open_connection, sandbox_state_file

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REFUSED = 0, 2
WINDOW_SEEN_KEY = "window_seen_at"
WINDOW_KEEPALIVE = timedelta(seconds=30)  # a window that wrote within this keeps us up
LOOK_EVERY = 2.0  # seconds between the loop's looks at the stop flag and the settings
IDLE_LOOKS = 5  # nothing to do this many looks in a row (10 s): exit
SENDING = (
    SequenceStatus.BEING_PROCESSED.value,
    SequenceStatus.SCHEDULED.value,
    SequenceStatus.IN_PROGRESS.value,
)
CREDENTIAL_KEYS = ("twilio_account_sid", "sender", "twilio_api_url")


def window_seen(ctx: Context) -> None:
    """The window says it is open (every few seconds): the service stays while it is."""
    set_value(ctx, WINDOW_SEEN_KEY, ctx.now().isoformat())


def window_open(ctx: Context) -> bool:
    seen = moment(get_value(ctx, WINDOW_SEEN_KEY))
    return seen is not None and ctx.now() - seen < WINDOW_KEEPALIVE


def has_work(ctx: Context) -> bool:
    """Something is Scheduled or In progress, or still tracked (Outbox, or Delivery
    unknown within reach of a late answer)."""
    settings = ctx.settings
    recent = ctx.now() - settings.get("delivery_unknown_after") - settings.get("carrier_window")
    with ctx.db.read() as session:
        campaigns = select(func.count()).where(
            Sequence.status.in_(SENDING), Sequence.kind == "bulk"
        )
        if session.scalar(campaigns):
            return True
        # Answers and test sends live in hidden sequences that stay In progress: count the
        # messages themselves.
        tracked = session.scalar(
            select(func.count()).where(
                (Message.bucket == Bucket.IN_QUEUE.value)
                | (Message.bucket == Bucket.OUTBOX.value)
                | (
                    (Message.bucket == Bucket.DELIVERY_UNKNOWN.value)
                    & (Message.handed_off_at >= recent)
                )
            )
        )
    return bool(tracked)


def _fingerprint(ctx: Context) -> str:
    """Changes when the credentials or the sender change (the token itself never leaves
    the secret store: only a hash of it is kept here)."""
    config = ctx.settings.config()
    parts = [str(getattr(config, key, "")) for key in CREDENTIAL_KEYS]
    parts.append(hashlib.sha256(config.twilio_auth_token.encode()).hexdigest())
    return "|".join(parts)


def connect(ctx: Context, demo: bool) -> Connection:
    """Twilio, or for the demo database the sandbox in this process: its state is kept
    beside the database, and it is scripted to tell the demo's story."""
    if not demo:
        return open_connection(ctx)
    from desktop.services import demo as demo_data

    connection = open_connection(ctx, demo=True, sandbox_state=sandbox_state_file(ctx))
    assert connection.sandbox is not None
    demo_data.script_sandbox(connection.sandbox)
    return connection


@dataclass
class Service:
    ctx: Context
    demo: bool
    connect: Callable[[Context, bool], Connection] = connect
    engine: Engine | None = None
    connection: Connection | None = None

    def _open(self) -> dict[str, Holder]:
        self.connection = self.connect(self.ctx, self.demo)
        self.engine = Engine(self.ctx, self.connection, role="service")
        if not self.engine.wanted_senders():
            raise UserError(
                "no sender: set your Twilio number or Messaging Service SID in Settings"
            )
        elsewhere = self.engine.startup()
        return dict(elsewhere)

    def _close(self) -> None:
        if self.engine is not None:
            self.engine.stop()
            self.engine = None
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def run(self, stop: threading.Event) -> int:
        forget_stop_request(self.ctx)  # before it holds the database: a start ends a stop
        elsewhere = self._open()
        assert self.engine is not None
        if elsewhere and not self.engine.leases.held:
            self._close()
            sender, holder = sorted(elsewhere.items())[0]
            raise UserError(f"{sender} is being sent from by {holder.describe()}")
        for sender, holder in sorted(elsewhere.items()):
            # Team mode: another desktop sends for it; ours takes it over if that one goes.
            log.info("%s is sent from by %s: left to it", sender, holder.describe())
        log.info("sending service started for %s", self.ctx.db.url)
        fingerprint = _fingerprint(self.ctx)
        self.engine.start()
        idle = 0
        try:
            while not stop.wait(LOOK_EVERY):
                current = _fingerprint(self.ctx)
                if current != fingerprint:
                    log.info("the Twilio settings changed: reconnecting")
                    self._close()
                    fingerprint = current
                    if self._open() and not self.engine.leases.held:
                        return EXIT_REFUSED
                    assert self.engine is not None
                    self.engine.start()
                busy = has_work(self.ctx) or window_open(self.ctx)
                idle = 0 if busy else idle + 1
                if idle >= IDLE_LOOKS and self._leave_if_still_idle():
                    log.info("nothing left to send or track: the service stops")
                    return EXIT_OK
            return EXIT_OK
        finally:
            self._close()

    def _leave_if_still_idle(self) -> bool:
        """Give the leases up, then look once more: a sequence created meanwhile (whose
        creator saw us running and did not start another service) keeps us going."""
        assert self.engine is not None
        self.engine.leases.release()
        if has_work(self.ctx) or window_open(self.ctx):
            self.engine.take_leases()
            return False
        return True


def run_service(ctx: Context, *, demo: bool = False) -> int:
    """The service's main loop in this process, until SIGTERM/SIGINT or nothing is left."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: the service stops", signum)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return Service(ctx, demo).run(stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
