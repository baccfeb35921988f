"""Settings: the keys users and scripts set (`textdesk settings set KEY VALUE`), their defaults,
validation and a typed snapshot.

Values are stored as text in the `settings` table, except the secrets (the auth token and the
API key's secret), which go to the SecretStore. Environment variables (TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN, TWILIO_API_KEY, TWILIO_API_SECRET, TEXTDESK_FROM, TEXTDESK_TWILIO_API_URL)
win over stored values.

A malformed credential (from the environment or stored) is an error naming where it came from:
falling back to the default would quietly turn a typo into demo mode or a sender-less engine.
Any other setting with a bad stored value (edited by hand, or stored before a bound existed)
falls back to its default with a warning: the default is always safe, and the app keeps
starting so the value can be fixed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import platformdirs
from sqlalchemy import select

from desktop.models import Setting
from desktop.models.db import Database, sqlite_file
from desktop.models.settings import put_setting
from desktop.paths import APP_NAME
from desktop.services.core.durations import MAX_WINDOW, format_duration, parse_duration
from desktop.services.core.errors import UserError
from desktop.services.core.secrets_store import SecretStore, mask_secret

ACCOUNT_SID_KEY: Final = "twilio_account_sid"
TOKEN_KEY: Final = "twilio_auth_token"
API_KEY_KEY: Final = "twilio_api_key"
API_SECRET_KEY: Final = "twilio_api_secret"
MAX_RATE = 100.0

NO_CREDENTIALS: Final = (
    "no Twilio credentials: set them in Settings or with `textdesk settings set`, or run `--demo`"
)
SENDER_FORMS: Final = (
    "a phone number in +E.164 form (+15551234567) "
    "or a Messaging Service SID (MG followed by 32 hexadecimal characters)"
)


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


def _window(key: str) -> Callable[[str], timedelta]:
    """The parser of a duration setting: above zero, at most MAX_WINDOW (the engine adds it
    to today's date, and a month is already far longer than any carrier takes)."""

    def parse(text: str) -> timedelta:
        value = parse_duration(text, maximum=MAX_WINDOW, name=key)
        if value.total_seconds() <= 0:
            raise UserError(f"{key} must be longer than zero, not {text.strip()!r}")
        return value

    return parse


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


def _switch(key: str) -> Callable[[str], bool]:
    """An on/off setting."""

    def parse(text: str) -> bool:
        value = text.strip().lower()
        if value in ("on", "yes", "true", "1"):
            return True
        if value in ("off", "no", "false", "0"):
            return False
        raise UserError(f"{key} must be on or off, not {text.strip()[:20]!r}")

    return parse


def _owner_phone(text: str) -> str:
    """The owner's own mobile for test sends: empty, or a number in +E.164 form."""
    value = text.strip()
    if not value:
        return ""
    from desktop.services.core.phones import is_e164  # phonenumbers: only when used

    if not is_e164(value):
        raise UserError(
            f"owner_phone must be your mobile number with its country code, such as "
            f"+15551234567, not {value[:20]!r}"
        )
    return value


def _business_name(text: str) -> str:
    value = " ".join(text.split())
    if len(value) > 60:
        raise UserError("business_name can have at most 60 characters")
    return value


# Credential parsers never quote the value they refuse: it may be a secret, and the
# sentence goes to the screen and the log.


def _account_sid(text: str) -> str:
    value = text.strip()
    if value and not re.fullmatch(r"AC[0-9a-fA-F]{32}", value):
        raise UserError("twilio_account_sid must be 'AC' followed by 32 hexadecimal characters")
    return value


def _token(text: str) -> str:
    value = text.strip()
    if value and not re.fullmatch(r"[0-9a-fA-F]{32}", value):
        raise UserError(
            "twilio_auth_token must be the 32 hexadecimal characters of the auth token "
            "in the Twilio Console"
        )
    return value


def _api_key(text: str) -> str:
    value = text.strip()
    if value and not re.fullmatch(r"SK[0-9a-fA-F]{32}", value):
        raise UserError(
            "twilio_api_key must be the SID of an API key: 'SK' followed by 32 hexadecimal "
            "characters"
        )
    return value


def _api_secret(text: str) -> str:
    value = text.strip()
    if value and not re.fullmatch(r"[0-9A-Za-z]{32}", value):
        raise UserError(
            "twilio_api_secret must be the 32 letters and digits of the API key's secret"
        )
    return value


def parse_sender(text: str, *, name: str = "sender") -> str:
    """A Twilio number in +E.164 form or a Messaging Service SID; "" (no sender) passes, so
    a caller that needs one checks for it. `name` starts the error sentence."""
    value = text.strip()
    from desktop.services.core.phones import is_e164  # phonenumbers: only when used

    if value and not (is_e164(value) or re.fullmatch(r"MG[0-9a-fA-F]{32}", value)):
        raise UserError(f"{name} must be {SENDER_FORMS}, not {value[:40]!r}")
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
    secret: bool = False  # kept in the SecretStore, masked when shown
    credential: bool = False  # a bad value is an error, never replaced by the default


_ALL_SPECS = (
    SettingSpec(
        ACCOUNT_SID_KEY,
        "",
        _account_sid,
        "Twilio Account SID",
        "TWILIO_ACCOUNT_SID",
        credential=True,
    ),
    SettingSpec(
        TOKEN_KEY,
        "",
        _token,
        "Twilio auth token",
        "TWILIO_AUTH_TOKEN",
        secret=True,
        credential=True,
    ),
    SettingSpec(
        API_KEY_KEY,
        "",
        _api_key,
        "Twilio API key SID (SK..., with its secret: instead of the auth token)",
        "TWILIO_API_KEY",
        credential=True,
    ),
    SettingSpec(
        API_SECRET_KEY,
        "",
        _api_secret,
        "Twilio API key secret",
        "TWILIO_API_SECRET",
        secret=True,
        credential=True,
    ),
    SettingSpec(
        "sender",
        "",
        parse_sender,
        "Twilio number or Messaging Service SID",
        "TEXTDESK_FROM",
        credential=True,
    ),
    SettingSpec(
        "twilio_api_url",
        "",
        _api_url,
        "API base URL (advanced)",
        "TEXTDESK_TWILIO_API_URL",
        credential=True,
    ),
    SettingSpec("rate_limit", "1", _rate, "Text parts (SMS segments) a second per sender"),
    SettingSpec(
        "quiet_hours", "08:00-21:00", parse_quiet_hours, "Sending window, lead's local time"
    ),
    SettingSpec("carrier_window", "48h", _window("carrier_window"), "Wait for carrier answers"),
    SettingSpec(
        "delivery_unknown_after", "72h", _window("delivery_unknown_after"), "Outbox timeout"
    ),
    SettingSpec("poll_interval", "30s", _window("poll_interval"), "Status refresh interval"),
    SettingSpec(
        "price_per_segment", "0.0079", _price, "Price per text part (one SMS segment), USD"
    ),
    SettingSpec("default_region", "US", _region, "Country for numbers without +code"),
    SettingSpec("start_at_login", "auto", _login_switch, "Start the sending service at login"),
    SettingSpec("owner_phone", "", _owner_phone, "Your own mobile, for test sends"),
    SettingSpec("business_name", "", _business_name, "Your business name (the HELP answer)"),
    SettingSpec(
        "suppress_dead_numbers",
        "on",
        _switch("suppress_dead_numbers"),
        "Leave numbers that cannot take texts out of new sequences",
    ),
)
SPECS: dict[str, SettingSpec] = {spec.key: spec for spec in _ALL_SPECS}


@dataclass(frozen=True)
class Config:
    """A typed snapshot of every setting, handed to the engine and the UI."""

    twilio_account_sid: str
    twilio_auth_token: str = field(repr=False)  # never in a log line
    twilio_api_key: str
    twilio_api_secret: str = field(repr=False)  # never in a log line
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
    suppress_dead_numbers: bool = True
    owner_phone: str = ""
    business_name: str = ""

    @property
    def credential_kind(self) -> Literal["api_key", "auth_token"] | None:
        """Which credentials sign the requests: an API key (Twilio's recommendation, so it
        wins when both are set), the account's auth token, or None (none usable)."""
        if not self.twilio_account_sid:
            return None
        if self.twilio_api_key and self.twilio_api_secret:
            return "api_key"
        if self.twilio_auth_token:
            return "auth_token"
        return None

    @property
    def has_credentials(self) -> bool:
        return self.credential_kind is not None

    def credentials(self) -> tuple[str, str]:
        """(username, password) for `twilio.rest.Client(username, password,
        account_sid=self.twilio_account_sid)`: the API key SID and its secret, else the
        Account SID and the auth token. Raises UserError (NO_CREDENTIALS) when neither."""
        kind = self.credential_kind
        if kind == "api_key":
            return self.twilio_api_key, self.twilio_api_secret
        if kind == "auth_token":
            return self.twilio_account_sid, self.twilio_auth_token
        raise UserError(NO_CREDENTIALS)


def default_secrets_file(db_url: str) -> Path:
    file = sqlite_file(db_url)
    if file is not None:
        return file.with_name(file.stem + ".secrets.json")
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "secrets.json"


class Settings:
    def __init__(self, db: Database, secrets: SecretStore | None = None) -> None:
        self.db = db
        # A SQLite file has a secrets file of its own beside it; databases on a server share
        # one per user, in which each database's keys are its own.
        shared = sqlite_file(db.url) is None
        self.secrets = secrets or SecretStore(default_secrets_file(db.url), db.url, shared=shared)

    @staticmethod
    def spec(key: str) -> SettingSpec:
        try:
            return SPECS[key]
        except KeyError:
            raise UserError(f"unknown setting {key!r}; known: {', '.join(SPECS)}") from None

    def _source(self, spec: SettingSpec) -> tuple[str, Literal["env", "stored", "default"]]:
        """The effective text of a setting and where it comes from."""
        if spec.env and os.environ.get(spec.env):
            return os.environ[spec.env], "env"
        if spec.secret:
            stored = self.secrets.get(spec.key)
        else:
            with self.db.read() as session:
                row = session.get(Setting, spec.key)
            stored = row.value if row is not None else None
        return (stored, "stored") if stored else (spec.default, "default")

    def raw(self, key: str) -> str:
        """The effective text of a setting: environment, then stored value, then default."""
        return self._source(self.spec(key))[0]

    def get(self, key: str) -> Any:
        spec = self.spec(key)
        text, origin = self._source(spec)
        try:
            return spec.parse(text)
        except UserError as exc:
            if spec.credential or origin == "env":
                raise UserError(_bad_value(spec, origin, str(exc))) from None
            # Not a credential: the default is safe, and the app must keep starting so the
            # value can be fixed (see the module's docstring).
            import logging

            logging.getLogger(__name__).warning(
                "setting %s holds a bad value (%s); using the default %r", key, exc, spec.default
            )
            return spec.parse(spec.default)

    def display(self, key: str) -> str:
        """What may be shown: secrets masked, durations in their human form. Never raises
        for a bad value (the settings dialog must open to fix it): that is shown as it is."""
        spec = self.spec(key)
        value = self.raw(key)
        if spec.secret:
            return mask_secret(value)
        try:
            parsed = spec.parse(value)
        except UserError:
            return value
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
            put_setting(session, key, text)

    def set_many(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self.spec(key).parse(value)  # validate all before storing any
        for key, value in values.items():
            self.set(key, value)

    def stored_keys(self) -> list[str]:
        with self.db.read() as session:
            return list(session.scalars(select(Setting.key)))

    def config(self) -> Config:
        """Every setting, parsed. Raises UserError, naming the variable or setting, for a
        malformed credential and for an API key without its secret (or the reverse)."""
        config = Config(**{key: self.get(key) for key in SPECS})
        if bool(config.twilio_api_key) != bool(config.twilio_api_secret):
            # Half a key: using the token instead, or demo mode, would hide the mistake.
            have, missing = (
                (SPECS[API_KEY_KEY], SPECS[API_SECRET_KEY])
                if config.twilio_api_key
                else (SPECS[API_SECRET_KEY], SPECS[API_KEY_KEY])
            )
            origin = self._source(have)[1]
            named = f"the environment variable {have.env}" if origin == "env" else have.key
            raise UserError(
                f"{named} is set but {missing.key} (environment variable {missing.env}) is "
                "not: an API key needs its SID and its secret; clear both to use the auth token"
            )
        return config


def _bad_value(spec: SettingSpec, origin: str, problem: str) -> str:
    """The parser's sentence ("twilio_auth_token must be ...") said of where the value came
    from: the environment variable, or the stored setting and how to change it."""
    if problem.startswith(spec.key):
        rest = problem[len(spec.key) :].lstrip()
    else:
        rest = f"is not valid: {problem}"
    if origin == "env":
        return f"the environment variable {spec.env} {rest}"
    return (
        f"the stored setting {spec.key} {rest}; change it in Settings or with "
        f"`textdesk settings set {spec.key} VALUE`"
    )
