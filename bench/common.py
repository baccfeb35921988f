"""Shared bits of the benchmark scripts (not tests: CI never runs them)."""

from __future__ import annotations

import os
import resource
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from desktop.services.core.context import Context


def machine() -> str:
    return f"{os.cpu_count()} cores"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_ms(fn: Callable[[], object], runs: int = 21) -> float:
    return statistics.median(timed(fn) for _ in range(runs)) * 1000


def bulk_leads(ctx: Context, count: int) -> None:
    """Insert `count` leads straight into SQLite (the importer has its own benchmark)."""
    file = ctx.db.url.removeprefix("sqlite:///")
    now = "2026-11-26 12:00:00.000000"
    with sqlite3.connect(file) as raw:
        raw.executemany(
            "INSERT INTO leads (phone, first_name, last_name, email, timezone, opted_out,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, '', 0, ?, ?)",
            (
                (f"+1{2012000000 + i}", f"First{i}", f"Last{i}", f"l{i}@example.com", now, now)
                for i in range(count)
            ),
        )


def fresh_context(folder: Path, name: str) -> Context:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return Context.open(f"sqlite:///{path}")
