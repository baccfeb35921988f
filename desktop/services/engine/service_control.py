"""Starting, stopping and asking about the sending service from another process: the CLI,
the window, `sequences create`.

The service of a database is the engine holding its senders' leases with the role
"service"; everything here reads the leases, so it works from any process on any desktop.

`service stop` is remembered (per desktop, in the database) until something starts the
service again: a window open on the database then does not start it again by itself, as it
does after a crash, but only when the user gives it work there.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from desktop.models import SequenceCounter
from desktop.services.core import ui_prefs
from desktop.services.core.context import Context
from desktop.services.core.processes import this_process
from desktop.services.engine.leases import Holder, holders

START_TIMEOUT = 15.0
STOP_TIMEOUT = 15.0
AUTOSTART_ENV = "TEXTDESK_SERVICE"  # "off": never start the service by itself (scripts)
STOP_REQUEST_KEY = "service_stop_requested"  # per desktop: when, until the next start


@dataclass(frozen=True)
class ServiceState:
    running: bool  # the service of this computer
    holder: Holder | None  # that service, or else whichever engine holds the database
    database: str
    in_queue: int
    outbox: int
    # Every live lease: in team mode, which desktop sends for which sender.
    team: tuple[Holder, ...] = ()
    # When `service stop` stopped this desktop's service, if nothing started it since.
    stop_requested: datetime | None = None

    def senders_elsewhere(self) -> list[Holder]:
        """The senders another computer sends for."""
        return [h for h in self.team if not h.here]

    @property
    def problem(self) -> str | None:
        if self.holder is None:
            return None
        if not self.running:
            return f"not the service: {self.holder.describe()} is sending for this database"
        return self.holder.problem

    def as_json(self) -> dict[str, Any]:
        service = self.holder if self.running else None
        return {
            "running": self.running,
            "pid": service.pid if service else None,
            "host": service.host if service else None,
            "since": service.since.isoformat() if service else None,
            "database": self.database,
            "in_queue": self.in_queue,
            "outbox": self.outbox,
            "problem": self.problem,
            # Team mode: the senders other desktops send for.
            "elsewhere": [
                {"sender": h.sender, "desktop": h.host, "user": h.user_name}
                for h in self.senders_elsewhere()
            ],
        }

    def describe(self) -> str:
        if self.running and self.holder is not None:
            line = f"The sending service is running: {self.holder.describe()}."
        elif self.holder is not None:
            line = f"The sending service is not running; {self.holder.describe()} is sending."
        else:
            line = "The sending service is not running."
        if not self.running and self.stop_requested is not None:
            line += f" Stopped on request at {self.stop_requested.astimezone():%H:%M}."
        line += f" In-queue: {self.in_queue}, Outbox: {self.outbox}."
        for holder in self.senders_elsewhere():
            line += f" {holder.sender} is sent from by {holder.describe()}."
        problem = self.holder.problem if self.holder else None
        return f"{line} Problem: {problem}" if problem else line


def shown_url(url: str) -> str:
    """The database URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL we can parse: show it as given
        return url


def service_state(ctx: Context) -> ServiceState:
    live = holders(ctx)
    # The service of this computer: another desktop's service does not send for our
    # senders, nor can we stop it.
    service = next((h for h in live if h.role == "service" and h.here), None)
    holder = service or (live[0] if live else None)
    with ctx.db.read() as session:
        in_queue, outbox = session.execute(
            select(
                func.coalesce(func.sum(SequenceCounter.in_queue), 0),
                func.coalesce(func.sum(SequenceCounter.outbox), 0),
            )
        ).one()
        requested = ui_prefs.value_in(session, _stop_request_key())
    return ServiceState(
        running=service is not None,
        holder=holder,
        database=shown_url(ctx.db.url),
        in_queue=int(in_queue),
        outbox=int(outbox),
        team=tuple(live),
        stop_requested=ui_prefs.moment(requested),
    )


def _stop_request_key() -> str:
    return ui_prefs.desktop_key(STOP_REQUEST_KEY, this_process().host)


def forget_stop_request(ctx: Context) -> None:
    """A service of this desktop started: an earlier `service stop` is over."""
    ui_prefs.clear_value(ctx, _stop_request_key())


def service_command(db_url: str, demo: bool) -> list[str]:
    """How to run `textdesk service run` for `db_url`: the frozen executable runs itself."""
    if getattr(sys, "frozen", False):
        command = [sys.executable]
    else:
        command = [sys.executable, "-m", "desktop"]
    command += ["--db", db_url, "service", "run"]
    return command + (["--demo"] if demo else [])


@dataclass(frozen=True)
class Started:
    state: ServiceState
    started: bool  # False: one was running already (or another engine holds the database)
    error: str | None = None


def start_service(ctx: Context, *, demo: bool = False) -> Started:
    """Start the service for `ctx`'s database, detached, unless an engine holds it already;
    returns once the service holds the database (or failed, with its one-line error)."""
    state = service_state(ctx)
    if state.running or (state.holder is not None and not _senders_free(ctx, state, demo)):
        return Started(state, started=False)
    log = Path(tempfile.mkstemp(prefix="textdesk-service-", suffix=".err")[1])
    try:
        with log.open("w") as errors:
            # A session of its own: the service outlives the window or terminal that
            # started it, and their SIGHUP/SIGINT; no inherited descriptors.
            process = subprocess.Popen(
                service_command(ctx.db.url, demo),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                close_fds=True,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            state = service_state(ctx)
            if state.running:
                return Started(
                    state, started=state.holder is not None and state.holder.pid == process.pid
                )
            code = process.poll()
            if code is not None:
                lines = log.read_text(errors="replace").strip().splitlines()
                reason = lines[-1] if lines else f"it exited with code {code}"
                return Started(state, started=False, error=reason.removeprefix("textdesk: error: "))
            time.sleep(0.1)
        return Started(service_state(ctx), started=False, error="it did not start within 15 s")
    finally:
        log.unlink(missing_ok=True)


def _senders_free(ctx: Context, state: ServiceState, demo: bool) -> bool:
    """Team mode: whether a sender this desktop would send for is held by nobody (another
    desktop holds the others). The demo is never shared."""
    if demo:
        return False
    from desktop.services.core.account import account_of
    from desktop.services.engine.engine import senders_wanted

    held = {h.sender for h in state.team}
    wanted = senders_wanted(ctx, account_of(ctx), ctx.settings.config().sender)
    return bool(wanted - held)


def ensure_service(ctx: Context, *, demo: bool = False) -> Started | None:
    """After a user action that gives the engine work (create, resume): start the service
    unless one runs, or the environment says scripts run their own worker."""
    if os.environ.get(AUTOSTART_ENV, "").lower() in ("off", "0", "no", "false"):
        return None
    return start_service(ctx, demo=demo)


def stop_service(ctx: Context) -> tuple[bool, str]:
    """Ask the service on this host to stop, and wait up to 15 s; (stopped?, sentence)."""
    state = service_state(ctx)
    holder = state.holder if state.running else None
    if holder is not None and holder.host != this_process().host:
        return False, f"the service runs on {holder.host}: stop it there"
    # Remembered first: a window open on this database must not take the stop for a crash
    # and start the service again.
    ui_prefs.set_value(ctx, _stop_request_key(), ctx.now().isoformat())
    if holder is None:
        return True, "The sending service is not running."
    with contextlib.suppress(ProcessLookupError):
        os.kill(holder.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        if not service_state(ctx).running:
            return True, f"Stopped the sending service (pid {holder.pid})."
        time.sleep(0.1)
    return False, f"the service (pid {holder.pid}) did not stop within 15 s"
