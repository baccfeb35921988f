"""The window's link to the sending service, as Qt signals the screens connect to.

The service sends in its own process; the window learns what changed from the database
(ChangeWatcher, off the GUI thread) and keeps the service running (ServiceKeeper). Screens
only see these signals:

- `sequencesChanged(list)`: ids of sequences whose status, counts or messages changed.
- `leadsChanged(object)`: a frozenset of lead ids whose row changed (an opt-out by STOP, an
  edit, a delete, new leads), or None when too much changed to name: reload.
- `historyChanged(object)`: a frozenset of lead ids whose history (messages, their states,
  replies) changed, or None: any.
- `statusChanged(object)`: a SendingStatus, every couple of seconds.

A bridge without a watcher (`EngineBridge(None)`, widget tests) never emits on its own.
Signals are queued from the watcher's thread, so slots always run on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.services.reports.changes import Changes, Look
from desktop.ui.kit.sending_status import Phase, SendingStatus
from desktop.ui.kit.service_keeper import ServiceKeeper
from desktop.ui.kit.watcher import ChangeWatcher


class EngineBridge(QObject):
    sequencesChanged = Signal(list)  # sequence ids
    leadsChanged = Signal(object)  # frozenset[int] | None
    historyChanged = Signal(object)  # frozenset[int] | None (lead ids)
    statusChanged = Signal(object)  # SendingStatus
    announced = Signal(str)  # short news for the status bar
    loginEntryChanged = Signal(object)  # bool: the login entry is present

    def __init__(
        self,
        watcher: ChangeWatcher | None = None,
        keeper: ServiceKeeper | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.watcher = watcher
        self.keeper = keeper
        self.look: Look | None = None
        self._started = False
        if watcher is not None:
            watcher.looked.connect(self._on_look)
        if keeper is not None:
            keeper.statusChanged.connect(self.statusChanged)
            keeper.announced.connect(self.announced)
            keeper.loginEntryChanged.connect(self.loginEntryChanged)

    @property
    def status(self) -> SendingStatus:
        if self.keeper is None:
            return SendingStatus(Phase.UNKNOWN)
        return self.keeper.status

    def start(self) -> None:
        """Follow the database and start the service (after the window's first paint)."""
        if self._started:
            return
        self._started = True
        if self.watcher is not None:
            self.watcher.start()
        if self.keeper is not None:
            self.keeper.start()

    def wake(self) -> None:
        if self.keeper is not None:
            self.keeper.wake()

    def stop_sending(self, done: Callable[[bool, str], None]) -> None:
        if self.keeper is None:
            done(True, "The sending service is not followed by this window.")
            return
        self.keeper.stop_sending(done)

    def _on_look(self, look: Look, changes: Changes) -> None:
        self.look = look
        if changes.sequences:
            self.sequencesChanged.emit(sorted(changes.sequences))
        if changes.leads != frozenset():
            self.leadsChanged.emit(changes.leads)
        if changes.histories != frozenset():
            self.historyChanged.emit(changes.histories)

    def detach(self) -> None:
        """Start nothing more and stop following (the window is closing). The service
        itself keeps running: closing the window never stops sending."""
        if self.keeper is not None:
            self.keeper.hold()
        if self.watcher is not None:
            self.watcher.stop()
