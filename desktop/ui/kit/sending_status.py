"""What the window knows about sending: the service's state as read from the database, and
the words the status bar, the tray and the close question use for it.

The window sends nothing itself: the sending service (its own process, see
desktop/services/engine/service.py) does, and keeps going when the window closes. This is the
window's picture of it, rebuilt every couple of seconds off the GUI thread.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from desktop.services.engine.poll_schedule import AGING, YOUNG, poll_schedule
from desktop.ui.kit.formatting import format_interval, plural

if TYPE_CHECKING:
    from desktop.services.engine.leases import Holder

BACKGROUND_NOTE = "Sending continues when this window is closed."


class Phase(enum.Enum):
    RUNNING = "running"  # the service holds the database
    STARTING = "starting"  # this window is starting it
    RESTARTING = "restarting"  # it was running, is gone, and this window is starting it again
    ELSEWHERE = "elsewhere"  # another engine (a `textdesk worker`) holds the database
    STOPPED = "stopped"  # not running, and not being started (failed, stopped, or off)
    UNKNOWN = "unknown"  # not read yet


class Activity(enum.Enum):
    """What the tray shows."""

    SENDING = "sending"
    IDLE = "idle"
    PROBLEM = "problem"


@dataclass(frozen=True)
class SendingStatus:
    phase: Phase
    demo: bool = False
    holder: Holder | None = None
    in_queue: int = 0  # every In-queue message
    waiting: int = 0  # In-queue messages that will go out (not paused or canceled)
    scheduled: int = 0  # sequences Scheduled
    outbox: int = 0
    send_rate: float = 0.0  # hand-offs per second over the last few seconds
    problem: str | None = None  # what keeps the running service from sending
    note: str = ""  # why it is not running, in words
    stopped_on_request: bool = False  # by `textdesk service stop`: meant, not a failure
    team: tuple[Holder, ...] = ()  # every live lease: which desktop sends for which sender

    @property
    def running(self) -> bool:
        return self.phase == Phase.RUNNING

    @property
    def has_waiting(self) -> bool:
        """Messages still to go out: quitting asks what should happen to them."""
        return self.waiting > 0 or self.scheduled > 0

    @property
    def activity(self) -> Activity:
        stuck = self.phase in (Phase.STOPPED, Phase.RESTARTING) and self.has_waiting
        if self.problem or stuck:
            return Activity.PROBLEM
        if self.phase in (Phase.RUNNING, Phase.ELSEWHERE) and (self.waiting or self.send_rate):
            return Activity.SENDING
        return Activity.IDLE

    @property
    def where(self) -> str:
        return "demo sandbox" if self.demo else "Twilio"

    def headline(self) -> str:
        """One line for the status bar: what the engine does."""
        if self.phase == Phase.RUNNING:
            if self.problem:
                return f"Sending service: problem ({self.where})"
            if self.waiting or self.send_rate:
                return f"Sending to {self.where} in the background"
            if self.outbox:
                return f"Sending service running: following {plural(self.outbox, 'message')}"
            return "Sending service running: nothing waiting"
        if self.phase == Phase.STARTING:
            return "Starting the sending service…"
        if self.phase == Phase.RESTARTING:
            return "The sending service stopped: starting it again…"
        if self.phase == Phase.ELSEWHERE and self.holder is not None:
            if not self.holder.here:  # team mode: another desktop of the team
                return f"Sending from {desktop_of(self.holder)}"
            return f"Sending from another program (pid {self.holder.pid} on {self.holder.host})"
        if self.phase == Phase.UNKNOWN:
            return "Sending service: checking…"
        return "Sending service not running"

    def details(self) -> str:
        """The headline's tooltip: who sends, since when, and that closing changes nothing;
        in team mode, which desktop sends for each sender another one holds."""
        text = self._who_sends()
        elsewhere = [h for h in self.team if not h.here]
        if not elsewhere:
            return text
        lines = [f"{h.sender} is sent from {desktop_of(h)}." for h in elsewhere]
        return "\n".join([text, *lines])

    def _who_sends(self) -> str:
        if self.phase == Phase.RUNNING and self.holder is not None:
            since = self.holder.since.astimezone().strftime("%H:%M")
            text = (
                f"The sending service (pid {self.holder.pid}, running since {since}) sends, "
                f"follows and times out messages through {self.where}. {BACKGROUND_NOTE}"
            )
            return f"{text}\nProblem: {self.problem}" if self.problem else text
        if self.phase == Phase.ELSEWHERE and self.holder is not None:
            who = self.holder.describe()
            return f"{who[0].upper()}{who[1:]} sends for this database; the window follows it."
        if self.note:
            return self.note
        return "Nothing is sent while the sending service is not running."

    def tray_text(self) -> str:
        """The tray icon's tooltip: the state in a few words."""
        activity = self.activity
        if activity == Activity.PROBLEM:
            detail = self.problem or self.note or "the sending service is not running"
            return f"TextDesk: problem. {detail}"
        if activity == Activity.SENDING:
            return (
                f"TextDesk: sending, {plural(self.waiting, 'message')} waiting"
                f"{f', {self.send_rate:.1f} per second' if self.send_rate else ''}"
            )
        if self.scheduled:
            return f"TextDesk: idle, {plural(self.scheduled, 'sequence')} scheduled"
        return "TextDesk: idle, nothing waiting"

    def waiting_sentence(self) -> str:
        """For the close question: what is still to go out."""
        parts = []
        if self.waiting:
            parts.append(f"{plural(self.waiting, 'message')} waiting to be sent")
        if self.scheduled:
            parts.append(f"{plural(self.scheduled, 'sequence')} scheduled")
        return " and ".join(parts) or "nothing waiting"


