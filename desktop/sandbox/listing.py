"""GET .../Messages.json: filters, page size and cursor paging, shaped exactly like Twilio.

What the official SDK sends (twilio 9.x, ``MessageList.page``): ``To``, ``From``,
``DateSent``, ``DateSent<`` and ``DateSent>`` — the datetimes serialised as
``YYYY-MM-DDTHH:MM:SSZ`` (``strftime``, with no conversion to UTC) — then ``PageToken``,
``Page`` and ``PageSize``. Later pages are fetched verbatim from ``next_page_uri``, so that URI
must repeat every filter.

Filter semantics chosen here (Twilio documents only whole dates): a date-only value compares
whole UTC dates; a value with a time compares ``date_sent`` at second precision, inclusively
(``DateSent>`` means "on or after", ``DateSent<`` "on or before"). ``DateSent`` alone always
compares whole dates. A message with no ``date_sent`` yet (accepted, scheduled, queued,
canceled) matches no DateSent filter at all — as on Twilio, where the filter is on the sent date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Any
from urllib.parse import urlencode

from .carrier import MessageRecord
from .errors import bad_request
from .store import MessageStore

#: The keys of a Twilio list page, and no others.
PAGE_KEYS: tuple[str, ...] = (
    "end",
    "first_page_uri",
    "messages",
    "next_page_uri",
    "page",
    "page_size",
    "previous_page_uri",
    "start",
    "uri",
)
FILTER_KEYS: tuple[str, ...] = ("To", "From", "DateSent", "DateSent<", "DateSent>")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
_NEXT_PREFIX, _PREV_PREFIX = "PA", "PB"

_TZ_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip
_SLASH_FORMAT = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+([A-Za-z]+))?$"
)


@dataclass(frozen=True)
class DateFilter:
    moment: datetime  # aware, UTC
    date_only: bool

    @property
    def day(self) -> date:
        return self.moment.date()


def parse_date_filter(name: str, raw: str) -> DateFilter:
    """Parse the date formats Twilio documents for DateSent filters (else 400/20001)."""
    value = raw.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return DateFilter(datetime.fromisoformat(value).replace(tzinfo=UTC), True)
        if match := _SLASH_FORMAT.match(value):
            month, day, year, hour, minute, second, zone = match.groups()
            offset = _TZ_ABBREVIATIONS[(zone or "UTC").upper()]
            moment = datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                tzinfo=timezone(timedelta(hours=offset)),
            )  # fmt: skip
        elif re.match(r"\d{4}-\d{2}-\d{2}[T ]", value):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            moment = parsedate_to_datetime(value)
    except (ValueError, TypeError, KeyError, IndexError):
        raise bad_request(20001, f"Invalid {name} value: {raw!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return DateFilter(moment.astimezone(UTC), False)


@dataclass(frozen=True)
class ListQuery:
    to: str | None
    from_: str | None
    date_sent: DateFilter | None
    date_sent_before: DateFilter | None
    date_sent_after: DateFilter | None
    page_size: int
    page: int
    page_token: str | None
    #: The filters as received, in canonical order, to repeat in the page URIs.
    filter_params: tuple[tuple[str, str], ...]

    def matches(self, rec: MessageRecord, now_t: float, wall: Callable[[float], datetime]) -> bool:
        if self.to is not None and rec.to != self.to:
            return False
        if self.from_ is not None and rec.from_at(now_t) != self.from_:
            return False
        filters = (self.date_sent, self.date_sent_before, self.date_sent_after)
        if all(f is None for f in filters):
            return True
        sent_t = rec.date_sent_at(now_t)
        if sent_t is None:
            return False
        sent = wall(sent_t).replace(microsecond=0)  # date_sent has second precision
        if self.date_sent is not None and sent.date() != self.date_sent.day:
            return False
        if (after := self.date_sent_after) is not None and (
            sent.date() < after.day if after.date_only else sent < after.moment
        ):
            return False
        before = self.date_sent_before
        return before is None or not (
            sent.date() > before.day if before.date_only else sent > before.moment
        )


def _first(params: Mapping[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


def _phone_filter(value: str | None) -> str | None:
    # A raw client that forgot to percent-encode "+" sends a space instead; accept it.
    if not value:
        return None
    return "+" + value[1:] if value.startswith(" ") else value


def _int_param(params: Mapping[str, list[str]], key: str, default: int, low: int, high: int) -> int:
    raw = _first(params, key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(20001, f"Invalid {key}: {raw!r}") from None
    if not low <= value <= high:
        raise bad_request(20001, f"{key} must be between {low} and {high}, got {value}")
    return value


def parse_list_query(params: Mapping[str, list[str]]) -> ListQuery:
    filter_params = tuple((key, value) for key in FILTER_KEYS if (value := _first(params, key)))
    dates = {
        key: parse_date_filter(key, value) if (value := _first(params, key)) else None
        for key in ("DateSent", "DateSent<", "DateSent>")
    }
    token = _first(params, "PageToken") or None
    if token is not None and not re.fullmatch(r"P[AB](SM|MM)[0-9a-f]{32}", token):
        raise bad_request(20001, f"Invalid PageToken: {token!r}")
    return ListQuery(
        to=_phone_filter(_first(params, "To")),
        from_=_phone_filter(_first(params, "From")),
        date_sent=dates["DateSent"],
        date_sent_before=dates["DateSent<"],
        date_sent_after=dates["DateSent>"],
        page_size=_int_param(params, "PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        page=_int_param(params, "Page", 0, 0, 10**9),
        page_token=token,
        filter_params=filter_params,
    )


def _uri(path: str, query: ListQuery, page: int, token: str | None) -> str:
    params: list[tuple[str, str]] = [*query.filter_params]
    params += [("PageSize", str(query.page_size)), ("Page", str(page))]
    if token:
        params.append(("PageToken", token))
    return f"{path}?{urlencode(params)}"


def build_page(
    store: MessageStore,
    query: ListQuery,
    path: str,
    now_t: float,
    wall: Callable[[float], datetime],
    render: Callable[[MessageRecord], dict[str, Any]],
) -> dict[str, Any]:
    """One page, newest first. Cursors name a message, so messages created while a client
    pages through the list do not shift the later pages (the new ones are on page 0)."""

    def wanted(records: Iterable[MessageRecord]) -> Iterator[MessageRecord]:
        return (r for r in records if r.created_t <= now_t and query.matches(r, now_t, wall))

    size, token = query.page_size, query.page_token
    cursor = store.key_of(token[2:]) if token else None
    if token and cursor is None:
        raise bad_request(20001, f"Invalid PageToken: {token!r}")
    if cursor is not None and token and token.startswith(_PREV_PREFIX):
        items = list(islice(wanted(store.oldest_first_after(cursor)), size))[::-1]
        older = store.newest_first(items[-1].key) if items else iter(())
    else:
        newer_skipped = 0 if cursor is not None else query.page * size
        found = wanted(store.newest_first(cursor))
        items = list(islice(found, newer_skipped, newer_skipped + size))
        older = found
    has_next = bool(items) and next(wanted(older), None) is not None
    page = query.page
    return {
        "end": page * size + max(len(items) - 1, 0),
        "first_page_uri": _uri(path, query, 0, None),
        "messages": [render(r) for r in items],
        "next_page_uri": _uri(path, query, page + 1, _NEXT_PREFIX + items[-1].sid)
        if has_next
        else None,
        "page": page,
        "page_size": size,
        "previous_page_uri": _uri(path, query, page - 1, _PREV_PREFIX + items[0].sid)
        if page > 0 and items
        else None,
        "start": page * size,
        "uri": _uri(path, query, page, token),
    }
