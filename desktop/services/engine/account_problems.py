"""Account-level failures stop sending for a sender instead of burning its queue.

A wrong token (20003), a suspended account, a sender the account does not own or that
cannot send SMS, an empty Messaging Service: every message from that sender would fail the
same way. The first such refusal stops the sender: its messages stay In-queue, the problem
is shown as one line with the cause and the fix, and sending is tried again after a pause
that grows (so a fixed account resumes by itself, and a broken one costs one request now
and then). The catalog's `account_problem` attribute decides what counts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop.services.twilio.gateway import Refused
from desktop.services.twilio.refusals import describe

FIRST_RETRY = timedelta(seconds=60)
LONGEST_RETRY = timedelta(minutes=15)


@dataclass
class Stop:
    line: str
    since: datetime
    retry_at: datetime
    pause: timedelta


class AccountProblems:
    """The senders stopped by an account problem, shared by the dispatcher's threads."""

    def __init__(self) -> None:
        self._stops: dict[str, Stop] = {}
        self._lock = threading.Lock()

    def stop(self, sender: str, exc: Refused, now: datetime) -> Stop:
        with self._lock:
            previous = self._stops.get(sender)
            pause = FIRST_RETRY if previous is None else min(previous.pause * 2, LONGEST_RETRY)
            stop = Stop(
                describe(sender, exc), previous.since if previous else now, now + pause, pause
            )
            self._stops[sender] = stop
            return stop

    def stopped(self, sender: str, now: datetime) -> bool:
        """Whether to hold `sender`'s messages now (False once its retry time came: the
        next message is the probe)."""
        with self._lock:
            stop = self._stops.get(sender)
            return stop is not None and now < stop.retry_at

    def cleared(self, sender: str) -> None:
        """A message went out from `sender`: whatever it was is fixed."""
        with self._lock:
            self._stops.pop(sender, None)

    def clear_all(self) -> None:
        """New credentials: try every sender again at once."""
        with self._lock:
            self._stops.clear()

    def lines(self) -> list[str]:
        with self._lock:
            return [stop.line for _, stop in sorted(self._stops.items())]

    def senders(self) -> set[str]:
        with self._lock:
            return set(self._stops)
