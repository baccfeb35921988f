"""Human durations such as `90s`, `15m`, `48h`, `3d`, and `1h30m`."""

from __future__ import annotations

import re
from datetime import timedelta

from desktop.services.core.errors import UserError

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+$")


def parse_duration(text: str) -> timedelta:
    """Parse `90s`, `15m`, `48h`, `3d`, `2w` or combinations (`1h30m`); a bare number is seconds."""
    if not isinstance(text, str):
        raise UserError(f"not a duration: {text!r}")
    cleaned = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return timedelta(seconds=float(cleaned))
    if not cleaned or not _WHOLE.match(cleaned):
        raise UserError(
            f"not a duration: {text!r} (use a number and a unit, such as 90s, 15m, 48h or 3d)"
        )
    seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(cleaned))
    return timedelta(seconds=seconds)


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
