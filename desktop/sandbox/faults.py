"""Fault injection: which misbehaviour, if any, hits the next HTTP exchange.

Two sources, the first wins: faults queued explicitly for an endpoint kind (deterministic,
for tests: "drop the answer of the next create"), then the random rates of the config, drawn
from a generator seeded apart from the carrier's so that faults never change outcomes.
"""

from __future__ import annotations

import random
import threading
from collections import Counter, deque
from typing import Any

from .config import ENDPOINT_KINDS, RATE_FIELDS, Fault, SandboxConfig, fault_of_rate

#: Faults that only make sense once a create has succeeded.
_CREATE_ONLY = frozenset({Fault.DROP_AFTER_CREATE})
#: The config fields ``set`` may change.
SETTABLE = frozenset(
    {*RATE_FIELDS, "rate_bad_status", "stall_seconds", "retry_after", "fault_endpoints", "latency"}
)


class FaultInjector:
    def __init__(self, config: SandboxConfig, lock: threading.Lock) -> None:
        self._config = config
        #: Shared with ``CarrierSandbox.set_faults`` so a batch of rate changes is atomic.
        self.lock = lock
        self._rng = random.Random(f"faults:{config.seed}")
        self._queued: dict[str, deque[Fault]] = {kind: deque() for kind in ENDPOINT_KINDS}
        self.counts: Counter[tuple[str, str]] = Counter()

    def queue(self, kind: str, fault: Fault, count: int = 1) -> None:
        if kind not in ENDPOINT_KINDS:
            raise ValueError(f"unknown endpoint kind {kind!r}; one of {sorted(ENDPOINT_KINDS)}")
        if fault in _CREATE_ONLY and kind != "create":
            raise ValueError(f"{fault} applies to create requests only")
        with self.lock:
            self._queued[kind].extend([Fault(fault)] * count)

    def set(self, **settings: Any) -> None:
        """Change fault settings of the config atomically (all or none, validated)."""
        unknown = set(settings) - SETTABLE
        if unknown:
            raise TypeError(f"not a fault setting: {sorted(unknown)}")
        config = self._config
        with self.lock:
            previous = {name: getattr(config, name) for name in settings}
            for name, value in settings.items():
                setattr(config, name, frozenset(value) if name == "fault_endpoints" else value)
            try:
                config.validate()
            except ValueError:
                for name, value in previous.items():
                    setattr(config, name, value)
                raise

    def clear(self) -> None:
        with self.lock:
            for pending in self._queued.values():
                pending.clear()

    def pick(self, kind: str) -> Fault | None:
        """The fault for one request of ``kind`` (None: behave)."""
        with self.lock:
            pending = self._queued.get(kind)
            if pending:
                fault = pending.popleft()
                self.counts[(kind, fault.value)] += 1
                return fault
            config = self._config
            if kind not in config.fault_endpoints:
                return None
            # One draw against the cumulative rates: they are exclusive per request, and if
            # they add up to more than 1 the earlier ones in RATE_FIELDS take precedence.
            point = self._rng.random()
            for name in RATE_FIELDS:
                rate = float(getattr(config, name))
                if point < rate:
                    fault = fault_of_rate(name)
                    if fault in _CREATE_ONLY and kind != "create":
                        return None
                    self.counts[(kind, fault.value)] += 1
                    return fault
                point -= rate
            return None

    def bad_status_draw(self, kind: str) -> bool:
        """Whether one message in an answer gets an out-of-enum status (per-message rate)."""
        with self.lock:
            rate = float(self._config.rate_bad_status)
            if rate <= 0 or kind not in self._config.fault_endpoints:
                return False
            hit = self._rng.random() < rate
            if hit:
                self.counts[(kind, Fault.BAD_STATUS.value)] += 1
            return hit


class FaultControls:
    """The sandbox's fault methods (a mixin: the class provides ``_faults``)."""

    _faults: FaultInjector

    def set_faults(self, **settings: Any) -> None:
        """Change fault settings atomically, e.g. ``set_faults(rate_429=0.1, rate_drop=0.05)``."""
        self._faults.set(**settings)

    def queue_fault(self, kind: str, fault: Fault | str, count: int = 1) -> None:
        """Inject ``fault`` into the next ``count`` requests of ``kind`` (e.g. "create")."""
        self._faults.queue(kind, Fault(fault), count)

    def clear_faults(self) -> None:
        """Drop queued faults and set every random fault rate to 0."""
        self._faults.clear()
        self.set_faults(**dict.fromkeys((*RATE_FIELDS, "rate_bad_status"), 0.0))

    def fault_counts(self) -> Counter[tuple[str, str]]:
        with self._faults.lock:
            return Counter(self._faults.counts)

    @property
    def faults(self) -> FaultInjector:
        return self._faults
