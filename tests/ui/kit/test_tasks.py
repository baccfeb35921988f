"""The task runner: work on the pool, results and failures back on the GUI thread, and the
GUI thread never left waiting for the interpreter by the task it has just started."""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QRunnable, QThreadPool
from pytestqt.qtbot import QtBot

from desktop.services.core.errors import UserError
from desktop.ui.kit.tasks import TaskRunner


class BusyAfterStart(QThreadPool):
    """A pool whose caller goes on working after start(), as the GUI thread does (a
    refresh's bookkeeping, then the next event): when did start() return?"""

    def __init__(self) -> None:
        super().__init__()
        self.returned: float | None = None

    def start(self, runnable: QRunnable, priority: int = 0) -> None:  # type: ignore[override]
        super().start(runnable, priority)
        time.sleep(0.05)  # lets go of the interpreter: a pool thread could take it here
        self.returned = time.perf_counter()


def test_a_task_starts_only_once_the_gui_thread_is_back_from_starting_it(qtbot: QtBot) -> None:
    pool = BusyAfterStart()
    runner = TaskRunner(pool=pool)
    began: list[float] = []
    results: list[Any] = []

    def work() -> str:
        began.append(time.perf_counter())
        return "rows"

    runner.run(work, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=3000)

    assert results == ["rows"]
    assert pool.returned is not None
    assert began[0] >= pool.returned
    assert runner.pending == 0
    pool.waitForDone(3000)


def test_results_and_failures_come_back_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner(pool=QThreadPool())
    gui = threading.get_ident()
    seen: list[tuple[str, object, int]] = []

    def broken() -> None:
        raise UserError("The file is not a CSV file.")

    runner.run(lambda: 7, lambda value: seen.append(("done", value, threading.get_ident())))
    runner.run(broken, on_error=lambda s: seen.append(("failed", s, threading.get_ident())))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)

    assert sorted(seen) == [
        ("done", 7, gui),
        ("failed", "The file is not a CSV file.", gui),
    ]
    assert runner.pending == 0
    runner.wait(3000)
