"""The window's link to the sending service, as Qt signals the screens connect to.

The service sends in its own process; the window learns what changed from the database
(ChangeWatcher, off the GUI thread) and keeps the service running (ServiceKeeper). Screens
only see these signals:

- `sequencesChanged(list)`: ids of sequences whose status, counts or messages changed.
- `leadsChanged(object)`: a frozenset of lead ids whose row changed (an opt-out by STOP, an
  edit, a delete, new leads), or None when too much changed to name: reload.
- `historyChanged(object)`: a frozenset of lead ids whose history (messages, their states,
  replies) changed, or None: any.
- `conversationsChanged()`: the inbox list's rows changed (a reply, an answer, one read);
  sequences handing off texts do not move it, so the list is not read again while they send.
- `errorsChanged()`: a sequence's count of failed messages moved (most often: one failed).
- `repliesChanged()`: a lead (or an unknown number) texted in.
- `statusChanged(object)`: a SendingStatus, every couple of seconds.

A bridge without a watcher (`EngineBridge(None)`, widget tests) never emits on its own.
Signals are queued from the watcher's thread, so slots always run on the GUI thread.

While the service sends 100 messages a second every look finds something new, and each
emission costs the screens a query and a repaint: changes are merged and emitted at most
every `emit_every_ms` (the first after a quiet spell at once), which halves the window's
repaints while a sequence goes out and still shows a change within a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.ui.kit.sending_status import Phase, SendingStatus
from desktop.ui.kit.service_keeper import ServiceKeeper
from desktop.ui.kit.watcher import ChangeWatcher

if TYPE_CHECKING:
    from desktop.services.reports.changes import Changes, Look

EMIT_EVERY_MS = 500


class EngineBridge(QObject):
    sequencesChanged = Signal(list)  # sequence ids
    leadsChanged = Signal(object)  # frozenset[int] | None
    historyChanged = Signal(object)  # frozenset[int] | None (lead ids)
    conversationsChanged = Signal()
    errorsChanged = Signal()
    repliesChanged = Signal()
    statusChanged = Signal(object)  # SendingStatus
    announced = Signal(str)  # short news for the status bar
    loginEntryChanged = Signal(object)  # bool: the login entry is present

    def __init__(
        self,
        watcher: ChangeWatcher | None = None,
        keeper: ServiceKeeper | None = None,
        parent: QObject | None = None,
        *,
        emit_every_ms: int = EMIT_EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self.watcher = watcher
        self.keeper = keeper
        self.look: Look | None = None
        self._started = False
        self._pending: Changes | None = None
        self._emitted_at = 0.0
        self._emit_every = emit_every_ms / 1000
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._emit_pending)
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
        if changes.empty:
            return
        self._pending = changes if self._pending is None else _merge(self._pending, changes)
        wait = self._emitted_at + self._emit_every - time.monotonic()
        if wait <= 0:
            self._emit_pending()
        elif not self._later.isActive():
            self._later.start(int(wait * 1000) + 1)

    def _emit_pending(self) -> None:
        changes, self._pending = self._pending, None
        if changes is None:
            return
        self._emitted_at = time.monotonic()
        if changes.sequences:
            self.sequencesChanged.emit(sorted(changes.sequences))
        if changes.leads != frozenset():
            self.leadsChanged.emit(changes.leads)
        if changes.histories != frozenset():
            self.historyChanged.emit(changes.histories)
        if changes.conversations:
            self.conversationsChanged.emit()
        if changes.errors:
            self.errorsChanged.emit()
        if changes.replies:
            self.repliesChanged.emit()

    def detach(self) -> None:
        """Start nothing more and stop following (the window is closing). The service
        itself keeps running: closing the window never stops sending."""
        if self.keeper is not None:
            self.keeper.hold()
        if self.watcher is not None:
            self.watcher.stop()
        self._later.stop()
        self._pending = None


def _merge(first: Changes, then: Changes) -> Changes:
    from desktop.services.reports.changes import Changes

    def union(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
        return None if a is None or b is None else a | b

    return Changes(
        first.sequences | then.sequences,
        union(first.leads, then.leads),
        union(first.histories, then.histories),
        conversations=first.conversations or then.conversations,
        errors=first.errors or then.errors,
        replies=first.replies or then.replies,
    )
