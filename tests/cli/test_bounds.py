"""Bounds on every value the command line takes: one line on stderr, exit code 2, no
traceback, and nothing stored. Real SQLite files in tmp_path; nothing of the project mocked."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.cli.arguments import MAX_ID
from desktop.models.db import backup_sqlite
from desktop.services.core.context import Context
from tests.helpers import add_leads

OPT = " Reply STOP to opt out."
MG = "MG" + "0123456789abcdef" * 2

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def with_leads(db_url: str) -> list[int]:
    ctx = Context.open(db_url)
    ids = add_leads(ctx, 3, tag="vip") + add_leads(ctx, 2, start=50)
    ctx.close()
    return ids


def _stored(cli: Cli) -> tuple[str, str, str]:
    """Everything a refused command could have changed: sequences, leads, settings."""
    return (
        cli("sequences", "list", "--json")[1],
        cli("leads", "list", "--json")[1],
        cli("settings", "list")[1],
    )


def _refused(cli: Cli, *args: str) -> str:
    """Run a command that must be refused; its one error line."""
    before = _stored(cli)
    code, out, err = cli(*args)
    assert code == 2, (out, err)
    assert err.startswith("textdesk: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in out + err and "internal error" not in err
    assert _stored(cli) == before
    return err


def _create(*extra: str) -> tuple[str, ...]:
    return ("sequences", "create", "--name", "Bounds", "--step", "Hi {first_name}" + OPT, *extra)


# -- ids -------------------------------------------------------------------------------------

TOO_BIG = str(2**64 + 5)
ID_COMMANDS = [
    ("leads", "delete"),
    ("leads", "opt-out"),
    ("leads", "opt-in"),
    ("sequences", "pause"),
    ("sequences", "resume"),
    ("sequences", "cancel"),
    ("sequences", "delete"),
    ("sequences", "retry"),
    ("export", "--out", "x.csv"),
]


@pytest.mark.parametrize("command", ID_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("value", [TOO_BIG, str(MAX_ID + 1), "0", "-5", "abc", "1_000", "1.5"])
def test_ids_out_of_range_or_not_numbers(cli: Cli, with_leads, command, value: str) -> None:
    err = _refused(cli, *command, value)
    assert f"whole number from 1 to {MAX_ID}" in err and repr(value) in err


@pytest.mark.parametrize("value", [TOO_BIG, "0", "x"])
def test_lead_option_ids(cli: Cli, with_leads, value: str) -> None:
    err = _refused(cli, *_create("--lead", value))
    assert err.startswith("textdesk: error: --lead must be a whole number from 1 to ")


def test_the_largest_id_is_taken_and_names_nothing(cli: Cli, with_leads) -> None:
    err = _refused(cli, "sequences", "pause", str(MAX_ID))
    assert err == f"textdesk: error: no sequence with id {MAX_ID}\n"
    err = _refused(cli, "leads", "delete", str(MAX_ID))
    assert f"no lead with id {MAX_ID}" in err


# -- durations, dates, tags, senders ----------------------------------------------------------


@pytest.mark.parametrize("delay", ["3000000d", "366d", "53w", "9" * 400 + "s", "31536001"])
def test_step_delays_beyond_a_year(cli: Cli, with_leads, delay: str) -> None:
    err = _refused(cli, *_create("--step", "Two", "--delay", delay))
    assert err.startswith("textdesk: error: --delay must be at most 365d, not ")


def test_a_step_delay_of_a_year_is_taken(cli: Cli, with_leads) -> None:
    code, out, err = cli(*_create("--step", "Two", "--delay", "365d", "--json"))
    assert (code, err) == (0, "")
    assert json.loads(out)["messages"] == 10


@pytest.mark.parametrize(
    "start", ["0001-01-01", "1999-12-31T23:59", "2101-01-01", "9999-12-31T23:59:59+00:00"]
)
def test_start_outside_2000_to_2100(cli: Cli, with_leads, start: str) -> None:
    err = _refused(cli, *_create("--start", start))
    assert err == (
        f"textdesk: error: --start must be between 2000-01-01 and 2100-12-31, not {start!r}\n"
    )


def test_start_at_the_bounds_is_taken(cli: Cli, with_leads) -> None:
    code, _out, err = cli(*_create("--start", "2100-12-31T12:00Z", "--json"))
    assert (code, err) == (0, "")
    code, _out, err = cli(*_create("--start", "2000-01-01T00:00+00:00", "--json"))
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    "args",
    [
        _create("--tag", ""),
        _create("--tag", "   "),
        ("leads", "list", "--tag", ""),
        ("leads", "import", "leads.csv", "--tag", " "),
    ],
    ids=["create", "create-spaces", "list", "import"],
)
def test_an_empty_tag_is_not_everyone(cli: Cli, with_leads, args: tuple[str, ...]) -> None:
    err = _refused(cli, *args)
    assert err == (
        "textdesk: error: --tag cannot be empty: give the name of a tag, or leave --tag out\n"
    )


def test_a_tag_still_selects_its_leads(cli: Cli, with_leads) -> None:
    code, out, _ = cli(*_create("--tag", " vip ", "--json"))
    assert code == 0 and json.loads(out)["leads"] == 3
    assert len(json.loads(cli("leads", "list", "--tag", "vip", "--json")[1])) == 3


@pytest.mark.parametrize(
    "sender", ["my number", "5551234", "+1", "MG123", "AC" + "0" * 32, "MG" + "g" * 32]
)
def test_senders_that_are_neither_e164_nor_a_messaging_service(
    cli: Cli, with_leads, sender: str
) -> None:
    err = _refused(cli, *_create("--sender", sender))
    assert err.startswith(
        "textdesk: error: --sender must be a phone number in +E.164 form (+15551234567) "
        "or a Messaging Service SID (MG followed by 32 hexadecimal characters), not "
    )


def test_an_empty_sender_is_refused(cli: Cli, with_leads) -> None:
    err = _refused(cli, *_create("--sender", " "))
    assert err.startswith("textdesk: error: --sender cannot be empty")


@pytest.mark.parametrize("sender", ["+14155550100", MG])
def test_good_senders_are_taken(cli: Cli, with_leads, sender: str) -> None:
    code, _out, err = cli(*_create("--sender", sender, "--json"))
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("key", "value", "sentence"),
    [
        ("carrier_window", "99999999999d", "carrier_window must be at most 30d"),
        ("delivery_unknown_after", "31d", "delivery_unknown_after must be at most 30d"),
        ("poll_interval", "5w", "poll_interval must be at most 30d"),
        ("poll_interval", "0s", "poll_interval must be longer than zero"),
        ("sender", "my number", "sender must be a phone number in +E.164 form"),
        ("twilio_auth_token", "z" * 32, "twilio_auth_token must be the 32 hexadecimal"),
        ("twilio_api_key", "SK123", "twilio_api_key must be the SID of an API key"),
        ("twilio_api_secret", "short", "twilio_api_secret must be the 32 letters and digits"),
    ],
)
def test_settings_set_validates(cli: Cli, key: str, value: str, sentence: str) -> None:
    err = _refused(cli, "settings", "set", key, value)
    assert err.startswith(f"textdesk: error: {sentence}")


# -- the database ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("db", "scheme"),
    [
        ("foo://x", "'foo'"),
        ("mysql://u@h/d", "'mysql'"),
        ("postgresql+psycopg2://u@h/d", "'postgresql+psycopg2'"),
        ("://nothing", ""),
    ],
)
def test_unknown_database_schemes_name_the_supported_ones(
    capsys: pytest.CaptureFixture[str], db: str, scheme: str
) -> None:
    code = main(["--db", db, "sequences", "list"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("textdesk: error: --db names ")
    assert scheme in err
    assert "a SQLite file path, sqlite:///PATH, or postgresql+psycopg://" in err


def test_an_unknown_scheme_in_the_environment_names_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEXTDESK_DB", "oracle://scott:tiger@h/d")
    assert main(["leads", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("textdesk: error: TEXTDESK_DB names a database of kind 'oracle'")
    assert "tiger" not in err  # the password in a URL is never repeated


def test_the_window_refuses_an_unknown_scheme_before_opening(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--db", "foo://x", "gui"]) == 2
    assert capsys.readouterr().err.startswith("textdesk: error: --db names a database of kind")


def _damage_leads_table(file: Path) -> None:
    """Overwrite the root page of the leads table, as a failing disk would."""
    with sqlite3.connect(file) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'leads'"
        ).fetchone()[0]
    connection.close()
    with file.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    file = tmp_path / "textdesk.db"
    ctx = Context.open(f"sqlite:///{file}")
    add_leads(ctx, 3)
    ctx.close()  # the last connection checkpoints the WAL into the file
    return file


def test_a_damaged_database_without_backup_mentions_none(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage_leads_table(damaged)
    assert main(["--db", str(damaged), "leads", "list"]) == 2
    out, err = capsys.readouterr()
    assert err == "textdesk: error: the database file is damaged\n"
    assert "backup" not in err and out == ""


def test_a_damaged_database_names_its_latest_backup(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = backup_sqlite(damaged, "0001")
    os.utime(older, (1_600_000_000, 1_600_000_000))
    latest = backup_sqlite(damaged, "0002")
    _damage_leads_table(damaged)
    assert main(["--db", str(damaged), "leads", "list"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"textdesk: error: the database file is damaged; its latest backup is {latest}: "
        "close TextDesk and copy that file over textdesk.db to restore it\n"
    )


# -- output cut short ------------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TEXTDESK_LOG_FILE": str(tmp_path / "textdesk.log")}


def _piped(tmp_path: Path, args: list[str], head: list[str]) -> tuple[int, bytes, bytes]:
    """`textdesk ARGS | head HEAD` with real processes: (textdesk's code, head's output,
    textdesk's stderr)."""
    textdesk = subprocess.Popen(
        [sys.executable, "-m", "desktop", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
    )
    assert textdesk.stdout is not None and textdesk.stderr is not None
    reader = subprocess.Popen(["head", *head], stdin=textdesk.stdout, stdout=subprocess.PIPE)
    textdesk.stdout.close()  # head alone holds the read end: its exit closes the pipe
    shown, _ = reader.communicate(timeout=120)
    err = textdesk.stderr.read()
    textdesk.stderr.close()
    return textdesk.wait(timeout=120), shown, err


@pytest.fixture
def many_leads(db_url: str) -> str:
    # Far more than a pipe holds (64 KiB) plus what head reads: textdesk is still writing
    # when head exits, every time.
    ctx = Context.open(db_url)
    add_leads(ctx, 4000)
    ctx.close()
    return db_url


@pytest.mark.skipif(sys.platform == "win32", reason="needs head and SIGPIPE semantics")
def test_leads_list_into_head_ends_quietly(tmp_path: Path, many_leads: str) -> None:
    code, shown, err = _piped(tmp_path, ["--db", many_leads, "leads", "list"], ["-1"])
    assert shown.decode().split() == ["1", "+14155550000", "Lead0", "Test"]
    assert err == b""
    assert code == 141


@pytest.mark.skipif(sys.platform == "win32", reason="needs head and SIGPIPE semantics")
def test_json_into_head_ends_quietly(tmp_path: Path, many_leads: str) -> None:
    code, shown, err = _piped(
        tmp_path, ["--db", many_leads, "leads", "list", "--json"], ["-c", "10"]
    )
    assert shown == b"[\n  {\n    "
    assert (code, err) == (141, b"")


@pytest.mark.skipif(sys.platform == "win32", reason="needs head and SIGPIPE semantics")
def test_sequences_list_into_head_ends_quietly(
    tmp_path: Path, db_url: str, cli: Cli, with_leads
) -> None:
    for _ in range(3):
        assert cli(*_create())[0] == 0
    code, shown, err = _piped(
        tmp_path, ["--db", db_url, "sequences", "list", "--json"], ["-c", "10"]
    )
    assert shown == b"[\n  {\n    "
    assert err == b""
    # A short listing may fit in the pipe before head exits (then nothing breaks): both end
    # quietly. The closed pipe below makes the broken case certain.
    assert code in (0, 141)


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGPIPE semantics")
def test_a_pipe_closed_before_anything_is_written(
    tmp_path: Path, db_url: str, cli: Cli, with_leads
) -> None:
    assert cli(*_create())[0] == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before textdesk writes a byte
    try:
        run = subprocess.run(
            [sys.executable, "-m", "desktop", "--db", db_url, "sequences", "list", "--json"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=_env(tmp_path),
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert (run.returncode, run.stderr) == (141, b"")


# -- new subcommands -------------------------------------------------------------------------


def _failed_preparation(db_url: str) -> int:
    """A sequence as an interrupted `sequences create` leaves it (its first transaction
    committed, its preparer gone), marked by the service that finds such sequences."""
    from desktop.models import Sequence, SequenceCounter, Step
    from desktop.services.sequences.preparation import mark_failed_preparations
    from desktop.services.status.vocabulary import SequenceStatus

    ctx = Context.open(db_url)
    now = ctx.now()
    with ctx.db.write() as session:
        sequence = Sequence(
            name="Interrupted",
            sender="",
            status=SequenceStatus.BEING_PROCESSED.value,
            start_at=now,
            lead_selection={"all": True},
            preparer="",  # no preparer recorded: nobody is on it
            created_at=now,
            updated_at=now,
        )
        sequence.steps = [Step(position=0, body="Hi" + OPT, media_urls=[], delay_seconds=0)]
        session.add(sequence)
        session.flush()
        session.add(SequenceCounter(sequence_id=sequence.id))
        sequence_id = sequence.id
    assert mark_failed_preparations(ctx) == [sequence_id]
    ctx.close()
    return sequence_id


def _listed(cli: Cli) -> dict[int, dict[str, object]]:
    return {row["id"]: row for row in json.loads(cli("sequences", "list", "--json")[1])}


def test_retry_prepares_a_failed_sequence_again(cli: Cli, db_url: str, with_leads) -> None:
    sid = _failed_preparation(db_url)
    assert _listed(cli)[sid]["status"] == "preparation_failed"
    code, out, err = cli("sequences", "retry", str(sid), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["id"] == sid and json.loads(out)["messages"] == 5
    assert _listed(cli)[sid]["total"] == 5
    assert _listed(cli)[sid]["status"] != "preparation_failed"
    code, out, err = cli("sequences", "retry", str(_failed_preparation(db_url)))
    assert code == 0 and out.startswith("Prepared sequence ") and "to 5 lead(s)" in out


def test_delete_removes_a_failed_sequence_with_one_line(cli: Cli, db_url: str, with_leads) -> None:
    sid = _failed_preparation(db_url)
    code, out, err = cli("sequences", "delete", str(sid))
    assert (code, out, err) == (0, f"Deleted sequence {sid}.\n", "")
    assert sid not in _listed(cli)


def test_delete_and_retry_refuse_other_sequences(cli: Cli, with_leads) -> None:
    _code, out, _ = cli(*_create("--json"))
    sid = json.loads(out)["id"]
    for action in ("delete", "retry"):
        err = _refused(cli, "sequences", action, str(sid))
        assert "only a sequence whose preparation failed can be deleted or retried" in err
        assert _refused(cli, "sequences", action, "77") == (
            "textdesk: error: no sequence with id 77\n"
        )


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "worker", "--demo", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_worker_wait_waits_for_the_holder_instead_of_exiting_2(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TEXTDESK_FROM", "TEXTDESK_DB"):
        env.pop(name, None)
    holder = _worker(env)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().startswith("textdesk worker: ")  # it has started
        deadline = time.monotonic() + 60
        while True:  # until the holder's lease is taken: then a second worker is refused
            refused = subprocess.run(
                [sys.executable, "-m", "desktop", "worker", "--demo", "--once"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if refused.returncode == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert refused.returncode == 2 and "--wait" in refused.stderr, refused.stderr
        waiter = _worker(env, "--once", "--wait")
        time.sleep(3)
        assert waiter.poll() is None, waiter.communicate()  # still waiting, not exiting 2
    finally:
        holder.terminate()
        holder.communicate(timeout=120)
    _out, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err
    assert "Traceback" not in err


def test_worker_help_lists_wait(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["worker", "--help"])
    assert "--wait" in capsys.readouterr().out


# -- credentials -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TWILIO_AUTH_TOKEN", "real-token"),
        ("TWILIO_ACCOUNT_SID", "AC-mine"),
        ("TEXTDESK_FROM", "my number"),
    ],
)
def test_the_worker_refuses_a_malformed_credential_naming_the_variable(
    cli: Cli, with_leads, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    # Before: a WARNING, then the real database ran through the built-in sandbox.
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "2" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "3" * 32)
    monkeypatch.setenv("TEXTDESK_FROM", "+14155550100")
    monkeypatch.setenv(variable, value)
    assert cli(*_create())[0] == 0
    before = _stored(cli)
    code, out, err = cli("worker", "--once")
    assert code == 2 and "Traceback" not in out + err
    assert err.startswith(f"textdesk: error: the environment variable {variable} must be ")
    assert err.count("\n") == 1
    assert _stored(cli) == before  # nothing was handed off, simulated or not


def test_settings_set_keeps_the_api_secret_masked(cli: Cli) -> None:
    secret = "Zx9" + "aB3" * 9 + "qq"
    code, out, err = cli("settings", "set", "twilio_api_secret", secret)
    assert (code, err) == (0, "") and secret not in out and out.startswith("twilio_api_secret = ")
    assert cli("settings", "set", "twilio_api_key", "SK" + "a" * 32)[0] == 0
    _code, listed, _err = cli("settings", "list")
    assert secret not in listed and "twilio_api_key = SK" + "a" * 32 in listed


def test_no_stdout_at_all_is_not_an_error(
    db_url: str, with_leads, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A windowed frozen build has sys.stdout None: the final flush must not fail there.
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["--db", db_url, "leads", "list"]) == 0
