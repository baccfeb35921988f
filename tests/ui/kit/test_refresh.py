"""A Refresher's result that arrives after its screen was deleted is dropped: the screen's
models are gone ("Internal C++ object (LeadListModel) already deleted")."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from desktop.ui.kit.refresh import Refresher
from desktop.ui.kit.tasks import TaskRunner


class Screen(QObject):
    """A receiver with a child it updates, like a dialog and its table model."""

    def __init__(self, tasks: TaskRunner, fetch_may_end: threading.Event) -> None:
        super().__init__()
        self.model = QObject(self)
        self.applied: list[int] = []

        def fetch(_ids: frozenset[int] | None) -> int:
            fetch_may_end.wait(5)
            return 42

        self.refresher = Refresher(tasks, fetch, self.apply, parent=self)

    def apply(self, value: int) -> None:
        self.model.setObjectName(f"rows {value}")  # raises once the model is deleted
        self.applied.append(value)


def test_a_result_after_the_screen_is_deleted_is_dropped(qtbot) -> None:
    tasks = TaskRunner()
    fetch_may_end = threading.Event()
    screen = Screen(tasks, fetch_may_end)
    screen.refresher.request_now()
    assert screen.refresher.busy  # the fetch is on the pool, its result not yet back
    shiboken6.delete(screen)  # the dialog closes without done(): its parent went away
    fetch_may_end.set()
    assert tasks.wait(5000)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)  # the result was delivered
    QApplication.processEvents()
    assert screen.applied == []


def test_a_live_screen_gets_its_result(qtbot) -> None:
    tasks = TaskRunner()
    fetch_may_end = threading.Event()
    fetch_may_end.set()
    screen = Screen(tasks, fetch_may_end)
    screen.refresher.request_now()
    qtbot.waitUntil(lambda: screen.applied == [42], timeout=5000)
    assert screen.refresher.completed == 1 and not screen.refresher.busy
