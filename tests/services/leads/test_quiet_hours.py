from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from desktop.services.leads.quiet_hours import lead_zone, next_send_time

DAY = (time(8, 0), time(21, 0))
NIGHT_SHIFT = (time(22, 0), time(6, 0))
NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("utc", "window", "expected"),
    [
        # 12:00 in New York: inside
        (datetime(2026, 11, 26, 17, 0, tzinfo=UTC), DAY, datetime(2026, 11, 26, 17, 0, tzinfo=UTC)),
        # 06:00 in New York: wait for 08:00 the same day (13:00 UTC)
        (datetime(2026, 11, 26, 11, 0, tzinfo=UTC), DAY, datetime(2026, 11, 26, 13, 0, tzinfo=UTC)),
        # 21:00 exactly is outside: next morning
        (datetime(2026, 11, 27, 2, 0, tzinfo=UTC), DAY, datetime(2026, 11, 27, 13, 0, tzinfo=UTC)),
        # across midnight windows
        (
            datetime(2026, 11, 27, 4, 0, tzinfo=UTC),
            NIGHT_SHIFT,
            datetime(2026, 11, 27, 4, 0, tzinfo=UTC),
        ),
        (
            datetime(2026, 11, 26, 17, 0, tzinfo=UTC),
            NIGHT_SHIFT,
            datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
        ),
        # off
        (datetime(2026, 11, 27, 7, 0, tzinfo=UTC), None, datetime(2026, 11, 27, 7, 0, tzinfo=UTC)),
    ],
)
def test_next_send_time(utc: datetime, window, expected: datetime) -> None:
    assert next_send_time(utc, NY, window) == expected


def test_daylight_saving_change() -> None:
    # 2026-03-08: New York springs forward; 08:00 local is 12:00 UTC that day.
    now = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
    assert next_send_time(now, NY, DAY) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def test_lead_zone_precedence() -> None:
    assert lead_zone("Europe/Paris", "+14155552671") == ZoneInfo("Europe/Paris")
    assert lead_zone("", "+14155552671") == ZoneInfo("America/Los_Angeles")
    assert lead_zone("Not/AZone", "+442079460958") == ZoneInfo("Europe/London")
    assert lead_zone("", "+999") is not None  # falls back to this computer's zone
