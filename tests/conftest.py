"""Shared fixtures. Qt runs offscreen: set before anything imports Qt."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never read or write the user's real keyring, data folder or log file; subprocesses
# (workers, the service, the frozen app) inherit these.
os.environ["TEXTDESK_KEYRING"] = "off"
# Tests start the sending service only where they mean to (tests/e2e/test_service.py).
os.environ["TEXTDESK_SERVICE"] = "off"
os.environ["TEXTDESK_TEST_HOME"] = tempfile.mkdtemp(prefix="textdesk-tests-")
os.environ["XDG_DATA_HOME"] = os.path.join(os.environ["TEXTDESK_TEST_HOME"], "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(os.environ["TEXTDESK_TEST_HOME"], "config")
os.environ["TEXTDESK_LOG_FILE"] = os.path.join(os.environ["TEXTDESK_TEST_HOME"], "textdesk.log")

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.core.context import Context
from tests.clocks import ENV, MARKER, RunningClock, configured_instant, use_test_clock
from tests.databases import admin_url, fresh_database, make_template


def pytest_configure(config: pytest.Config) -> None:
    configured_instant()  # a malformed TEXTDESK_TEST_CLOCK stops the run before any test


def pytest_report_header(config: pytest.Config) -> list[str]:
    source = ENV if os.environ.get(ENV) else "default"
    server = admin_url()
    where = server.rsplit("@", 1)[-1] if server else "none (its variants are deselected)"
    return [
        f"test clock ({source}): {configured_instant().isoformat()}, for tests marked clock",
        f"PostgreSQL: {where}",
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL variants go when there is no server, or the test is of SQLite itself."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_pg = callspec is not None and callspec.params.get("db_url") == "postgresql"
        if on_pg and (admin_url() is None or item.get_closest_marker("sqlite_only")):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_template() -> str:
    server = admin_url()
    assert server is not None
    make_template(server)
    return server


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> RunningClock:
    """The clock of a time-dependent test: starts at the configured instant (tests/clocks.py)
    and runs forward with real time."""
    if request.node.get_closest_marker(MARKER) is None:
        # Unmarked, the test would miss the runs under the other fixed clocks in test.sh.
        pytest.fail(f"{request.node.nodeid} uses the test clock: mark it @pytest.mark.clock")
    return RunningClock(configured_instant())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'textdesk.db'}"
        return
    yield from fresh_database(request.getfixturevalue("pg_template"))


@pytest.fixture
def ctx(db_url: str, request: pytest.FixtureRequest) -> Iterator[Context]:
    """A migrated, empty database in a temporary folder; on the test clock when the test is
    marked `clock`, else on the real one."""
    context = Context.open(db_url)
    use_test_clock(context, request)
    yield context
    context.close()


@pytest.fixture(autouse=True)
def _own_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test has a data folder of its own: the default and demo databases of one test
    (a window on a server's database keeps its demo in the data folder) never show in
    another."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """As in the app (desktop/ui/shell/gc_schedule.py): while Qt widgets live, the
    automatic collector is off, so a cycle holding Qt wrappers is never collected on a task
    pool thread (a segmentation fault); the test's garbage is collected here, on the main
    thread, when it ends."""
    qt = "qtbot" in request.fixturenames or "tests/ui/" in str(request.node.path)
    if not qt:
        yield
        return
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if was_enabled:
            gc.enable()
