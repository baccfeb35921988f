"""Run work off the GUI thread and get the result back on it.

The GUI thread never waits on the network or a slow query: `TaskRunner.run(fn, on_done)`
runs `fn` on a Qt thread pool and calls `on_done(result)` (or `on_error(sentence)`) on the
GUI thread through a queued signal. Never touch a widget inside `fn`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.services.db_errors import describe_db_error
from desktop.services.errors import UserError

log = logging.getLogger(__name__)


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

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # reported to the GUI, never lost on a pool thread
            self.relay.failed.emit(describe_failure(exc))
        else:
            self.relay.done.emit(result)


class TaskRunner(QObject):
    """Owns the relays of running tasks until their results are delivered."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        relay = _Relay()  # created on the GUI thread, so its slots run there

        def finished(result: Any) -> None:
            self._relays.discard(relay)
            if on_done is not None:
                on_done(result)

        def failed(sentence: str) -> None:
            self._relays.discard(relay)
            if on_error is not None:
                on_error(sentence)
            else:
                log.warning("background task failed: %s", sentence)

        relay.done.connect(finished)
        relay.failed.connect(failed)
        self._relays.add(relay)
        self.pool.start(_Task(fn, relay))

    @property
    def pending(self) -> int:
        return len(self._relays)

    def wait(self, msecs: int = 10_000) -> bool:
        return self.pool.waitForDone(msecs)
