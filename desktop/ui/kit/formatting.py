"""How numbers and times read on screen: local time, thousands separators, plurals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

# What "now" is for a screen: the services' clock (`ctx.now`), so that a test can fix it.
Clock = Callable[[], datetime]


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def format_count(count: int) -> str:
    return f"{count:,}"


def local(moment: datetime) -> datetime:
    """The user's local time; stored times are aware UTC."""
    return moment.astimezone()


def format_time(moment: datetime | None, *, now: datetime) -> str:
    """Short and unambiguous: time only today, day and time this year, full date before.

    `now` says which day is today; callers pass their clock's reading, never the real time
    read here, so what a table shows follows the clock the services run on."""
    if moment is None:
        return ""
    when = local(moment)
    today = local(now)
    if when.date() == today.date():
        return when.strftime("%H:%M:%S")
    if when.year == today.year:
        return f"{when:%b} {when.day}, {when:%H:%M}"
    return when.strftime("%Y-%m-%d %H:%M")


def format_full_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    when = local(moment)
    return f"{when:%A} {when.day} {when:%B %Y, %H:%M:%S %Z}"


def format_in(delta: timedelta) -> str:
    """'in 12 s', 'in 3 min' for the status bar's next check."""
    seconds = max(0, round(delta.total_seconds()))
    if seconds < 90:
        return f"in {seconds} s"
    minutes = seconds // 60
    if minutes < 90:
        return f"in {minutes} min"
    return f"in {minutes // 60} h"


def format_interval(delta: timedelta) -> str:
    """'30 s', '2 min', '1 h 30 min': how often something happens, exactly."""
    seconds = delta.total_seconds()
    if seconds < 60 or seconds % 60:
        return f"{seconds:g} s"
    hours, minutes = divmod(round(seconds) // 60, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
