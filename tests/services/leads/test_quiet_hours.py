"""Quiet hours over every candidate zone of a lead, on wall-clock time, across DST changes.

Real zoneinfo data; `now` is always given, never read from the clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from desktop.services.leads.quiet_hours import (
    Window,
    Zones,
    candidate_zones,
    local_zone,
    next_send_time,
)

DAY: Window = (time(8, 0), time(21, 0))
NIGHT_SHIFT: Window = (time(22, 0), time(6, 0))
NY = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
RUSSIAN_MOBILE = "+79141234567"  # +7 914: Vladivostok's operator, zones of all Russia
TOLL_FREE = "+18005550100"  # +1 800: every zone of the North American plan


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def inside(moment: datetime, zone: tzinfo, window: Window) -> bool:
    """The plain wall-clock rule, to check answers against."""
    local = moment.astimezone(zone).time()
    start, end = window
    if start < end:
        return start <= local < end
    return local >= start or local < end


def ambiguous(moment: datetime, zone: tzinfo) -> bool:
    """True while the local time is one that a fall-back change shows twice."""
    local = moment.astimezone(zone)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


# --------------------------------------------------------------------------- candidate zones


def test_a_lead_timezone_overrides_the_number() -> None:
    assert candidate_zones("Asia/Vladivostok", TOLL_FREE) == (VLADIVOSTOK,)
    # 01:06 in Vladivostok: the lead's own zone decides, whatever its number spans.
    now = utc(2026, 11, 26, 15, 6)
    when = next_send_time(now, candidate_zones("Asia/Vladivostok", TOLL_FREE), DAY)
    assert when == datetime(2026, 11, 27, 8, 0, tzinfo=VLADIVOSTOK)


def test_a_number_gives_every_zone_it_may_be_in() -> None:
    assert candidate_zones("", "+14155552671") == (LA,)
    assert candidate_zones("Not/AZone", "+442079460958") == (LONDON,)
    russian = candidate_zones("", RUSSIAN_MOBILE)
    assert VLADIVOSTOK in russian and ZoneInfo("Asia/Almaty") in russian
    assert len(russian) == len(set(russian)) > 10
    toll_free = candidate_zones("", TOLL_FREE)
    for name in ("America/Adak", "America/New_York", "Pacific/Honolulu", "Pacific/Guam"):
        assert ZoneInfo(name) in toll_free


def test_unknown_zones_fall_back_to_this_computer() -> None:
    # phonenumbers answers Etc/Unknown for an international freephone number.
    assert candidate_zones("", "+80012345678") == (local_zone(),)
    assert candidate_zones("", "+999") == (local_zone(),)


# --------------------------------------------------------------------------- one zone


@pytest.mark.parametrize(
    ("now", "window", "expected"),
    [
        (utc(2026, 11, 26, 17, 0), DAY, utc(2026, 11, 26, 17, 0)),  # 12:00 in New York
        (utc(2026, 11, 26, 11, 0), DAY, utc(2026, 11, 26, 13, 0)),  # 06:00: wait for 08:00
        (utc(2026, 11, 27, 2, 0), DAY, utc(2026, 11, 27, 13, 0)),  # 21:00 is outside
        (utc(2026, 11, 27, 4, 0), NIGHT_SHIFT, utc(2026, 11, 27, 4, 0)),  # 23:00: inside
        (utc(2026, 11, 27, 10, 59), NIGHT_SHIFT, utc(2026, 11, 27, 10, 59)),  # 05:59
        (utc(2026, 11, 26, 17, 0), NIGHT_SHIFT, utc(2026, 11, 27, 3, 0)),  # noon: until 22:00
        (utc(2026, 11, 27, 7, 0), None, utc(2026, 11, 27, 7, 0)),  # quiet hours off
    ],
)
def test_one_zone(now: datetime, window: Window | None, expected: datetime) -> None:
    assert next_send_time(now, (NY,), window) == expected


def test_the_answer_is_in_the_zone_of_now() -> None:
    now = datetime(2026, 11, 26, 6, 0, tzinfo=NY)
    when = next_send_time(now, (NY,), DAY)
    assert when == utc(2026, 11, 26, 13, 0) and when is not None and when.tzinfo is NY
    naive = next_send_time(datetime(2026, 11, 26, 11, 0), (NY,), DAY)  # naive means UTC
    assert naive == datetime(2026, 11, 26, 13, 0)


def test_vladivostok_is_not_texted_at_night() -> None:
    zones = candidate_zones("", RUSSIAN_MOBILE)
    now = utc(2026, 11, 26, 15, 6)  # 01:06 in Vladivostok, 20:06 in Almaty
    when = next_send_time(now, zones, DAY)
    # 06:00 UTC: 08:00 in Bucharest (the westernmost), 16:00 in Vladivostok, 18:00 in Anadyr.
    assert when == utc(2026, 11, 27, 6, 0)
    assert when.astimezone(VLADIVOSTOK).hour == 16
    assert all(inside(when, zone, DAY) for zone in zones)
    later = utc(2026, 11, 27, 8, 30)  # inside the shared hours: now
    assert next_send_time(later, zones, DAY) == later


def test_toll_free_waits_for_every_north_american_zone() -> None:
    zones = candidate_zones("", TOLL_FREE)
    now = utc(2026, 11, 26, 17, 0)  # noon in New York, 03:00 in Guam, 07:00 in Adak
    when = next_send_time(now, zones, DAY)
    # From 08:00 in Guam (UTC+10) = 17:00 in New York, 12:00 in Adak and Honolulu.
    assert when == utc(2026, 11, 26, 22, 0)
    assert all(inside(when, zone, DAY) for zone in zones)
    # ...until 21:00 in Halifax and Barbados (UTC-4), 00:30 UTC; St John's (UTC-3:30) too.
    assert next_send_time(utc(2026, 11, 27, 0, 29), zones, DAY) == utc(2026, 11, 27, 0, 29)
    assert next_send_time(utc(2026, 11, 27, 0, 30), zones, DAY) == utc(2026, 11, 27, 22, 0)


@pytest.mark.parametrize(
    ("zones", "window"),
    [
        (candidate_zones("", RUSSIAN_MOBILE), (time(9, 0), time(12, 0))),
        ((LONDON, TOKYO, LA), DAY),  # 8 hours apart each: no hour is daytime in all three
    ],
)
def test_zones_that_never_share_the_window(zones: Zones, window: Window) -> None:
    assert next_send_time(utc(2026, 6, 1, 12, 0), zones, window) is None
    assert next_send_time(utc(2026, 12, 24, 3, 0), zones, window) is None


def test_a_window_across_midnight_in_two_zones() -> None:
    zones = (NY, CHICAGO)
    # 22:30 in New York, 21:30 in Chicago: wait for 22:00 in Chicago.
    assert next_send_time(utc(2026, 11, 27, 3, 30), zones, NIGHT_SHIFT) == utc(2026, 11, 27, 4)
    # 05:30 in New York, 04:30 in Chicago: open in both.
    now = utc(2026, 11, 27, 10, 30)
    assert next_send_time(now, zones, NIGHT_SHIFT) == now
    # 06:00 in New York closes it until the next night.
    assert next_send_time(utc(2026, 11, 27, 11), zones, NIGHT_SHIFT) == utc(2026, 11, 28, 4)


# --------------------------------------------------------------------------- DST


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 6, 30)),  # 01:00 EDT
        (utc(2026, 11, 1, 5, 40), utc(2026, 11, 1, 6, 30)),  # 01:40 EDT: the first 01:40
        (utc(2026, 11, 1, 6, 10), utc(2026, 11, 1, 6, 30)),  # 01:10 EST, the second pass
        (utc(2026, 11, 1, 6, 30), utc(2026, 11, 1, 6, 30)),  # 01:30 EST: open
    ],
)
def test_new_york_fall_back_start_in_the_fold_is_the_later_instant(
    now: datetime, expected: datetime
) -> None:
    # 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:00-02:00 happens twice.
    assert next_send_time(now, (NY,), (time(1, 30), time(21, 0))) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 11, 1, 5, 20), utc(2026, 11, 1, 5, 20)),  # 01:20 EDT: still open
        (utc(2026, 11, 1, 5, 40), utc(2026, 11, 2, 1, 0)),  # 01:40 EDT: closed at 01:30
        (utc(2026, 11, 1, 6, 10), utc(2026, 11, 2, 1, 0)),  # 01:10 EST: not reopened
    ],
)
def test_new_york_fall_back_end_in_the_fold_is_the_earlier_instant(
    now: datetime, expected: datetime
) -> None:
    assert next_send_time(now, (NY,), (time(20, 0), time(1, 30))) == expected


def test_new_york_spring_forward_start_in_the_gap() -> None:
    # 2026-03-08: 02:00 EST becomes 03:00 EDT; 02:30 does not exist that night.
    window = (time(2, 30), time(21, 0))
    when = next_send_time(utc(2026, 3, 8, 6, 0), (NY,), window)  # 01:00 EST
    assert when == utc(2026, 3, 8, 7, 0)  # 03:00 EDT, the first instant after the gap
    assert next_send_time(utc(2026, 3, 9, 6, 0), (NY,), window) == utc(2026, 3, 9, 6, 30)


def test_new_york_spring_forward_end_in_the_gap() -> None:
    window = (time(20, 0), time(2, 30))
    now = utc(2026, 3, 8, 6, 59, 59)  # 01:59:59 EST: open
    assert next_send_time(now, (NY,), window) == now
    # 03:00 EDT is past 02:30: closed until 20:00 EDT.
    assert next_send_time(utc(2026, 3, 8, 7, 0), (NY,), window) == utc(2026, 3, 9, 0, 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 1, 30)),  # 01:00 BST
        (utc(2026, 10, 25, 0, 45), utc(2026, 10, 25, 1, 30)),  # 01:45 BST: the first pass
        (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 1, 30)),  # 01:30 GMT
    ],
)
def test_london_fall_back_start_in_the_fold(now: datetime, expected: datetime) -> None:
    # 2026-10-25: 02:00 BST becomes 01:00 GMT.
    assert next_send_time(now, (LONDON,), (time(1, 30), time(21, 0))) == expected


def test_london_spring_forward_start_in_the_gap() -> None:
    # 2026-03-29: 01:00 GMT becomes 02:00 BST; 01:15 does not exist.
    when = next_send_time(utc(2026, 3, 29, 0, 30), (LONDON,), (time(1, 15), time(21, 0)))
    assert when == utc(2026, 3, 29, 1, 0)  # 02:00 BST: 45 minutes later, within the gap


def test_the_dst_days_in_several_zones_at_once() -> None:
    # 2026-03-08 in New York only: London changes three weeks later.
    window = (time(2, 30), time(21, 0))
    when = next_send_time(utc(2026, 3, 8, 5, 0), (NY, LONDON), window)
    assert when == utc(2026, 3, 8, 7, 0)
    assert inside(when, NY, window) and inside(when, LONDON, window)


TRANSITIONS = [utc(2026, 3, 8, 7), utc(2026, 11, 1, 6), utc(2026, 3, 29, 1), utc(2026, 10, 25, 1)]
GROUPS: list[Zones] = [(NY,), (LONDON,), (NY, LA), (LONDON, NY), (NY, CHICAGO, LA)]
WINDOWS: list[Window] = [
    DAY,
    NIGHT_SHIFT,
    (time(1, 30), time(21, 0)),
    (time(2, 30), time(20, 0)),
    (time(20, 0), time(1, 30)),
    (time(9, 0), time(17, 0)),
]
STEP = timedelta(minutes=5)


@pytest.mark.parametrize("seed", range(4))
def test_never_early_never_later_than_needed(seed: int) -> None:
    """Against the plain wall-clock rule, minute grid around each DST change: the answer is
    inside the window in every zone, and no earlier instant was open in all of them, except
    while a local time happens twice (a start or end in a fold counts the safe way)."""
    rng = random.Random(seed)
    for _ in range(40):
        zones = rng.choice(GROUPS)
        window = rng.choice(WINDOWS)
        now = rng.choice(TRANSITIONS) + STEP * rng.randint(-300, 300)
        when = next_send_time(now, zones, window)
        assert when is not None and when >= now
        assert all(inside(when, zone, window) for zone in zones), (zones, window, now)
        moment = now
        while moment < when:
            open_everywhere = all(inside(moment, zone, window) for zone in zones)
            folded = any(ambiguous(moment, zone) for zone in zones)
            assert not open_everywhere or folded, (zones, window, now, moment, when)
            moment += STEP
