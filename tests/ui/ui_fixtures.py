"""Fixtures on a copy of the populated database (see ui_helpers), registered by the test
modules that use them with `pytest_plugins = ("tests.ui.ui_fixtures",)`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.core.context import Context
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.bridge import EngineBridge
from desktop.ui.kit.tasks import TaskRunner
from tests.clocks import use_test_clock
from tests.ui.ui_helpers import Populated, build_populated


@pytest.fixture(scope="session")
def populated_template(tmp_path_factory: pytest.TempPathFactory) -> Populated:
    return build_populated(tmp_path_factory.mktemp("populated"))


@pytest.fixture
def populated(populated_template: Populated, tmp_path: Path) -> Populated:
    source = Path(populated_template.url.removeprefix("sqlite:///"))
    target = tmp_path / "populated.db"
    shutil.copyfile(source, target)
    return Populated(
        f"sqlite:///{target}",
        populated_template.sent_id,
        populated_template.later_id,
        populated_template.ids,
    )


@pytest.fixture
def pop_services(  # type: ignore[no-untyped-def]
    populated: Populated, qtbot, request: pytest.FixtureRequest
) -> Iterator[AppServices]:
    """Services (no engine) on a copy of the populated database; on the test clock when the
    test is marked `clock`."""
    ctx = Context.open(populated.url)
    use_test_clock(ctx, request)
    tasks = TaskRunner()
    bridge = EngineBridge(None)
    yield AppServices(ctx=ctx, tasks=tasks, bridge=bridge)
    tasks.wait(10_000)
    bridge.detach()
    ctx.close()
