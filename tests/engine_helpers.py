"""Building an engine against a carrier sandbox, with durations short enough for tests."""

import os
import time
from datetime import timedelta

from desktop.sandbox import CarrierSandbox
from desktop.services.core.context import Context
from desktop.services.engine.engine import Engine
from desktop.services.twilio.connection import Connection
from desktop.services.twilio.gateway import Gateway, RetryPolicy
from tests.waiting import wait_until

FAST_SETTINGS = {
    "quiet_hours": "off",
    "rate_limit": "100",
    "poll_interval": "1s",
    "delivery_unknown_after": "2s",
    "carrier_window": "3s",
}


def fast_settings(ctx: Context, **overrides: str) -> None:
    ctx.settings.set_many({**FAST_SETTINGS, **overrides})


def sandbox_gateway(sandbox: CarrierSandbox, timeout: float = 1.0, attempts: int = 4) -> Gateway:
    return Gateway(
        sandbox.account_sid,
        sandbox.auth_token,
        api_url=sandbox.base_url,
        timeout=timeout,
        retry=RetryPolicy(attempts=attempts, base_delay=0.01, max_delay=0.05),
    )


def make_engine(ctx: Context, sandbox: CarrierSandbox, **kwargs) -> Engine:
    kwargs.setdefault("reconcile_grace", timedelta(seconds=2.5))
    connection = Connection(sandbox_gateway(sandbox), sandbox.phone_number)
    return Engine(ctx, connection, **kwargs)


def drive(engine: Engine, deadline: float = 60.0) -> float:
    """Run passes until every sequence is Done/Canceled/Paused; returns the seconds taken."""
    start = time.monotonic()
    engine.startup()

    def one_pass() -> bool:
        engine.run_once()
        return engine.is_idle()

    wait_until(one_pass, timeout=deadline, what="the engine going idle")
    return time.monotonic() - start


def worker_env(db_url: str, sandbox: CarrierSandbox) -> dict[str, str]:
    """Environment for a `textdesk` subprocess talking to `sandbox` as if it were Twilio."""
    env = dict(os.environ)
    env.update(
        TEXTDESK_DB=db_url,
        TWILIO_ACCOUNT_SID=sandbox.account_sid,
        TWILIO_AUTH_TOKEN=sandbox.auth_token,
        TEXTDESK_TWILIO_API_URL=sandbox.base_url,
        TEXTDESK_FROM=sandbox.phone_number,
        TEXTDESK_HTTP_TIMEOUT="1",
        TEXTDESK_KEYRING="off",
        # The test runs its own workers: `sequences create` must not start a service.
        TEXTDESK_SERVICE="off",
    )
    return env


def lease_of_another_desktop(ctx: Context, sender: str, minutes: float = 5) -> None:
    """The lease a service on the desktop "front-desk" (user anna) holds for `sender` for
    `minutes` more (another computer: its pid means nothing here, only its expiry can free
    the sender)."""
    from desktop.models import EngineLease

    now = ctx.now()
    with ctx.db.write() as session:
        session.merge(
            EngineLease(
                sender=sender,
                owner_id="f" * 16,
                host="front-desk",
                pid=4321,
                process_started="",
                role="service",
                user_name="anna",
                since=now,
                heartbeat_at=now,
                expires_at=now + timedelta(minutes=minutes),
            )
        )