class RateMeter:
    """Hand-offs per second from successive totals (the counters' handed-off sum), over
    about the last `window` seconds: the service's own rate, read from the database."""

    def __init__(self, window: float = 10.0) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, handed_off: int, at: float | None = None) -> float:
        now = time.monotonic() if at is None else at
        samples = self._samples
        if samples and handed_off < samples[-1][1]:
            samples.clear()  # a sequence was deleted: start counting again
        samples.append((now, handed_off))
        while len(samples) > 2 and now - samples[1][0] >= self.window:
            samples.popleft()
        first_at, first = samples[0]
        elapsed = now - first_at
        return (handed_off - first) / elapsed if elapsed > 0 else 0.0


def status_checks_text(poll_interval: timedelta, *, demo: bool = False) -> str:
    """When statuses and replies are read, as the engine really schedules it for the
    `poll_interval` setting: that often while texts are young, less often later."""
    schedule = poll_schedule(poll_interval)
    young, aging, quiet = (
        format_interval(schedule.young),
        format_interval(schedule.aging),
        format_interval(schedule.quiet),
    )
    hour, hours = _age(YOUNG), _age(AGING)
    text = "TextDesk asks Twilio for new statuses and replies every "
    if young == quiet:
        text += f"{young}."
    elif aging == quiet:
        text += f"{young} while texts sent in the last {hour} await their carrier, and every "
        text += f"{quiet} otherwise."
    else:
        text += (
            f"{young} while texts sent in the last {hour} await their carrier, every {aging} "
            f"for texts up to {hours} old, and every {quiet} otherwise."
        )
    if demo:
        text += " These are the demo's quick timings; your settings apply outside demo mode."
    return text


def _age(age: timedelta) -> str:
    hours = round(age.total_seconds() / 3600)
    return "hour" if hours == 1 else f"{hours} hours"


def desktop_of(holder: Holder) -> str:
    """Another desktop of the team in words: "the desktop front-desk (anna)"."""
    whose = f" ({holder.user_name})" if holder.user_name else ""
    return f"the desktop {holder.host}{whose}"
