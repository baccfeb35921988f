"""`textdesk worker`: the engine without a window.

It refuses to start beside another engine holding this database's senders (or waits for it
with --wait), without credentials, or with credentials Twilio refuses; and it stops with
exit code 2 when an account problem stops every sender it holds, leaving the messages
In-queue for when the account is fixed.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.engine.engine import Engine
from desktop.services.engine.leases import Holder
from desktop.services.twilio.connection import account_problem, open_connection

log = logging.getLogger(__name__)

EXIT_OK, EXIT_STOPPED = 0, 2
WAIT_STEP = 2.0  # seconds between looks at a busy lease with --wait


def _busy(elsewhere: dict[str, Holder]) -> str:
    sender, holder = sorted(elsewhere.items())[0]
    more = f" (and {len(elsewhere) - 1} more sender(s))" if len(elsewhere) > 1 else ""
    return (
        f"{sender}{more} is being sent from by {holder.describe()}; "
        "stop it first, or run the worker with --wait"
    )


def _say(line: str, *, error: bool = False) -> None:
    if error:
        print(f"textdesk worker: error: {line}", file=sys.stderr, flush=True)
    else:
        print(f"textdesk worker: {line}", flush=True)


def run_worker(
    ctx: Context,
    *,
    once: bool = False,
    until_idle: bool = False,
    demo: bool = False,
    wait: bool = False,
) -> int:
    connection = open_connection(ctx, demo=demo)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signum)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    engine: Engine | None = None
    try:
        _say(connection.describe())
        refused = account_problem(connection)
        if refused:
            _say(refused, error=True)
            return EXIT_STOPPED
        engine = Engine(ctx, connection, role="worker")
        if not engine.wanted_senders():
            raise UserError(
                "no sender: set your Twilio number or Messaging Service SID with "
                "`textdesk settings set sender ...`"
            )
        elsewhere = engine.startup()
        while elsewhere:
            if not wait:
                _say(_busy(elsewhere), error=True)
                return EXIT_STOPPED
            if stop.wait(WAIT_STEP):
                return EXIT_OK
            elsewhere = engine.startup()
        if once:
            engine.run_once()
            return _stopped_by_account(engine)
        engine.start()
        while not stop.wait(0.5):
            if _stopped_by_account(engine):
                return EXIT_STOPPED
            if until_idle and engine.is_idle():
                break
        return EXIT_OK
    finally:
        if engine is not None:
            engine.stop()
        connection.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if engine is not None:
            status = engine.status()
            _say(f"stopped; {status.in_queue} message(s) In-queue")


def _stopped_by_account(engine: Engine) -> int:
    """EXIT_STOPPED, with the problem on stderr, when every sender is stopped by an account
    problem (wrong credentials, suspended account, a sender the account cannot use)."""
    held = engine.leases.held
    stopped = engine.dispatcher.account.senders()
    if held and held <= stopped:
        for line in engine.dispatcher.account_problems:
            _say(line, error=True)
        return EXIT_STOPPED
    return EXIT_OK
