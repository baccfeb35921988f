"""Fixtures for widget tests: real widgets offscreen, a real database, the real engine
against the carrier sandbox when a test needs one."""

from collections.abc import Iterator

import pytest

from desktop.services.core.context import Context
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.bridge import EngineBridge
from desktop.ui.kit.tasks import TaskRunner


@pytest.fixture
def services(ctx: Context, qtbot) -> Iterator[AppServices]:
    """Services without an engine: screens that only read and write the database."""
    tasks = TaskRunner()
    bridge = EngineBridge(None)
    yield AppServices(ctx=ctx, tasks=tasks, bridge=bridge)
    tasks.wait(10_000)
    bridge.detach()
