"""Shared helper of the team-mode benchmarks (bench_team.py, team_worker.py): a throwaway
PostgreSQL server, fresh migrated databases on SQLite and PostgreSQL side by side, and the
machine's state (load, busy cores) to print beside the figures."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from desktop.models.db import sqlite_file
from desktop.services.core.context import Context

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("sqlite", "postgresql")


@contextmanager
def postgres(url: str | None) -> Iterator[str]:
    """The admin URL of a server: `url` as given, or a throwaway one from
    scripts/postgres.sh, stopped (and its folder removed) at the end."""
    if url:
        yield url
        return
    script = str(ROOT / "scripts" / "postgres.sh")
    out = subprocess.run(["bash", script, "start"], capture_output=True, text=True, check=True)
    folder, admin = out.stdout.split()
    try:
        yield admin
    finally:
        subprocess.run(["bash", script, "stop", folder], check=False)


def _admin_engine(admin: str) -> sa.Engine:
    return sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def server_version(admin: str) -> str:
    engine = _admin_engine(admin)
    with engine.connect() as connection:
        version = connection.exec_driver_sql("SHOW server_version").scalar_one()
    engine.dispose()
    return str(version)


class Databases:
    """Fresh, empty, migrated databases of one kind: SQLite files in `folder`, or databases
    `bench_<name>` on the PostgreSQL server of `admin` (dropped again by `drop_all`)."""

    def __init__(self, kind: str, folder: Path, admin: str) -> None:
        self.kind = kind
        self.folder = folder
        self.admin = admin
        self._created: list[str] = []

    def url(self, name: str) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.folder / (name + '.db')}"
        return self.admin.rsplit("/", 1)[0] + f"/bench_{name}"

    def fresh(self, name: str) -> str:
        url = self.url(name)
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.folder / (name + ".db")) + suffix).unlink(missing_ok=True)
            return url
        engine = _admin_engine(self.admin)
        with engine.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS bench_{name} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE bench_{name}")
        engine.dispose()
        self._created.append(name)
        return url

    def open(self, name: str) -> Context:
        """A fresh database, migrated by Context.open as the app does."""
        return Context.open(self.fresh(name))

    def drop_all(self) -> None:
        if not self._created:
            return
        engine = _admin_engine(self.admin)
        with engine.connect() as connection:
            for name in self._created:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS bench_{name} WITH (FORCE)")
        engine.dispose()
        self._created.clear()


def analyze(ctx: Context) -> None:
    """Planner statistics after bulk seeding, as a database in use would have them
    (VACUUM also sets PostgreSQL's visibility map, so autovacuum does not start mid-run)."""
    file = sqlite_file(ctx.db.url)
    if file is not None:
        with ctx.db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
        return
    engine = ctx.db.engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_since(start: tuple[int, int]) -> float:
    """Share of the machine's cores busy since `start` (every process, not only ours)."""
    busy, total = cpu_ticks()
    return (busy - start[0]) / max(1, total - start[1])


def _stat(pid: int | str) -> list[str]:
    with open(f"/proc/{pid}/stat") as stat:
        line = stat.read()
    return line[line.rfind(")") + 2 :].split()  # from the state field on


def server_cpu(postmaster: int) -> float:
    """CPU seconds of a PostgreSQL server: the postmaster with its reaped children (the
    backends of closed connections) and its live children."""
    tick = os.sysconf("SC_CLK_TCK")
    own = _stat(postmaster)
    ticks = sum(int(x) for x in own[11:15])  # utime, stime, cutime, cstime
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _stat(entry)
        except OSError:  # gone meanwhile
            continue
        if fields[1] == str(postmaster):
            ticks += int(fields[11]) + int(fields[12])
    return ticks / tick


def postmaster_of(ctx: Context) -> int | None:
    """The pid of the server behind a PostgreSQL context on this machine (None for SQLite)."""
    if ctx.db.is_sqlite:
        return None
    with ctx.db.read_connection() as connection:
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    return int(_stat(backend)[1])


def timings_ms(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def median_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95
