"""Start the sending service when the user logs in, so scheduled texts go out after a
reboot without anyone opening TextDesk.

One entry per database runs `textdesk --db URL service start` (no window): it starts the
service, which exits by itself when nothing is left to send or track. Where it is written:

- Linux and other XDG desktops: `$XDG_CONFIG_HOME/autostart/textdesk-service.desktop`
  (`~/.config` when unset). Tested.
- Windows: a value under `HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`.
  Written, untested on Windows (see packaging/README.md).
- macOS: `~/Library/LaunchAgents/com.textdesk.service.plist` (RunAtLoad). Written, untested on
  macOS (see packaging/README.md).

The default database's entry has the plain names above; any other database's gets a short
hash of its URL appended, so removing one never removes another. Plain Python, no Qt: the
window decides when (the `start_at_login` setting), this module only writes and removes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

NAME = "textdesk-service"
LABEL = "TextDesk sending service"
MAC_LABEL = "com.textdesk.service"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class LoginEntry(Protocol):
    """One platform's way of running a command at login."""

    @property
    def where(self) -> str:
        """Where the entry lives, in words (for logs and the settings hint)."""
        ...

    def current(self) -> bool:
        """Present, and runs exactly our command."""
        ...

    def present(self) -> bool: ...

    def install(self) -> None: ...

    def remove(self) -> None: ...


def _desktop_quote(argument: str) -> str:
    """An Exec argument per the Desktop Entry spec: quoted when it holds a reserved
    character, with ", `, $ and \\ escaped inside the quotes; the string-value escape then
    doubles every backslash again. % is the field-code character: %% is a literal one."""
    argument = argument.replace("%", "%%")
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    if argument and not (set(argument) & reserved):
        return argument
    inner = "".join("\\" + ch if ch in '"`$\\' else ch for ch in argument)
    return '"' + inner.replace("\\", "\\\\") + '"'


@dataclass(frozen=True)
class XdgAutostart:
    path: Path
    command: tuple[str, ...]
    database: str  # shown in the entry's comment, without a password

    @property
    def where(self) -> str:
        return str(self.path)

    def text(self) -> str:
        exec_line = " ".join(_desktop_quote(arg) for arg in self.command)
        return (
            "[Desktop Entry]\n"
            "Type=Application\n"
            f"Name={LABEL}\n"
            "Comment=Sends scheduled TextDesk texts in the background (no window); "
            f"database {self.database}\n"
            f"Exec={exec_line}\n"
            "Terminal=false\n"
            "NoDisplay=true\n"
            "X-GNOME-Autostart-enabled=true\n"
        )

    def present(self) -> bool:
        return self.path.exists()

    def current(self) -> bool:
        try:
            return self.path.read_text(encoding="utf-8") == self.text()
        except OSError:
            return False

    def install(self) -> None:
        _write_private(self.path, self.text().encode("utf-8"))

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class LaunchAgent:
    path: Path
    label: str
    command: tuple[str, ...]

    @property
    def where(self) -> str:
        return str(self.path)

    def data(self) -> bytes:
        import plistlib  # macOS only

        plist = {
            "Label": self.label,
            "ProgramArguments": list(self.command),
            "RunAtLoad": True,
            # `service start` detaches the service and returns: nothing to keep alive.
            "KeepAlive": False,
            "ProcessType": "Background",
        }
        return plistlib.dumps(plist)

    def present(self) -> bool:
        return self.path.exists()

    def current(self) -> bool:
        try:
            return self.path.read_bytes() == self.data()
        except OSError:
            return False

    def install(self) -> None:
        _write_private(self.path, self.data())

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class WindowsRunKey:
    name: str
    command: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"HKEY_CURRENT_USER\\{RUN_KEY} ({self.name})"

    def value(self) -> str:
        return subprocess.list2cmdline(self.command)

    def _read(self) -> str | None:
        if sys.platform != "win32":
            raise OSError("the Run key exists on Windows only")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                value, _kind = winreg.QueryValueEx(key, self.name)
        except OSError:
            return None
        return str(value)

    def present(self) -> bool:
        return self._read() is not None

    def current(self) -> bool:
        return self._read() == self.value()

    def install(self) -> None:
        if sys.platform != "win32":
            raise OSError("the Run key exists on Windows only")
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            winreg.SetValueEx(key, self.name, 0, winreg.REG_SZ, self.value())

    def remove(self) -> None:
        if sys.platform != "win32":
            raise OSError("the Run key exists on Windows only")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, self.name)
        except FileNotFoundError:
            pass


def _write_private(path: Path, data: bytes) -> None:
    """Written whole (temp file, then rename) and readable by the user only: the command
    names the database, whose URL may carry a password."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(temp, path)


def login_command(service_command: Sequence[str]) -> tuple[str, ...]:
    """`... service start` from the command that runs the service (`... service run`,
    see service_control.service_command, which knows the frozen executable): at login the
    service is started detached, and the entry's own process returns at once."""
    command = list(service_command)
    where = command.index("run", command.index("service"))
    command[where] = "start"
    if sys.platform == "win32" and Path(command[0]).name.lower() == "python.exe":
        # From source on Windows: pythonw opens no console window at login.
        windowless = Path(command[0]).with_name("pythonw.exe")
        if windowless.exists():
            command[0] = str(windowless)
    return tuple(command)


def entry_name(db_url: str, default_url: str) -> str:
    """The default database's entry is plain; another database's carries a hash of it."""
    if db_url == default_url:
        return NAME
    return f"{NAME}-{hashlib.sha256(db_url.encode()).hexdigest()[:8]}"


def login_entry(
    command: Sequence[str],
    *,
    name: str,
    database: str,
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    home: Path | None = None,
) -> LoginEntry:
    """This platform's entry that runs `command` at login."""
    home = home or Path.home()
    if platform == "win32":
        suffix = name.removeprefix(NAME)
        return WindowsRunKey(f"TextDesk sending service{suffix}", tuple(command))
    if platform == "darwin":
        label = MAC_LABEL + name.removeprefix(NAME).replace("-", ".")
        return LaunchAgent(
            home / "Library" / "LaunchAgents" / f"{label}.plist", label, tuple(command)
        )
    config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    return XdgAutostart(config / "autostart" / f"{name}.desktop", tuple(command), database)


def apply(entry: LoginEntry, wanted: bool) -> bool:
    """Write (or rewrite, if its command changed) or remove the entry; True if it changed."""
    if wanted and not entry.current():
        entry.install()
        return True
    if not wanted and entry.present():
        entry.remove()
        return True
    return False
