"""Run work off the GUI thread and get the result back on it.

The GUI thread never waits on the network or a slow query: `TaskRunner.run(fn, on_done)`
runs `fn` on a Qt thread pool and calls `on_done(result)` (or `on_error(sentence)`) on the
GUI thread through a queued signal. Never touch a widget inside `fn`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.services.core.db_errors import describe_db_error
from desktop.services.core.errors import UserError

log = logging.getLogger(__name__)

# How long a task waits for the GUI thread to come back from starting it (see _Task.run);
# a bound only, the GUI thread takes microseconds.
HANDED_OVER_TIMEOUT = 1.0


def describe_failure(exc: BaseException) -> str:
    """A sentence for the user: theirs to fix, the database's, or a bug (logged in full)."""
    if isinstance(exc, UserError):
        return str(exc)
    sentence = describe_db_error(exc)
    if sentence:
        return sentence[0].upper() + sentence[1:] + "."
    log.error("unexpected failure", exc_info=exc)
    return f"Something went wrong ({type(exc).__name__}: {exc}). The details are in the log."


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.handed_over = threading.Event()

    def run(self) -> None:
        # QThreadPool.start lets go of the interpreter; a pool thread that took it then ran
        # its query's Python while the GUI thread, back from start(), waited up to Python's
        # switch interval (5 ms) for it: a late frame. Blocking here gives it back at once.
        self.handed_over.wait(HANDED_OVER_TIMEOUT)
        relay, self.relay = self.relay, None  # type: ignore[assignment]
        try:
            result = self.fn()
        except BaseException as exc:  # reported to the GUI, never lost on a pool thread
            relay.failed.emit(describe_failure(exc))
        else:
            relay.done.emit(result)


class TaskRunner(QObject):
    """Owns the relays of running tasks until their results are delivered."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._pending = 0

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        # The relay is a child of the runner: Qt owns it, so the worker thread dropping its
        # Python reference can never destroy it there. It is deleted on the GUI thread
        # (deleteLater) once its result is delivered, which also drops the callbacks.
        relay = _Relay(self)

        def finished(result: Any) -> None:
            self._settle(relay)
            if on_done is not None:
                on_done(result)

        def failed(sentence: str) -> None:
            self._settle(relay)
            if on_error is not None:
                on_error(sentence)
            else:
                log.warning("background task failed: %s", sentence)

        relay.done.connect(finished)
        relay.failed.connect(failed)
        self._pending += 1
        task = _Task(fn, relay)
        self.pool.start(task)
        task.handed_over.set()

    def _settle(self, relay: _Relay) -> None:
        self._pending -= 1
        relay.done.disconnect()
        relay.failed.disconnect()
        relay.deleteLater()

    @property
    def pending(self) -> int:
        return self._pending

    def wait(self, msecs: int = 10_000) -> bool:
        return self.pool.waitForDone(msecs)
