"""The simulated carrier: each message's whole life is planned when it is created.

A message gets a :class:`Timeline` — the instants (on the sandbox clock) at which its status
changes — drawn once from a seeded random generator. Its status at any later moment is then a
lookup, so no timer thread runs per message and a test clock can jump ahead freely.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from email.utils import format_datetime
from typing import Any

from .config import Delay, Outcome, SandboxConfig
from .errors import delivery_error_text

API_VERSION = "2010-04-01"
#: Statuses in which a message may still change (Twilio's own "not final" set).
OPEN_STATUSES = frozenset({"accepted", "scheduled", "queued", "sending", "sent", "receiving"})


def draw_delay(rng: random.Random, delay: Delay) -> float:
    if isinstance(delay, tuple):
        low, high = delay
        return rng.uniform(low, high)
    return float(delay)


def draw_outcome(rng: random.Random, config: SandboxConfig) -> Outcome:
    """Pick an outcome kind by weight, then an error code for the failing kinds."""
    weights = config.outcome_weights
    kinds = [k for k in ("delivered", "undelivered", "failed", "silent") if weights.get(k, 0) > 0]
    total = sum(weights[k] for k in kinds)
    # One rng.random() per choice (rather than rng.choices) keeps the draw sequence simple
    # and stable across Python versions.
    point = rng.random() * total
    chosen = kinds[-1]
    for kind in kinds:
        point -= weights[kind]
        if point < 0:
            chosen = kind
            break
    if chosen == "undelivered":
        return Outcome.undelivered(rng.choice(config.undelivered_codes))
    if chosen == "failed":
        return Outcome.failed(rng.choice(config.failed_codes))
    return Outcome(chosen)  # type: ignore[arg-type]


@dataclass
class Timeline:
    """Status changes of one message, ascending in time, plus the instants of side facts."""

    times: list[float]
    statuses: list[str]
    #: When ``date_sent`` becomes set (None: never).
    sent_t: float | None = None
    #: When ``price`` becomes set (None: never).
    priced_t: float | None = None
    #: When a Messaging Service message gets its ``from`` number (None: never, or not MG).
    from_assigned_t: float | None = None
    #: The error code shown once the status is failed or undelivered.
    error_code: int | None = None

    def add(self, t: float, status: str) -> float:
        self.times.append(t)
        self.statuses.append(status)
        return t

    def status_at(self, t: float) -> tuple[str, float]:
        """The status at sandbox time ``t`` and when it was entered."""
        index = max(bisect_right(self.times, t) - 1, 0)
        return self.statuses[index], self.times[index]

    def final_t(self) -> float:
        return self.times[-1]

    def cancel(self, t: float) -> None:
        """Cut the plan at ``t``: nothing planned after it happens, the status is canceled."""
        keep = bisect_right(self.times, t)
        del self.times[keep:]
        del self.statuses[keep:]
        self.add(t, "canceled")
        for name in ("sent_t", "priced_t", "from_assigned_t"):
            value = getattr(self, name)
            if value is not None and value > t:
                setattr(self, name, None)
        self.error_code = None


def plan_outbound(
    rng: random.Random,
    config: SandboxConfig,
    outcome: Outcome,
    *,
    created_t: float,
    send_at_t: float | None,
    via_service: bool,
    assign_from: bool,
    validity_s: int | None,
) -> Timeline:
    """Plan queued → sending → sent → final (or a shorter path) for one outbound message."""
    # All delays are drawn up front, whatever the outcome, so that one message's draws do
    # not depend on which branch it takes.
    accept_delay = draw_delay(rng, config.accepted_to_queued)
    queue_delay = draw_delay(rng, config.queued_to_sending)
    sending_delay = draw_delay(rng, config.sending_to_sent)
    final_delay = draw_delay(rng, config.sent_to_final)

    timeline = Timeline([], [])
    if send_at_t is not None:
        timeline.add(created_t, "scheduled")
        queued_t = timeline.add(max(send_at_t, created_t), "queued")
    elif via_service:
        timeline.add(created_t, "accepted")
        queued_t = timeline.add(created_t + accept_delay, "queued")
    else:
        queued_t = timeline.add(created_t, "queued")
    if assign_from:
        # A service picks the sender from its pool when the message leaves "accepted".
        timeline.from_assigned_t = queued_t

    leaves_queue_t = queued_t + queue_delay
    if validity_s is not None and queue_delay > validity_s:
        # Twilio drops a message that waited in its queue longer than ValidityPeriod.
        timeline.sent_t = timeline.add(queued_t + validity_s, "failed")
        timeline.error_code = 30036
        return timeline
    if outcome.kind == "failed":
        timeline.sent_t = timeline.add(leaves_queue_t, "failed")
        timeline.error_code = outcome.error_code
        return timeline
    timeline.sent_t = timeline.add(leaves_queue_t, "sending")
    sent_t = timeline.add(leaves_queue_t + sending_delay, "sent")
    if outcome.kind == "silent":
        return timeline  # the carrier never sends a receipt: "sent" forever
    timeline.priced_t = timeline.add(sent_t + final_delay, outcome.kind)
    timeline.error_code = outcome.error_code
    return timeline


def plan_inbound(at_t: float) -> Timeline:
    return Timeline([at_t], ["received"], sent_t=at_t, priced_t=at_t)


@dataclass(eq=False)
class MessageRecord:
    """The sandbox's state of one message (mutable only under the sandbox lock)."""

    sid: str
    seq: int
    direction: str
    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str
    media_urls: tuple[str, ...]
    created_t: float
    timeline: Timeline
    num_segments: int
    #: True when ``from_`` stays hidden (null) until the service assigns it.
    from_pending: bool = False
    #: Inbound replies planned because of this message (removed if it is canceled).
    reply_sids: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[float, int]:
        """Sort key: Twilio lists newest first by date_created; seq breaks ties."""
        return (self.created_t, self.seq)

    def date_sent_at(self, now_t: float) -> float | None:
        sent_t = self.timeline.sent_t
        return sent_t if sent_t is not None and sent_t <= now_t else None

    def from_at(self, now_t: float) -> str | None:
        if not self.from_pending:
            return self.from_
        assigned_t = self.timeline.from_assigned_t
        return self.from_ if assigned_t is not None and assigned_t <= now_t else None


