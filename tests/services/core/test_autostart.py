"""The login entry that starts the sending service: written, rewritten when its command
changes, and removed, on Linux (XDG autostart); the macOS and Windows forms as written."""

from __future__ import annotations

import plistlib
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.services.core import autostart
from desktop.services.engine.service_control import service_command

URL = "sqlite:////home/ann/My Data/textdesk.db"


def test_the_xdg_entry_is_written_and_removed(tmp_path: Path) -> None:
    command = autostart.login_command(service_command(URL, demo=False))
    assert command[-2:] == ("service", "start") and "run" not in command
    entry = autostart.login_entry(
        command,
        name="textdesk-service",
        database=URL,
        platform="linux",
        environ={"XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    path = tmp_path / "config" / "autostart" / "textdesk-service.desktop"
    assert entry.where == str(path)
    assert not entry.present()
    assert autostart.apply(entry, True) is True
    assert path.exists() and entry.current()
    assert path.stat().st_mode & 0o077 == 0  # the user's alone: the URL may hold a password
    text = path.read_text()
    assert "Type=Application" in text and "Terminal=false" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    # The Exec line unquotes to the very command (the space in the path survives).
    assert shlex.split(exec_line.removeprefix("Exec=")) == list(command)
    assert autostart.apply(entry, True) is False  # already there: nothing to do
    path.write_text(text.replace("service start", "service run"))  # an older, other command
    assert not entry.current() and autostart.apply(entry, True) is True and entry.current()
    assert autostart.apply(entry, False) is True
    assert not path.exists()
    assert autostart.apply(entry, False) is False


def test_the_entry_runs_the_service_start_command(tmp_path: Path) -> None:
    """What the desktop runs at login starts the service and returns (here: it refuses a
    database without credentials in one line, exit 2, which shows the command is whole)."""
    db = tmp_path / "login.db"
    command = autostart.login_command(service_command(f"sqlite:///{db}", demo=False))
    done = subprocess.run(list(command), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "no Twilio credentials" in done.stderr and "Traceback" not in done.stderr


def test_the_frozen_build_runs_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/TextDesk/textdesk")
    command = autostart.login_command(service_command(URL, demo=False))
    assert command == ("/opt/TextDesk/textdesk", "--db", URL, "service", "start")


def test_one_entry_per_database() -> None:
    default = "sqlite:////home/ann/.local/share/TextDesk/textdesk.db"
    assert autostart.entry_name(default, default) == "textdesk-service"
    other = autostart.entry_name(URL, default)
    assert other.startswith("textdesk-service-") and other != autostart.entry_name("x", default)


def test_the_macos_launch_agent(tmp_path: Path) -> None:
    command = ("/Applications/TextDesk.app/Contents/MacOS/textdesk", "service", "start")
    entry = autostart.login_entry(
        command, name="textdesk-service", database=URL, platform="darwin", home=tmp_path
    )
    assert entry.where.endswith("Library/LaunchAgents/com.textdesk.service.plist")
    autostart.apply(entry, True)
    plist = plistlib.loads(Path(entry.where).read_bytes())
    assert plist["ProgramArguments"] == list(command)
    assert plist["RunAtLoad"] is True and plist["Label"] == "com.textdesk.service"
    autostart.apply(entry, False)
    assert not Path(entry.where).exists()


def test_the_windows_run_value() -> None:
    command = (r"C:\Program Files\TextDesk\textdesk.exe", "--db", URL, "service", "start")
    entry = autostart.login_entry(
        command, name="textdesk-service-1a2b3c4d", database=URL, platform="win32"
    )
    assert isinstance(entry, autostart.WindowsRunKey)
    assert entry.name == "TextDesk sending service-1a2b3c4d"
    assert entry.value() == (
        r'"C:\Program Files\TextDesk\textdesk.exe" --db "sqlite:////home/ann/My Data/'
        r'textdesk.db" service start'
    )
    assert "CurrentVersion\\Run" in entry.where
