"""The state file's JSON shapes (format 1): the account, a message, a ledger entry, opt-outs.

Every instant is stored as UTC seconds since the epoch (a float), so that a file written by
one sandbox means the same moments to the next whatever their monotonic clocks read;
``offset`` (wall-clock seconds minus sandbox clock) maps one to the other. Decoding checks
every field's type, so a file that parses as JSON but is not a state file raises ValueError
here, at start, rather than a TypeError later in the middle of a request.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .carrier import MessageRecord, Timeline
from .optout import Event
from .store import LedgerEntry

FORMAT_VERSION = 1
COUNTER_NAMES: tuple[str, ...] = ("sends_to", "forced_used", "replies_used")
_ACCOUNT_SID = re.compile(r"AC[0-9a-f]{32}")


@dataclass(frozen=True)
class Account:
    """What a client is configured with: it must not change across a restart."""

    sid: str
    auth_token: str
    phone_number: str
    #: When the account was made (UTC epoch seconds): its resource's date_created.
    created: float


# --- typed access to parsed JSON ----------------------------------------------------------


def obj(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not a JSON object")
    return value


def items(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{what} is not a JSON array")
    return value


def text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a string")
    return value


def opt_text(value: object, what: str) -> str | None:
    return None if value is None else text(value, what)


def integer(value: object, what: str) -> int:
    # bool is an int to Python, not to this format.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} is not an integer")
    return value


def number(value: object, what: str) -> float:
    if type(value) is float and math.isfinite(value):
        return value  # the common case, checked first: a load checks ~10 numbers a message
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{what} is not a finite number")
    return float(value)


def opt_number(value: object, what: str) -> float | None:
    return None if value is None else number(value, what)


def flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} is not true or false")
    return value


def texts(value: object, what: str) -> list[str]:
    return [text(item, what) for item in items(value, what)]


# --- the account ----------------------------------------------------------------------------


def encode_account(account: Account) -> dict[str, Any]:
    return {
        "sid": account.sid,
        # Saved in clear on purpose: it is a throwaway sandbox credential, and the file is
        # created readable by its owner only (mkstemp's 0600).
        "auth_token": account.auth_token,
        "phone_number": account.phone_number,
        "created": account.created,
    }


def decode_account(raw: object) -> Account:
    fields = obj(raw, "account")
    sid = text(fields.get("sid"), "account.sid")
    if not _ACCOUNT_SID.fullmatch(sid):
        raise ValueError("account.sid is not an account sid")
    token = text(fields.get("auth_token"), "account.auth_token")
    if not token:
        raise ValueError("account.auth_token is empty")
    phone = text(fields.get("phone_number"), "account.phone_number")
    return Account(sid, token, phone, number(fields.get("created"), "account.created"))


# --- messages -------------------------------------------------------------------------------


def _wall(t: float | None, offset: float) -> float | None:
    return None if t is None else t + offset


def _clock(epoch: float | None, offset: float) -> float | None:
    return None if epoch is None else epoch - offset


def encode_message(rec: MessageRecord, offset: float) -> dict[str, Any]:
    """A fresh structure (lists copied), so it may be turned into text outside the lock."""
    plan = rec.timeline
    return {
        "sid": rec.sid,
        "seq": rec.seq,
        "direction": rec.direction,
        "to": rec.to,
        "from": rec.from_,
        "messaging_service_sid": rec.messaging_service_sid,
        "body": rec.body,
        "media_urls": list(rec.media_urls),
        "num_segments": rec.num_segments,
        "from_pending": rec.from_pending,
        "reply_sids": list(rec.reply_sids),
        "created": rec.created_t + offset,
        # The whole planned life: status i is entered at times[i], in wall-clock time.
        "plan": {
            "times": [t + offset for t in plan.times],
            "statuses": list(plan.statuses),
            "sent": _wall(plan.sent_t, offset),
            "priced": _wall(plan.priced_t, offset),
            "from_assigned": _wall(plan.from_assigned_t, offset),
            "error_code": plan.error_code,
        },
    }


def last_change(row: Mapping[str, Any]) -> float:
    """The wall instant of a message row's last planned change (its age counts from it)."""
    return max(float(row["created"]), float(row["plan"]["times"][-1]))


