"""When will the last message of a new sequence go out? A forecast for the composer.

The dispatcher hands messages to Twilio one at a time, oldest due first, paced at
`rate_limit` segments per second, and defers a message to the next time the sending window
(quiet hours) is open in every time zone its lead may be in (quiet_hours.candidate_zones). A
lead whose zones never share the window is held ("time zone needed"): the forecast counts
such leads apart and leaves them out of the finish. A later step becomes due `delay` after
the lead's previous step went out.

Simulating that message by message costs a few microseconds of datetime work each, too much
for 100 000 leads on every edit. Every lead with the same candidate zones behaves the same,
so leads are aggregated per zone group and moved in *parcels* (a run of leads of one group
and step, sent back to back). A parcel is split exactly where its window closes; the only
approximation is that a parcel keeps the sender busy while another group's messages of the
same age would in reality interleave with it, which moves the finish by at most one
parcel's sending time. Parcels are sized so there are at most ~2 000 per step, whatever the
number of leads.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from desktop.services.leads.quiet_hours import Window, Zones, candidate_zones, shared_span, zone
from desktop.services.sequences.recipients import Recipient

MAX_PARCELS_PER_STEP = 2000
# Leads without a time zone of their own get the zones of their number, which depend on the
# country and area code only: one lookup per prefix instead of one per lead ("+1415555").
# (phonenumbers has a few longer prefixes, in Brazil, Ireland and Australia: there the group
# takes the zones of its first number.)
PHONE_PREFIX = 8
HORIZON = timedelta(days=730)  # beyond this the answer is "too slow", not a date


@dataclass(frozen=True)
class Forecast:
    messages: int  # the messages that will go out: those of held leads are not counted
    start: datetime
    finish: datetime | None  # None: nothing to send, or beyond the horizon
    sentence: str
    never: int = 0  # leads whose zones never share the window: held, "time zone needed"

    @property
    def duration(self) -> timedelta | None:
        return None if self.finish is None else self.finish - self.start


def count_zones(recipients: Iterable[tuple[str, str]]) -> dict[Zones, int]:
    """(phone, timezone name) pairs -> how many leads have each group of candidate zones
    (as quiet_hours.candidate_zones gives them)."""
    counts: Counter[Zones] = Counter()
    by_prefix: Counter[str] = Counter()
    example: dict[str, str] = {}
    for phone, timezone_name in recipients:
        own = zone(timezone_name) if timezone_name else None
        if own is not None:
            counts[(own,)] += 1
        else:
            prefix = phone[:PHONE_PREFIX]
            by_prefix[prefix] += 1
            example.setdefault(prefix, phone)
    for prefix, count in by_prefix.items():
        counts[candidate_zones("", example[prefix])] += count
    return dict(counts)


def recipient_zones(recipients: Iterable[Recipient]) -> dict[Zones, int]:
    """Zone groups of the leads a sequence goes to. Who they are (not opted out, deleted,
    a number that cannot take texts, or the owner's own phone) is builder.choose_recipients'
    choice alone: a second copy of that rule here made the forecast count other leads."""
    return count_zones((r.phone, r.timezone) for r in recipients)


class _Windows:
    """The spans in which the window is open in every zone of a group, as epoch seconds;
    the current one is kept, as parcels mostly ask about the same span again."""

    def __init__(self, zones: Zones, window: Window | None) -> None:
        self.zones = zones
        self.window = window
        self._current = (0.0, 0.0)

    def around(self, t: float) -> tuple[float, float]:
        """The span that holds `t`, else the next one: (open, close) with close > t;
        (inf, inf) when the zones never share the window again."""
        if self.window is None:
            return (-math.inf, math.inf)
        opened, closed = self._current
        if opened <= t < closed:
            return self._current
        span = shared_span(self.zones, self.window, datetime.fromtimestamp(t, UTC))
        if span is None:
            return (math.inf, math.inf)
        self._current = (span[0].timestamp(), span[1].timestamp())
        return self._current


def never_texted(zones: Zones, window: Window | None, start: datetime) -> bool:
    """True when the window is never open in all of `zones` at once (from `start` on)."""
    return window is not None and shared_span(zones, window, start.astimezone(UTC)) is None


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
    zone_counts: Mapping[Zones, int],
    step_segments: Sequence[float],
    step_delays: Sequence[float],
    rate: float,
    window: Window | None,
    start: float,
    horizon: float = math.inf,
) -> float | None:
    """Epoch time of the last hand-off, None when it would be after `horizon`.

    `step_delays[i]` is the wait (seconds) before step i after the lead's step i-1;
    `step_delays[0]` is ignored. Leads of a group whose zones never share the window are
    left out (forecast counts them before).
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
        if opened == math.inf:
            continue  # held by the dispatcher: never sent
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
            if reopened < math.inf:
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
    """ "1 text part a second": the rate limit counts SMS segments, which the owner sees as
    text parts (Settings names the rate limit so)."""
    return f"{rate:g} text part{'' if rate == 1 else 's'} a second"


def _hours(window: Window) -> str:
    start, end = window
    shown_end = "24:00" if end == time(23, 59, 59) else end.strftime("%H:%M")
    return f"between {start.strftime('%H:%M')} and {shown_end}"


def describe_window(window: Window | None) -> str:
    if window is None:
        return "at any hour"
    return f"{_hours(window)} in each lead's time zone"


def describe_held(leads: int, window: Window | None) -> str:
    """Why some leads get no message: their number's zones never share the window."""
    if leads == 0 or window is None:
        return ""
    one = leads == 1
    who = "1 lead" if one else f"{group_digits(leads)} leads"
    whose = "its number spans" if one else "their numbers span"
    return (
        f'{who} will wait, flagged "time zone needed": {whose} time zones that are never '
        f"all {_hours(window)} at once; give {'it' if one else 'them'} a time zone."
    )


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


def split_held(
    zone_counts: Mapping[Zones, int], window: Window | None, start: datetime
) -> tuple[dict[Zones, int], int]:
    """The zone groups that can be texted, and how many leads cannot (held by the
    dispatcher until they have a time zone)."""
    sendable: dict[Zones, int] = {}
    held = 0
    for zones, count in zone_counts.items():
        if count <= 0:
            continue
        if never_texted(zones, window, start):
            held += count
        else:
            sendable[zones] = count
    return sendable, held


def _finish_sentence(
    messages: int, start: datetime, finish: datetime, pace: str, display_tz: tzinfo | None
) -> str:
    local_finish = finish.astimezone(display_tz) if display_tz else finish.astimezone()
    local_start = start.astimezone(local_finish.tzinfo)
    how_long = describe_duration(finish - start)
    head = (
        "The message should go out"
        if messages == 1
        else f"The last of {group_digits(messages)} messages should go out"
    )
    return f"{head} on {describe_moment(local_finish, local_start)} ({how_long}), {pace}."


def forecast(
    zone_counts: Mapping[Zones, int],
    step_segments: Sequence[float],
    step_delays: Sequence[timedelta],
    *,
    rate: float,
    window: Window | None,
    start: datetime,
    display_tz: tzinfo | None = None,
) -> Forecast:
    """When the last message goes out if nothing else shares the sender; see module doc.

    `zone_counts` comes from count_zones or recipient_zones; one entry of `step_segments`
    (average segments of that step) and of `step_delays` (wait after the previous step, the
    first one ignored) per step. Times in the sentence are in `display_tz` (default: this
    computer's zone). Leads that can never be texted under `window` are counted in `never`
    and named in the sentence.
    """
    if rate <= 0:
        raise ValueError("rate must be above zero")
    if len(step_delays) != len(step_segments):
        raise ValueError("one delay per step is needed (the first one is ignored)")
    start = start if start.tzinfo is not None else start.replace(tzinfo=UTC)
    sendable, never = split_held(zone_counts, window, start)
    held = describe_held(never, window)
    messages = sum(sendable.values()) * len(step_segments)
    if messages == 0:
        empty = f"No message can go out: {held}" if never else "There are no messages to send yet."
        return Forecast(0, start, None, empty, never)
    begin = start.timestamp()
    end = simulate(
        sendable,
        step_segments,
        [d.total_seconds() for d in step_delays],
        rate,
        window,
        begin,
        begin + HORIZON.total_seconds(),
    )
    if end is None:
        sentence = (
            f"At {describe_rate(rate)} the {group_digits(messages)} messages would take more "
            f"than {HORIZON.days // 365} years; raise the rate limit in Settings."
        )
        return Forecast(messages, start, None, _join(sentence, held), never)
    finish = datetime.fromtimestamp(round(end, 3), UTC)  # no float noise in the answer
    pace = f"sending at {describe_rate(rate)} {describe_window(window)}"
    sentence = _finish_sentence(messages, start, finish, pace, display_tz)
    return Forecast(messages, start, finish, _join(sentence, held), never)


def _join(*sentences: str) -> str:
    return " ".join(text for text in sentences if text)
