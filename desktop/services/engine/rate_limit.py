"""Pacing of hand-offs per sender: one message segment every 1/rate seconds.

No burst allowance, and the spacing counts from when the previous caller actually went (not
from when it was due): a thread that oversleeps pushes the next one back instead of letting
two sends bunch up, so every 1-second window holds at most rate + 1 sends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Stopped(Exception):
    """The wait for a slot was cut short because the engine is stopping."""


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

    def acquire(self, cost: float = 1.0, stop: threading.Event | None = None) -> float:
        """Wait for a slot for `cost` segments; returns how long it waited.

        Callers wait one at a time (the lock is held while sleeping): they would wait anyway,
        and the next slot is then measured from the real wake-up time. Raises Stopped when
        `stop` is set before the slot comes (a slow rate must not hold up shutting down).
        """
        with self._lock:
            now = self._clock()
            wait = self._next - now
            if wait > 0:
                if stop is not None:
                    if stop.wait(wait):
                        raise Stopped
                else:
                    self._sleep(wait)
                now = self._clock()
            elif stop is not None and stop.is_set():
                raise Stopped
            self._next = now + cost / self.rate
        return max(wait, 0.0)

    def hold(self, seconds: float) -> None:
        """Push every later slot back (Twilio said 429: slow down)."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)