def decode_message(raw: object, offset: float) -> MessageRecord:
    row = obj(raw, "message")
    sid = text(row.get("sid"), "message.sid")
    where = f"message {sid}"
    plan = obj(row.get("plan"), f"{where}: plan")
    times = [number(t, f"{where}: plan.times") for t in items(plan.get("times"), where)]
    statuses = texts(plan.get("statuses"), f"{where}: plan.statuses")
    if not times or len(times) != len(statuses) or times != sorted(times):
        raise ValueError(f"{where}: plan.times and plan.statuses do not match")
    error_code = plan.get("error_code")
    timeline = Timeline(
        [t - offset for t in times],
        statuses,
        sent_t=_clock(opt_number(plan.get("sent"), f"{where}: plan.sent"), offset),
        priced_t=_clock(opt_number(plan.get("priced"), f"{where}: plan.priced"), offset),
        from_assigned_t=_clock(
            opt_number(plan.get("from_assigned"), f"{where}: plan.from_assigned"), offset
        ),
        error_code=None if error_code is None else integer(error_code, f"{where}: error_code"),
    )
    return MessageRecord(
        sid=sid,
        seq=integer(row.get("seq"), f"{where}: seq"),
        direction=text(row.get("direction"), f"{where}: direction"),
        to=text(row.get("to"), f"{where}: to"),
        from_=opt_text(row.get("from"), f"{where}: from"),
        messaging_service_sid=opt_text(row.get("messaging_service_sid"), where),
        body=text(row.get("body"), f"{where}: body"),
        media_urls=tuple(texts(row.get("media_urls"), f"{where}: media_urls")),
        created_t=number(row.get("created"), f"{where}: created") - offset,
        timeline=timeline,
        num_segments=integer(row.get("num_segments"), f"{where}: num_segments"),
        from_pending=flag(row.get("from_pending"), f"{where}: from_pending"),
        reply_sids=texts(row.get("reply_sids"), f"{where}: reply_sids"),
    )


# --- the ledger, opt-outs, removed sids, counters -----------------------------------------------


def encode_ledger(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "sid": entry.sid,
        "to": entry.to,
        "from": entry.from_,
        "messaging_service_sid": entry.messaging_service_sid,
        "body": entry.body,
        "media_urls": list(entry.media_urls),
        "created_at": entry.created_at.timestamp(),
        "send_at": None if entry.send_at is None else entry.send_at.timestamp(),
    }


def decode_ledger(raw: object) -> LedgerEntry:
    row = obj(raw, "ledger entry")
    sid = text(row.get("sid"), "ledger entry sid")
    where = f"ledger entry {sid}"
    send_at = opt_number(row.get("send_at"), f"{where}: send_at")
    return LedgerEntry(
        sid=sid,
        to=text(row.get("to"), f"{where}: to"),
        from_=opt_text(row.get("from"), f"{where}: from"),
        messaging_service_sid=opt_text(row.get("messaging_service_sid"), where),
        body=text(row.get("body"), f"{where}: body"),
        media_urls=tuple(texts(row.get("media_urls"), f"{where}: media_urls")),
        created_at=datetime.fromtimestamp(number(row.get("created_at"), where), UTC),
        send_at=None if send_at is None else datetime.fromtimestamp(send_at, UTC),
    )


def encode_events(events: Mapping[str, list[Event]], offset: float) -> dict[str, Any]:
    """phone -> [[epoch, seq, opted out, inbound sid], ...]"""
    return {
        phone: [[t + offset, seq, out, sid] for (t, seq), out, sid in found]
        for phone, found in events.items()
    }


def decode_events(raw: object, offset: float) -> dict[str, list[Event]]:
    events: dict[str, list[Event]] = {}
    for phone, found in obj(raw, "opt_outs").items():
        where = f"opt_outs of {phone}"
        for event in items(found, where):
            epoch, seq, out, sid = items(event, where)
            key = (number(epoch, where) - offset, integer(seq, where))
            events.setdefault(phone, []).append((key, flag(out, where), text(sid, where)))
    return events


def decode_removed(raw: object, offset: float) -> dict[str, tuple[float, int]]:
    """[[sid, epoch, seq], ...]: sort keys of deleted messages, for page cursors naming them."""
    removed: dict[str, tuple[float, int]] = {}
    for entry in items(raw, "removed"):
        sid, epoch, seq = items(entry, "removed")
        removed[text(sid, "removed")] = (number(epoch, "removed") - offset, integer(seq, "removed"))
    return removed


def decode_counters(raw: object) -> dict[str, dict[str, int]]:
    counters = obj(raw, "counters")
    return {
        name: {
            text(key, name): integer(value, f"counters.{name}")
            for key, value in obj(counters.get(name, {}), f"counters.{name}").items()
        }
        for name in COUNTER_NAMES
    }
