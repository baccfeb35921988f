"""When will the last message of a new sequence go out? A forecast for the composer.

The dispatcher hands messages to Twilio one at a time, oldest due first, paced at
`rate_limit` segments per second, and defers a message whose lead is outside the sending
window (quiet hours, lead's local time) to the next window start. A later step becomes due
`delay` after the lead's previous step went out.

Simulating that message by message costs a few microseconds of datetime work each, too much
for 100 000 leads on every edit. Every lead of one time zone behaves the same, so leads are
aggregated per zone and moved in *parcels* (a run of leads of one zone and step, sent back to
back). A parcel is split exactly where its window closes; the only approximation is that a
parcel keeps the sender busy while another zone's messages of the same age would in reality
interleave with it, which moves the finish by at most one parcel's sending time. Parcels are
sized so there are at most ~2 000 per step, whatever the number of leads.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import select

from desktop.models import Lead, LeadTag
from desktop.services.core.context import Context
from desktop.services.leads.quiet_hours import Window, lead_zone, zone
from desktop.services.leads.store import normalize_tag

MAX_PARCELS_PER_STEP = 2000
# Leads without a time zone of their own get the zone of their number, which depends on the
# country and area code only: one lookup per prefix instead of one per lead ("+1415555").
PHONE_PREFIX = 8
HORIZON = timedelta(days=730)  # beyond this the answer is "too slow", not a date


@dataclass(frozen=True)
class Forecast:
    messages: int
    start: datetime
    finish: datetime | None  # None: nothing to send, or beyond the horizon
    sentence: str

    @property
    def duration(self) -> timedelta | None:
        return None if self.finish is None else self.finish - self.start


def count_zones(recipients: Iterable[tuple[str, str]]) -> dict[tzinfo, int]:
    """(phone, timezone name) pairs -> how many leads send in each zone (as lead_zone says)."""
    counts: Counter[tzinfo] = Counter()
    by_prefix: Counter[str] = Counter()
    example: dict[str, str] = {}
    for phone, timezone_name in recipients:
        own = zone(timezone_name) if timezone_name else None
        if own is not None:
            counts[own] += 1
        else:
            prefix = phone[:PHONE_PREFIX]
            by_prefix[prefix] += 1
            example.setdefault(prefix, phone)
    for prefix, count in by_prefix.items():
        counts[lead_zone("", example[prefix])] += count
    return dict(counts)


def selection_zones(
    ctx: Context, *, all_leads: bool = True, tag: str | None = None
) -> dict[tzinfo, int]:
    """Zones of the live, not opted-out leads of a selection (all leads or one tag)."""
    query = select(Lead.phone, Lead.timezone).where(
        Lead.deleted_at.is_(None), Lead.opted_out.is_(False)
    )
    if tag and not all_leads:
        wanted = normalize_tag(tag)
        query = query.where(Lead.id.in_(select(LeadTag.lead_id).where(LeadTag.tag == wanted)))
    with ctx.db.read() as session:
        return count_zones(session.execute(query))


class _Windows:
    """Sending windows of one zone as epoch-second intervals, cached per local day."""

    def __init__(self, tz: tzinfo, window: Window | None) -> None:
        self.tz = tz
        self.window = window
        self._days: dict[date, tuple[float, float]] = {}
        self._current = (0.0, 0.0)

    def _interval(self, day: date) -> tuple[float, float]:
        found = self._days.get(day)
        if found is None:
            assert self.window is not None
            start, end = self.window
            close_day = day if start < end else day + timedelta(days=1)
            found = (
                datetime.combine(day, start, tzinfo=self.tz).timestamp(),
                datetime.combine(close_day, end, tzinfo=self.tz).timestamp(),
            )
            self._days[day] = found
        return found

    def around(self, t: float) -> tuple[float, float]:
        """The window that holds `t`, else the next one: (open, close) with close > t."""
        if self.window is None:
            return (-math.inf, math.inf)
        opened, closed = self._current
        if opened <= t < closed:
            return self._current
        day = datetime.fromtimestamp(t, self.tz).date() - timedelta(days=1)
        while True:
            opened, closed = self._interval(day)
            if closed > t:
                self._current = (opened, closed)
                return self._current
            day += timedelta(days=1)


def _parcels(counts: Sequence[int]) -> list[tuple[float, int, int]]:
    """(tie-break, zone index, size) for step 1. The tie-break is the parcel's position in
    its zone as a fraction, so zones of equal age interleave like leads ordered by id do."""
    total = sum(counts)
    size = max(1, math.ceil(total / MAX_PARCELS_PER_STEP))
    out: list[tuple[float, int, int]] = []
    for index, count in enumerate(counts):
        pieces = math.ceil(count / size)
        for piece in range(pieces):
            share = count * (piece + 1) // pieces - count * piece // pieces
            out.append(((piece + 0.5) / pieces, index, share))
    return out


def simulate(
    zone_counts: Mapping[tzinfo, int],
    step_segments: Sequence[float],
    step_delays: Sequence[float],
    rate: float,
    window: Window | None,
    start: float,
    horizon: float = math.inf,
) -> float | None:
    """Epoch time of the last hand-off, None when it would be after `horizon`.

    `step_delays[i]` is the wait (seconds) before step i after the lead's step i-1;
    `step_delays[0]` is ignored.
    """
    zones = [z for z, n in zone_counts.items() if n > 0]
    windows = [_Windows(z, window) for z in zones]
    seconds = [max(1.0, float(s)) / rate for s in step_segments]
    last_step = len(step_segments) - 1
    # (due, tie-break, zone, step, leads, span): the parcel's leads fall due evenly over
    # [due, due + span]; span is 0 when they all became due at once.
    heap = [
        (start, order, z, 0, n, 0.0)
        for order, z, n in _parcels([zone_counts[z] for z in zones])
        if n > 0
    ]
    heapq.heapify(heap)
    free = start  # the rate limiter's next free slot
    last: float | None = None
    while heap:
        due, order, z, step, count, span = heapq.heappop(heap)
        t = max(free, due)
        if t > horizon:
            return None
        opened, closed = windows[z].around(t)
        if opened > t:  # outside quiet hours: the dispatcher re-schedules to the window start
            heapq.heappush(heap, (opened, order, z, step, count, 0.0))
            continue
        each = seconds[step]
        # Only the messages picked before the window closes go out now.
        sent = count if closed == math.inf else min(count, math.ceil((closed - t) / each))
        final = t + (sent - 1) * each
        if span > 0 and count > 1:  # leads still falling due can hold the sender back
            final = max(final, due + span * (sent - 1) / (count - 1))
        free = final + each
        last = final if last is None else max(last, final)
        if step < last_step:
            heapq.heappush(heap, (t + step_delays[step + 1], order, z, step + 1, sent, final - t))
        if sent < count:
            reopened, _ = windows[z].around(closed)
            heapq.heappush(heap, (reopened, order, z, step, count - sent, 0.0))
    return last


# --------------------------------------------------------------------------- wording


def group_digits(number: int) -> str:
    """2000 -> "2 000", as the composer writes counts."""
    return f"{number:,}".replace(",", " ")


def describe_duration(value: timedelta) -> str:
    minutes = round(value.total_seconds() / 60)
    if minutes < 1:
        return "under a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        words = f"{days} day{'s' if days > 1 else ''}"
        return f"about {words} {hours} h" if hours else f"about {words}"
    if hours:
        return f"about {hours} h {minutes} min" if minutes else f"about {hours} h"
    return f"about {minutes} min"


def describe_rate(rate: float) -> str:
    return f"{rate:g} segment{'' if rate == 1 else 's'}/s"


def describe_window(window: Window | None) -> str:
    if window is None:
        return "at any hour"
    start, end = window
    shown_end = "24:00" if end == time(23, 59, 59) else end.strftime("%H:%M")
    return f"between {start.strftime('%H:%M')} and {shown_end} in each lead's time zone"


# English names on purpose: strftime follows the process locale, which Qt sets from the
# desktop, and the rest of the sentence is English.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def describe_moment(moment: datetime, reference: datetime | None = None) -> str:
    """ "Thu 27 Nov at 10:41" (with the year when it differs from `reference`'s)."""
    text = f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"
    if reference is not None and moment.year != reference.year:
        text += f" {moment.year}"
    return f"{text} at {moment:%H:%M}"


def forecast(
    zone_counts: Mapping[tzinfo, int],
    step_segments: Sequence[float],
    step_delays: Sequence[timedelta],
    *,
    rate: float,
    window: Window | None,
    start: datetime,
    display_tz: tzinfo | None = None,
) -> Forecast:
    """When the last message goes out if nothing else shares the sender; see module doc.

    `zone_counts` comes from count_zones or selection_zones; one entry of `step_segments`
    (average segments of that step) and of `step_delays` (wait after the previous step, the
    first one ignored) per step. Times in the sentence are in `display_tz` (default: this
    computer's zone).
    """
    if rate <= 0:
        raise ValueError("rate must be above zero")
    if len(step_delays) != len(step_segments):
        raise ValueError("one delay per step is needed (the first one is ignored)")
    start = start if start.tzinfo is not None else start.replace(tzinfo=UTC)
    leads = sum(n for n in zone_counts.values() if n > 0)
    messages = leads * len(step_segments)
    if messages == 0:
        return Forecast(0, start, None, "There are no messages to send yet.")
    begin = start.timestamp()
    end = simulate(
        zone_counts,
        step_segments,
        [d.total_seconds() for d in step_delays],
        rate,
        window,
        begin,
        begin + HORIZON.total_seconds(),
    )
    pace = f"sending at {describe_rate(rate)} {describe_window(window)}"
    if end is None:
        sentence = (
            f"At {describe_rate(rate)} the {group_digits(messages)} messages would take more "
            f"than {HORIZON.days // 365} years; raise the rate limit in Settings."
        )
        return Forecast(messages, start, None, sentence)
    finish = datetime.fromtimestamp(round(end, 3), UTC)  # no float noise in the answer
    local_finish = finish.astimezone(display_tz) if display_tz else finish.astimezone()
    local_start = start.astimezone(local_finish.tzinfo)
    how_long = describe_duration(finish - start)
    head = (
        "The message should go out"
        if messages == 1
        else f"The last of {group_digits(messages)} messages should go out"
    )
    sentence = f"{head} on {describe_moment(local_finish, local_start)} ({how_long}), {pace}."
    return Forecast(messages, start, finish, sentence)
