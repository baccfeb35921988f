"""The GSM 03.38 character tables that decide how an SMS is encoded and billed.

An SMS body is sent either in the GSM 7-bit alphabet (160 septets per single
message) or, as soon as one character falls outside it, in UCS-2 (70 UTF-16
code units per single message). The tables below are the default alphabet and
its extension table; an extension character is sent as an escape septet plus
the character, so it costs two septets.

Kept apart from ``message_text`` so the tables can be read (and tested) on
their own, and so the analysis module stays short.
"""

from __future__ import annotations

from typing import Final

# The 128-position default alphabet minus position 0x1B, which is the escape
# to the extension table rather than a character. Written row by row in table
# order so a reviewer can check it against the standard. Greek capitals are
# spelled as escapes because several look identical to Latin letters (and the
# Ohm sign / Angstrom sign are different code points from Omega / A-ring).
_BASIC_ROWS: Final = (
    "@£$¥èéùìòÇ\nØø\rÅå",
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039eÆæßÉ",
    " !\"#¤%&'()*+,-./",
    "0123456789:;<=>?",
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§",
    "¿abcdefghijklmnopqrstuvwxyzäöñüà",
)

#: Characters of the GSM-7 default alphabet: one septet each.
GSM7_BASIC: Final[frozenset[str]] = frozenset("".join(_BASIC_ROWS))

#: Characters of the GSM-7 extension table: escape + character, two septets each.
GSM7_EXTENSION: Final[frozenset[str]] = frozenset("\f^{}\\[~]|€")

# One lookup instead of two set tests: this runs on every keystroke in the composer.
_SEPTETS: Final[dict[str, int]] = {ch: 1 for ch in GSM7_BASIC} | {ch: 2 for ch in GSM7_EXTENSION}


def septet_cost(ch: str) -> int | None:
    """Septets one character costs in GSM-7: 1 (basic), 2 (extension), None (not GSM-7)."""
    return _SEPTETS.get(ch)


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` can be sent in GSM-7 (basic or extension)."""
    return all(ch in _SEPTETS for ch in text)


def utf16_units(ch: str) -> int:
    """UTF-16 code units of one code point: 2 above the BMP (emoji), else 1.

    A lone surrogate (possible in a Python str) counts as the single unit it is.
    """
    return 2 if ord(ch) > 0xFFFF else 1
