"""What the settings dialog shows for each setting, and the connection test (plain Python,
run on the task pool).

Every setting has a field: a line of text, a secret (never shown back, replaced only when
typed), an on/off switch, or a choice among a few values. Labels carry a mnemonic each, all
different, so every field is one Alt+letter away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from desktop.services.core.errors import UserError
from desktop.services.core.settings import (
    API_SECRET_KEY,
    SPECS,
    TOKEN_KEY,
    Settings,
)
from desktop.services.core.wording import sentence
from desktop.services.twilio.gateway import Gateway, GatewayError, Refused, RetryPolicy, Unavailable

TEST_TIMEOUT = 15.0
FieldKind = Literal["text", "secret", "switch", "choice"]
SECRET_KEYS = tuple(key for key, spec in SPECS.items() if spec.secret)


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # with a mnemonic
    subject: str  # how an error sentence names it
    hint: str
    placeholder: str = ""
    kind: FieldKind = "text"
    # For a choice: (stored value, what the list shows); for a switch: the on and off values.
    choices: tuple[tuple[str, str], ...] = ()


FIELDS: dict[str, Field] = {
    f.key: f
    for f in (
        Field(
            "twilio_account_sid",
            "Account S&ID",
            "The Account SID",
            "On the home page of your Twilio Console; it starts with AC.",
            "AC…",
        ),
        Field(TOKEN_KEY, "Auth &token", "The auth token", "", kind="secret"),
        Field(
            "sender",
            "Se&nder",
            "The sender",
            "The Twilio number your texts come from (+15551234567), or a Messaging Service "
            "SID (MG…).",
            "+15551234567",
        ),
        Field(
            "twilio_api_url",
            "&API address",
            "The API address",
            "Advanced: leave empty to use Twilio itself (https://api.twilio.com); set it for a "
            "test server or a proxy.",
            "https://api.twilio.com",
        ),
        Field(
            "rate_limit",
            "&Rate limit",
            "The rate limit",
            "Text parts (SMS segments) per second. A regular Twilio number sends 1 per second.",
            "1",
        ),
        Field(
            "quiet_hours",
            "&Quiet hours",
            "Quiet hours",
            "Texts go out only inside this window, in each lead's own time zone. Write "
            "08:00-21:00, or off to send at any hour.",
            "08:00-21:00",
        ),
        Field(
            "price_per_segment",
            "&Price per text part",
            "The price per text part",
            "In US dollars, for the cost estimate in the composer: what Twilio charges for "
            "one SMS segment (a text part of up to 160 characters).",
            "0.0079",
        ),
        Field(
            "default_region",
            "Default countr&y",
            "The default country",
            "Two letters (US, GB, CA…). Numbers written without a +country code are read as "
            "numbers of this country.",
            "US",
        ),
        Field(
            "carrier_window",
            "&Carrier window",
            "The carrier window",
            "How long to wait for carriers to confirm delivery before a sequence is Done "
            "(e.g. 48h or 2d).",
            "48h",
        ),
        Field(
            "delivery_unknown_after",
            "Delivery &unknown after",
            "The delivery-unknown time",
            "A message still waiting for the carrier after this long is marked Delivery "
            "unknown (e.g. 72h).",
            "72h",
        ),
        Field(
            "poll_interval",
            "Check statuses e&very",
            "The status check interval",
            "How often TextDesk asks Twilio for new statuses and replies while texts sent in "
            "the last hour await their carrier; later ones less often (e.g. 30s).",
            "30s",
        ),
        Field(
            "twilio_api_key",
            "API &key SID",
            "The API key SID",
            "Recommended instead of the auth token: create an API key in the Twilio Console "
            "(Account, API keys & tokens); it starts with SK.",
            "SK…",
        ),
        Field(API_SECRET_KEY, "API key secr&et", "The API key secret", "", kind="secret"),
        Field(
            "owner_phone",
            "Your &mobile",
            "Your mobile number",
            "For 'Send a test to my phone' in the composer: your own number with its country code.",
            "+15551234567",
        ),
        Field(
            "business_name",
            "&Business name",
            "The business name",
            "Said in the answer to HELP and INFO, so people know who is texting them.",
            "Maple & Main Bakery",
        ),
        Field(
            "suppress_dead_numbers",
            "Skip numbers that cannot take te&xts",
            "Skip numbers that cannot take texts",
            "A number that could not take a text (unknown, a landline) is left out of new "
            "sequences. Untick to text such numbers again.",
            kind="switch",
            choices=(("on", "on"), ("off", "off")),
        ),
        Field(
            "start_at_login",
            "Start at &login",
            "Start at login",
            "Whether the sending service starts when you log in, so scheduled texts go out "
            "without opening TextDesk.",
            kind="choice",
            choices=(
                ("auto", "While a sequence is scheduled or sending"),
                ("on", "Always"),
                ("off", "Never"),
            ),
        ),
    )
}
assert set(FIELDS) == set(SPECS), "every setting needs a field in the dialog"


# The parser's sentence for a sender says "+E.164 form": an owner's words instead, the same
# in the settings and the composer.
SENDER_PROBLEM = (
    "The sender must be your Twilio number with its country code, such as +15551234567, "
    "or a Messaging Service SID (MG followed by 32 letters and digits)."
)
PLAIN_PROBLEMS = {"sender": SENDER_PROBLEM}


def field_error(key: str, value: str) -> str:
    """The plain-words problem with `value` for setting `key`, "" when it is fine."""
    try:
        SPECS[key].parse(value)
    except UserError as exc:
        if key in PLAIN_PROBLEMS:
            return PLAIN_PROBLEMS[key]
        text = str(exc)
        if text.startswith(key):
            text = FIELDS[key].subject + text[len(key) :]
        return sentence(text)
    return ""


def choice_value(key: str, text: str) -> str:
    """The stored value a switch or choice field shows for `text` as stored ("yes" is on)."""
    field = FIELDS[key]
    try:
        parsed = SPECS[key].parse(text)
    except UserError:
        parsed = SPECS[key].parse(SPECS[key].default)  # a bad stored value: the default
    for value, _label in field.choices:
        if SPECS[key].parse(value) == parsed:
            return value
    return field.choices[0][0]


@dataclass(frozen=True)
class Loaded:
    values: dict[str, str]  # what each field shows (secrets: masked)
    from_env: dict[str, str]  # key -> environment variable that overrides it
    saved_secrets: frozenset[str]  # the secret keys with a stored value
    token_store: str  # where secrets are kept, in words

    @property
    def token_saved(self) -> bool:
        return TOKEN_KEY in self.saved_secrets


def load_settings(settings: Settings, environ: dict[str, str]) -> Loaded:
    values = {key: settings.display(key) for key in SPECS}
    for key, field in FIELDS.items():
        if field.kind in ("switch", "choice"):
            values[key] = choice_value(key, settings.raw(key))
    from_env = {key: spec.env for key, spec in SPECS.items() if spec.env and environ.get(spec.env)}
    saved = frozenset(key for key in SECRET_KEYS if settings.secrets.get(key))
    return Loaded(values, from_env, saved, settings.secrets.describe())


@dataclass(frozen=True)
class Credentials:
    """What the connection test signs with, as typed in the dialog ("" for a secret that
    was not typed: the stored one is used)."""

    account_sid: str
    token: str = ""
    api_key: str = ""
    api_secret: str = ""
    api_url: str = ""


def check_connection(settings: Settings, typed: Credentials) -> tuple[bool, str]:
    """Ask Twilio (or the address given) for the account; (worked, a sentence for the owner).

    With an API key SID the request is signed with the key and its secret (as the sending
    service does: the key wins over the auth token), else with the auth token. A secret not
    typed is the stored one, read here, on the pool thread, and never handed to the GUI.
    """
    account_sid, api_url = typed.account_sid, typed.api_url
    if typed.api_key:
        password = typed.api_secret or settings.raw(API_SECRET_KEY)
        if not account_sid or not password:
            return False, "Enter the Account SID and the API key's secret first."
        checked = "the Account SID, the API key SID and its secret"
    else:
        password = typed.token or settings.raw(TOKEN_KEY)
        if not account_sid or not password:
            return False, "Enter the Account SID and the auth token first."
        checked = "the Account SID and auth token"
    where = api_url or "https://api.twilio.com"
    gateway = Gateway(
        account_sid,
        password,
        username=typed.api_key or None,
        api_url=api_url or None,
        timeout=TEST_TIMEOUT,
        retry=RetryPolicy(attempts=1),
    )
    try:
        account = gateway.fetch_account()
    except Refused as exc:
        if exc.code == 20003 or exc.status == 401:
            return False, f"Twilio refused these credentials (20003): check {checked}"
        return False, f"Twilio refused the request ({exc.code or exc.status}): {exc}"
    except Unavailable as exc:
        return False, f"Could not reach {where}: {exc}. Check the internet connection."
    except GatewayError as exc:
        return False, f"The answer from {where} could not be read ({exc}); check the API address."
    finally:
        gateway.close()
    text = f"Connected to account '{account.friendly_name or account.sid}' ({account.status})"
    if account.status and account.status != "active":
        text += ": this account cannot send texts until it is active again"
    return True, text
