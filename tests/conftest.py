"""Shared fixtures. Qt runs offscreen: set before anything imports Qt."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never read or write the user's real keyring, data folder or log file; subprocesses
# (workers, the service, the frozen app) inherit these.
os.environ["TEXTDESK_KEYRING"] = "off"
os.environ["TEXTDESK_TEST_HOME"] = tempfile.mkdtemp(prefix="textdesk-tests-")
os.environ["XDG_DATA_HOME"] = os.path.join(os.environ["TEXTDESK_TEST_HOME"], "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(os.environ["TEXTDESK_TEST_HOME"], "config")
os.environ["TEXTDESK_LOG_FILE"] = os.path.join(os.environ["TEXTDESK_TEST_HOME"], "textdesk.log")

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.core.context import Context


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'textdesk.db'}"


@pytest.fixture
def ctx(db_url: str) -> Iterator[Context]:
    """A migrated, empty database in a temporary folder."""
    context = Context.open(db_url)
    yield context
    context.close()
