"""Garbage collection on the GUI thread only, on the GUI's schedule.

CPython runs a collection whenever its counters say so, in whatever thread is allocating.
In a Qt program that is dangerous as well as slow: a cycle holding Qt wrappers that is
collected on a worker thread (the task pool reading a CSV, a refresh) destroys Qt objects
of the GUI thread from the wrong thread, and the process crashes (seen: a segmentation
fault "Garbage-collecting" in a pool thread while the import wizard sniffed a file). So the
automatic collector is switched off for the life of the window, and a timer on the GUI
thread collects the young generations every second and runs a full pass every
`full_every_ms`. What survived start-up (modules, classes, Qt wrappers, SQL metadata) is
frozen out of the collector after the first paint: a full pass over it held the GUI thread
~70 ms and it lives as long as the app anyway.

Start-up goes on after the first paint, though: the watcher's thread imports the engine's
modules, the service is started, the pages load their first rows. That left ~14 000
long-lived objects for every full pass to walk, ~6 ms of GUI thread every 30 s (measured
while sending: one heartbeat gap of 15-17 ms each time). So once `settle_ms` later, what
survives a full pass is frozen too, once; a full pass then walks only what was made since
(~2 000 objects, 0.4 ms). Frozen objects that later form unreachable cycles are not freed
before `stop()`: freezing only twice, early, bounds that to what start-up made.
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

YOUNG_EVERY_MS = 1_000
FULL_PASS_EVERY_MS = 30_000
SETTLE_MS = 5_000  # after the first paint: the deferred part of start-up is done


class GarbageCollector(QObject):
    def __init__(
        self,
        parent: QObject | None = None,
        interval_ms: int = FULL_PASS_EVERY_MS,
        settle_ms: int = SETTLE_MS,
    ):
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(YOUNG_EVERY_MS)
        self._timer.timeout.connect(self._tick)
        self._full_every = max(1, interval_ms // YOUNG_EVERY_MS)
        self._ticks = 0
        self.last_pause_ms = 0.0
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(settle_ms)
        self._settle.timeout.connect(self.settle)

    def start(self) -> None:
        gc.collect(1)
        gc.freeze()
        gc.disable()
        self._timer.start()
        self._settle.start()

    def settle(self) -> None:
        """Freeze what start-up's deferred work left behind, after a full pass."""
        self.collect()
        gc.freeze()

    def _tick(self) -> None:
        self._ticks += 1
        if self._ticks % self._full_every == 0:
            self.collect()
        else:
            gc.collect(1)

    def collect(self) -> None:
        started = time.perf_counter()
        gc.collect()
        self.last_pause_ms = (time.perf_counter() - started) * 1000
        if self.last_pause_ms > 50:
            log.info("full garbage collection took %.0f ms", self.last_pause_ms)

    def stop(self) -> None:
        """Give CPython its own schedule back (the app is closing, or tests go on)."""
        self._timer.stop()
        self._settle.stop()
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()
