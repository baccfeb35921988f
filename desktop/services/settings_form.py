"""What the settings dialog shows for each setting, and the connection test (plain Python,
run on the task pool)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.services.core.errors import UserError
from desktop.services.core.settings import SPECS, TOKEN_KEY, Settings
from desktop.services.core.wording import sentence
from desktop.services.twilio.gateway import Gateway, GatewayError, Refused, RetryPolicy, Unavailable

TEST_TIMEOUT = 15.0


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # with a mnemonic
    subject: str  # how an error sentence names it
    hint: str
    placeholder: str = ""


FIELDS: dict[str, Field] = {
    f.key: f
    for f in (
        Field(
            "twilio_account_sid",
            "Account &SID",
            "The Account SID",
            "On the home page of your Twilio Console; it starts with AC.",
            "AC…",
        ),
        Field(TOKEN_KEY, "Auth &token", "The auth token", ""),
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
            "Message segments per second. A regular Twilio number sends 1 per second.",
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
            "&Price per segment",
            "The price per segment",
            "In US dollars, for the cost estimate in the composer.",
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
            "Check statuses &every",
            "The status check interval",
            "How often TextDesk asks Twilio for new statuses and replies (e.g. 30s).",
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
        Field("twilio_api_secret", "API key s&ecret", "The API key secret", ""),
        Field(
            "owner_phone",
            "&Your mobile",
            "Your mobile number",
            "For 'Send a test to my phone' in the composer: your own number with its country "
            "code.",
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
            "Skip &dead numbers",
            "Skip dead numbers",
            "on: numbers that could not take a text (unknown, landline) are left out of new "
            "sequences; off: they are texted again.",
            "on",
        ),
        Field(
            "start_at_login",
            "Start at &login",
            "Start at login",
            "on: the sending service starts when you log in, so scheduled texts go out "
            "without opening TextDesk; off: never; auto: on while a sequence is scheduled "
            "or running.",
            "auto",
        ),
    )
}
assert set(FIELDS) == set(SPECS), "every setting needs a field in the dialog"


def field_error(key: str, value: str) -> str:
    """The plain-words problem with `value` for setting `key`, "" when it is fine."""
    try:
        SPECS[key].parse(value)
    except UserError as exc:
        text = str(exc)
        if text.startswith(key):
            text = FIELDS[key].subject + text[len(key) :]
        return sentence(text)
    return ""


@dataclass(frozen=True)
class Loaded:
    values: dict[str, str]  # what each field shows (the token: masked)
    from_env: dict[str, str]  # key -> environment variable that overrides it
    token_saved: bool
    token_store: str  # where the token is kept, in words


def load_settings(settings: Settings, environ: dict[str, str]) -> Loaded:
    values = {key: settings.display(key) for key in SPECS}
    from_env = {key: spec.env for key, spec in SPECS.items() if spec.env and environ.get(spec.env)}
    token_saved = bool(settings.secrets.get(TOKEN_KEY))
    return Loaded(values, from_env, token_saved, settings.secrets.describe())


def check_connection(
    settings: Settings, account_sid: str, typed_token: str, api_url: str
) -> tuple[bool, str]:
    """Ask Twilio (or the address given) for the account; (worked, a sentence for the owner).

    The stored token is used when none was typed; it is read here, on the pool thread, and
    never handed to the GUI.
    """
    token = typed_token or settings.raw(TOKEN_KEY)
    if not account_sid or not token:
        return False, "Enter the Account SID and the auth token first."
    where = api_url or "https://api.twilio.com"
    gateway = Gateway(
        account_sid,
        token,
        api_url=api_url or None,
        timeout=TEST_TIMEOUT,
        retry=RetryPolicy(attempts=1),
    )
    try:
        account = gateway.fetch_account()
    except Refused as exc:
        if exc.code == 20003 or exc.status == 401:
            return False, (
                "Twilio refused these credentials (20003): check the Account SID and auth token"
            )
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
