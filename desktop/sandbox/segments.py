"""Segment counting for ``num_segments``, as Twilio reports it.

A body made only of GSM-7 characters is billed in 160-character segments, or 153 per segment
once it needs concatenation (the user data header takes 7). Characters of the GSM-7
extension table (``^{}\\[~]|€`` and form feed) take two septets. Any other character forces
UCS-2: 70 UTF-16 code units in one segment, 67 per segment when concatenated (so an emoji,
a surrogate pair, counts two). The sandbox keeps its own small copy of these rules so that it
stays independent of the application's composer code it is used to test.
"""

from __future__ import annotations

import math

_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


def is_gsm7(body: str) -> bool:
    return all(ch in _GSM7_BASIC or ch in _GSM7_EXTENSION for ch in body)


def gsm7_septets(body: str) -> int:
    return sum(2 if ch in _GSM7_EXTENSION else 1 for ch in body)


def ucs2_units(body: str) -> int:
    return len(body.encode("utf-16-le")) // 2


def count_segments(body: str) -> int:
    """Number of SMS segments of ``body``; at least 1 (an empty body still makes a message)."""
    if is_gsm7(body):
        length, single, multi = gsm7_septets(body), 160, 153
    else:
        length, single, multi = ucs2_units(body), 70, 67
    if length <= single:
        return 1
    return math.ceil(length / multi)
