"""Twilio's default opt-out handling, as the sandbox simulates it.

An inbound message whose whole body is a STOP keyword opts its sender out; a START keyword
opts them back in. While opted out, a create to that phone is refused with 21610. Events are
kept with their time, so a reply planned for later (see ``reply_rules``) takes effect only
when it arrives. Simplification: one opt-out state per phone for the whole account, where
Twilio keeps one per (phone, sender or Messaging Service).
"""

from __future__ import annotations

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})

#: (sort key of the inbound message: (time, arrival), opted out?, inbound sid)
Event = tuple[tuple[float, int], bool, str]


class OptOutBook:
    """Not thread-safe: used under the sandbox lock."""

    def __init__(self) -> None:
        self._events: dict[str, list[Event]] = {}

    def note(self, phone: str, body: str, key: tuple[float, int], sid: str) -> None:
        keyword = body.strip().upper()
        if keyword in STOP_WORDS or keyword in START_WORDS:
            self._events.setdefault(phone, []).append((key, keyword in STOP_WORDS, sid))

    def forget(self, sid: str) -> None:
        """Drop the event of an inbound message that will now never arrive."""
        for events in self._events.values():
            events[:] = [event for event in events if event[2] != sid]

    def events(self) -> dict[str, list[Event]]:
        """A copy of every phone's events (for the state file)."""
        return {phone: list(events) for phone, events in self._events.items() if events}

    def restore(self, events: dict[str, list[Event]]) -> None:
        self._events = {phone: sorted(found) for phone, found in events.items() if found}

    def opted_out(self, phone: str, now_t: float) -> bool:
        past = [event for event in self._events.get(phone, ()) if event[0][0] <= now_t]
        # The latest event wins; (time, arrival) ordering lets a later arrival win a tie.
        return max(past)[1] if past else False
