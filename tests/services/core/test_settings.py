"""Settings: validation, defaults, env overrides, and the token kept out of the database."""

import os
import sqlite3
import stat
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.core.settings import SPECS

TOKEN = "0123456789abcdef0123456789abcdef"


def test_defaults(ctx: Context) -> None:
    config = ctx.settings.config()
    assert config.rate_limit == 1.0
    assert config.quiet_hours == (time(8, 0), time(21, 0))
    assert config.carrier_window == timedelta(hours=48)
    assert config.delivery_unknown_after == timedelta(hours=72)
    assert config.price_per_segment == Decimal("0.0079")
    assert config.default_region == "US"
    assert not config.has_credentials


def test_design_keys_are_all_there() -> None:
    assert set(SPECS) == {
        "twilio_account_sid",
        "twilio_auth_token",
        "sender",
        "twilio_api_url",
        "rate_limit",
        "quiet_hours",
        "carrier_window",
        "delivery_unknown_after",
        "poll_interval",
        "price_per_segment",
        "default_region",
        "start_at_login",
    }


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("rate_limit", "30", 30.0),
        ("rate_limit", "0.5", 0.5),
        ("quiet_hours", "off", None),
        ("quiet_hours", "09:30-17:00", (time(9, 30), time(17, 0))),
        ("quiet_hours", "22:00-06:00", (time(22, 0), time(6, 0))),
        ("carrier_window", "3d", timedelta(days=3)),
        ("delivery_unknown_after", "90s", timedelta(seconds=90)),
        ("poll_interval", "15s", timedelta(seconds=15)),
        ("price_per_segment", "0.0083", Decimal("0.0083")),
        ("default_region", "gb", "GB"),
        ("sender", "+15005550006", "+15005550006"),
        ("sender", "MG" + "a" * 32, "MG" + "a" * 32),
        ("twilio_api_url", "http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("twilio_account_sid", "AC" + "0" * 32, "AC" + "0" * 32),
    ],
)
def test_round_trip(ctx: Context, key: str, value: str, expected: object) -> None:
    ctx.settings.set(key, value)
    assert ctx.settings.get(key) == expected
    reopened = Context.open(ctx.db.url)
    assert reopened.settings.get(key) == expected
    reopened.close()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("rate_limit", "0"),
        ("rate_limit", "101"),
        ("rate_limit", "fast"),
        ("quiet_hours", "8-21"),
        ("quiet_hours", "25:00-26:00"),
        ("quiet_hours", "09:00-09:00"),
        ("carrier_window", "soon"),
        ("carrier_window", "0s"),
        ("price_per_segment", "-1"),
        ("price_per_segment", "NaN"),
        ("default_region", "XX"),
        ("sender", "5551234"),
        ("twilio_api_url", "ftp://x"),
        ("twilio_account_sid", "AB123"),
        ("twilio_auth_token", "short"),
        ("nonsense_key", "1"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(ctx: Context, key: str, value: str) -> None:
    before = {k: ctx.settings.raw(k) for k in SPECS}
    with pytest.raises(UserError):
        ctx.settings.set(key, value)
    assert {k: ctx.settings.raw(k) for k in SPECS} == before


def test_token_never_lands_in_the_database(ctx: Context, db_url: str) -> None:
    ctx.settings.set("twilio_auth_token", TOKEN)
    assert ctx.settings.get("twilio_auth_token") == TOKEN
    assert TOKEN not in ctx.settings.display("twilio_auth_token")
    assert ctx.settings.display("twilio_auth_token").endswith("cdef")
    assert TOKEN not in repr(ctx.settings.config())
    ctx.db.dispose()
    file = Path(db_url.removeprefix("sqlite:///"))
    for path in file.parent.glob(file.name + "*"):  # the db, its -wal and -shm
        assert TOKEN.encode() not in path.read_bytes()
    with sqlite3.connect(file) as raw:
        assert raw.execute("select count(*) from settings where key like '%token%'").fetchone() == (
            0,
        )
    secrets = ctx.settings.secrets.file
    assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o600
    assert "readable only by you" in ctx.settings.secrets.describe()


def test_clearing_the_token(ctx: Context) -> None:
    ctx.settings.set("twilio_auth_token", TOKEN)
    ctx.settings.set("twilio_auth_token", "")
    assert ctx.settings.get("twilio_auth_token") == ""


def test_environment_wins(ctx: Context, monkeypatch) -> None:
    ctx.settings.set("sender", "+15005550006")
    monkeypatch.setenv("TEXTDESK_FROM", "+15005550007")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    config = ctx.settings.config()
    assert config.sender == "+15005550007"
    assert config.has_credentials


def test_bad_stored_value_falls_back_to_default(ctx: Context) -> None:
    from desktop.models import Setting

    with ctx.db.write() as session:
        session.add(Setting(key="rate_limit", value="banana"))
    assert ctx.settings.get("rate_limit") == 1.0
