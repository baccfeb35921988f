from datetime import timedelta

import pytest

from desktop.services.core.durations import format_duration, parse_duration
from desktop.services.core.errors import UserError


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("15m", 900),
        ("48h", 172800),
        ("3d", 259200),
        ("1w", 604800),
        ("1h30m", 5400),
        (" 2H ", 7200),
        ("0.5s", 0.5),
        ("45", 45),
    ],
)
def test_parse(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "abc", "3x", "h", "-5m", "5 m x", "1e3s"])
def test_bad_durations_are_user_errors(text: str) -> None:
    with pytest.raises(UserError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize("seconds", [1, 59, 60, 90, 3600, 5400, 86400, 172800, 0.25])
def test_format_round_trips(seconds: float) -> None:
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value
