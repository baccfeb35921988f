"""Phone numbers: E.164 normalisation, region and local time zones of a number."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import timezone as number_timezone

DEFAULT_REGION = "US"
# phonenumbers' answer for a number it cannot place; never a zone to send in.
UNKNOWN_ZONE = "Etc/Unknown"

# What a spreadsheet writes for a number it stored as a float. Only two shapes, both of which
# nobody types: a whole number with a fraction of zeros ("4155550165.0"), and scientific
# notation ("4.155550165E9", "4,155550165E+09" where the decimal mark is a comma). A typed
# "415.555.0165" has two dots and is neither.
_ZERO_FRACTION = re.compile(r"(\+?\d+)[.,]0+")
_SCIENTIFIC = re.compile(r"(\+?)(\d+)(?:[.,](\d*))?[eE]\+?(\d{1,2})")


def _scientific_digits(sign: str, whole: str, fraction: str, exponent: int) -> str | None:
    """The digits of `whole.fraction × 10^exponent` when the text holds every one of them.

    A mantissa shorter than its exponent leaves the last digits unknown ("4.1555E9" shows 5
    of 10 digits: the spreadsheet rounded the display), and filling them with zeros would
    be a guess at someone's number.
    """
    shown, hidden = fraction[:exponent], fraction[exponent:]
    if len(shown) < exponent or hidden.strip("0"):
        return None  # digits were lost, or the value is not a whole number
    return sign + whole + shown


def undo_spreadsheet_float(text: str) -> str | None:
    """A phone cell with the float formatting of a spreadsheet taken off.

    "4155550165.0", "4.155550165e+09" -> "4155550165"; "+14155550165.0" -> "+14155550165".
    None for a float that lost digits ("4.1555E9"); any other text is returned unchanged.
    """
    whole = _ZERO_FRACTION.fullmatch(text)
    if whole is not None:
        return whole.group(1)
    scientific = _SCIENTIFIC.fullmatch(text)
    if scientific is None:
        return text
    sign, digits, fraction, exponent = scientific.groups()
    return _scientific_digits(sign, digits, fraction or "", int(exponent))


def normalize_phone(raw: str, default_region: str = DEFAULT_REGION) -> str | None:
    """E.164 form of a number from a person or a spreadsheet, or None when it is not valid.

    Accepts national forms for `default_region` ("(415) 555-2671", "415.555.2671"),
    international forms ("+44 20 7946 0958", "0044 ..."), stray punctuation, and the float
    forms a spreadsheet writes ("4155550165.0", "4.155550165E9").
    """
    text = undo_spreadsheet_float((raw or "").strip())
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
