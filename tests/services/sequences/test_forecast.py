"""The composer's forecast: exact on small known cases, close to a message-by-message
simulation on mixed ones, and fast on 100 000 leads."""

from __future__ import annotations

import heapq
import math
import random
import time
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from desktop.models import Lead
from desktop.services.core.context import Context
from desktop.services.leads.quiet_hours import Window, Zones
from desktop.services.leads.store import set_opted_out
from desktop.services.sequences.builder import LeadSelection, StepSpec, preflight
from desktop.services.sequences.draft_check import Draft, check_draft
from desktop.services.sequences.forecast import (
    count_zones,
    describe_duration,
    forecast,
    recipient_zones,
    simulate,
)
from tests.helpers import add_leads

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
DAYTIME: Window = (clock(8), clock(21))
NO_DELAY = [timedelta(0)]


def at(zone: tzinfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def test_the_issue_example_sentence() -> None:
    start = at(NY, 2025, 11, 27, 9, 34)
    result = forecast(
        {(NY,): 1000},
        [2, 2],
        [timedelta(0), timedelta(0)],
        rate=1,
        window=DAYTIME,
        start=start,
        display_tz=NY,
    )
    # 2 000 messages of 2 text parts at 1 a second: the last starts 3 998 s after the first.
    assert result.messages == 2000
    assert result.duration == timedelta(seconds=3998)
    assert result.sentence == (
        "The last of 2 000 messages should go out on Thu 27 Nov at 10:40 (about 1 h 7 min), "
        "sending at 1 text part a second between 08:00 and 21:00 in each lead's time zone."
    )


def test_quiet_hours_push_the_rest_to_the_next_morning() -> None:
    start = at(NY, 2025, 11, 27, 20, 30)
    result = forecast(
        {(NY,): 3600}, [1], NO_DELAY, rate=1, window=DAYTIME, start=start, display_tz=NY
    )
    # 1 800 go out before 21:00, the other 1 800 from 08:00 the next day.
    assert result.finish == at(NY, 2025, 11, 28, 8, 0) + timedelta(seconds=1799)
    assert "Fri 28 Nov at 08:29" in result.sentence


def test_a_start_before_the_window_waits_for_it() -> None:
    start = at(LONDON, 2025, 6, 2, 6, 0)
    result = forecast({(LONDON,): 1}, [1], NO_DELAY, rate=1, window=DAYTIME, start=start)
    assert result.finish == at(LONDON, 2025, 6, 2, 8, 0)
    assert result.sentence.startswith("The message should go out on Mon 2 Jun")


def test_a_later_step_waits_its_delay_and_for_its_window() -> None:
    start = at(NY, 2025, 11, 27, 10, 0)
    result = forecast(
        {(NY,): 10},
        [1, 1],
        [timedelta(0), timedelta(hours=12)],
        rate=1,
        window=DAYTIME,
        start=start,
        display_tz=NY,
    )
    # Step 2 would be due at 22:00-22:00:09, after quiet hours start: next day 08:00.
    assert result.finish == at(NY, 2025, 11, 28, 8, 0) + timedelta(seconds=9)


def test_each_lead_waits_for_its_own_morning() -> None:
    start = at(NY, 2025, 11, 27, 7, 0)  # 12:00 in London, 04:00 in Los Angeles
    result = forecast(
        {(NY,): 5, (LA,): 5, (LONDON,): 5}, [1], NO_DELAY, rate=10, window=DAYTIME, start=start
    )
    assert result.finish == at(LA, 2025, 11, 27, 8, 0) + timedelta(seconds=0.4)


def test_quiet_hours_off_and_long_bodies() -> None:
    start = datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    result = forecast(
        {(UTC,): 500}, [3], NO_DELAY, rate=2.5, window=None, start=start, display_tz=UTC
    )
    assert result.duration == timedelta(seconds=499 * 3 / 2.5)
    assert "2.5 text parts a second at any hour" in result.sentence


def test_nothing_to_send_and_a_hopeless_rate() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    empty = forecast({}, [1], NO_DELAY, rate=1, window=None, start=start)
    assert empty.finish is None
    assert empty.sentence == "There are no messages to send yet."
    slow = forecast({(UTC,): 100_000}, [1], NO_DELAY, rate=0.001, window=None, start=start)
    assert slow.finish is None
    assert "raise the rate limit" in slow.sentence
    with pytest.raises(ValueError):
        forecast({(UTC,): 1}, [1], NO_DELAY, rate=0, window=None, start=start)


TOKYO = ZoneInfo("Asia/Tokyo")
MORNING: Window = (clock(9), clock(12))
RUSSIAN_MOBILE = "+79141234567"  # 16 zones, from Bucharest's (UTC+2) to Anadyr's (UTC+12)


def test_a_number_with_several_zones_waits_for_all_of_them() -> None:
    counts = count_zones([(RUSSIAN_MOBILE, "")])
    (zones,) = counts
    assert len(zones) > 10 and counts[zones] == 1
    start = datetime(2026, 11, 26, 15, 6, tzinfo=UTC)  # 01:06 in Vladivostok
    result = forecast(counts, [1], NO_DELAY, rate=1, window=DAYTIME, start=start)
    # 08:00 in Bucharest, the westernmost: 16:00 in Vladivostok.
    assert result.finish == datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    assert result.never == 0


def test_leads_that_could_never_be_texted_are_reported() -> None:
    counts = count_zones([(RUSSIAN_MOBILE, ""), ("+79141234568", ""), ("+14155550100", "")])
    start = at(NY, 2025, 11, 27, 10, 0)
    result = forecast(
        counts, [1, 1], [timedelta(0), timedelta(0)], rate=1, window=MORNING, start=start
    )
    # The Russian numbers span 10 hours: 09:00-12:00 is never open in all their zones.
    assert result.never == 2
    assert result.messages == 2  # the Californian lead's two steps
    assert result.finish == at(LA, 2025, 11, 27, 9, 0) + timedelta(seconds=1)
    assert result.sentence.endswith(
        '2 leads will wait, flagged "time zone needed": their numbers span time zones that '
        "are never all between 09:00 and 12:00 at once; give them a time zone."
    )


def test_when_no_lead_could_ever_be_texted_there_is_no_finish() -> None:
    far_apart = (LONDON, TOKYO, LA)  # no hour is daytime in all three
    result = forecast(
        {far_apart: 1}, [1], NO_DELAY, rate=1, window=DAYTIME, start=at(NY, 2025, 6, 2, 9)
    )
    assert (result.messages, result.finish, result.never) == (0, None, 1)
    assert result.sentence == (
        'No message can go out: 1 lead will wait, flagged "time zone needed": its number '
        "spans time zones that are never all between 08:00 and 21:00 at once; give it a "
        "time zone."
    )
    # Without quiet hours the same lead is simply sent to.
    anytime = forecast({far_apart: 1}, [1], NO_DELAY, rate=1, window=None, start=at(NY, 2025, 6, 2))
    assert anytime.never == 0 and anytime.finish == at(NY, 2025, 6, 2)


def test_a_lead_timezone_overrides_its_number_in_the_forecast() -> None:
    counts = count_zones([(RUSSIAN_MOBILE, "Asia/Vladivostok")])
    assert counts == {(ZoneInfo("Asia/Vladivostok"),): 1}
    result = forecast(counts, [1], NO_DELAY, rate=1, window=MORNING, start=at(NY, 2025, 6, 2))
    assert result.never == 0 and result.finish is not None


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (20, "under a minute"),
        (600, "about 10 min"),
        (3600, "about 1 h"),
        (93_600, "about 1 day 2 h"),
    ],
)
def test_durations_in_words(seconds: int, words: str) -> None:
    assert describe_duration(timedelta(seconds=seconds)) == words


