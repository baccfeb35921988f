"""Several desktops opening a new, empty database at the same moment: each migrates it or
finds it migrated, none fails, and the schema ends at its head once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.models.migrate import SCHEMA_HEAD
from desktop.services.core.context import Context
from tests.databases import admin_url, empty_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'new.db'}"
        return
    admin = admin_url()
    if admin is None:
        pytest.skip("no PostgreSQL server (scripts/test.sh starts one)")
    yield from empty_database(admin)


def test_three_desktops_open_a_new_database_at_once(empty_url: str) -> None:
    """Processes, as desktops are (Alembic's context is one per process)."""
    env = {**os.environ, "TEXTDESK_KEYRING": "off", "TEXTDESK_SERVICE": "off"}
    command = [sys.executable, "-m", "desktop", "--db", empty_url, "sequences", "list", "--json"]
    desks = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    for desk in desks:
        out, err = desk.communicate(timeout=120)
        assert (desk.returncode, out.strip()) == (0, "[]"), err
    ctx = Context.open(empty_url)
    try:
        with ctx.db.read() as session:
            versions = session.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [v for (v,) in versions] == [SCHEMA_HEAD]
    finally:
        ctx.close()
