"""How often the engine asks Twilio for statuses and replies: the `poll_interval` setting
while texts are young, less often as they age, rarely when nothing awaits a carrier.

Kept apart from the poller (which imports the Twilio SDK) so the window can describe the
schedule without loading the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

QUIET_INTERVAL = timedelta(minutes=10)
YOUNG = timedelta(hours=1)  # texts handed off this recently are checked at the base interval
AGING = 6 * YOUNG  # up to this age, checked a little less often


def next_poll_delay(
    now: datetime, youngest_handoff: datetime | None, tracked: int, base: timedelta
) -> timedelta:
    """Short while messages are young, longer as they age, long when nothing is tracked;
    never shorter than `base` (a long interval is not shortened for older texts)."""
    if tracked == 0 or youngest_handoff is None:
        return max(base, QUIET_INTERVAL)
    age = now - youngest_handoff
    if age < YOUNG:
        return base
    if age < AGING:
        return max(base, min(4 * base, QUIET_INTERVAL))
    return max(base, QUIET_INTERVAL)


@dataclass(frozen=True)
class PollSchedule:
    young: timedelta  # while the newest text awaiting its carrier is less than YOUNG old
    aging: timedelta  # while it is less than AGING old
    quiet: timedelta  # older, or nothing awaits a carrier


def poll_schedule(base: timedelta) -> PollSchedule:
    """The schedule for a `poll_interval` of `base`, read from next_poll_delay itself."""
    now = datetime(2000, 1, 1, tzinfo=UTC)
    return PollSchedule(
        young=next_poll_delay(now, now, 1, base),
        aging=next_poll_delay(now, now - YOUNG, 1, base),
        quiet=next_poll_delay(now, None, 0, base),
    )
