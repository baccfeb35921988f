"""The packaged executable, and `textdesk self-check` behind it.

The first tests run self_check() in this process (no PyInstaller): its stages, its one-line
answers and its promise never to touch the user's data. The `packaging` ones build the
one-folder executable with the real build command and run `--version` and `self-check` from it
with no Python anywhere on PATH; skip them locally with `-m "not packaging"`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.cli import installation_check as check

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
OK_LINE = re.compile(
    r"textdesk self-check: ok \(Qt 6\.\d+(\.\d+)? \w+, schema \d{4}, "
    r"1 message Sent in \d+\.\d s, export 1 row\)"
)
FAILED_LINE = re.compile(r"textdesk self-check: failed at (?P<stage>[\w ]+): (?P<reason>.+)")


@pytest.fixture
def check_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "self-check.log"
    monkeypatch.setenv(check.LOG_ENV, str(log))
    return log


# -- in process -------------------------------------------------------------------------------


def test_self_check_passes_and_leaves_the_users_things_alone(
    tmp_path: Path,
    check_log: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A user's real setup, which the check must neither use nor change.
    user_db = tmp_path / "users-own.db"
    monkeypatch.setenv("TEXTDESK_DB", f"sqlite:///{user_db}")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "real-token")
    monkeypatch.setenv("TEXTDESK_TWILIO_API_URL", "http://127.0.0.1:9")  # would refuse
    monkeypatch.setenv("TEXTDESK_KEYRING", "on")
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))

    assert check.self_check() == 0

    out, err = capsys.readouterr()
    assert OK_LINE.fullmatch(out.strip()), out
    assert out.count("\n") == 1
    assert err == ""
    assert not user_db.exists()
    assert list(temp.iterdir()) == [], "the temporary folder was not cleaned up"
    assert os.environ["TWILIO_AUTH_TOKEN"] == "real-token"  # restored afterwards
    assert os.environ["TEXTDESK_KEYRING"] == "on"
    assert "Traceback" not in check_log.read_text(encoding="utf-8")


def test_the_cli_runs_the_self_check(check_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.cli import main

    assert main(["self-check"]) == 0
    assert OK_LINE.fullmatch(capsys.readouterr().out.strip())


def test_a_failing_stage_is_one_line_with_the_traceback_in_the_log(
    check_log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def disk_full(*args: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("desktop.services.reports.exports.export_sequence", disk_full)

    assert check.self_check() == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    match = FAILED_LINE.match(err)
    assert match and match["stage"] == "export", err
    assert "No space left on device" in match["reason"]
    assert str(check_log) in err
    assert "Traceback" not in err
    assert "Traceback" in check_log.read_text(encoding="utf-8")


def test_an_error_logged_by_the_app_fails_the_stage(
    check_log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # What a screen's background task hitting a bug looks like: the window still paints and
    # shows a sentence, and only the log holds the error.
    def paint_and_complain(window: object) -> None:
        logging.getLogger("desktop.ui.kit.tasks").error("unexpected failure in the leads page")

    monkeypatch.setattr(check, "_paint", paint_and_complain)

    assert check.self_check() == 1

    match = FAILED_LINE.match(capsys.readouterr().err)
    assert match and match["stage"] == "Qt"
    assert "unexpected failure in the leads page" in match["reason"]


# -- the frozen executable --------------------------------------------------------------------

DIST = ROOT / "dist"
ONEDIR = DIST / "textdesk"
EXECUTABLE = ONEDIR / "textdesk"
# Libraries of Qt modules the spec keeps out (WebEngine, Quick/QML, 3D, Multimedia, PDF, Charts).
UNWANTED = re.compile(r"Qt6?(WebEngine|Quick|Qml|3D|Multimedia|Pdf|VirtualKeyboard|Charts)", re.I)


@pytest.fixture(scope="module")
def onedir() -> Path:
    """Build dist/textdesk/ with the build command, once for this module."""
    if sys.platform == "win32":
        pytest.skip("the build test runs bash; on Windows build by hand (packaging/README.md)")
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build.sh"), "--onedir", "--no-bench"],
        cwd=ROOT,
        # The interpreter running the tests has PyInstaller (the test extras), wherever its
        # virtualenv is (scripts/test.sh honours TEXTDESK_VENV).
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"packaging/build.sh failed ({result.returncode}):\n"
            + "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        )
    assert EXECUTABLE.is_file()
    return ONEDIR


@pytest.fixture
def bare_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An environment with nothing in it: no Python on PATH (an empty folder is all of PATH),
    no PYTHONPATH/PYTHONHOME/VIRTUAL_ENV, a fresh HOME and TMPDIR, no display."""
    bin_dir, home, temp = tmp_path / "bin", tmp_path / "home", tmp_path / "tmp"
    for folder in (bin_dir, home, temp):
        folder.mkdir()
    env = {"PATH": str(bin_dir), "HOME": str(home), "TMPDIR": str(temp), "LANG": "C.UTF-8"}
    assert shutil.which("python3", path=env["PATH"]) is None
    assert shutil.which("python", path=env["PATH"]) is None
    yield env


