"""Checks of a create request, with the error codes Twilio answers them with.

Twilio's magic test numbers (its "test credentials" page) apply here with any credentials:

=============== ===================================================== ======
To              meaning                                               code
=============== ===================================================== ======
+15005550001    invalid number                                        21211
+15005550002    cannot route to this number                           21612
+15005550003    no international permission                           21408
+15005550004    recipient unsubscribed (replied STOP)                 21610
+15005550009    not a mobile number (cannot receive SMS)              21614
=============== ===================================================== ======

and as ``From``: +15005550001 invalid (21212), +15005550007 not owned by the account (21606),
+15005550008 SMS queue full (21611); +15005550006 is the valid magic sender.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .config import SandboxConfig
from .errors import ApiError, bad_request

MAGIC_TO_ERRORS: dict[str, tuple[int, str]] = {
    "+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number: +15005550002, is not currently reachable."),
    "+15005550003": (21408, "Permission to send an SMS has not been enabled for the region."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}
MAGIC_FROM_ERRORS: dict[str, tuple[int, str]] = {
    "+15005550001": (21212, "The 'From' number +15005550001 is not a valid phone number."),
    "+15005550007": (21606, "The 'From' phone number provided is not owned by your account."),
    "+15005550008": (21611, "This 'From' number has exceeded the maximum number of queued "
                            "messages"),
}  # fmt: skip

E164 = re.compile(r"\+[1-9]\d{6,14}")
MESSAGING_SERVICE_SID = re.compile(r"MG[0-9a-fA-F]{32}")
# Alphanumeric sender IDs: up to 11 letters, digits and spaces, at least one letter.
_ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
MAX_BODY_CHARS = 1600
MAX_MEDIA = 10


@dataclass(frozen=True)
class CreateRequest:
    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str
    media_urls: tuple[str, ...]
    validity_s: int | None
    send_at: datetime | None


def first(form: Mapping[str, list[str]], key: str) -> str | None:
    values = form.get(key)
    return values[0] if values else None


def _parse_send_at(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(35114, f"SendAt must be an ISO-8601 timestamp, got {raw!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def validate_create(
    form: Mapping[str, list[str]], config: SandboxConfig, now: datetime
) -> CreateRequest:
    """Return the checked request, or raise :class:`ApiError` exactly as Twilio would."""
    to = (first(form, "To") or "").strip()
    if not to:
        raise bad_request(21604, "A 'To' phone number is required.")
    if to in MAGIC_TO_ERRORS:
        code, message = MAGIC_TO_ERRORS[to]
        raise bad_request(code, message)
    if not E164.fullmatch(to):
        raise bad_request(21211, f"The 'To' number {to} is not a valid phone number.")

    from_ = (first(form, "From") or "").strip() or None
    service = (first(form, "MessagingServiceSid") or "").strip() or None
    if from_ is not None and from_.startswith("MG") and service is None:
        service, from_ = from_, None  # Twilio accepts a service sid in From
    if from_ is None and service is None:
        raise bad_request(21603, "A 'From' phone number is required.")
    if service is not None and (
        not MESSAGING_SERVICE_SID.fullmatch(service)
        or (
            config.messaging_service_sids is not None
            and service not in config.messaging_service_sids
        )
    ):
        raise bad_request(21701, f"The Messaging Service Sid {service} is invalid.")
    if from_ is not None:
        if from_ in MAGIC_FROM_ERRORS:
            code, message = MAGIC_FROM_ERRORS[from_]
            raise bad_request(code, message)
        if not (E164.fullmatch(from_) or _ALPHANUMERIC_SENDER.fullmatch(from_)):
            raise bad_request(21212, f"The 'From' number {from_} is not a valid phone number.")
        if config.sender_numbers is not None and from_ not in config.sender_numbers:
            raise bad_request(
                21606, f"The From phone number {from_} is not a valid, SMS-capable inbound "
                "phone number or short code for your account."
            )  # fmt: skip

    body = first(form, "Body") or ""
    media = tuple(url for url in form.get("MediaUrl", []) if url)
    if not body and not media:
        raise bad_request(21602, "Message body is required.")
    if len(body) > MAX_BODY_CHARS:
        raise bad_request(21617, "The concatenated message body exceeds the 1600 character limit.")
    if len(media) > MAX_MEDIA:
        raise bad_request(21623, "Number of media files exceeds allowed limit.")
    if any(not re.match(r"https?://[^\s/]+", url) for url in media):
        raise bad_request(21620, "Invalid media URL(s).")

    return CreateRequest(
        to=to,
        from_=from_,
        messaging_service_sid=service,
        body=body,
        media_urls=media,
        validity_s=_validity(first(form, "ValidityPeriod")),
        send_at=_schedule(form, config, now, service),
    )


def _validity(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 36000:
        raise bad_request(20001, "ValidityPeriod must be an integer from 1 to 36000 seconds.")
    return value


def _schedule(
    form: Mapping[str, list[str]], config: SandboxConfig, now: datetime, service: str | None
) -> datetime | None:
    schedule_type = first(form, "ScheduleType") or None
    raw_send_at = first(form, "SendAt") or None
    if schedule_type is None and raw_send_at is None:
        return None
    if schedule_type != "fixed":
        # Twilio would silently send a SendAt without ScheduleType at once; refusing it makes
        # a gateway bug visible instead of sending a scheduled text early.
        raise bad_request(20001, "ScheduleType must be 'fixed' when SendAt is given.")
    if raw_send_at is None:
        raise bad_request(35111, "SendAt timestamp is missing.")
    if service is None:
        raise bad_request(35118, "MessagingServiceSid is required to schedule a message.")
    send_at = _parse_send_at(raw_send_at)
    lead = (send_at - now).total_seconds()
    # One second of grace: the SDK truncates SendAt to whole seconds.
    if lead < config.schedule_min_lead - 1.0 or lead > config.schedule_max_lead:
        raise bad_request(
            35114,
            f"SendAt time must be between {config.schedule_min_lead:g} seconds and "
            f"{config.schedule_max_lead:g} seconds in the future.",
        )
    return send_at


__all__ = ["ApiError", "CreateRequest", "validate_create"]


def create_form(
    to: str,
    body: str,
    from_: str | None,
    messaging_service_sid: str | None,
    media_urls: Sequence[str],
    send_at: datetime | None,
    validity_period: int | None,
) -> dict[str, list[str]]:
    """The form an SDK would post for these arguments (for in-process creates)."""
    form: dict[str, list[str]] = {"To": [to], "Body": [body], "MediaUrl": list(media_urls)}
    if messaging_service_sid is not None:
        form["MessagingServiceSid"] = [messaging_service_sid]
    if from_ is not None:
        form["From"] = [from_]
    if send_at is not None:
        form["SendAt"] = [send_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
        form["ScheduleType"] = ["fixed"]
    if validity_period is not None:
        form["ValidityPeriod"] = [str(validity_period)]
    return form
