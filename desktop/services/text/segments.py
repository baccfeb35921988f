"""Encoding and segments: how a body is encoded (GSM-7 or UCS-2) and into how many parts
the phone network cuts it.

Everything here is pure and fast enough to run on every keystroke in the composer.

A body that fits one SMS (160 septets in GSM-7, 70 UTF-16 units in UCS-2) is one segment.
A longer body is split into parts of 153 septets / 67 units, because each part carries a
header. A GSM-7 extension character (escape + character) and a UCS-2 surrogate pair (an
emoji) are never cut between two parts, so parts are packed greedily and a pair that does
not fit moves to the next part; this can need one more segment than ``ceil(units / 153)``.
An empty body is 0 segments (nothing would be sent or billed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from desktop.services.text.gsm7 import septet_cost, utf16_units

Encoding = Literal["GSM-7", "UCS-2"]

#: Twilio refuses a body longer than this many characters (error 21617).
MAX_BODY_CHARS: Final = 1600

GSM7_SINGLE: Final = 160
GSM7_PART: Final = 153
UCS2_SINGLE: Final = 70
UCS2_PART: Final = 67


@dataclass(frozen=True, slots=True)
class TextStats:
    """What a body costs to send. Built by :func:`analyze`."""

    encoding: Encoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    chars: int  # len(body): Python code points
    per_segment_limit: int  # 160/153 or 70/67, matching ``segments``
    ucs2_chars: tuple[str, ...]  # distinct characters forcing UCS-2, first-seen order
    ucs2_positions: tuple[int, ...]  # every index in ``body`` holding such a character
    too_long: bool  # over MAX_BODY_CHARS: Twilio would refuse it

    @property
    def capacity(self) -> int:
        """Units the current number of segments can hold (the "/N" of the counter)."""
        return self.per_segment_limit * max(self.segments, 1)

    def summary(self) -> str:
        """One line for the composer, e.g. ``"200/306 - 2 segments - GSM-7"``."""
        noun = "segment" if self.segments == 1 else "segments"
        return f"{self.units}/{self.capacity} - {self.segments} {noun} - {self.encoding}"


def _costs(body: str) -> tuple[Encoding, list[int], tuple[str, ...], tuple[int, ...]]:
    """Per-character unit costs in the encoding the body needs."""
    septets: list[int] = []
    positions: list[int] = []
    for index, ch in enumerate(body):
        cost = septet_cost(ch)
        if cost is None:
            positions.append(index)
        else:
            septets.append(cost)
    if not positions:
        return "GSM-7", septets, (), ()
    # dict.fromkeys keeps first-seen order while removing repeats.
    distinct = tuple(dict.fromkeys(body[i] for i in positions))
    return "UCS-2", [utf16_units(ch) for ch in body], distinct, tuple(positions)


def _limits(encoding: Encoding) -> tuple[int, int]:
    return (GSM7_SINGLE, GSM7_PART) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)


def _part_ends(costs: Sequence[int], single: int, part: int) -> list[int]:
    """Indices (exclusive) where each segment ends; greedy packing, pairs never split."""
    if not costs:
        return []
    if sum(costs) <= single:
        return [len(costs)]
    ends: list[int] = []
    used = 0
    for index, cost in enumerate(costs):
        if used + cost > part:
            ends.append(index)
            used = 0
        used += cost
    ends.append(len(costs))
    return ends


def analyze(body: str) -> TextStats:
    """Encoding, size and segment count of a final (already rendered) body."""
    encoding, costs, ucs2_chars, ucs2_positions = _costs(body)
    single, part = _limits(encoding)
    segments = len(_part_ends(costs, single, part))
    return TextStats(
        encoding=encoding,
        units=sum(costs),
        segments=segments,
        chars=len(body),
        per_segment_limit=single if segments <= 1 else part,
        ucs2_chars=ucs2_chars,
        ucs2_positions=ucs2_positions,
        too_long=len(body) > MAX_BODY_CHARS,
    )


def split_segments(body: str) -> tuple[str, ...]:
    """The body cut where the phone network would cut it (for previews and tests)."""
    encoding, costs, _, _ = _costs(body)
    single, part = _limits(encoding)
    # ``costs`` has one entry per character in both encodings, so indices line up.
    pieces: list[str] = []
    start = 0
    for end in _part_ends(costs, single, part):
        pieces.append(body[start:end])
        start = end
    return tuple(pieces)
