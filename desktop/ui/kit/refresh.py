"""Coalesced background refreshes: many change notices, one query at a time.

The engine may report changes many times a second. A Refresher gathers the ids it is told
about, waits `delay_ms`, runs `fetch(ids)` on the task runner (never on the GUI thread) and
hands the result to `apply` on the GUI thread. While a fetch runs, further requests are
merged into the next one, so a busy engine costs at most one query in flight per screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer, SignalInstance

from desktop.ui.kit.lifetime import while_alive
from desktop.ui.kit.tasks import TaskRunner

ALL = None  # request everything, not just some ids


class Refresher(QObject):
    def __init__(
        self,
        tasks: TaskRunner,
        fetch: Callable[[frozenset[int] | None], Any],
        apply: Callable[[Any], None],
        *,
        on_error: Callable[[str], None] | None = None,
        delay_ms: int = 200,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._fetch = fetch
        self._apply = apply
        self._on_error = on_error
        self._pending: set[int] | None = set()
        self._wanted = False
        self._in_flight = False
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._run)
        self._period: QTimer | None = None
        self.completed = 0  # how many results were applied (tests wait on it)

    def request(self, ids: Iterable[int] | None = ALL) -> None:
        if self._stopped:
            return
        if ids is None:
            self._pending = None
        elif self._pending is not None:
            self._pending.update(ids)
        self._wanted = True
        if not self._in_flight and not self._timer.isActive():
            self._timer.start()

    def request_now(self, ids: Iterable[int] | None = ALL) -> None:
        self.request(ids)
        if self._timer.isActive():
            self._timer.stop()
            self._run()

    def follow(self, changed: SignalInstance, period_ms: int) -> None:
        """Keep a whole-view refresh live: on every `changed` emission, every `period_ms`,
        and once as soon as the event loop runs (the window paints before the queries)."""
        changed.connect(self._on_changed)
        self._period = QTimer(self)
        self._period.setInterval(period_ms)
        self._period.timeout.connect(self.request)
        self._period.start()
        QTimer.singleShot(0, self, self.request_now)  # dropped if this goes first

    def _on_changed(self, _ids: object = None) -> None:
        self.request()

    @property
    def busy(self) -> bool:
        return self._in_flight or self._timer.isActive()

    def stop(self) -> None:
        """No more queries (the window is closing); a result still on its way is dropped."""
        self._stopped = True
        self._timer.stop()
        if self._period is not None:
            self._period.stop()

    def _run(self) -> None:
        if self._stopped or self._in_flight or not self._wanted:
            return
        ids = None if self._pending is None else frozenset(self._pending)
        self._pending, self._wanted, self._in_flight = set(), False, True
        fetch = self._fetch
        # The result may come back after this refresher's screen was deleted without
        # stop() (its window went, taking its child dialogs along): it is dropped then,
        # as `apply` would touch the screen's deleted models.
        self._tasks.run(
            lambda: fetch(ids), while_alive(self, self._done), while_alive(self, self._failed)
        )

    def _done(self, result: Any) -> None:
        self._in_flight = False
        if self._stopped:
            return
        self.completed += 1
        self._apply(result)
        if self._wanted:
            self._timer.start()

    def _failed(self, sentence: str) -> None:
        self._in_flight = False
        if self._stopped:
            return
        if self._on_error is not None:
            self._on_error(sentence)
        if self._wanted:
            self._timer.start()
