"""Benchmark: the Leads page on a database of 100 000 leads.

    .venv/bin/python bench/bench_leads_page.py [--leads 100000] [--platform offscreen]

Measures, in a fresh child process (so the bulk insert does not inflate its RSS):

* baseline: peak RSS after importing PySide6 and opening the database, and the time of
  `list_leads(limit=100)` alone (cold, then warm);
* page: time from constructing the LeadsPage to the first rows painted (waiting on the event
  loop, the rows arrive from the task pool), and the peak RSS of the process afterwards;
* scrolling: time to load 10 000 rows by scrolling to the bottom again and again, with the
  longest stall of a 10 ms heartbeat timer on the GUI thread meanwhile;
* search: time from a search (debounce skipped) to its first rows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _mib(maxrss: int) -> float:
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _peak_rss() -> float:
    return _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def generate(db_path: Path, count: int) -> float:
    """A migrated database with `count` leads (a quarter tagged), by one bulk insert."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from desktop.models import Lead, LeadTag
    from desktop.services.core.context import Context

    started = time.perf_counter()
    ctx = Context.open(f"sqlite:///{db_path}")
    rng = random.Random(11)
    now = datetime.now(UTC)
    first = ["Ana", "Bo", "Chloé", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ike", "Jo"]
    last = ["Lima", "Berg", "Doe", "Nguyen", "Smith", "Khan", "García", "Müller"]
    zones = ["America/New_York", "America/Chicago", "America/Los_Angeles", ""]
    rows = [
        {
            "phone": f"+1{rng.choice('2345678')}{i:09d}",
            "first_name": rng.choice(first),
            "last_name": rng.choice(last),
            "email": f"lead{i}@example.com",
            "timezone": rng.choice(zones),
            "opted_out": i % 50 == 0,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(count)
    ]
    with ctx.db.write() as session:
        session.execute(insert(Lead.__table__), rows)
        session.execute(
            insert(LeadTag.__table__),
            [{"lead_id": i, "tag": "vip"} for i in range(1, count + 1, 4)],
        )
    ctx.close()
    return time.perf_counter() - started


def measure(db_path: str, platform_name: str) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", platform_name)
    os.environ["TEXTDESK_KEYRING"] = "off"
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.services.core.context import Context
    from desktop.services.leads import store as leads
    from desktop.ui.kit.appstate import AppServices
    from desktop.ui.kit.bridge import EngineBridge
    from desktop.ui.kit.tasks import TaskRunner

    app = QApplication([])
    ctx = Context.open(f"sqlite:///{db_path}", migrate=False)
    result: dict[str, Any] = {"rss_baseline_mib": _peak_rss()}
    for label in ("list_leads_100_cold_ms", "list_leads_100_warm_ms"):
        started = time.perf_counter()
        leads.list_leads(ctx, limit=100)
        result[label] = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    leads.count_leads(ctx)
    result["count_leads_ms"] = (time.perf_counter() - started) * 1000
    from desktop.ui.leads.page import LeadsPage  # the page's own import cost is measured

    services = AppServices(ctx=ctx, tasks=TaskRunner(), bridge=EngineBridge(None))

    def spin_until(condition: Any, limit_s: float = 60.0) -> None:
        deadline = time.perf_counter() + limit_s
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("gave up waiting")
            app.processEvents()
            time.sleep(0.0005)  # the benchmark's own wait loop, not part of the page

    painted_with_rows: list[float] = []

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and page.model.rowCount() > 0:
                painted_with_rows.append(time.perf_counter())
            return False

    started = time.perf_counter()
    page = LeadsPage(services)
    constructed = time.perf_counter()
    watch = PaintWatch()
    page.table.viewport().installEventFilter(watch)
    page.resize(1100, 700)
    page.show()
    spin_until(lambda: bool(painted_with_rows))
    result["construct_ms"] = (constructed - started) * 1000
    result["first_rows_painted_ms"] = (painted_with_rows[0] - started) * 1000
    result["rss_after_first_rows_mib"] = _peak_rss()

    # Scrolling: keep asking for more, as a user dragging to the bottom would.
    longest_gap = 0.0
    clock = QElapsedTimer()
    clock.start()
    last_beat = clock.elapsed()

    def beat() -> None:
        nonlocal last_beat, longest_gap
        now = clock.elapsed()
        longest_gap = max(longest_gap, now - last_beat)
        last_beat = now

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    started = time.perf_counter()
    target = min(10_000, page.model.total or 0)
    while page.model.rowCount() < target:
        page.table.scrollToBottom()
        spin_until(lambda: not page.model.loading)
        app.processEvents()
    result["scroll_to_10000_rows_s"] = time.perf_counter() - started
    result["longest_gui_stall_while_scrolling_ms"] = longest_gap
    heartbeat.stop()

    started = time.perf_counter()
    page.search_edit.setText("lead4242")
    page._apply_filter()  # skip the debounce: measure the query and the refill only
    spin_until(lambda: page.model.total is not None and page.model.rowCount() > 0)
    result["search_first_rows_ms"] = (time.perf_counter() - started) * 1000
    result["search_matches"] = page.model.total
    result["rss_peak_mib"] = _peak_rss()
    services.tasks.wait()
    ctx.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--platform", default="offscreen", help="Qt platform plugin")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # child mode: path of the db
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.platform)), flush=True)
        os._exit(0)  # skip interpreter teardown: PySide may crash there, after the figures
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        seconds = generate(db_path, args.leads)
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(db_path), "--platform", args.platform],
            check=True,
            capture_output=True,
            text=True,
        )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    import PySide6

    print(
        f"cpus={os.cpu_count()} python={platform.python_version()} "
        f"pyside={PySide6.__version__} platform={args.platform} leads={args.leads:,} "
        f"(database built in {seconds:.1f} s)"
    )
    for key, value in figures.items():
        shown = f"{value:,.1f}" if isinstance(value, float) else str(value)
        print(f"  {key:40} {shown}")


if __name__ == "__main__":
    main()
