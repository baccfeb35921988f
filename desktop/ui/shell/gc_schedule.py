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
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

YOUNG_EVERY_MS = 1_000
FULL_PASS_EVERY_MS = 30_000


class GarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = FULL_PASS_EVERY_MS):
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(YOUNG_EVERY_MS)
        self._timer.timeout.connect(self._tick)
        self._full_every = max(1, interval_ms // YOUNG_EVERY_MS)
        self._ticks = 0
        self.last_pause_ms = 0.0

    def start(self) -> None:
        gc.collect(1)
        gc.freeze()
        gc.disable()
        self._timer.start()

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
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()