def _one_by_one(
    leads: list[tzinfo], segments: list[int], delays: list[float], rate: float, start: float
) -> float:
    """Reference: the dispatcher's rule applied message by message (oldest due first, ties
    by lead id), with the quiet-hour check made when a message is picked."""

    def window_of(zone: tzinfo, t: float) -> tuple[float, float]:
        day = datetime.fromtimestamp(t, zone).date() - timedelta(days=1)
        while True:
            opened = datetime.combine(day, DAYTIME[0], tzinfo=zone).timestamp()
            closed = datetime.combine(day, DAYTIME[1], tzinfo=zone).timestamp()
            if closed > t:
                return opened, closed
            day += timedelta(days=1)

    heap = [(start, lead, 0) for lead in range(len(leads))]
    heapq.heapify(heap)
    free, last = start, start
    while heap:
        due, lead, step = heapq.heappop(heap)
        t = max(free, due)
        opened, _ = window_of(leads[lead], t)
        if opened > t:
            heapq.heappush(heap, (opened, lead, step))
            continue
        free = t + segments[step] / rate
        last = max(last, t)
        if step + 1 < len(segments):
            heapq.heappush(heap, (t + delays[step + 1], lead, step + 1))
    return last


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_close_to_a_message_by_message_simulation(seed: int) -> None:
    rng = random.Random(seed)
    zones: list[tzinfo] = [NY, LA, LONDON, ZoneInfo("Asia/Tokyo")]
    leads = [rng.choice(zones) for _ in range(6000)]
    segments = [rng.randint(1, 3), rng.randint(1, 2)]
    delays = [0.0, rng.choice([600.0, 7200.0, 86400.0])]
    rate = rng.choice([1.0, 5.0, 20.0])
    start = at(NY, 2025, 3, 3, rng.randint(0, 23), 0).timestamp()
    expected = _one_by_one(leads, segments, delays, rate, start)
    counts: dict[Zones, int] = {(z,): leads.count(z) for z in zones}
    got = simulate(counts, segments, delays, rate, DAYTIME, start)
    assert got is not None
    # A parcel is at most 3 leads here: the answer may move by a few parcels' sending time.
    assert math.isclose(got, expected, abs_tol=60 + 0.002 * (expected - start))


