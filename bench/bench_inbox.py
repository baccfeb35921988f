"""Benchmark: the Conversations page over 10 000 conversations and 200 000 messages.

    xvfb-run -a .venv/bin/python bench/bench_inbox.py [--conversations 10000]
        [--messages 200000] [--platform xcb|offscreen]

A SQLite file is filled once (leads, ten done campaigns whose texts went to every lead, and
the leads' replies: half the messages each way, one conversation row per lead), then a
fresh child process measures, each figure beside its baseline from the same run:

* open: from constructing the ConversationsPage to the first paint of the list with rows
  (the model's first page comes from the task pool); baseline: the same page on an empty
  database of the same schema, to its first paint with the empty state;
* the first page's query alone (count, 200 rows, unread total), cold and warm;
* scrolling: the list moved from the top to the bottom one screen every 16 ms (a fast
  flick: every frame paints a screen of new rows) while its pages load, until all rows are
  in and the last one is shown; a 5 ms heartbeat on the GUI thread records the worst gap;
  baselines: the heartbeat with the page open and nothing happening, and Qt's own table
  (C++ model and delegate) of the same rows flicked the same way;
* a conversation opened (20 messages) to its thread painted.

Garbage is collected as in the window (desktop/ui/shell/gc_schedule.py: on the GUI thread,
young generations every second, automatic collection off), from the big page's first paint.

Targets: open <= 200 ms; worst GUI gap while scrolling <= 16 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CAMPAIGNS = 10
SENDER = "+15005550006"
REPLIES = ("Can I bring my kids?", "What time?", "Thanks!", "hours", "See you Saturday")


def generate(db_path: Path, conversations: int, messages: int) -> float:
    """The database: `conversations` leads who all wrote, `messages` messages in all."""
    from sqlalchemy import insert

    from desktop.models import (
        Conversation,
        InboundMessage,
        Lead,
        Message,
        Sequence,
        SequenceCounter,
        Step,
    )
    from desktop.services.core.context import Context

    started = time.perf_counter()
    ctx = Context.open(f"sqlite:///{db_path}")
    now = datetime.now(UTC)
    per_lead = max(messages // conversations, 2)
    outbound = min(CAMPAIGNS, per_lead // 2)  # one text per campaign and lead
    inbound = per_lead - outbound
    with ctx.db.write() as session:
        session.execute(
            insert(Lead.__table__),
            [
                {
                    "phone": f"+1415{i:07d}",
                    "first_name": f"Lead{i}",
                    "last_name": "Bench",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(conversations)
            ],
        )
        for c in range(outbound):
            start = now - timedelta(days=outbound - c)
            sequence = Sequence(
                name=f"Campaign {c}",
                status="done",
                start_at=start,
                lead_selection={"all": True},
                created_at=start,
                updated_at=start,
            )
            sequence.steps = [Step(position=0, body=f"Campaign {c}. Reply STOP to opt out")]
            session.add(sequence)
            session.flush()
            session.add(
                SequenceCounter(sequence_id=sequence.id, total=conversations, sent=conversations)
            )
            step_id = sequence.steps[0].id
            session.execute(
                insert(Message.__table__),
                [
                    {
                        "sequence_id": sequence.id,
                        "step_id": step_id,
                        "lead_id": lead,
                        "step_position": 0,
                        "to_phone": f"+1415{lead - 1:07d}",
                        "body": f"Campaign {c}. Reply STOP to opt out",
                        "bucket": "sent",
                        "provider_status": "delivered",
                        "handed_off_at": start,
                        "final_at": start,
                        "created_at": start,
                        "updated_at": start,
                    }
                    for lead in range(1, conversations + 1)
                ],
            )
        replies = []
        last: dict[int, datetime] = {}
        for k in range(inbound):
            for lead in range(1, conversations + 1):
                at = now - timedelta(minutes=(inbound - k) * 60 + lead % 997)
                last[lead] = at
                replies.append(
                    {
                        "twilio_sid": f"SM{k:08d}{lead:024d}",
                        "lead_id": lead,
                        "from_phone": f"+1415{lead - 1:07d}",
                        "to_phone": SENDER,
                        "body": REPLIES[(k + lead) % len(REPLIES)],
                        "action": "reply",
                        "received_at": at,
                        "created_at": at,
                        "read_at": None if k == inbound - 1 and lead % 3 == 0 else at,
                    }
                )
        session.execute(insert(InboundMessage.__table__), replies)
        session.execute(
            insert(Conversation.__table__),
            [
                {
                    "lead_id": lead,
                    "last_at": at,
                    "last_inbound_at": at,
                    "last_inbound": True,
                    "last_body": REPLIES[(inbound - 1 + lead) % len(REPLIES)],
                    "unread": 1 if lead % 3 == 0 else 0,
                }
                for lead, at in last.items()
            ],
        )
    ctx.close()
    return time.perf_counter() - started


class Heartbeat:
    """A 5 ms timer on the GUI thread; the worst gap is the longest the window was stuck."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.beats: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))

    def start(self) -> None:
        self.beats = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        gaps = sorted((b - a) * 1000 for a, b in zip(self.beats, self.beats[1:], strict=False))
        if not gaps:
            return {"max_ms": 0.0, "p99_ms": 0.0}
        return {"max_ms": gaps[-1], "p99_ms": gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))]}


