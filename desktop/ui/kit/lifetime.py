"""Task callbacks that outlive their screen.

A background task may finish after the dialog that started it was closed and deleted (the
owner closed the import wizard while its preview was being read). Its result is then of no
use, and touching the deleted widgets would raise; `while_alive` drops it instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject

from desktop.ui.kit.tasks import TaskRunner


def while_alive(owner: QObject, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    def call(value: Any) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call


def run_for(
    owner: QObject,
    tasks: TaskRunner,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None],
) -> None:
    """`tasks.run` whose callbacks are dropped once `owner` is deleted."""
    tasks.run(work, while_alive(owner, on_done), while_alive(owner, on_error))
