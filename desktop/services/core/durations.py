"""Human durations such as `90s`, `15m`, `48h`, `3d`, and `1h30m`, with the bounds each use
accepts."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Final

from desktop.services.core.errors import UserError

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+$")

#: Longer than anything TextDesk waits for: a value beyond it is a typo, and left alone it
#: overflows the engine's date arithmetic (`now + 3000000d` is past the year 9999).
MAX_DURATION: Final = timedelta(days=3650)
#: The longest wait between two steps of a sequence (`--delay`, the composer, the builder).
MAX_STEP_DELAY: Final = timedelta(days=365)
#: The longest carrier window, delivery-unknown timeout and poll interval.
MAX_WINDOW: Final = timedelta(days=30)


def parse_duration(
    text: str, *, maximum: timedelta = MAX_DURATION, name: str = "a duration"
) -> timedelta:
    """Parse `90s`, `15m`, `48h`, `3d`, `2w` or combinations (`1h30m`); a bare number is seconds.

    A value longer than `maximum` is refused with a sentence that starts with `name` (the
    setting or option being parsed), so the caller's error names what was wrong.
    """
    if not isinstance(text, str):
        raise UserError(f"not a duration: {text!r}")
    cleaned = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        seconds = float(cleaned)
    elif cleaned and _WHOLE.match(cleaned):
        seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(cleaned))
    else:
        raise UserError(
            f"not a duration: {_shown(text)} (use a number and a unit, such as 90s, 15m, 48h or 3d)"
        )
    # Checked on the float, before timedelta sees it: a long enough number of digits is
    # infinite here and an OverflowError there.
    if not math.isfinite(seconds) or seconds > maximum.total_seconds():
        raise UserError(f"{name} must be at most {format_duration(maximum)}, not {_shown(text)}")
    return timedelta(seconds=seconds)


def _shown(text: str) -> str:
    # A pasted run of thousands of digits would make the one-line error a screenful.
    cleaned = text.strip()
    return repr(cleaned if len(cleaned) <= 40 else cleaned[:37] + "...")


def format_duration(value: timedelta) -> str:
    """The shortest exact human form: 172800 s -> `2d`, 5400 s -> `1h30m`, 0.5 s -> `0.5s`."""
    total = value.total_seconds()
    if total <= 0:
        return "0s"
    if total != int(total):
        return f"{total:g}s"
    rest = int(total)
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts)