def test_one_hundred_thousand_leads_two_steps_well_under_a_second() -> None:
    rng = random.Random(7)
    names = ["America/New_York", "America/Chicago", "Europe/London", "", "Mars/Olympus"]
    recipients = [
        (f"+1{rng.choice('234567')}155501{i % 100:02d}", rng.choice(names)) for i in range(100_000)
    ]
    started = time.perf_counter()
    counts = count_zones(recipients)
    result = forecast(
        counts,
        [1, 2],
        [timedelta(0), timedelta(days=1)],
        rate=1,
        window=DAYTIME,
        start=at(NY, 2025, 11, 27, 9, 0),
    )
    elapsed = time.perf_counter() - started
    assert sum(counts.values()) == 100_000
    assert result.messages == 200_000 and result.finish is not None
    assert elapsed < 0.5, f"forecast took {elapsed:.3f}s"


def zones_of(ctx: Context, selection: LeadSelection) -> dict[Zones, int]:
    return recipient_zones(preflight(ctx, [StepSpec("Hi")], selection).recipients)


def test_zones_of_a_selection_skip_opted_out_leads(ctx) -> None:  # type: ignore[no-untyped-def]
    ids = add_leads(ctx, 5, tag="vip")
    add_leads(ctx, 3, start=100)
    set_opted_out(ctx, ids[:2], True)
    assert sum(zones_of(ctx, LeadSelection(all=True)).values()) == 6
    tagged = zones_of(ctx, LeadSelection(tag="VIP"))
    # +1415 numbers without a zone of their own send in Los Angeles time.
    assert tagged == {(LA,): 3}


@pytest.mark.parametrize("suppress", [True, False])
def test_the_forecast_counts_the_leads_the_sequence_goes_to(ctx: Context, suppress: bool) -> None:
    """The composer said "The last of 29 messages..." beside "28 messages": the forecast
    counted a number that cannot take texts, which the sequence leaves out. Both come from
    builder.choose_recipients now, and so do the owner's own phone and chosen ids."""
    ctx.settings.set("suppress_dead_numbers", "on" if suppress else "off")
    ids = add_leads(ctx, 4)
    with ctx.db.write() as session:
        session.execute(update(Lead).where(Lead.id == ids[0]).values(dead_number_code=30005))
        session.execute(update(Lead).where(Lead.id == ids[1]).values(is_owner=True))
    for selection in (LeadSelection(all=True), LeadSelection(ids=(ids[0], ids[2]))):
        check = check_draft(ctx, Draft((StepSpec("Hi"), StepSpec("Again")), selection, None))
        assert check.forecast.messages == check.messages
        assert check.recipients == (2 if suppress else 3) - (selection.ids is not None)