def measure(db_path: str, empty_path: str, platform_name: str) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", platform_name)
    os.environ["TEXTDESK_KEYRING"] = "off"
    from PySide6.QtCore import QEvent, QObject, QStringListModel, QTimer
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView

    from desktop.services.core.context import Context
    from desktop.ui.inbox.conversations_model import PAGE_SIZE, read_head
    from desktop.ui.inbox.page import ConversationsPage
    from desktop.ui.kit.appstate import AppServices
    from desktop.ui.kit.bridge import EngineBridge
    from desktop.ui.kit.tasks import TaskRunner
    from desktop.ui.shell.gc_schedule import GarbageCollector

    app = QApplication([])
    result: dict[str, Any] = {}

    def spin_until(condition: Callable[[], bool], limit_s: float = 120.0) -> None:
        deadline = time.perf_counter() + limit_s
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("gave up waiting")
            app.processEvents()
            time.sleep(0.0005)  # the benchmark's own wait loop, not part of the page

    class PaintWatch(QObject):
        def __init__(self, ready: Callable[[], bool]) -> None:
            super().__init__()
            self.ready = ready
            self.at: float | None = None

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if self.at is None and event.type() == QEvent.Type.Paint and self.ready():
                self.at = time.perf_counter()
            return False

    def open_page(url: str) -> tuple[ConversationsPage, AppServices, float]:
        ctx = Context.open(url, migrate=False)
        services = AppServices(ctx=ctx, tasks=TaskRunner(), bridge=EngineBridge(None))
        started = time.perf_counter()
        page = ConversationsPage(services)
        loaded = page.model
        watch = PaintWatch(lambda: loaded.total is not None)
        target = page.list if url.endswith("bench.db") else page.list_empty
        page.list.viewport().installEventFilter(watch)
        page.list_empty.installEventFilter(watch)
        page.resize(1100, 700)
        page.show()
        spin_until(lambda: watch.at is not None)
        assert watch.at is not None and target is not None
        return page, services, (watch.at - started) * 1000

    # Baseline: the same page over an empty database, to its painted empty state.
    empty_runs = []
    for _ in range(3):
        page, services, ms = open_page(f"sqlite:///{empty_path}")
        empty_runs.append(ms)
        page.stop()
        page.close()
        services.tasks.wait()
        services.ctx.close()
    result["baseline_empty_page_open_ms"] = statistics.median(empty_runs)

    ctx = Context.open(f"sqlite:///{db_path}", migrate=False)
    for label in ("first_page_query_cold_ms", "first_page_query_warm_ms"):
        started = time.perf_counter()
        read_head(ctx, PAGE_SIZE)
        result[label] = (time.perf_counter() - started) * 1000
    ctx.close()

    page, services, ms = open_page(f"sqlite:///{db_path}")
    result["open_ms"] = ms
    # As the window does after its first paint: collection on the GUI thread's schedule.
    collector = GarbageCollector()
    collector.start()
    result["rows_first_page"] = page.model.rowCount()
    result["total_conversations"] = page.model.total
    result["unread_total"] = page.unread

    heartbeat = Heartbeat()

    def flick_through(view: QAbstractItemView, done: Callable[[], bool]) -> float:
        """One screen down every 16 ms until `done`; the seconds it took."""
        bar = view.verticalScrollBar()
        ticker = QTimer()
        ticker.setInterval(16)
        ticker.timeout.connect(lambda: bar.setValue(bar.value() + view.viewport().height()))
        started = time.perf_counter()
        ticker.start()
        spin_until(lambda: done() and bar.value() >= bar.maximum())
        ticker.stop()
        return time.perf_counter() - started

    heartbeat.start()
    total = page.model.total or 0
    scroll_s = flick_through(page.list, lambda: page.model.rowCount() >= total)
    result["scroll_s"] = scroll_s
    result["scroll_rows_loaded"] = page.model.rowCount()
    gaps = heartbeat.stop()
    result["scroll_worst_gap_ms"] = gaps["max_ms"]
    result["scroll_p99_gap_ms"] = gaps["p99_ms"]
    heartbeat.start()
    idle_end = time.perf_counter() + min(scroll_s, 10.0)
    spin_until(lambda: time.perf_counter() >= idle_end)
    idle = heartbeat.stop()
    result["baseline_idle_worst_gap_ms"] = idle["max_ms"]
    result["baseline_idle_p99_gap_ms"] = idle["p99_ms"]

    # Baseline for painting: Qt's own list (C++ model and delegate, no Python per row) of
    # the same rows' names and last messages, same row height, flicked the same way.
    plain = QTableView()
    plain.setModel(QStringListModel([f"{r.name}  {r.last_body}" for r in page.model.rows]))
    plain.horizontalHeader().hide()
    plain.horizontalHeader().setStretchLastSection(True)
    plain.verticalHeader().hide()
    plain.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    plain.verticalHeader().setDefaultSectionSize(page.list.verticalHeader().defaultSectionSize())
    plain.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    plain.resize(page.list.size())
    plain.show()
    spin_until(lambda: plain.isVisible())
    heartbeat.start()
    result["baseline_plain_qt_scroll_s"] = flick_through(plain, lambda: True)
    plain_gaps = heartbeat.stop()
    result["baseline_plain_qt_worst_gap_ms"] = plain_gaps["max_ms"]
    result["baseline_plain_qt_p99_gap_ms"] = plain_gaps["p99_ms"]
    plain.close()

    # A conversation opened: its 20 messages to the painted thread.
    lead = page.model.row_at(5).lead_id
    watch = PaintWatch(lambda: page.view.thread_model.rowCount() > 0)
    page.view.viewport().installEventFilter(watch)
    started = time.perf_counter()
    page.open_lead(lead)
    spin_until(lambda: watch.at is not None)
    assert watch.at is not None
    result["open_conversation_ms"] = (watch.at - started) * 1000
    result["thread_messages"] = page.view.thread_model.rowCount()
    page.stop()
    collector.stop()
    services.tasks.wait()
    services.ctx.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--platform", default="xcb", help="Qt platform plugin (xvfb: xcb)")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # child: db, empty db
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1], args.platform)), flush=True)
        os._exit(0)  # skip interpreter teardown: PySide may crash there, after the figures
    from desktop.services.core.context import Context

    with tempfile.TemporaryDirectory() as folder:
        db_path, empty_path = Path(folder) / "bench.db", Path(folder) / "empty.db"
        seconds = generate(db_path, args.conversations, args.messages)
        Context.open(f"sqlite:///{empty_path}").close()
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                str(db_path),
                str(empty_path),
                "--platform",
                args.platform,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    import PySide6

    print(
        f"cpus={os.cpu_count()} python={platform.python_version()} "
        f"pyside={PySide6.__version__} platform={args.platform} "
        f"conversations={args.conversations:,} messages={args.messages:,} "
        f"(database built in {seconds:.1f} s) date={datetime.now().date().isoformat()}"
    )
    for key, value in figures.items():
        shown = f"{value:,.1f}" if isinstance(value, float) else str(value)
        print(f"  {key:34} {shown}")


if __name__ == "__main__":
    main()
