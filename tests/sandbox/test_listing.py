"""Carrier sandbox: the message list — filters, page shape and paging, as the SDK uses them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

from desktop.sandbox import PAGE_KEYS, CarrierSandbox, SandboxConfig
from desktop.sandbox.errors import ApiError
from desktop.sandbox.listing import parse_date_filter
from tests.sandbox.support import WALL_START, FakeClock, Raw, messages_path, sdk_client


@pytest.fixture
def sandbox() -> Iterator[CarrierSandbox]:
    with CarrierSandbox(SandboxConfig.fast(seed=2)) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timed(clock: FakeClock) -> Iterator[CarrierSandbox]:
    """Messages leave the queue (and get a date_sent) 1 s after creation."""
    config = SandboxConfig(queued_to_sending=1.0, sending_to_sent=1.0, sent_to_final=1.0)
    with CarrierSandbox(config, clock=clock, wall_start=WALL_START) as running:
        yield running


def query_of(uri: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(uri).query, keep_blank_values=True)


def test_page_has_exactly_twilios_keys(sandbox: CarrierSandbox) -> None:
    for i in range(3):
        sandbox.send(f"+1555000000{i}", f"m{i}")
    raw = Raw(sandbox)
    status, page = raw.json("GET", messages_path(sandbox) + "?PageSize=2")
    assert status == 200
    assert set(page) == set(PAGE_KEYS) == {
        "messages", "end", "first_page_uri", "next_page_uri", "page", "page_size",
        "previous_page_uri", "start", "uri",
    }  # fmt: skip
    assert (page["page"], page["page_size"], page["start"], page["end"]) == (0, 2, 0, 1)
    assert page["previous_page_uri"] is None
    assert page["first_page_uri"] == messages_path(sandbox) + "?PageSize=2&Page=0"
    assert page["uri"] == messages_path(sandbox) + "?PageSize=2&Page=0"
    assert [m["body"] for m in page["messages"]] == ["m2", "m1"]  # newest first

    status, last = raw.json("GET", page["next_page_uri"])
    assert status == 200 and set(last) == set(PAGE_KEYS)
    assert [m["body"] for m in last["messages"]] == ["m0"]
    assert (last["page"], last["start"], last["end"], last["next_page_uri"]) == (1, 2, 2, None)
    status, previous = raw.json("GET", last["previous_page_uri"])
    assert [m["body"] for m in previous["messages"]] == ["m2", "m1"]

    status, empty = raw.json("GET", messages_path(sandbox) + "?To=%2B19999999999")
    assert empty["messages"] == [] and empty["next_page_uri"] is None
    assert (empty["page_size"], empty["start"], empty["end"]) == (50, 0, 0)


def test_sdk_streams_more_than_2000_messages_in_pages_of_1000(sandbox: CarrierSandbox) -> None:
    sids = [sandbox.send(f"+1555{i:07d}", f"bulk {i}")["sid"] for i in range(2345)]
    client, http = sdk_client(sandbox)
    sandbox.reset_request_counts()

    streamed = list(client.messages.stream(page_size=1000))

    assert [m.sid for m in streamed] == sids[::-1]  # all of them, newest first, no repeats
    assert sandbox.request_counts() == Counter({("GET", "list"): 3})
    assert [params for _, _, params in http.sent] == [{"PageSize": 1000}, None, None]
    later_pages = [query_of(url) for _, url, _ in http.sent[1:]]
    assert [q["Page"] for q in later_pages] == [["1"], ["2"]]
    assert all(
        q["PageSize"] == ["1000"] and q["PageToken"][0].startswith("PA") for q in later_pages
    )

    listed = client.messages.list(page_size=1000, limit=1500)
    assert [m.sid for m in listed] == sids[::-1][:1500]


def test_what_the_sdk_sends_for_filters(sandbox: CarrierSandbox) -> None:
    client, http = sdk_client(sandbox)
    after = datetime(2026, 11, 26, 22, 0, 5, tzinfo=UTC)
    client.messages.list(
        to="+15551230001", from_="+15005550006", date_sent_after=after,
        date_sent_before=after + timedelta(days=1), date_sent=date(2026, 11, 26), page_size=1000,
    )  # fmt: skip
    [(method, url, params)] = http.sent
    assert method == "GET" and url.endswith("/Messages.json")
    assert params == {
        "To": "+15551230001",
        "From": "+15005550006",
        "DateSent": "2026-11-26T00:00:00Z",
        "DateSent<": "2026-11-27T22:00:05Z",
        "DateSent>": "2026-11-26T22:00:05Z",
        "PageSize": 1000,
    }


def test_to_and_from_filters(sandbox: CarrierSandbox) -> None:
    for to in ("+15550000001", "+15550000002"):
        for sender in ("+15005550006", "+15550009999"):
            sandbox.send(to, "x", from_=sender)
    client, _ = sdk_client(sandbox)
    assert {(m.to, m.from_) for m in client.messages.list(to="+15550000001")} == {
        ("+15550000001", "+15005550006"), ("+15550000001", "+15550009999"),
    }  # fmt: skip
    assert len(client.messages.list(from_="+15550009999")) == 2
    assert len(client.messages.list(to="+15550000002", from_="+15550009999")) == 1
    raw = Raw(sandbox)  # an unencoded "+" arrives as a space: accepted as "+"
    assert len(raw.json("GET", messages_path(sandbox) + "?To=+15550000001")[1]["messages"]) == 2


def test_date_sent_filters(timed: CarrierSandbox, clock: FakeClock) -> None:
    client, _ = sdk_client(timed)
    sent = {}
    for name, gap in (("a", 0), ("b", 600), ("c", 86400)):
        clock.advance(gap)
        sid = timed.send("+15550000001", name)["sid"]
        clock.advance(1)
        sent[name] = parsedate_to_datetime(timed.message(sid)["date_sent"])  # type: ignore[index]
    unsent = timed.send("+15550000001", "queued")["sid"]  # no date_sent yet

    def bodies(**filters: object) -> list[str]:
        return [m.body or "" for m in client.messages.list(**filters)]  # type: ignore[arg-type]

    assert bodies() == ["queued", "c", "b", "a"]
    assert bodies(date_sent_after=sent["b"]) == ["c", "b"]  # inclusive, to the second
    assert bodies(date_sent_after=sent["b"] + timedelta(seconds=1)) == ["c"]
    assert bodies(date_sent_before=sent["b"]) == ["b", "a"]
    assert bodies(date_sent_after=sent["a"], date_sent_before=sent["b"]) == ["b", "a"]
    assert bodies(date_sent=sent["a"]) == ["b", "a"]  # the same UTC day
    assert bodies(date_sent=sent["c"]) == ["c"]
    raw = Raw(timed)
    day_c = sent["c"].date().isoformat()
    for query, expected in (
        (f"DateSent%3E={day_c}", ["c"]),
        (f"DateSent%3C={day_c}", ["c", "b", "a"]),
    ):
        page = raw.json("GET", messages_path(timed) + "?" + query)[1]
        assert [m["body"] for m in page["messages"]] == expected
        assert query in page["uri"]
    assert unsent not in {m.sid for m in client.messages.list(date_sent_after=WALL_START)}


def test_next_page_uri_repeats_every_filter(timed: CarrierSandbox, clock: FakeClock) -> None:
    for i in range(5):
        timed.send("+15550000001", f"m{i}")
        timed.send("+15550000002", "other")
    clock.advance(2)
    raw = Raw(timed)
    query = "To=%2B15550000001&DateSent%3E=2026-11-26T00%3A00%3A00Z&PageSize=2"
    page = raw.json("GET", messages_path(timed) + "?" + query)[1]
    bodies = [m["body"] for m in page["messages"]]
    while page["next_page_uri"]:
        assert "To=%2B15550000001" in page["next_page_uri"]
        assert "DateSent%3E=2026-11-26T00%3A00%3A00Z" in page["next_page_uri"]
        page = raw.json("GET", page["next_page_uri"])[1]
        bodies += [m["body"] for m in page["messages"]]
    assert bodies == ["m4", "m3", "m2", "m1", "m0"]


def test_paging_is_stable_while_new_messages_arrive(sandbox: CarrierSandbox) -> None:
    old = [sandbox.send(f"+1555000{i:04d}", "old")["sid"] for i in range(25)]
    raw = Raw(sandbox)
    page = raw.json("GET", messages_path(sandbox) + "?PageSize=10")[1]
    seen = [m["sid"] for m in page["messages"]]
    for i in range(7):
        sandbox.send(f"+1555999{i:04d}", "new")  # lands on page 0, not in our way
    while page["next_page_uri"]:
        page = raw.json("GET", page["next_page_uri"])[1]
        seen += [m["sid"] for m in page["messages"]]
    assert seen == old[::-1]


def test_page_number_without_token_is_an_offset(sandbox: CarrierSandbox) -> None:
    sids = [sandbox.send(f"+1555000{i:04d}", "x")["sid"] for i in range(5)]
    page = Raw(sandbox).json("GET", messages_path(sandbox) + "?PageSize=2&Page=1")[1]
    assert [m["sid"] for m in page["messages"]] == sids[::-1][2:4]
    assert (page["start"], page["end"]) == (2, 3)


@pytest.mark.parametrize(
    "query",
    ["PageSize=1001", "PageSize=0", "PageSize=ten", "Page=-1", "PageToken=nonsense",
     "PageToken=PASM" + "0" * 32, "DateSent%3E=yesterday", "DateSent=2026-13-45"],
)  # fmt: skip
def test_bad_list_parameters_answer_400(sandbox: CarrierSandbox, query: str) -> None:
    status, body = Raw(sandbox).json("GET", messages_path(sandbox) + "?" + query)
    assert status == 400 and body["code"] == 20001


def test_sdk_list_errors_are_bare_twilio_exceptions(sandbox: CarrierSandbox) -> None:
    """The SDK's Page raises TwilioException("Unable to fetch page", response) for any
    non-200 list answer — not TwilioRestException: the status is on ``args[1]``."""
    client, _ = sdk_client(sandbox)
    with pytest.raises(TwilioException) as raised:
        client.messages.list(page_size=5000)
    assert not isinstance(raised.value, TwilioRestException)
    assert raised.value.args[1].status_code == 400
    sandbox.queue_fault("list", "429")
    with pytest.raises(TwilioException) as raised:
        client.messages.list()
    assert raised.value.args[1].status_code == 429


@pytest.mark.parametrize(
    ("raw", "expected", "date_only"),
    [
        ("2008-01-02", datetime(2008, 1, 2, tzinfo=UTC), True),
        ("2019-06-11T22:05:25Z", datetime(2019, 6, 11, 22, 5, 25, tzinfo=UTC), False),
        ("2019-06-11 22:05:25.000", datetime(2019, 6, 11, 22, 5, 25, tzinfo=UTC), False),
        ("2019-06-11T22:05:25+02:00", datetime(2019, 6, 11, 20, 5, 25, tzinfo=UTC), False),
        ("06/11/2019 22:05:25 MST", datetime(2019, 6, 12, 5, 5, 25, tzinfo=UTC), False),
        ("Wed, 19 Jun 2019 22:04:00 -0000", datetime(2019, 6, 19, 22, 4, tzinfo=UTC), False),
    ],
)
def test_date_filter_formats(raw: str, expected: datetime, date_only: bool) -> None:
    parsed = parse_date_filter("DateSent>", raw)
    assert (parsed.moment, parsed.date_only) == (expected, date_only)


def test_unparseable_date_filter_is_an_api_error() -> None:
    with pytest.raises(ApiError):
        parse_date_filter("DateSent>", "06/11/2019 22:05:25 XYZ")
