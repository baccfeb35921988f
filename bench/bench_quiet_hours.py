"""Cost of the quiet-hours rule the dispatcher applies to every due message (issue 9).

10 000 calls of `next_send_time(now, zones, window)`:
- warm: `now` moves 5 ms per call, as within a dispatcher batch (the per-minute cache hits);
- cold: `now` moves 61 s per call, so every call searches the shared span again;
- never: zones that never share the window: the first call of a day proves it by searching a
  year ahead, later calls that day reuse the answer;
plus `candidate_zones` on 10 000 distinct numbers (phonenumbers' lookup), the composer's
forecast for 100 000 leads of which 2 % have multi-zone numbers, and in the same run the
one-zone rule it replaces (`datetime.combine` in the lead's single zone) as a baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine
from desktop.services.core.phones import timezones_of
from desktop.services.leads import quiet_hours
from desktop.services.leads.quiet_hours import Window, Zones, candidate_zones, next_send_time
from desktop.services.sequences.forecast import count_zones, forecast

WINDOW: Window = (clock(8), clock(21))
CALLS = 10_000
START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def old_next_send_time(now: datetime, tz: tzinfo, window: Window) -> datetime:
    """The rule before issue 9 (one zone, no fold handling), as the baseline."""
    local = now.astimezone(tz)
    start, end = window
    wall = local.time()
    if (start <= wall < end) if start < end else (wall >= start or wall < end):
        return now
    candidate = datetime.combine(local.date(), start, tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), start, tzinfo=tz)
    return candidate.astimezone(now.tzinfo)


def clear_caches() -> None:
    quiet_hours._shared_span_from.cache_clear()
    quiet_hours._never_on.cache_clear()
    quiet_hours._day_span.cache_clear()


def per_call_us(
    run: Callable[[], object],
    calls: int,
    rounds: int,
    before: Callable[[], object] = lambda: None,
) -> float:
    """Best of `rounds`, in microseconds per call; caches cleared, then `before` run (not
    timed), before each round."""
    best = float("inf")
    for _ in range(rounds):
        clear_caches()
        before()
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


def calls_of(
    zones: Zones, step: timedelta, calls: int, window: Window = WINDOW
) -> Callable[[], object]:
    def run() -> None:
        now = START
        for _ in range(calls):
            next_send_time(now, zones, window)
            now += step

    return run


def old_calls(zone: tzinfo, step: timedelta, calls: int) -> Callable[[], object]:
    def run() -> None:
        now = START
        for _ in range(calls):
            old_next_send_time(now, zone, WINDOW)
            now += step

    return run


def zones_of_numbers(calls: int) -> Callable[[], object]:
    numbers = [f"+1{212 + i % 700}555{i:04d}"[:12] for i in range(calls)]

    def run() -> None:
        timezones_of.cache_clear()
        quiet_hours._zones_named.cache_clear()
        for number in numbers:
            candidate_zones("", number)

    return run


def forecast_seconds(leads: int, rounds: int) -> float:
    """count_zones + forecast of a 2-step sequence, best of `rounds`, caches cleared."""
    recipients = [(f"+1{212 + i % 700}555{i % 10_000:04d}"[:12], "") for i in range(leads)]
    recipients[::100] = [("+79141234567", "")] * len(recipients[::100])
    recipients[1::100] = [("+18005550100", "")] * len(recipients[1::100])
    best = float("inf")
    for _ in range(rounds):
        clear_caches()
        started = time.perf_counter()
        counts = count_zones(recipients)
        forecast(
            counts,
            [1, 2],
            [timedelta(0), timedelta(days=1)],
            rate=10,
            window=WINDOW,
            start=START,
        )
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    calls, rounds = args.calls, args.rounds
    ny = quiet_hours.zone("America/New_York")
    assert ny is not None
    russian = candidate_zones("", "+79141234567")
    toll_free = candidate_zones("", "+18005550100")
    warm, cold = timedelta(milliseconds=5), timedelta(seconds=61)
    rows = [
        ("old rule, 1 zone (baseline)", old_calls(ny, warm, calls)),
        ("1 zone, warm", calls_of((ny,), warm, calls)),
        ("1 zone, cold", calls_of((ny,), cold, calls)),
        (f"{len(russian)} zones (+7 914), warm", calls_of(russian, warm, calls)),
        (f"{len(russian)} zones (+7 914), cold", calls_of(russian, cold, calls)),
        (f"{len(toll_free)} zones (+1 800), warm", calls_of(toll_free, warm, calls)),
        (f"{len(toll_free)} zones (+1 800), cold", calls_of(toll_free, cold, calls)),
    ]
    print(f"{machine()}, {calls} calls per row, best of {rounds} rounds")
    for name, run in rows:
        print(f"{name:<36} {per_call_us(run, calls, rounds):8.2f} µs/call")
    morning: Window = (clock(9), clock(12))
    assert next_send_time(START, russian, morning) is None
    first = calls_of(russian, cold, 1, morning)
    print(f"{'never (+7 914, 09-12 h), 1st call':<36} {per_call_us(first, 1, rounds):8.2f} µs")
    later = min(calls, 800)  # 800 minutes from 09:00 UTC: all within the day of the first call
    then = per_call_us(calls_of(russian, cold, later, morning), later, rounds, before=first)
    print(f"{'never, later calls that day (1/min)':<36} {then:8.2f} µs/call")
    print(
        f"{'candidate_zones, distinct numbers':<36} "
        f"{per_call_us(zones_of_numbers(calls), calls, rounds):8.2f} µs/call"
    )
    print(f"{'forecast, 100 000 leads, 2 steps':<36} {forecast_seconds(100_000, rounds):8.3f} s")


if __name__ == "__main__":
    main()
