"""Phone numbers: E.164 normalisation, region and local time zones of a number."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import timezone as number_timezone

DEFAULT_REGION = "US"
# phonenumbers' answer for a number it cannot place; never a zone to send in.
UNKNOWN_ZONE = "Etc/Unknown"


def normalize_phone(raw: str, default_region: str = DEFAULT_REGION) -> str | None:
    """E.164 form of a number typed by a person, or None when it is not a valid number.

    Accepts national forms for `default_region` ("(415) 555-2671"), international forms
    ("+44 20 7946 0958", "0044 ..."), and stray punctuation.
    """
    text = (raw or "").strip()
    if not text or len(text) > 40:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, default_region.upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_e164(value: str) -> bool:
    return (
        isinstance(value, str)
        and value.startswith("+")
        and value[1:].isdigit()
        and 8 <= len(value) <= 16
    )


@lru_cache(maxsize=4096)
def region_of(e164: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=4096)
def timezones_of(e164: str) -> tuple[str, ...]:
    """Every IANA zone the number may be in, as phonenumbers knows them (a Russian mobile
    or a US toll-free number: many); empty when unknown."""
    try:
        zones = number_timezone.time_zones_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return ()
    return tuple(name for name in zones if name != UNKNOWN_ZONE)


def is_valid_region(code: str) -> bool:
    return (code or "").upper() in phonenumbers.SUPPORTED_REGIONS
