"""The window keeps the sending service running while it is open, and says what it does.

After the first paint the window starts the service for its database unless an engine
holds it already (`ensure_service`; the demo database is seeded first). From then on every
status read (ChangeWatcher, every couple of seconds) is turned into a `SendingStatus`. A
service that is gone while nobody asked it to stop (killed, crashed) is noticed at the next
read, since a dead process's lease is stale at once on this host, and started again; its
half-done hand-offs are the new service's reconciliation's business, so nothing goes twice.
A start that fails is retried later and later (5 s up to 5 min), and at once after a user
action (`wake`). A service stopped on request (`textdesk service stop`) is not started again
until a user action here gives it work: the stop was meant. The starting and stopping run on
the task pool, never on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.services.core.context import Context
from desktop.ui.kit.login_start import LoginStart
from desktop.ui.kit.sending_status import Phase, RateMeter, SendingStatus
from desktop.ui.kit.tasks import TaskRunner
from desktop.ui.kit.watcher import ChangeWatcher, StatusRead

if TYPE_CHECKING:
    from desktop.services.engine.service_control import Started

log = logging.getLogger(__name__)

RETRY_AFTER = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0)  # seconds, after 1, 2, ... failed starts


class ServiceKeeper(QObject):
    statusChanged = Signal(object)  # SendingStatus
    announced = Signal(str)  # short news for the status bar
    loginEntryChanged = Signal(object)  # bool | None: the login entry is present?

    def __init__(
        self,
        ctx: Context,
        tasks: TaskRunner,
        watcher: ChangeWatcher,
        *,
        demo: bool = False,
        login: LoginStart | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.login = login
        self.tasks = tasks
        self.watcher = watcher
        self.demo = demo
        self.status = SendingStatus(Phase.UNKNOWN, demo=demo)
        self.login_entry: bool | None = None
        self._enabled = False  # after the first paint
        self._held = False  # the user stopped sending, or the window is closing
        self._off = False  # TEXTDESK_SERVICE=off: this window never starts the service
        self._starting = False
        # A user action wants the service, even after `service stop`: until it is seen running
        # (a start that fails is retried as any other).
        self._woken = False
        self._stop_asked = False  # stopped by `service stop`: not started again by itself
        self._lost_pid: int | None = None  # the service that went away, until one is back
        self._running_pid: int | None = None
        self._failures = 0
        self._retry_at = 0.0
        self._note = ""
        self._rate = RateMeter()
        watcher.statusRead.connect(self._on_status)

    # -- commands (GUI thread) ---------------------------------------------------------------

    def start(self) -> None:
        """The first start, after the window painted: seed the demo, start the service."""
        self._enabled = True
        self._begin_start()

    def wake(self) -> None:
        """A user action gave the service work (a new sequence, a resume, new settings): a
        service that failed to start is tried again now rather than after its back-off."""
        if not self._enabled or self._held:
            return
        self._retry_at = 0.0
        self._woken = True
        self.watcher.status_now()

    def stop_sending(self, done: Callable[[bool, str], None]) -> None:
        """Stop the service (the user chose "stop sending until TextDesk is opened again")
        and start it no more from this window; `done(stopped, sentence)` on the GUI thread."""
        self._held = True
        ctx, login = self.ctx, self.login

        def work() -> tuple[bool, str]:
            from desktop.services.engine.service_control import stop_service

            if login is not None:
                login.suspend()  # "until TextDesk is opened again": not at the next login
            return stop_service(ctx)

        def finished(result: tuple[bool, str]) -> None:
            self.watcher.status_now()
            done(*result)

        self.tasks.run(work, finished, lambda sentence: done(False, sentence))

    def hold(self) -> None:
        """Start nothing more (the window is closing)."""
        self._held = True

    # -- starting ----------------------------------------------------------------------------

    def _begin_start(self) -> None:
        if self._starting or self._held or self._off:
            return
        self._starting = True
        ctx, demo = self.ctx, self.demo

        def work() -> Started | None:
            # Imported on the pool: the demo's and the engine's modules are not the
            # window's start-up cost.
            from desktop.services import demo as demo_data
            from desktop.services.engine.service_control import ensure_service

            if demo:
                demo_data.seed_demo(ctx)
            return ensure_service(ctx, demo=demo)

        self.tasks.run(work, self._started, self._failed)
        self._publish(self.status.phase if self.status.running else self._starting_phase())

    def _starting_phase(self) -> Phase:
        return Phase.RESTARTING if self._lost_pid is not None else Phase.STARTING

    def _started(self, result: Started | None) -> None:
        self._starting = False
        if result is None:
            from desktop.services.engine.service_control import AUTOSTART_ENV

            self._off = True
            self._note = (
                f"This window does not start the sending service ({AUTOSTART_ENV}=off): "
                "run `textdesk service start` or a worker to send."
            )
        elif result.error:
            self._failed(f"The sending service could not start: {result.error}")
            return
        else:
            self._failures, self._note = 0, ""
        self.watcher.status_now()

    def _failed(self, sentence: str) -> None:
        self._starting = False
        self._failures += 1
        wait = RETRY_AFTER[min(self._failures, len(RETRY_AFTER)) - 1]
        self._retry_at = time.monotonic() + wait
        self._note = f"{sentence.rstrip('.')}. TextDesk tries again in {wait:.0f} s."
        log.warning("%s", self._note)
        self._publish(Phase.STOPPED)

    # -- reading -----------------------------------------------------------------------------

    def _on_status(self, read: StatusRead) -> None:
        if read.login_entry is not None and read.login_entry != self.login_entry:
            self.login_entry = read.login_entry
            self.loginEntryChanged.emit(read.login_entry)
        state = read.state
        rate = 0.0
        if read.look is not None:
            rate = self._rate.add(read.look.handed_off, read.at)
        if state.running and state.holder is not None:
            if self._lost_pid is not None:
                self.announced.emit(
                    f"The sending service is running again (pid {state.holder.pid}); "
                    "nothing was sent twice."
                )
            self._lost_pid = None
            self._woken = self._stop_asked = False  # it runs: a later stop counts again
            self._running_pid = state.holder.pid
            self._note = ""
            phase = Phase.RUNNING
        elif state.holder is not None:
            phase = Phase.ELSEWHERE
        else:
            # (Held: this window stopped it, on its way out; nothing here starts it anyway.)
            asked = state.stop_requested if not (self._woken or self._held) else None
            self._stop_asked = asked is not None
            if self._running_pid is not None and not self._held:
                if asked is not None:
                    log.info("the sending service (pid %s) stopped on request", self._running_pid)
                    self._running_pid = None
                else:  # it was running and nobody stopped it: killed, crashed, or it left
                    log.warning("the sending service (pid %s) is gone", self._running_pid)
                    self._lost_pid, self._running_pid = self._running_pid, None
            if asked is not None:
                self._lost_pid = None
                self._note = (
                    f"Sending was stopped at {asked.astimezone():%H:%M} (textdesk service stop). "
                    "It starts again when you create or resume a sequence, or click Start sending."
                )
            elif self._enabled and not self._held and time.monotonic() >= self._retry_at:
                self._begin_start()
            phase = self._starting_phase() if self._starting else Phase.STOPPED
        self._publish(phase, read, rate)

    def _publish(self, phase: Phase, read: StatusRead | None = None, rate: float = 0.0) -> None:
        look = read.look if read is not None else None
        state = read.state if read is not None else None
        previous = self.status
        self.status = SendingStatus(
            phase=phase,
            demo=self.demo,
            holder=state.holder if state is not None else previous.holder,
            in_queue=look.in_queue if look is not None else previous.in_queue,
            waiting=look.waiting if look is not None else previous.waiting,
            scheduled=look.scheduled if look is not None else previous.scheduled,
            outbox=look.outbox if look is not None else previous.outbox,
            send_rate=rate if read is not None else previous.send_rate,
            problem=self._problem(phase, read, previous),
            note=self._note if phase not in (Phase.RUNNING, Phase.ELSEWHERE) else "",
            stopped_on_request=phase == Phase.STOPPED and self._stop_asked,
            team=state.team if state is not None else previous.team,
        )
        self.statusChanged.emit(self.status)

    @staticmethod
    def _problem(phase: Phase, read: StatusRead | None, previous: SendingStatus) -> str | None:
        """What keeps the engine holding the database from sending (its lease says)."""
        if phase not in (Phase.RUNNING, Phase.ELSEWHERE):
            return None
        if read is None:
            return previous.problem
        holder = read.state.holder
        return holder.problem if holder is not None else None
