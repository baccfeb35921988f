"""Full garbage collections on the GUI's schedule, not in the middle of a busy moment.

CPython runs a full (generation 2) collection whenever its counters say so, in whatever
thread is allocating: with the engine sending, that is a worker thread, and the window then
waits for the GIL for the whole pass plus the scramble of threads after it (60-130 ms seen
in bench/bench_gui.py). Here the objects that live as long as the app (modules, classes, Qt
wrappers, SQL metadata) are frozen out of the collector after the first paint, automatic
full passes are switched off, and a timer on the GUI thread runs one every `interval_ms`:
a short, predictable pause that holds the GIL already. Young generations are collected
automatically as before; they are cheap.
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

FULL_PASS_EVERY_MS = 30_000
# Generation-2 threshold high enough that CPython never starts a full pass on its own.
NEVER = 1_000_000


class GarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = FULL_PASS_EVERY_MS):
        super().__init__(parent)
        self._previous = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self.last_pause_ms = 0.0

    def start(self) -> None:
        # The young generations only: a full pass over everything loaded at start-up (Qt,
        # SQLAlchemy, the models) held the GUI thread ~70 ms right after the first paint.
        # What survived start-up lives as long as the app anyway, so it is frozen as it is.
        gc.collect(1)
        gc.freeze()
        gen0, gen1, _gen2 = self._previous
        gc.set_threshold(gen0, gen1, NEVER)
        self._timer.start()

    def collect(self) -> None:
        started = time.perf_counter()
        gc.collect()
        self.last_pause_ms = (time.perf_counter() - started) * 1000
        if self.last_pause_ms > 50:
            log.info("full garbage collection took %.0f ms", self.last_pause_ms)

    def stop(self) -> None:
        """Give CPython its own schedule back (the app is closing, or tests go on)."""
        self._timer.stop()
        gc.set_threshold(*self._previous)
        gc.unfreeze()
