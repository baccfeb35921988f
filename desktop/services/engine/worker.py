"""`textdesk worker`: the engine without a window."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from desktop.services.core.context import Context
from desktop.services.engine.engine import Engine
from desktop.services.twilio.connection import open_connection

log = logging.getLogger(__name__)


def run_worker(
    ctx: Context, *, once: bool = False, until_idle: bool = False, demo: bool = False
) -> int:
    connection = open_connection(ctx, demo=demo)
    print(f"textdesk worker: {connection.describe()}", flush=True)
    engine = Engine(ctx, connection)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signum)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if once:
            engine.startup()
            engine.run_once()
            return 0
        engine.start()
        while not stop.wait(0.5):
            if until_idle and engine.is_idle():
                break
        return 0
    finally:
        engine.stop()
        connection.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        status = engine.status()
        print(f"textdesk worker: stopped; {status.in_queue} message(s) In-queue", flush=True)
