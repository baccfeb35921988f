"""Settings: validation, defaults, env overrides, and the token kept out of the database."""

import os
import sqlite3
import stat
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.models import Setting
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
    assert set(SPECS) >= {
        "twilio_account_sid",
        "twilio_auth_token",
        "twilio_api_key",
        "twilio_api_secret",
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
        ("twilio_auth_token", "z" * 32),  # the right length, but a token is hexadecimal
        ("twilio_auth_token", "0" * 33),
        ("twilio_api_key", "SK123"),
        ("twilio_api_key", "AC" + "0" * 32),
        ("twilio_api_secret", "short"),
        ("twilio_api_secret", "a-b" + "c" * 29),
        ("carrier_window", "99999999999d"),
        ("carrier_window", "31d"),
        ("delivery_unknown_after", "9" * 400 + "s"),
        ("poll_interval", "5w"),
        ("nonsense_key", "1"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(ctx: Context, key: str, value: str) -> None:
    before = {k: ctx.settings.raw(k) for k in SPECS}
    with pytest.raises(UserError):
        ctx.settings.set(key, value)
    assert {k: ctx.settings.raw(k) for k in SPECS} == before


@pytest.mark.sqlite_only  # reads the SQLite file byte by byte (both: test_settings.py)
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


# -- bounds on durations -----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["carrier_window", "delivery_unknown_after", "poll_interval"])
def test_windows_are_bounded_to_30_days(ctx: Context, key: str) -> None:
    ctx.settings.set(key, "30d")
    assert ctx.settings.get(key) == timedelta(days=30)
    with pytest.raises(UserError, match=rf"^{key} must be at most 30d, not '99999999999d'$"):
        ctx.settings.set(key, "99999999999d")
    assert ctx.settings.get(key) == timedelta(days=30)


def test_an_absurd_window_stored_before_the_bound_falls_back_to_the_default(
    ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    # Not a credential: the engine must still run, on the default, and the log says why.
    from desktop.models import Setting

    with ctx.db.write() as session:
        session.add(Setting(key="carrier_window", value="99999999999d"))
    assert ctx.settings.get("carrier_window") == timedelta(hours=48)
    assert "carrier_window must be at most 30d" in caplog.text
    assert ctx.settings.display("carrier_window") == "99999999999d"  # shown as it is, to fix


# -- credentials ---------------------------------------------------------------------------------

SID = "AC" + "13579bdf02468ace" * 2
API_KEY = "SK" + "fedcba9876543210" * 2
API_SECRET = "Zx9" + "aB3" * 9 + "qq"  # 32 letters and digits, not hexadecimal
CREDENTIAL_ENV = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_API_KEY",
    "TWILIO_API_SECRET",
    "TEXTDESK_FROM",
    "TEXTDESK_TWILIO_API_URL",
)


@pytest.fixture(autouse=True)
def no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIAL_ENV:
        monkeypatch.delenv(name, raising=False)


def test_an_api_secret_is_32_letters_and_digits() -> None:
    assert len(API_SECRET) == 32 and API_SECRET.isalnum()


@pytest.mark.parametrize(
    ("variable", "value", "sentence"),
    [
        (
            "TWILIO_ACCOUNT_SID",
            "AC123",
            "the environment variable TWILIO_ACCOUNT_SID must be 'AC' followed by 32 "
            "hexadecimal characters",
        ),
        (
            "TWILIO_AUTH_TOKEN",
            "real-token",
            "the environment variable TWILIO_AUTH_TOKEN must be the 32 hexadecimal characters "
            "of the auth token in the Twilio Console",
        ),
        (
            "TWILIO_API_KEY",
            "SK-nope",
            "the environment variable TWILIO_API_KEY must be the SID of an API key",
        ),
        (
            "TWILIO_API_SECRET",
            "s3cr3t!",
            "the environment variable TWILIO_API_SECRET must be the 32 letters and digits",
        ),
        (
            "TEXTDESK_FROM",
            "my number",
            "the environment variable TEXTDESK_FROM must be a phone number in +E.164 form",
        ),
        (
            "TEXTDESK_TWILIO_API_URL",
            "ftp://x",
            "the environment variable TEXTDESK_TWILIO_API_URL must be an http(s) URL",
        ),
    ],
)
def test_a_malformed_credential_in_the_environment_is_an_error_naming_it(
    ctx: Context,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    variable: str,
    value: str,
    sentence: str,
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(UserError) as raised:
        ctx.settings.config()
    assert str(raised.value).startswith(sentence)
    key = next(spec.key for spec in SPECS.values() if spec.env == variable)
    with pytest.raises(UserError):
        ctx.settings.get(key)
    assert "WARNING" not in caplog.text and "using the default" not in caplog.text
    if SPECS[key].secret:
        assert value not in str(raised.value)  # a secret, even a wrong one, is never shown


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("twilio_account_sid", "AC123"),
        ("sender", "my number"),
        ("twilio_api_url", "ftp://x"),
        ("twilio_api_key", "SK-nope"),
    ],
)
def test_a_malformed_stored_credential_is_an_error_naming_the_setting(
    ctx: Context, key: str, value: str
) -> None:
    # Stored before the rule existed, or edited by hand: the database holds it as text.
    from desktop.models import Setting

    with ctx.db.write() as session:
        session.add(Setting(key=key, value=value))
    with pytest.raises(UserError, match=rf"^the stored setting {key} must be ") as raised:
        ctx.settings.config()
    assert f"`textdesk settings set {key} VALUE`" in str(raised.value)
    assert ctx.settings.display(key) == value  # the dialog can still show it, to be fixed


def test_a_malformed_stored_secret_is_an_error_that_does_not_show_it(ctx: Context) -> None:
    ctx.settings.secrets.set("twilio_auth_token", "not-a-token-at-all")  # stored by 0.1
    with pytest.raises(UserError, match=r"^the stored setting twilio_auth_token must be") as raised:
        ctx.settings.config()
    assert "not-a-token" not in str(raised.value)
    assert "not-a-token" not in ctx.settings.display("twilio_auth_token")


def test_an_auth_token_gives_the_account_sid_and_token(ctx: Context) -> None:
    ctx.settings.set("twilio_account_sid", SID)
    ctx.settings.set("twilio_auth_token", TOKEN.upper())  # the Console shows lower case
    config = ctx.settings.config()
    assert config.has_credentials and config.credential_kind == "auth_token"
    assert config.credentials() == (SID, TOKEN.upper())


def test_an_api_key_is_kept_like_the_token_and_preferred(ctx: Context, db_url: str) -> None:
    ctx.settings.set("twilio_account_sid", SID)
    ctx.settings.set("twilio_auth_token", TOKEN)
    ctx.settings.set("twilio_api_key", API_KEY)
    ctx.settings.set("twilio_api_secret", API_SECRET)
    config = ctx.settings.config()
    assert config.credential_kind == "api_key"
    assert config.credentials() == (API_KEY, API_SECRET)
    assert API_SECRET not in repr(config) and TOKEN not in repr(config)
    assert ctx.settings.display("twilio_api_secret") == "••••••••" + API_SECRET[-4:]
    assert ctx.settings.display("twilio_api_key") == API_KEY  # a SID, not a secret
    ctx.db.dispose()
    file = Path(db_url.removeprefix("sqlite:///"))
    for path in file.parent.glob(file.name + "*"):  # the db, its -wal and -shm
        assert API_SECRET.encode() not in path.read_bytes()
    assert API_SECRET in ctx.settings.secrets.file.read_text(encoding="utf-8")


def test_an_api_key_alone_is_enough_with_the_account_sid(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_API_KEY", API_KEY)
    monkeypatch.setenv("TWILIO_API_SECRET", API_SECRET)
    config = ctx.settings.config()
    assert config.has_credentials and config.credentials() == (API_KEY, API_SECRET)


@pytest.mark.parametrize(
    ("present", "missing"),
    [("TWILIO_API_KEY", "TWILIO_API_SECRET"), ("TWILIO_API_SECRET", "TWILIO_API_KEY")],
)
def test_half_an_api_key_is_an_error(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, present: str, missing: str
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv(present, API_KEY if present == "TWILIO_API_KEY" else API_SECRET)
    with pytest.raises(UserError) as raised:
        ctx.settings.config()
    assert str(raised.value).startswith(f"the environment variable {present} is set but ")
    assert f"(environment variable {missing}) is not" in str(raised.value)


def test_half_an_api_key_in_the_settings_is_an_error(ctx: Context) -> None:
    ctx.settings.set("twilio_account_sid", SID)
    ctx.settings.set("twilio_api_key", API_KEY)
    with pytest.raises(UserError) as raised:
        ctx.settings.config()
    assert str(raised.value) == (
        "twilio_api_key is set but twilio_api_secret (environment variable TWILIO_API_SECRET) "
        "is not: an API key needs its SID and its secret; clear both to use the auth token"
    )


def test_no_account_sid_means_no_credentials(ctx: Context) -> None:
    ctx.settings.set("twilio_auth_token", TOKEN)
    ctx.settings.set("twilio_api_key", API_KEY)
    ctx.settings.set("twilio_api_secret", API_SECRET)
    config = ctx.settings.config()
    assert not config.has_credentials and config.credential_kind is None
    with pytest.raises(UserError, match=r"^no Twilio credentials: set them in Settings"):
        config.credentials()


def test_an_empty_environment_variable_does_not_hide_the_stored_value(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx.settings.set("sender", "+15005550006")
    monkeypatch.setenv("TEXTDESK_FROM", "")
    assert ctx.settings.config().sender == "+15005550006"


def test_no_table_of_the_database_holds_the_token(ctx: Context) -> None:
    """On every back end (the SQLite file itself is read byte by byte above)."""
    ctx.settings.set("twilio_auth_token", TOKEN)
    ctx.settings.set("rate_limit", "2")
    with ctx.db.read() as session:
        values = [str(v) for v in session.scalars(select(Setting.value))]
    assert values and not any(TOKEN in value for value in values)
