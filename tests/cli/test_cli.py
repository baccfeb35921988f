"""The `textdesk` command: round trips and one-line errors with exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.services.core.context import Context
from tests.helpers import add_leads

OPT = " Reply STOP to opt out."


@pytest.fixture
def cli(db_url: str, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def with_leads(db_url: str) -> None:
    ctx = Context.open(db_url)
    add_leads(ctx, 3, tag="vip")
    add_leads(ctx, 2, start=50)
    ctx.close()


def test_create_list_pause_resume_cancel_export(cli, with_leads, tmp_path: Path) -> None:
    code, out, err = cli(
        "sequences",
        "create",
        "--name",
        "Promo",
        "--step",
        "Hi {first_name}!" + OPT,
        "--step",
        "Reminder",
        "--media",
        "https://example.com/a.jpg",
        "--delay",
        "2h",
        "--tag",
        "vip",
        "--json",
    )
    assert (code, err) == (0, "")
    created = json.loads(out)
    assert created["messages"] == 6 and created["leads"] == 3
    sid = created["id"]
    code, out, _ = cli("sequences", "list", "--json")
    listed = json.loads(out)
    assert listed == [
        {
            "id": sid,
            "name": "Promo",
            "status": "in_progress",
            "total": 6,
            "counts": {
                "in_queue": 6,
                "outbox": 0,
                "sent": 0,
                "error": 0,
                "delivery_unknown": 0,
                "canceled": 0,
                "deleted_leads": 0,
            },
        }
    ]
    assert cli("sequences", "pause", str(sid))[1].strip() == f"Sequence {sid} is now Paused."
    assert cli("sequences", "resume", str(sid))[0] == 0
    assert cli("sequences", "cancel", str(sid))[0] == 0
    code, out, _ = cli("sequences", "list", "--json")
    assert json.loads(out)[0]["status"] == "canceled"
    assert json.loads(out)[0]["counts"]["canceled"] == 6
    target = tmp_path / "promo.csv"
    assert cli("export", str(sid), "--out", str(target))[0] == 0
    assert target.read_text(encoding="utf-8-sig").count("\n") == 7
    assert cli("export", "--summary", "--out", str(tmp_path / "s.csv"))[0] == 0


def test_media_and_delay_attach_to_the_right_step(cli, with_leads, db_url: str) -> None:
    code, out, _ = cli(
        "sequences",
        "create",
        "--name",
        "M",
        "--all",
        "--json",
        "--step",
        "One" + OPT,
        "--step",
        "Two",
        "--media",
        "https://e.com/x.png",
        "--step",
        "Three",
        "--delay",
        "90s",
        "--delay",
        "3d",
    )
    assert code == 0
    ctx = Context.open(db_url)
    from desktop.models import Sequence

    with ctx.db.read() as session:
        steps = session.get(Sequence, json.loads(out)["id"]).steps
        assert [s.media_urls for s in steps] == [[], ["https://e.com/x.png"], []]
        assert [s.delay_seconds for s in steps] == [0, 90, 259200]
    ctx.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sequences", "pause", "77"), "no sequence with id 77"),
        (
            (
                "sequences",
                "create",
                "--name",
                "x",
                "--step",
                "hi",
                "--step",
                "b",
                "--delay",
                "5 parsecs",
            ),
            "not a duration",
        ),
        (("sequences", "create", "--name", "x", "--step", "x" * 1700), "1700 characters"),
        (("sequences", "create", "--name", "x", "--step", "Best casino odds!"), "gambling"),
        (("sequences", "create", "--name", "x", "--step", "hi", "--start", "tomorrow"), "ISO 8601"),
        (("sequences", "create", "--name", "x", "--media", "https://e.com/a.png"), "--step"),
        (("leads", "delete", "9999"), "no lead with id 9999"),
        (("leads", "import", "/nonexistent/file.csv"), "file"),
        (("export", "--out", "x.csv"), "sequence ID or --summary"),
        (("export", "5", "--out", "x.csv"), "no sequence with id 5"),
        (("settings", "set", "rate_limit", "fast"), "rate_limit"),
        (("settings", "get", "colour"), "unknown setting"),
        (("sequences", "frobnicate"), "invalid choice"),
        (("leads", "delete", "abc"), "a lead ID must be a whole number"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, with_leads, args, message: str) -> None:
    before = cli("sequences", "list", "--json")[1], cli("leads", "list", "--json")[1]
    code, out, err = cli(*args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("textdesk: error: ")
    assert message in err
    assert "Traceback" not in err + out
    assert (cli("sequences", "list", "--json")[1], cli("leads", "list", "--json")[1]) == before


def test_leads_list_and_delete(cli, with_leads) -> None:
    _code, out, _ = cli("leads", "list", "--json")
    rows = json.loads(out)
    assert len(rows) == 5
    assert set(rows[0]) == {
        "id",
        "phone",
        "first_name",
        "last_name",
        "email",
        "tags",
        "timezone",
        "opted_out",
    }
    assert rows[0]["phone"] == "+14155550000" and rows[0]["tags"] == ["vip"]
    assert cli("leads", "delete", "1", "2")[0] == 0
    assert len(json.loads(cli("leads", "list", "--json")[1])) == 3


def test_settings_get_set_masks_token(cli) -> None:
    token = "abcdef0123456789abcdef0123456789"
    code, out, _ = cli("settings", "set", "twilio_auth_token", token)
    assert code == 0 and token not in out and "6789" in out
    assert token not in cli("settings", "get", "twilio_auth_token")[1]
    assert cli("settings", "set", "carrier_window", "3d")[0] == 0
    assert cli("settings", "get", "carrier_window")[1].strip() == "3d"
    code, out, _ = cli("settings", "list")
    assert token not in out and "rate_limit = 1" in out


def test_console_script_in_a_real_process(tmp_path: Path) -> None:
    """No traceback reaches a user even from the installed entry point."""
    db = tmp_path / "p.db"
    run = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db), "sequences", "cancel", "3"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr == "textdesk: error: no sequence with id 3\n"
    version = subprocess.run(
        [sys.executable, "-m", "desktop", "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0 and version.stdout.startswith("textdesk ")