def run_frozen(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # cwd: an empty folder, so nothing can be found relative to the checkout either.
    return subprocess.run(
        [str(EXECUTABLE), *args],
        cwd=env["HOME"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    details = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr, details
    assert result.stderr == "", details  # nothing whitelisted
    assert result.returncode == 0, details


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_frozen_version(onedir: Path, bare_env: dict[str, str]) -> None:
    result = run_frozen(bare_env, "--version")
    assert_clean(result)
    assert result.stdout == f"textdesk {VERSION}\n"


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_frozen_self_check(onedir: Path, bare_env: dict[str, str]) -> None:
    result = run_frozen(bare_env, "self-check")
    assert_clean(result)
    assert OK_LINE.fullmatch(result.stdout.strip()), result.stdout
    # The details log is the only thing left behind, and it shows no hidden failure.
    temp = Path(bare_env["TMPDIR"])
    leftovers = sorted(path.name for path in temp.iterdir())
    assert len(leftovers) == 1 and leftovers[0].startswith("textdesk-self-check-"), leftovers
    log = (temp / leftovers[0]).read_text(encoding="utf-8")
    assert "Traceback" not in log, log
    assert " ERROR " not in log, log
    assert list(Path(bare_env["HOME"]).iterdir()) == [], "the check wrote into HOME"


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_frozen_worker_explains_a_refusal_from_the_bundled_catalog(
    onedir: Path, bare_env: dict[str, str], tmp_path: Path
) -> None:
    # The Twilio error catalog is a data file (desktop/services/twilio/errors.toml), which
    # only a frozen run proves is in the bundle and found there. The frozen worker meets a
    # refusal (21211), acts on the catalog (dead_number: the lead's second step is canceled;
    # a missing catalog would fail the worker), and the export shows the catalog's words.
    from desktop.sandbox import CarrierSandbox, SandboxConfig
    from desktop.services.twilio.error_catalog import explain

    leads = tmp_path / "leads.csv"
    leads.write_text("Phone,First name\n+15005550001,Bad\n", encoding="utf-8")  # refused: 21211
    export = tmp_path / "export.csv"
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sandbox:
        env = {
            **bare_env,
            "TEXTDESK_DB": f"sqlite:///{tmp_path / 'frozen.db'}",
            "TWILIO_ACCOUNT_SID": sandbox.account_sid,
            "TWILIO_AUTH_TOKEN": sandbox.auth_token,
            "TEXTDESK_TWILIO_API_URL": sandbox.base_url,
            "TEXTDESK_FROM": sandbox.phone_number,
            "TEXTDESK_HTTP_TIMEOUT": "1",
            "TEXTDESK_KEYRING": "off",
            # The test runs the frozen worker itself: `sequences create` starts no service.
            "TEXTDESK_SERVICE": "off",
        }
        create = ("sequences", "create", "--name", "Frozen", "--all", "--delay", "1s")
        steps = ("--step", "Hello. Reply STOP to opt out", "--step", "Still there?")
        for args in (
            ("leads", "import", str(leads)),
            ("settings", "set", "quiet_hours", "off"),
            (*create, *steps),
            ("worker", "--until-idle"),
        ):
            assert_clean(run_frozen(env, *args))
        listed = run_frozen(env, "sequences", "list", "--json")
        assert_clean(listed)
        (sequence,) = json.loads(listed.stdout)
        assert_clean(run_frozen(env, "export", str(sequence["id"]), "--out", str(export)))
    assert sequence["counts"]["error"] == 1 and sequence["counts"]["canceled"] == 1
    text = export.read_text(encoding="utf-8-sig")
    assert "21211" in text and explain(21211).title in text, text


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_frozen_app_works_on_a_team_database(
    onedir: Path, bare_env: dict[str, str], tmp_path: Path
) -> None:
    """Team mode needs no extra install: the bundle carries psycopg and its libpq (the
    machine running this has no PostgreSQL client library on the app's path)."""
    from tests.databases import admin_url, fresh_database, make_template

    admin = admin_url()
    if admin is None:
        pytest.skip("no PostgreSQL server (scripts/test.sh starts one)")
    make_template(admin)
    leads = tmp_path / "leads.csv"
    leads.write_text("Phone,First name\n+14155550160,Ana\n", encoding="utf-8")
    databases = fresh_database(admin)
    url = next(databases)
    try:
        env = {**bare_env, "TEXTDESK_DB": url, "TEXTDESK_KEYRING": "off"}
        assert_clean(run_frozen(env, "leads", "import", str(leads)))
        listed = run_frozen(env, "leads", "list", "--json")
        assert_clean(listed)
        assert [lead["phone"] for lead in json.loads(listed.stdout)] == ["+14155550160"]
    finally:
        databases.close()


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_bundle_contents(onedir: Path) -> None:
    internal = onedir / "_internal"
    migrations = internal / "desktop" / "models" / "migrations"
    for source in (ROOT / "desktop" / "models" / "migrations").rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts:
            relative = source.relative_to(ROOT / "desktop" / "models" / "migrations")
            assert (migrations / relative).is_file(), f"migration file {relative} not bundled"
    for source in (ROOT / "resources").rglob("*"):
        if source.is_file():
            relative = source.relative_to(ROOT)
            assert (internal / relative).is_file(), f"{relative} not bundled"
    assert (internal / f"textdesk-{VERSION}.dist-info" / "METADATA").is_file()
    names = [path.name for path in internal.rglob("*")]
    assert not [name for name in names if UNWANTED.search(name)], "an excluded Qt module is in"
    assert any(name.startswith("libQt6Widgets") for name in names)
    assert not (internal / "PySide6" / "Qt" / "translations").exists()


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_linux_tarball(onedir: Path) -> None:
    if sys.platform != "linux":
        pytest.skip("the tarball is the Linux artifact")
    tarball = DIST / f"textdesk-{VERSION}-linux-{os.uname().machine}.tar.gz"
    top = f"textdesk-{VERSION}"
    with tarfile.open(tarball) as archive:
        members = {member.name: member for member in archive.getmembers()}
        desktop_entry = archive.extractfile(members[f"{top}/textdesk.desktop"])
        assert desktop_entry is not None
        entry = desktop_entry.read().decode()
    for name in ("textdesk/textdesk", "textdesk.desktop", "textdesk.png", "INSTALL.txt"):
        assert f"{top}/{name}" in members, name
    assert members[f"{top}/textdesk/textdesk"].mode & 0o111
    assert all(name == top or name.startswith(top + "/") for name in members)
    assert "\nExec=textdesk\n" in entry and "\nIcon=textdesk\n" in entry
