"""Pacing of hand-offs per sender: one message segment every 1/rate seconds.

A strict schedule (no burst allowance) keeps every 1-second window at or under rate + 1:
each acquire books the next free slot, so threads waiting in parallel never overlap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def set_rate(self, rate: float) -> None:
        with self._lock:
            self.rate = rate

    def acquire(self, cost: float = 1.0) -> float:
        """Wait for a slot for `cost` segments; returns how long it waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + cost / self.rate
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)

    def hold(self, seconds: float) -> None:
        """Push every later slot back (Twilio said 429: slow down)."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)
