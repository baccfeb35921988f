"""The window follows the database from a thread of its own, never from the GUI thread.

A few times a second it asks whether anything was committed (by the sending service, a
`textdesk` command, or this window): SQLite's `PRAGMA data_version` on a dedicated connection,
microseconds when nothing moved. When something did, it takes a small look and names what
changed (desktop.services.reports.changes.py). Every couple of seconds it reads the sending
service's state from the engine leases, and every ten seconds it tells the service that a
window is open (the service stays up while one is). Results reach the GUI thread as queued
signals; nothing here touches a widget.

A thread rather than the task pool: it lives as long as the window, and must never queue
behind an export. It holds no lock while emitting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QThread, Signal

from desktop.services.core.context import Context

if TYPE_CHECKING:
    from desktop.services.engine.service_control import ServiceState
    from desktop.services.reports.changes import ChangeTracker, Look

log = logging.getLogger(__name__)
T = TypeVar("T")

LOOK_EVERY = 0.25  # seconds: a change shows within a frame or two of this
# While something keeps changing (a sequence sending), a look every half second: the
# screens take changes at most twice a second (EngineBridge), and each look is a few
# queries in Python on this thread, which takes the interpreter from the GUI thread.
BUSY_LOOK_EVERY = 0.5
STATUS_EVERY = 2.0
SEEN_EVERY = 10.0  # the service waits 30 s for a window's sign of life
QUIET_LOGS = 60.0  # the same failure is logged at most this often


@dataclass(frozen=True)
class StatusRead:
    state: ServiceState
    look: Look | None
    at: float  # time.monotonic() of the read
    login_entry: bool | None = None  # the login entry present? None: not managed here


LoginKeeper = Callable[["Look"], "bool | None"]


class ChangeWatcher(QThread):
    looked = Signal(object, object)  # Look, Changes
    statusRead = Signal(object)  # StatusRead

    def __init__(
        self,
        ctx: Context,
        *,
        keepalive: bool = True,
        login: LoginKeeper | None = None,
        look_every: float = LOOK_EVERY,
        busy_look_every: float | None = None,
        status_every: float = STATUS_EVERY,
        seen_every: float = SEEN_EVERY,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changeWatcher")
        self.ctx = ctx
        self.keepalive = keepalive
        self.login = login
        self.look_every = look_every
        self.busy_look_every = (
            BUSY_LOOK_EVERY * look_every / LOOK_EVERY
            if busy_look_every is None
            else busy_look_every
        )
        self.status_every = status_every
        self.seen_every = seen_every
        self._wake = threading.Event()
        self._status_wanted = threading.Event()
        self._stopping = False
        self._logged: dict[str, float] = {}
        self.looks = 0  # looks that found a commit (tests, benchmarks)

    # -- from the GUI thread --------------------------------------------------------------

    def status_now(self) -> None:
        """Read the service's state at once (after starting or stopping it)."""
        self._status_wanted.set()
        self._wake.set()

    def stop(self, timeout_ms: int = 35_000) -> None:
        """Stop and wait for the thread: at most one look, or a write waiting out SQLite's
        busy timeout (30 s) when another program holds the database."""
        self._stopping = True
        self._wake.set()
        self.wait(timeout_ms)

    # -- the thread -------------------------------------------------------------------------

    def run(self) -> None:
        # Imported here, on this thread after the first paint: the engine's modules are
        # not the window's start-up cost.
        from desktop.services.engine.service import window_seen
        from desktop.services.reports.changes import ChangeTracker

        tracker: ChangeTracker | None = None
        look: Look | None = None
        next_status = next_seen = next_look = 0.0
        try:
            while not self._stopping:
                now = time.monotonic()
                if tracker is None:
                    tracker = self._guard("open the change source", lambda: ChangeTracker(self.ctx))
                if tracker is not None and now >= next_look:
                    found = self._guard("look for changes", tracker.poll)
                    if found is not None:
                        look = found[0]
                        self.looks += 1
                        self.looked.emit(found[0], found[1])
                        next_look = now + self.busy_look_every
                if self.keepalive and now >= next_seen:
                    self._guard("tell the service a window is open", lambda: window_seen(self.ctx))
                    next_seen = now + self.seen_every
                if now >= next_status or self._status_wanted.is_set():
                    self._status_wanted.clear()
                    self._read_status(look)
                    next_status = time.monotonic() + self.status_every
                self._wake.wait(self.look_every)
                self._wake.clear()
        finally:
            if tracker is not None:
                tracker.close()

    def _read_status(self, look: Look | None) -> None:
        from desktop.services.engine.service_control import service_state

        state = self._guard("read the sending service's state", lambda: service_state(self.ctx))
        if state is None:
            return
        login = self.login
        present = None
        if login is not None and look is not None:
            present = self._guard("update the login entry", lambda: login(look))
        self.statusRead.emit(StatusRead(state, look, time.monotonic(), present))

    def _guard(self, what: str, work: Callable[[], T]) -> T | None:
        """Run `work`; a failure (a busy or locked database, a full disk) is logged, not
        fatal: the next look tries again."""
        try:
            return work()
        except Exception as exc:
            now = time.monotonic()
            key = f"{what}: {type(exc).__name__}"
            if now - self._logged.get(key, -QUIET_LOGS) >= QUIET_LOGS:
                self._logged[key] = now
                log.warning("could not %s: %s", what, exc)
            return None
