"""Settings: the keys users and scripts set (`textdesk settings set KEY VALUE`), their defaults,
validation and a typed snapshot.

Values are stored as text in the `settings` table, except the auth token, which goes to
the SecretStore. Environment variables (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TEXTDESK_FROM,
TEXTDESK_TWILIO_API_URL) win over stored values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
from sqlalchemy import select

from desktop.models import Setting
from desktop.models.db import Database, sqlite_file
from desktop.paths import APP_NAME
from desktop.services.core.durations import format_duration, parse_duration
from desktop.services.core.errors import UserError
from desktop.services.core.secrets_store import SecretStore, mask_secret

TOKEN_KEY = "twilio_auth_token"
MAX_RATE = 100.0


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UserError(
            f"rate_limit must be a number of messages per second, not {text!r}"
        ) from None
    if not 0 < value <= MAX_RATE:
        raise UserError(f"rate_limit must be above 0 and at most {MAX_RATE:g} per second")
    return value


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """`08:00-21:00` is the sending window (local time of the lead); `off` sends any time."""
    cleaned = text.strip().lower()
    if cleaned in ("off", "none", ""):
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", cleaned)
    if not match:
        raise UserError(f"quiet_hours must look like 08:00-21:00 or be 'off', not {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise UserError(f"quiet_hours has an impossible time: {text!r}")
    start = time(h1, m1)
    end = time(23, 59, 59) if h2 == 24 else time(h2, m2)
    if start == end:
        raise UserError("quiet_hours start and end are the same; use 'off' to send any time")
    return start, end


def _positive_duration(text: str) -> timedelta:
    value = parse_duration(text)
    if value.total_seconds() <= 0:
        raise UserError(f"a duration must be longer than zero, not {text!r}")
    return value


def _price(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise UserError(
            f"price_per_segment must be a number such as 0.0079, not {text!r}"
        ) from None
    if not value.is_finite() or value < 0:
        raise UserError("price_per_segment must be zero or more")
    return value


def _region(text: str) -> str:
    from desktop.services.core.phones import is_valid_region  # phonenumbers: only when used

    if not is_valid_region(text.strip()):
        raise UserError(
            f"default_region must be a two-letter country code such as US, not {text!r}"
        )
    return text.strip().upper()


# start_at_login: "auto" is on while a sequence is scheduled or running.
LOGIN_CHOICES: dict[str, bool | None] = {
    "auto": None,
    "on": True,
    "off": False,
    "yes": True,
    "no": False,
}


def _login_switch(text: str) -> bool | None:
    """start_at_login: on, off, or auto (on while a sequence is scheduled or running)."""
    value = text.strip().lower()
    if value not in LOGIN_CHOICES:
        raise UserError(f"start_at_login must be on, off or auto, not {text.strip()[:20]!r}")
    return LOGIN_CHOICES[value]


def _account_sid(text: str) -> str:
    value = text.strip()
    if value and not re.fullmatch(r"AC[0-9a-fA-F]{32}", value):
        raise UserError("twilio_account_sid must be 'AC' followed by 32 hexadecimal characters")
    return value


def _token(text: str) -> str:
    value = text.strip()
    if value and not re.fullmatch(r"[0-9A-Za-z]{16,64}", value):
        raise UserError("twilio_auth_token must be the 32-character token from the Twilio Console")
    return value


def _sender(text: str) -> str:
    value = text.strip()
    from desktop.services.core.phones import is_e164  # phonenumbers: only when used

    if value and not (is_e164(value) or re.fullmatch(r"MG[0-9a-fA-F]{32}", value)):
        raise UserError(
            "sender must be a phone number in +E.164 form (+15551234567) "
            "or a Messaging Service SID (MG followed by 32 hexadecimal characters)"
        )
    return value


def _api_url(text: str) -> str:
    value = text.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            f"twilio_api_url must be an http(s) URL such as https://api.twilio.com, not {text!r}"
        )
    return value


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    parse: Callable[[str], Any]
    description: str
    env: str | None = None
    secret: bool = False


_ALL_SPECS = (
    SettingSpec("twilio_account_sid", "", _account_sid, "Twilio Account SID", "TWILIO_ACCOUNT_SID"),
    SettingSpec(TOKEN_KEY, "", _token, "Twilio auth token", "TWILIO_AUTH_TOKEN", secret=True),
    SettingSpec("sender", "", _sender, "Twilio number or Messaging Service SID", "TEXTDESK_FROM"),
    SettingSpec(
        "twilio_api_url", "", _api_url, "API base URL (advanced)", "TEXTDESK_TWILIO_API_URL"
    ),
    SettingSpec("rate_limit", "1", _rate, "Message segments per second per sender"),
    SettingSpec(
        "quiet_hours", "08:00-21:00", parse_quiet_hours, "Sending window, lead's local time"
    ),
    SettingSpec("carrier_window", "48h", _positive_duration, "Wait for carrier answers"),
    SettingSpec("delivery_unknown_after", "72h", _positive_duration, "Outbox timeout"),
    SettingSpec("poll_interval", "30s", _positive_duration, "Status refresh interval"),
    SettingSpec("price_per_segment", "0.0079", _price, "Price per message segment (USD)"),
    SettingSpec("default_region", "US", _region, "Country for numbers without +code"),
    SettingSpec("start_at_login", "auto", _login_switch, "Start the sending service at login"),
)
SPECS: dict[str, SettingSpec] = {spec.key: spec for spec in _ALL_SPECS}


@dataclass(frozen=True)
class Config:
    """A typed snapshot of every setting, handed to the engine and the UI."""

    twilio_account_sid: str
    twilio_auth_token: str = field(repr=False)  # never in a log line
    sender: str
    twilio_api_url: str
    rate_limit: float
    quiet_hours: tuple[time, time] | None
    carrier_window: timedelta
    delivery_unknown_after: timedelta
    poll_interval: timedelta
    price_per_segment: Decimal
    default_region: str
    # None ("auto"): on while a sequence is scheduled or running (the window applies it).
    start_at_login: bool | None = None

    @property
    def has_credentials(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)


def default_secrets_file(db_url: str) -> Path:
    file = sqlite_file(db_url)
    if file is not None:
        return file.with_name(file.stem + ".secrets.json")
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "secrets.json"


class Settings:
    def __init__(self, db: Database, secrets: SecretStore | None = None) -> None:
        self.db = db
        self.secrets = secrets or SecretStore(default_secrets_file(db.url), db.url)

    @staticmethod
    def spec(key: str) -> SettingSpec:
        try:
            return SPECS[key]
        except KeyError:
            raise UserError(f"unknown setting {key!r}; known: {', '.join(SPECS)}") from None

    def raw(self, key: str) -> str:
        """The effective text of a setting: environment, then stored value, then default."""
        spec = self.spec(key)
        if spec.env and os.environ.get(spec.env):
            return os.environ[spec.env]
        if spec.secret:
            return self.secrets.get(key) or spec.default
        with self.db.read() as session:
            row = session.get(Setting, key)
        return row.value if row is not None else spec.default

    def get(self, key: str) -> Any:
        spec = self.spec(key)
        try:
            return spec.parse(self.raw(key))
        except UserError:
            # A bad stored value (edited by hand) must not stop the app: fall back, loudly.
            import logging

            logging.getLogger(__name__).warning("setting %s holds a bad value; using default", key)
            return spec.parse(spec.default)

    def display(self, key: str) -> str:
        """What may be shown: secrets masked, durations in their human form."""
        spec = self.spec(key)
        value = self.raw(key)
        if spec.secret:
            return mask_secret(value)
        parsed = self.get(key)
        return format_duration(parsed) if isinstance(parsed, timedelta) else value

    def set(self, key: str, value: str) -> None:
        spec = self.spec(key)
        parsed = spec.parse(value)  # raises UserError with a clear sentence
        if spec.secret:
            if parsed:
                self.secrets.set(key, parsed)
            else:
                self.secrets.delete(key)
            return
        text = format_duration(parsed) if isinstance(parsed, timedelta) else str(value).strip()
        with self.db.write() as session:
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=text))
            else:
                row.value = text

    def set_many(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self.spec(key).parse(value)  # validate all before storing any
        for key, value in values.items():
            self.set(key, value)

    def stored_keys(self) -> list[str]:
        with self.db.read() as session:
            return list(session.scalars(select(Setting.key)))

    def config(self) -> Config:
        return Config(**{key: self.get(key) for key in SPECS})
