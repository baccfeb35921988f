"""When a lead may be texted: the sending window, open in every time zone the lead may be in.

A lead's candidate zones are its own timezone when it has a valid one, else every zone its
number may be in (a Russian mobile: 16 zones; a US toll-free number: 42), else this
computer's. A message goes out only while the window (e.g. 08:00-21:00, local wall-clock time)
is open in all of them; when that never happens the caller holds the lead ("time zone
needed").

Each zone's window is turned into instants day by day, on wall-clock time:
- a start inside a fall-back fold (the hour that happens twice) opens at the *later* of its
  two instants, an end inside one closes at the *earlier*: the window is never open at a
  local time outside it, at the cost of the repeated half hour or so on that one night;
- a start or end inside a spring-forward gap (a local time that does not exist) takes the
  first instant after the gap, so a message waits at most the length of the gap.
All comparisons are made in UTC, where aware datetimes compare as instants.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop.services.core.phones import timezones_of

Window = tuple[time, time]
Zones = tuple[tzinfo, ...]
Span = tuple[datetime, datetime]  # [opens, closes) in UTC

# Time zone rules repeat every year: no shared window within a year and a few days (leap
# years, rules that move by a weekday) means none ever.
HORIZON = timedelta(days=372)
_DAY = timedelta(days=1)


# --------------------------------------------------------------------------- candidate zones


@lru_cache(maxsize=1024)
def zone(name: str) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@lru_cache(maxsize=1)
def local_zone() -> tzinfo:
    """This computer's zone, with its DST rules when they can be found (tzlocal, installed
    with APScheduler), else its current UTC offset."""
    try:
        from tzlocal import get_localzone  # only for numbers phonenumbers cannot place

        return get_localzone()
    except Exception:  # any failure to read the system's zone: fall back to the offset
        found = datetime.now().astimezone().tzinfo
        return found if found is not None else UTC


@lru_cache(maxsize=4096)
def _zones_named(names: tuple[str, ...]) -> Zones:
    """The zones of a number, once per distinct list, so equal lists give an equal (and
    cheaply hashed) tuple of the same ZoneInfo objects."""
    found = (zone(name) for name in dict.fromkeys(names))
    return tuple(z for z in found if z is not None)


def candidate_zones(timezone_name: str, phone: str) -> Zones:
    """Every zone the lead may be in: its own timezone when valid, else all the zones of its
    number, else this computer's zone. Never empty."""
    own = zone(timezone_name)
    if own is not None:
        return (own,)
    return _zones_named(timezones_of(phone)) or (local_zone(),)


def _exists(local: datetime) -> bool:
    """False for a local time inside a spring-forward gap: it does not survive a round trip."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def _gap_end(before: datetime, after: datetime, tz: tzinfo) -> datetime:
    """The first instant after a spring-forward gap, between `before` (old offset) and
    `after` (new offset). Zones do not publish their transitions, so it is found by
    bisection on whole seconds: 12 steps for an hour's gap, and only on a DST day."""
    new_offset = after.astimezone(tz).utcoffset()
    low, high = int(before.timestamp()), int(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == new_offset:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _instant(day: date, wall: time, tz: tzinfo, *, later: bool) -> datetime:
    """The UTC instant of a wall-clock time: for a time that happens twice the later or the
    earlier one as asked, for a time that does not exist the end of the gap."""
    first = datetime.combine(day, wall, tzinfo=tz)
    second = first.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    if _exists(first):  # a fall-back fold: fold=1 is the later instant
        return (second if later else first).astimezone(UTC)
    # A gap: fold=1 reads the time with the offset of after the change, which lands before
    # it; fold=0 with the offset of before, which lands after it.
    return _gap_end(second.astimezone(UTC), first.astimezone(UTC), tz)


# --------------------------------------------------------------------------- windows


@lru_cache(maxsize=16384)
def _day_span(tz: tzinfo, window: Window, day: date) -> Span:
    """The window that opens on local `day`, in UTC; empty (closes <= opens) on a night
    where DST swallows it."""
    start, end = window
    close_day = day if start < end else day + _DAY  # across midnight: closes the next day
    opens = _instant(day, start, tz, later=True)
    closes = _instant(close_day, end, tz, later=False)
    return opens, closes


def zone_span(tz: tzinfo, window: Window, at: datetime) -> Span:
    """The window of one zone that holds `at` (UTC), else the next one."""
    day = at.astimezone(tz).date() - _DAY  # a window across midnight opened the day before
    while True:
        opens, closes = _day_span(tz, window, day)
        if closes > at and opens < closes:
            return opens, closes
        day += _DAY


def _search_shared_span(zones: Zones, window: Window, at: datetime) -> Span | None:
    """The earliest span open in every zone that ends after `at`, None if none begins
    within HORIZON. Each round moves `at` to the latest opening among the zones: nothing
    can be shared before it, and the zone whose window closes first moves on to its next."""
    limit = at + HORIZON
    while at < limit:
        spans = [zone_span(tz, window, at) for tz in zones]
        opens = max(span[0] for span in spans)
        closes = min(span[1] for span in spans)
        if opens < closes:
            return opens, closes
        at = opens
    return None


@lru_cache(maxsize=1024)
def _never_on(zones: Zones, window: Window, day: date) -> bool:
    """True when no span is shared from the start of `day` (UTC) on. Proving it searches a
    whole year (milliseconds with many zones): held leads are asked about every minute, so
    the answer is kept for the day."""
    return _search_shared_span(zones, window, datetime.combine(day, time(), UTC)) is None


@lru_cache(maxsize=4096)
def _shared_span_from(zones: Zones, window: Window, minute: datetime) -> Span | None:
    if _never_on(zones, window, minute.date()):
        return None
    return _search_shared_span(zones, window, minute)


def shared_span(zones: Zones, window: Window, at: datetime) -> Span | None:
    """The span holding `at` (UTC) or the next one in which the window is open in every zone;
    None when there is none. Searched once per (zones, window, minute) and then cached: the
    dispatcher asks for every due message."""
    minute = at.replace(second=0, microsecond=0)
    found = _shared_span_from(zones, window, minute)
    if found is not None and found[1] <= at:  # the span ended within this minute
        return _search_shared_span(zones, window, at)
    return found


# --------------------------------------------------------------------------- next send time


def _as_utc(moment: datetime) -> datetime:
    """Naive datetimes are UTC, as the database stores them."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _like(moment: datetime, model: datetime) -> datetime:
    """`moment` (UTC) in the same kind of datetime as `model`: naive UTC or in its zone."""
    if model.tzinfo is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(model.tzinfo)


def _next_open(now: datetime, zones: Zones, window: Window | None) -> datetime | None:
    if window is None or not zones:
        return now
    at = _as_utc(now)
    span = shared_span(zones, window, at)
    if span is None:
        return None
    opens = span[0]
    return now if opens <= at else _like(opens, now)


def next_send_time(
    now: datetime, zones: Sequence[tzinfo], window: Window | None
) -> datetime | None:
    """`now` when the window is open in every zone; else the first later instant when it is;
    None when that never happens (the zones are too far apart for the window).

    `window` None means no quiet hours. The answer is in `now`'s zone (naive UTC for a naive
    `now`).
    """
    return _next_open(now, tuple(zones), window)
