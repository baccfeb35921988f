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


def pytest_configure(config: pytest.Config) -> None:
    configured_instant()  # a malformed TEXTDESK_TEST_CLOCK stops the run before any test


def pytest_report_header(config: pytest.Config) -> str:
    source = ENV if os.environ.get(ENV) else "default"
    return f"test clock ({source}): {configured_instant().isoformat()}, for tests marked clock"


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> RunningClock:
    """The clock of a time-dependent test: starts at the configured instant (tests/clocks.py)
    and runs forward with real time."""
    if request.node.get_closest_marker(MARKER) is None:
        # Unmarked, the test would miss the runs under the other fixed clocks in test.sh.
        pytest.fail(f"{request.node.nodeid} uses the test clock: mark it @pytest.mark.clock")
    return RunningClock(configured_instant())


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'textdesk.db'}"


@pytest.fixture
def ctx(db_url: str, request: pytest.FixtureRequest) -> Iterator[Context]:
    """A migrated, empty database in a temporary folder; on the test clock when the test is
    marked `clock`, else on the real one."""
    context = Context.open(db_url)
    use_test_clock(context, request)
    yield context
    context.close()
