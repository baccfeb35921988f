"""What a command costs to start: it imports what it needs and no more."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.models.migrate import SCHEMA_HEAD, head_revision, stored_revision
from desktop.services.core.context import Context

# Run `main` in a fresh interpreter and report which heavy libraries got imported.
PROBE = """
import json, sys
from desktop.cli import main
code = main(sys.argv[1:])
heavy = ("alembic", "twilio", "PySide6", "apscheduler", "keyring", "phonenumbers")
loaded = sorted(name for name in heavy if name in sys.modules)
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def probe(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60
    )
    return dict(json.loads(done.stderr.strip().splitlines()[-1]))


def test_the_schema_head_constant_is_alembics_head() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_listing_on_an_up_to_date_database_imports_no_alembic_twilio_or_qt(db_url: str) -> None:
    Context.open(db_url).close()  # created and migrated once, as after a first start
    result = probe("--db", db_url, "sequences", "list", "--json")
    assert result == {"code": 0, "loaded": []}


def test_a_new_database_is_migrated_with_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = probe("--db", url, "leads", "list", "--json")
    assert result["code"] == 0
    assert "alembic" in result["loaded"]  # type: ignore[operator]
    ctx = Context.open(url, migrate=False)
    try:
        assert stored_revision(ctx.db.engine) == SCHEMA_HEAD
    finally:
        ctx.close()


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.cli import main
    from desktop.cli.commands import COMMANDS

    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS)


def test_version_is_read_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop import __version__
    from desktop.cli import main

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"textdesk {__version__}"
