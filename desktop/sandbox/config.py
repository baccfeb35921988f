"""Configuration of the carrier sandbox: timings, the outcome mix and fault injection.

Everything here is plain data. The sandbox reads the fault rates under its own lock, so a test
may change them while requests are in flight (``sandbox.set_faults(rate_429=0.2)``); plain
attribute assignment (``sandbox.config.rate_429 = 0.2``) also works because a float
assignment is atomic in CPython.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Literal

#: A delay in seconds: a fixed value, or a ``(min, max)`` range drawn uniformly per message.
Delay = float | tuple[float, float]

#: The kinds of request the sandbox tells apart (for fault targeting and request counts).
ENDPOINT_KINDS: frozenset[str] = frozenset(
    {"create", "list", "fetch", "update", "delete", "account", "unknown"}
)

OutcomeKind = Literal["delivered", "undelivered", "failed", "silent"]
_OUTCOME_KINDS: tuple[str, ...] = ("delivered", "undelivered", "failed", "silent")


class Fault(StrEnum):
    """A misbehaviour the sandbox can inject into one HTTP exchange."""

    #: 429 Too Many Requests (code 20429) with a ``Retry-After`` header; nothing is created.
    HTTP_429 = "429"
    #: 500 Internal Server Error (code 20500); nothing is created.
    HTTP_500 = "500"
    #: The connection is closed without any answer; nothing is created.
    DROP = "drop"
    #: Create only: the message IS created (and ledgered), then the connection is closed
    #: without an answer — the ambiguous case a crash-safe sender must reconcile.
    DROP_AFTER_CREATE = "drop_after_create"
    #: The request is processed (a create does create), the answer is held back for
    #: ``stall_seconds`` so that client timeouts fire first.
    STALL = "stall"
    #: The request is processed, the answer has the real status code but a truncated JSON body.
    MALFORMED = "malformed"
    #: Every message in the answer carries a status outside Twilio's enum ("exploded").
    BAD_STATUS = "bad_status"


@dataclass(frozen=True)
class Outcome:
    """What the destination carrier will eventually do with one outbound message.

    ``delivered``: queued → sending → sent → delivered. ``undelivered``: the same path but
    ending in ``undelivered`` with ``error_code``. ``failed``: queued → failed (Twilio could
    not hand it to a carrier). ``silent``: queued → sending → sent, and never anything more
    (the carrier gives no delivery receipt).
    """

    kind: OutcomeKind
    error_code: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in _OUTCOME_KINDS:
            raise ValueError(f"unknown outcome kind {self.kind!r}")
        needs_code = self.kind in ("undelivered", "failed")
        if needs_code and self.error_code is None:
            raise ValueError(f"a {self.kind} outcome needs an error code")
        if not needs_code and self.error_code is not None:
            raise ValueError(f"a {self.kind} outcome has no error code")

    @classmethod
    def delivered(cls) -> Outcome:
        return cls("delivered")

    @classmethod
    def undelivered(cls, error_code: int = 30008) -> Outcome:
        return cls("undelivered", error_code)

    @classmethod
    def failed(cls, error_code: int = 30008) -> Outcome:
        return cls("failed", error_code)

    @classmethod
    def silent(cls) -> Outcome:
        return cls("silent")


def _default_weights() -> dict[str, float]:
    # Roughly what a healthy US long-code campaign looks like: most messages are delivered,
    # a few are refused by the handset's carrier, a few carriers never send a receipt.
    return {"delivered": 0.86, "undelivered": 0.07, "failed": 0.02, "silent": 0.05}


#: The fault-rate fields, in the order a single random draw is matched against them.
RATE_FIELDS: tuple[str, ...] = (
    "rate_429",
    "rate_500",
    "rate_drop",
    "rate_drop_after_create",
    "rate_stall",
    "rate_malformed",
)
_FAULT_OF_RATE: dict[str, Fault] = {
    "rate_429": Fault.HTTP_429,
    "rate_500": Fault.HTTP_500,
    "rate_drop": Fault.DROP,
    "rate_drop_after_create": Fault.DROP_AFTER_CREATE,
    "rate_stall": Fault.STALL,
    "rate_malformed": Fault.MALFORMED,
}


def fault_of_rate(name: str) -> Fault:
    return _FAULT_OF_RATE[name]


@dataclass
class SandboxConfig:
    """Knobs of the carrier sandbox. Defaults suit the demo mode (seconds-scale delays)."""

    seed: int = 0
    #: TCP port on 127.0.0.1; 0 picks a free one.
    port: int = 0

    # --- the account -------------------------------------------------------------------
    #: The account's own number: assigned as ``from`` to Messaging Service messages, and the
    #: default ``to`` of inbound messages.
    phone_number: str = "+15005550006"
    #: If set, ``From`` must be one of these (else 21606). None accepts any valid sender.
    sender_numbers: tuple[str, ...] | None = None
    #: If set, ``MessagingServiceSid`` must be one of these (else 21701). None accepts any
    #: well-formed MG sid.
    messaging_service_sids: tuple[str, ...] | None = None

    # --- time ----------------------------------------------------------------------------
    accepted_to_queued: Delay = (0.2, 1.0)
    queued_to_sending: Delay = (0.5, 2.0)
    sending_to_sent: Delay = (0.5, 2.0)
    sent_to_final: Delay = (2.0, 10.0)
    #: Artificial delay, in seconds, before every create request is processed.
    latency: float = 0.0
    #: Accepted ``SendAt`` lead time window, in seconds. Twilio itself requires 300 s to 35 d;
    #: the sandbox defaults to 0 so tests and demos can schedule a few seconds ahead.
    schedule_min_lead: float = 0.0
    schedule_max_lead: float = 35 * 86400.0

    # --- outcomes ------------------------------------------------------------------------
    #: Relative weights of the outcome kinds drawn for messages that are not forced.
    outcome_weights: dict[str, float] = field(default_factory=_default_weights)
    undelivered_codes: tuple[int, ...] = (30003, 30005, 30006, 30008)
    failed_codes: tuple[int, ...] = (30001, 30008)
    #: phone -> outcome, or a sequence consumed one per message (the last one then sticks).
    forced_outcomes: dict[str, Outcome | Sequence[Outcome]] = field(default_factory=dict)
    #: phone -> reply text, or a sequence of replies consumed one per DELIVERED message.
    #: Each reply arrives ``reply_delay`` after the delivery, as an inbound message.
    reply_rules: dict[str, str | Sequence[str]] = field(default_factory=dict)
    reply_delay: Delay = (1.0, 5.0)
    #: Twilio's default opt-out handling: after an inbound STOP (or STOPALL, UNSUBSCRIBE,
    #: CANCEL, END, QUIT) a create to that phone is refused with 21610 until START/YES/UNSTOP.
    honor_stop_keywords: bool = True
    price_per_segment: str = "0.00790"
    price_per_mms: str = "0.02000"

    # --- faults ------------------------------------------------------------------------------
    rate_429: float = 0.0
    #: Value of the ``Retry-After`` header sent with injected 429s (whole seconds).
    retry_after: int = 1
    rate_500: float = 0.0
    rate_drop: float = 0.0
    rate_drop_after_create: float = 0.0
    rate_stall: float = 0.0
    stall_seconds: float = 5.0
    rate_malformed: float = 0.0
    #: Per message in an answer: probability its status reads "exploded".
    rate_bad_status: float = 0.0
    #: Endpoint kinds the random faults apply to (see ``ENDPOINT_KINDS``).
    fault_endpoints: frozenset[str] = frozenset({"create", "list", "fetch"})

    # --- protection ------------------------------------------------------------------------
    #: Request bodies larger than this are refused with 413 without being read.
    max_body_bytes: int = 1_048_576

    # --- the state file (only with ``CarrierSandbox(state_file=...)``) ------------------------
    #: Messages whose last planned change is older than this (seconds) are left out of the file.
    state_max_age: float = 7 * 86400.0
    #: At most this many messages (the most recently changed) are kept in the file.
    state_max_messages: int = 100_000
    #: Background saves happen at most once per this many seconds (and once more on stop).
    state_save_interval: float = 1.0

    @classmethod
    def fast(cls, seed: int = 0, **overrides: object) -> SandboxConfig:
        """A config with millisecond delays, for tests."""
        base: dict[str, object] = {
            "seed": seed,
            "accepted_to_queued": (0.001, 0.003),
            "queued_to_sending": (0.002, 0.006),
            "sending_to_sent": (0.002, 0.006),
            "sent_to_final": (0.005, 0.015),
            "reply_delay": (0.005, 0.01),
            "stall_seconds": 1.0,
        }
        base.update(overrides)
        config = cls(**base)  # type: ignore[arg-type]
        config.validate()
        return config

    def validate(self) -> None:
        """Raise ValueError for settings the sandbox cannot honour."""
        for name in (*RATE_FIELDS, "rate_bad_status"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {rate!r}")
        for name in (
            "accepted_to_queued",
            "queued_to_sending",
            "sending_to_sent",
            "sent_to_final",
            "reply_delay",
        ):
            check_delay(name, getattr(self, name))
        if self.latency < 0 or self.stall_seconds < 0:
            raise ValueError("latency and stall_seconds must not be negative")
        weights = self.outcome_weights
        if set(weights) - set(_OUTCOME_KINDS) or any(w < 0 for w in weights.values()):
            raise ValueError(f"outcome_weights must map {_OUTCOME_KINDS} to weights >= 0")
        if not any(w > 0 for w in weights.values()):
            raise ValueError("at least one outcome weight must be positive")
        if not self.undelivered_codes or not self.failed_codes:
            raise ValueError("undelivered_codes and failed_codes must not be empty")
        if not (self.state_max_age > 0 and self.state_save_interval >= 0):
            raise ValueError("state_max_age must be > 0 and state_save_interval >= 0")
        if self.state_max_messages < 1:
            raise ValueError("state_max_messages must be at least 1")
        if unknown := set(self.fault_endpoints) - ENDPOINT_KINDS:
            raise ValueError(f"unknown endpoint kinds in fault_endpoints: {sorted(unknown)}")

    def field_names(self) -> set[str]:
        return {f.name for f in fields(self)}


def check_delay(name: str, delay: Delay) -> None:
    if isinstance(delay, tuple):
        low, high = delay
        if not (0 <= low <= high and math.isfinite(high)):
            raise ValueError(f"{name} must be (min, max) with 0 <= min <= max, got {delay!r}")
    elif not (delay >= 0 and math.isfinite(delay)):
        raise ValueError(f"{name} must be a finite number >= 0, got {delay!r}")
