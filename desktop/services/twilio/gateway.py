"""The one place that talks to Twilio, through the official `twilio` SDK.

Failures come out as three kinds, because the dispatcher must treat them differently:
- `Refused`: Twilio answered with a 4xx error code (21211, 21610, ...): final, never retried.
- `Unavailable`: nothing was accepted (429 or a code the error catalog marks `retryable`,
  connection refused, retries exhausted on reads).
- `Ambiguous`: a create may or may not have been accepted (timeout after sending, dropped
  connection, 5xx). The message must be reconciled against Twilio's list before any retry,
  or a lead could get the same text twice.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from desktop.services.twilio.error_catalog import explain
from desktop.services.twilio.http import DEFAULT_TIMEOUT, RewritingHttpClient

log = logging.getLogger(__name__)

T = TypeVar("T")
LIST_PAGE_SIZE = 1000


class GatewayError(Exception):
    def __init__(self, message: str, *, code: int | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


class Refused(GatewayError):
    """Twilio refused the request for good (4xx with an error code)."""


class Unavailable(GatewayError):
    """Twilio could not be reached or asked us to slow down; nothing was accepted."""


class Ambiguous(GatewayError):
    """The request may have been accepted: reconcile before trying again."""


class BadAnswer(GatewayError):
    """Twilio's answer could not be understood (malformed JSON, unexpected shape)."""


@dataclass(frozen=True)
class TwilioMessage:
    """What the app needs of Twilio's Message resource, as plain values."""

    sid: str
    status: str
    direction: str
    to: str
    from_: str
    body: str
    num_segments: int | None
    price: str | None
    price_unit: str | None
    error_code: int | None
    error_message: str | None
    date_created: datetime | None
    date_sent: datetime | None
    date_updated: datetime | None
    messaging_service_sid: str | None = None


@dataclass(frozen=True)
class Account:
    sid: str
    friendly_name: str
    status: str


@dataclass
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Exponential backoff with full jitter; Retry-After, when given, is the minimum."""
        backoff = random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))
        hinted = parse_retry_after(retry_after)
        return min(self.max_delay, max(backoff, hinted or 0.0))


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def to_message(instance: Any) -> TwilioMessage:
    """Convert an SDK MessageInstance; raises BadAnswer when essential fields are missing."""
    sid = getattr(instance, "sid", None)
    status = getattr(instance, "status", None)
    if not isinstance(sid, str) or not sid or status is None:
        raise BadAnswer("Twilio's answer has no message SID or status")
    return TwilioMessage(
        sid=sid,
        status=str(getattr(status, "value", status)).lower(),
        direction=str(getattr(instance, "direction", "") or ""),
        to=str(instance.to or ""),
        from_=str(instance.from_ or ""),
        body=str(instance.body or ""),
        num_segments=_int(instance.num_segments),
        price=str(instance.price) if instance.price not in (None, "") else None,
        price_unit=instance.price_unit,
        error_code=_int(instance.error_code),
        error_message=instance.error_message,
        date_created=_date(instance.date_created),
        date_sent=_date(instance.date_sent),
        date_updated=_date(instance.date_updated),
        messaging_service_sid=instance.messaging_service_sid,
    )


def _wrapped(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and every exception it wraps: requests puts urllib3's MaxRetryError in its args,
    MaxRetryError keeps the real failure in `.reason`, urllib3 chains the OS error with
    `raise ... from`. Not `__context__`: an exception merely being handled nearby (an earlier
    refused attempt, say) says nothing about this one."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = (current.__cause__, getattr(current, "reason", None))
        pending.extend(item for item in (*linked, *current.args) if isinstance(item, BaseException))


def _connection_never_made(exc: requests.RequestException) -> bool:
    """True when the request certainly did not reach the server: the connection itself failed
    (refused, unreachable, name not resolved, connect timeout). A failure after connecting
    (reset, dropped answer, TLS, read timeout) may have delivered the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        # urllib3 raises NewConnectionError (NameResolutionError is one) only while opening
        # the socket; ConnectionRefusedError is the OS saying the same.
        return any(
            isinstance(cause, NewConnectionError | ConnectionRefusedError)
            for cause in _wrapped(exc)
        )
    return False


