"""When a lead may be texted: the sending window in the lead's own local time."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop.services.core.phones import timezone_of

Window = tuple[time, time]


@lru_cache(maxsize=1024)
def zone(name: str) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def lead_zone(timezone_name: str, phone: str) -> tzinfo:
    """The lead's own zone, else the zone of the number's area, else this computer's."""
    found = zone(timezone_name) or zone(timezone_of(phone) or "")
    if found is not None:
        return found
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    return local


def _inside(local: time, window: Window) -> bool:
    start, end = window
    if start < end:
        return start <= local < end
    return local >= start or local < end  # a window across midnight, e.g. 22:00-06:00


def next_send_time(now: datetime, tz: tzinfo, window: Window | None) -> datetime:
    """`now` when the lead's local time is inside the window, else the next window start
    (as an aware UTC-comparable datetime)."""
    if window is None:
        return now
    local = now.astimezone(tz)
    if _inside(local.timetz().replace(tzinfo=None), window):
        return now
    start = window[0]
    candidate = datetime.combine(local.date(), start, tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), start, tzinfo=tz)
    return candidate.astimezone(now.tzinfo)
