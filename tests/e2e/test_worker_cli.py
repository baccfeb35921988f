"""The issue's finish line, through the command line only: import leads, create a sequence,
`textdesk worker --until-idle` against the sandbox, and read the counts back."""

import json
import subprocess
import sys
from pathlib import Path

from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from tests.engine_helpers import worker_env


def _textdesk(env: dict[str, str], *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run.stdout


def test_import_create_worker_until_idle(tmp_path: Path) -> None:
    csv = tmp_path / "leads.csv"
    csv.write_text(
        "Phone,First name,Last name\n"
        "(415) 555-0100,Ann,Lee\n"
        "415-555-0101,Bo,Chan\n"
        "+15005550001,Bad,Number\n"
        "not a phone,No,Body\n",
        encoding="utf-8",
    )
    with CarrierSandbox(SandboxConfig.fast(seed=6)) as sandbox:
        sandbox.force_outcome("+14155550100", Outcome.delivered())
        sandbox.force_outcome("+14155550101", Outcome.undelivered(30008))
        env = worker_env(f"sqlite:///{tmp_path / 'cli.db'}", sandbox)
        imported = json.loads(_textdesk(env, "leads", "import", str(csv), "--json"))
        assert imported["counts"]["created"] == 3
        assert imported["counts"]["invalid_phone"] == 1
        for key, value in {
            "quiet_hours": "off",
            "rate_limit": "50",
            "poll_interval": "1s",
            "carrier_window": "3s",
            "delivery_unknown_after": "2s",
        }.items():
            _textdesk(env, "settings", "set", key, value)
        _textdesk(
            env,
            "sequences",
            "create",
            "--name",
            "CLI",
            "--all",
            "--step",
            "Hello {first_name}. Reply STOP to opt out",
            "--step",
            "Still interested?",
            "--delay",
            "1s",
        )
        out = _textdesk(env, "worker", "--until-idle")
        assert "stopped; 0 message(s) In-queue" in out
        listed = json.loads(_textdesk(env, "sequences", "list", "--json"))
    assert listed[0]["status"] == "done"
    assert listed[0]["counts"] == {
        "in_queue": 0,
        "outbox": 0,
        "sent": 2,
        "error": 3,
        "delivery_unknown": 0,
        "canceled": 1,
        "deleted_leads": 0,
    }
    export = tmp_path / "cli.csv"
    _textdesk(env, "export", str(listed[0]["id"]), "--out", str(export))
    text = export.read_text(encoding="utf-8-sig")
    assert "30008" in text and "21211" in text
    assert sandbox.auth_token not in text
