"""Shared fixtures. Qt runs offscreen: set before anything imports Qt."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never read or write the user's real keyring or data folder.
os.environ["TEXTDESK_KEYRING"] = "off"

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
