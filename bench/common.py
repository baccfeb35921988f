"""Shared bits of the benchmark scripts (not tests: CI never runs them)."""

from __future__ import annotations

import os
import resource
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from desktop.models.db import sqlite_file
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


def bulk_insert(
    ctx: Context, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """Rows straight into `table`, bypassing the services (seeding only): one
    `sqlite3.executemany` on a SQLite file, `COPY ... FROM STDIN` on PostgreSQL."""
    names = ", ".join(columns)
    file = sqlite_file(ctx.db.url)
    if file is not None:
        marks = ", ".join("?" for _ in columns)
        raw = sqlite3.connect(file)
        try:
            with raw:
                raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        finally:
            raw.close()
        return
    connection = ctx.db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        connection.commit()
    finally:
        connection.close()


def bulk_leads(ctx: Context, count: int) -> None:
    """Insert `count` leads straight into the database (the importer has its own benchmark)."""
    now = "2026-11-26 12:00:00.000000"
    bulk_insert(
        ctx,
        "leads",
        ("phone", "first_name", "last_name", "email", "timezone", "opted_out", "created_at",
         "updated_at"),
        (
            (f"+1{2012000000 + i}", f"First{i}", f"Last{i}", f"l{i}@example.com", "", False,
             now, now)
            for i in range(count)
        ),
    )  # fmt: skip


def fresh_context(folder: Path, name: str) -> Context:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return Context.open(f"sqlite:///{path}")