class Gateway:
    def __init__(
        self,
        account_sid: str,
        password: str,
        *,
        username: str | None = None,
        api_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
    ) -> None:
        """`password` is the auth token, or with `username` (an API key SID) its secret."""
        self.http = RewritingHttpClient(api_url or None, timeout=timeout)
        self.client = Client(
            username or account_sid, password, account_sid=account_sid, http_client=self.http
        )
        self.retry = retry or RetryPolicy()
        self.account_sid = account_sid

    @property
    def request_count(self) -> int:
        return self.http.request_count

    def _call(self, what: str, func: Callable[[], T], *, idempotent: bool) -> T:
        """Run one SDK call with retries. Non-idempotent calls (create) are retried only
        when the request certainly was not accepted (429, connection never made)."""
        last: GatewayError | None = None
        for attempt in range(self.retry.attempts):
            try:
                return func()
            except TwilioRestException as exc:
                code = _int(exc.code)
                status = int(exc.status or 0)
                # 429, or a code the catalog marks retryable: Twilio took nothing, so even a
                # create may go again.
                if status == 429 or (code is not None and explain(code).retryable):
                    last = Unavailable(
                        f"Twilio asked to slow down ({what})", code=code or 20429, status=status
                    )
                elif status >= 500:
                    message = f"Twilio had a server error ({status}) during {what}"
                    if not idempotent:
                        raise Ambiguous(message, code=code, status=status) from None
                    last = Unavailable(message, code=code, status=status)
                else:
                    raise Refused(
                        str(exc.msg or f"refused ({status})"), code=code, status=status
                    ) from None
            except requests.RequestException as exc:
                message = f"no answer from Twilio during {what} ({type(exc).__name__})"
                if not idempotent and not _connection_never_made(exc):
                    raise Ambiguous(message) from None
                last = Unavailable(message)
            except TwilioException as exc:
                # The SDK's other family: a list page answered with an error status comes as
                # TwilioException("Unable to fetch page", response), not TwilioRestException.
                response = exc.args[1] if len(exc.args) > 1 else None
                page_status: int | None = getattr(response, "status_code", None)
                if page_status is not None:
                    last = Unavailable(
                        f"Twilio answered {page_status} during {what}", status=page_status
                    )
                else:
                    last = BadAnswer(f"Twilio's answer to {what} could not be read: {exc}")
                if not idempotent:
                    raise Ambiguous(str(last)) from None
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                # Malformed JSON or an unexpected shape: the SDK raises plain errors.
                last = BadAnswer(
                    f"Twilio's answer to {what} could not be read ({type(exc).__name__})"
                )
                if not idempotent:
                    raise Ambiguous(str(last)) from None
            if attempt + 1 < self.retry.attempts:
                pause = self.retry.delay(attempt, self.http.last_retry_after)
                log.info("%s; retrying in %.2fs", last, pause)
                self.retry.sleep(pause)
        assert last is not None
        raise last

    def create_message(
        self,
        to: str,
        body: str,
        sender: str,
        *,
        media_urls: Sequence[str] = (),
        validity_period: int | None = None,
    ) -> TwilioMessage:
        params: dict[str, Any] = {"to": to, "body": body}
        if sender.startswith("MG"):
            params["messaging_service_sid"] = sender
        else:
            params["from_"] = sender
        if media_urls:
            params["media_url"] = list(media_urls)
        if validity_period:
            params["validity_period"] = int(validity_period)
        instance = self._call(
            "sending a message", lambda: self.client.messages.create(**params), idempotent=False
        )
        return self._convert(instance)

    def fetch_message(self, sid: str) -> TwilioMessage:
        instance = self._call(
            "reading a message", lambda: self.client.messages(sid).fetch(), idempotent=True
        )
        return self._convert(instance)

    def cancel_message(self, sid: str) -> TwilioMessage:
        instance = self._call(
            "canceling a scheduled message",
            lambda: self.client.messages(sid).update(status="canceled"),
            idempotent=True,
        )
        return self._convert(instance)

    def _convert(self, instance: Any) -> TwilioMessage:
        try:
            return to_message(instance)
        except BadAnswer:
            raise
        except Exception as exc:
            raise BadAnswer(f"Twilio's message could not be read ({type(exc).__name__})") from None

    def list_pages(
        self,
        *,
        from_: str | None = None,
        to: str | None = None,
        date_sent_after: datetime | None = None,
        page_size: int = LIST_PAGE_SIZE,
    ) -> Iterator[list[TwilioMessage]]:
        """Twilio's message list, newest first, a page (up to 1000) at a time.

        Each page is fetched with its own retries, following `next_page_uri`. Records that
        cannot be read are skipped and logged, never allowed to stop the listing.
        """
        filters: dict[str, Any] = {"page_size": page_size}
        if from_:
            filters["from_"] = from_
        if to:
            filters["to"] = to
        if date_sent_after is not None:
            # The SDK formats the datetime as given, with a "Z": it must already be UTC.
            filters["date_sent_after"] = date_sent_after.astimezone(UTC)
        page = self._call(
            "listing messages", lambda: self.client.messages.page(**filters), idempotent=True
        )
        while page is not None:
            records = []
            while True:
                try:
                    records.append(to_message(next(page)))
                except StopIteration:
                    break
                except Exception as exc:  # one bad record must not hide the others
                    log.warning("skipped an unreadable message in Twilio's list: %s", exc)
            yield records
            current = page
            page = self._call("listing messages", current.next_page, idempotent=True)

    def list_messages(self, **filters: Any) -> Iterator[TwilioMessage]:
        for page in self.list_pages(**filters):
            yield from page

    def fetch_account(self) -> Account:
        account = self._call(
            "checking the account",
            lambda: self.client.api.v2010.accounts(self.account_sid).fetch(),
            idempotent=True,
        )
        return Account(
            sid=str(account.sid),
            friendly_name=str(account.friendly_name or ""),
            status=str(getattr(account.status, "value", account.status) or ""),
        )

    def close(self) -> None:
        if self.http.session is not None:
            self.http.session.close()
