"""Fixtures for windows with a real sending service: a database whose Twilio is a carrier
sandbox in the test's process (its ledger is what the sandbox received), credentials in the
environment so the service processes the window starts use it too, login entries in the
test's folder; registered with `pytest_plugins = ("tests.ui.shell.service_fixtures",)`.
Every service started is stopped afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.app import TextDeskApp
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.engine.service_control import service_state, stop_service
from tests.engine_helpers import fast_settings, worker_env
from tests.ui.shell.service_helpers import Sending


@pytest.fixture
def sending(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sending]:
    url = f"sqlite:///{tmp_path / 'window.db'}"
    ctx = Context.open(url)
    fast_settings(ctx, rate_limit="5")
    with CarrierSandbox(SandboxConfig.fast(seed=7)) as sandbox:
        env = worker_env(url, sandbox)
        env.pop("TEXTDESK_SERVICE")  # the window starts the service, as it does for users
        env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # login entries land here
        env["QT_QPA_PLATFORM"] = "offscreen"
        for name in (
            "TWILIO_ACCOUNT_SID",
            "TWILIO_AUTH_TOKEN",
            "TEXTDESK_TWILIO_API_URL",
            "TEXTDESK_FROM",
            "TEXTDESK_HTTP_TIMEOUT",
            "XDG_CONFIG_HOME",
        ):
            monkeypatch.setenv(name, env[name])
        monkeypatch.delenv("TEXTDESK_SERVICE", raising=False)
        monkeypatch.delenv("TEXTDESK_DB", raising=False)
        try:
            yield Sending(url, ctx, sandbox, tmp_path, env)
        finally:
            stopped, _sentence = stop_service(ctx)
            pid = None if stopped else _pid(ctx)
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            ctx.close()


def _pid(ctx: Context) -> int | None:
    state = service_state(ctx)
    return state.holder.pid if state.holder is not None else None


@pytest.fixture
def windows(qtbot) -> Iterator[list[TextDeskApp]]:  # type: ignore[no-untyped-def]
    built: list[TextDeskApp] = []
    yield built
    for app in built:
        app.shutdown()