@dataclass(frozen=True)
class Renderer:
    """Turns records into the JSON resource Twilio answers with."""

    account_sid: str
    wall: Callable[[float], datetime]
    price_per_segment: Decimal
    price_per_mms: Decimal

    def message(self, rec: MessageRecord, now_t: float) -> dict[str, Any]:
        status, changed_t = rec.timeline.status_at(now_t)
        base = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{rec.sid}"
        from_ = rec.from_at(now_t)
        # Twilio reports 0 segments for a service message until a sender is assigned.
        segments = rec.num_segments
        if rec.from_pending and from_ is None:
            segments = 0
        sent_t = rec.date_sent_at(now_t)
        priced_t = rec.timeline.priced_t
        price = None
        if priced_t is not None and priced_t <= now_t:
            unit = self.price_per_mms if rec.media_urls else self.price_per_segment
            count = 1 if rec.media_urls else rec.num_segments
            price = f"{-(unit * count):.5f}"
        error_code = rec.timeline.error_code if status in ("failed", "undelivered") else None
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": rec.body,
            "date_created": self.date(rec.created_t),
            "date_sent": self.date(sent_t),
            "date_updated": self.date(changed_t),
            "direction": rec.direction,
            "error_code": error_code,
            "error_message": delivery_error_text(error_code) if error_code else None,
            "from": from_,
            "messaging_service_sid": rec.messaging_service_sid,
            "num_media": str(len(rec.media_urls)),
            "num_segments": str(segments),
            "price": price,
            "price_unit": "USD",
            "sid": rec.sid,
            "status": status,
            "subresource_uris": {
                "media": f"{base}/Media.json",
                "feedback": f"{base}/Feedback.json",
            },
            "to": rec.to,
            "uri": f"{base}.json",
        }

    def account(self, created_t: float) -> dict[str, Any]:
        sid = self.account_sid
        created = self.date(created_t)
        return {
            # Twilio echoes the auth token here; the sandbox does not, so that a client that
            # logs this resource can never leak it (nothing in the SDK needs it).
            "auth_token": None,
            "date_created": created,
            "date_updated": created,
            "friendly_name": "TextDesk carrier sandbox",
            "owner_account_sid": sid,
            "sid": sid,
            "status": "active",
            "subresource_uris": {"messages": f"/{API_VERSION}/Accounts/{sid}/Messages.json"},
            "type": "Full",
            "uri": f"/{API_VERSION}/Accounts/{sid}.json",
        }

    def date(self, t: float | None) -> str | None:
        # RFC 2822 in GMT with a numeric zone, e.g. "Thu, 26 Nov 2026 23:07:37 +0000".
        return None if t is None else format_datetime(self.wall(t))
