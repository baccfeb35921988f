"""This process and others on this host: is the process that wrote a row still running?

Leases and preparations record their process (host, pid, start time); a row written by a
process of this host that is gone (killed, crashed, or whose pid now belongs to another
program) can be acted on at once, without waiting for an expiry.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path


def _stat_fields(pid: int) -> list[str]:
    """Fields 3 onwards of /proc/<pid>/stat ([] where there is no /proc). The command
    name before them is in parentheses and may itself hold spaces or parentheses."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return stat[stat.rfind(")") + 2 :].split()


def process_started(pid: int) -> str:
    """When process `pid` started, as the kernel counts it ("" where that is unknown)."""
    fields = _stat_fields(pid)
    return fields[19] if len(fields) > 19 else ""


def process_alive(pid: int, started: str) -> bool:
    """Whether process `pid` of this host still runs and is the one that started then."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    except OSError:
        return True  # a platform without signal 0: rely on the expiry
    fields = _stat_fields(pid)
    if fields and fields[0] in ("Z", "X"):
        return False  # exited, not yet reaped by its parent
    return not started or process_started(pid) in ("", started)


@dataclass(frozen=True)
class Process:
    host: str
    pid: int
    started: str

    def token(self) -> str:
        return f"{self.host} {self.pid} {self.started}"

    @staticmethod
    def from_token(token: str) -> Process | None:
        parts = token.split(" ")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        return Process(parts[0], int(parts[1]), parts[2])

    def gone(self) -> bool:
        """Known to be gone: of this host, and no longer running (unknowable elsewhere)."""
        return self.host == this_process().host and not process_alive(self.pid, self.started)


@cache
def _identity(pid: int) -> Process:
    return Process(socket.gethostname(), pid, process_started(pid))


def this_process() -> Process:
    return _identity(os.getpid())  # keyed by pid: a forked child is another process
