"""Which Twilio the engine talks to: the real API, an overridden URL, or the built-in
carrier sandbox (demo mode, the default without credentials)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.core.database_kind import require_demo, require_real
from desktop.services.core.errors import UserError
from desktop.services.twilio.gateway import Gateway, GatewayError, Refused, RetryPolicy
from desktop.services.twilio.refusals import describe, is_account_problem

log = logging.getLogger(__name__)


@dataclass
class Connection:
    gateway: Gateway
    default_sender: str
    sandbox: CarrierSandbox | None = None

    @property
    def demo(self) -> bool:
        return self.sandbox is not None

    def describe(self) -> str:
        if self.sandbox is not None:
            return "demo: messages are simulated by the built-in carrier sandbox"
        url = self.gateway.http.rewrite("https://api.twilio.com")
        return f"Twilio at {url}"

    def close(self) -> None:
        self.gateway.close()
        if self.sandbox is not None:
            self.sandbox.stop()


def _env_timeout() -> float | None:
    """TEXTDESK_HTTP_TIMEOUT (seconds) shortens Twilio request timeouts, for tests."""
    try:
        value = float(os.environ.get("TEXTDESK_HTTP_TIMEOUT", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def demo_sandbox_config() -> SandboxConfig:
    """Demo delays: quick enough that the first delivery shows within seconds of the first
    start, slow enough to see each bucket fill."""
    return SandboxConfig(
        seed=2026,
        accepted_to_queued=(0.1, 0.4),
        queued_to_sending=(0.2, 0.8),
        sending_to_sent=(0.2, 0.8),
        sent_to_final=(1.0, 6.0),
    )


def open_connection(
    ctx: Context,
    *,
    demo: bool = False,
    sandbox_config: SandboxConfig | None = None,
    sandbox_state: Path | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
) -> Connection:
    """The built-in sandbox on a demo database (`demo`), else Twilio with the credentials of
    the settings; raises UserError rather than ever simulating on real data, texting the
    demo's made-up leads for real, or starting without credentials or a sender."""
    config = ctx.settings.config()
    kwargs = {"retry": retry} if retry else {}
    timeout = timeout or _env_timeout()
    if timeout:
        kwargs["timeout"] = timeout  # type: ignore[assignment]
    if not demo:
        if not config.has_credentials:
            raise UserError(
                "no Twilio credentials: set them in Settings or with `textdesk settings set`, "
                "or run `--demo`"
            )
        require_real(ctx)
        username, password = config.credentials()  # an API key wins over the auth token
        gateway = Gateway(
            config.twilio_account_sid,
            password,
            username=username,
            api_url=config.twilio_api_url or None,
            **kwargs,  # type: ignore[arg-type]
        )
        return Connection(gateway, config.sender)
    require_demo(ctx)
    sandbox = CarrierSandbox(
        sandbox_config or demo_sandbox_config(), state_file=sandbox_state
    ).start()
    gateway = Gateway(sandbox.account_sid, sandbox.auth_token, api_url=sandbox.base_url, **kwargs)  # type: ignore[arg-type]
    log.info("demo mode: carrier sandbox at %s", sandbox.base_url)
    return Connection(gateway, sandbox.phone_number, sandbox)


def account_problem(connection: Connection) -> str | None:
    """One line when Twilio refuses this account outright (credentials, a suspended or
    closed account), checked before anything is sent; None when it answers, or cannot be
    reached now (the engine retries on its own)."""
    if connection.demo:
        return None
    try:
        account = connection.gateway.fetch_account()
    except Refused as exc:
        if is_account_problem(exc):
            return describe("this account", exc)
        return None
    except GatewayError:
        return None
    if account.status and account.status != "active":
        return (
            f"the Twilio account {account.sid} is {account.status}: sending is stopped until "
            "it is active again (Twilio Console, Account)"
        )
    return None


def sandbox_state_file(ctx: Context) -> Path | None:
    """Where the demo's sandbox keeps its messages between runs: beside the demo database,
    so a restart still answers for the messages in the Outbox."""
    from desktop.models.db import sqlite_file

    file = sqlite_file(ctx.db.url)
    return None if file is None else file.with_name(f"{file.stem}.sandbox.json")
