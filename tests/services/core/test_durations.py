from datetime import timedelta

import pytest

from desktop.services.core.durations import (
    MAX_DURATION,
    MAX_STEP_DELAY,
    MAX_WINDOW,
    format_duration,
    parse_duration,
)
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


@pytest.mark.parametrize(
    ("text", "maximum", "message"),
    [
        ("3000000d", MAX_STEP_DELAY, "--delay must be at most 365d, not '3000000d'"),
        ("366d", MAX_STEP_DELAY, "--delay must be at most 365d, not '366d'"),
        ("99999999999d", MAX_WINDOW, "--delay must be at most 30d, not '99999999999d'"),
        ("9" * 400, MAX_STEP_DELAY, "--delay must be at most 365d, not '" + "9" * 37 + "...'"),
    ],
)
def test_durations_beyond_their_maximum_are_refused(
    text: str, maximum: timedelta, message: str
) -> None:
    with pytest.raises(UserError) as raised:
        parse_duration(text, maximum=maximum, name="--delay")
    assert str(raised.value) == message


@pytest.mark.parametrize("text", ["99999999999d", "9" * 5000 + "w", "3651d", "1" + "0" * 400])
def test_absurd_durations_are_refused_everywhere(text: str) -> None:
    # Without a maximum of its own a duration is still at most ten years: longer ones
    # overflow the dates they are added to.
    with pytest.raises(UserError, match=r"^a duration must be at most 3650d, not "):
        parse_duration(text)


def test_the_maxima_themselves_are_taken() -> None:
    assert parse_duration("365d", maximum=MAX_STEP_DELAY) == MAX_STEP_DELAY
    assert parse_duration("30d", maximum=MAX_WINDOW) == MAX_WINDOW
    assert parse_duration("3650d") == MAX_DURATION
    assert (MAX_STEP_DELAY.days, MAX_WINDOW.days, MAX_DURATION.days) == (365, 30, 3650)
