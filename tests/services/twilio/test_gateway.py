"""The gateway over real HTTP against the carrier sandbox, with the real twilio SDK."""

import socket
from datetime import UTC, datetime, timedelta

import pytest

from desktop.sandbox import CarrierSandbox, Fault, SandboxConfig
from desktop.services.twilio.gateway import (
    Ambiguous,
    Gateway,
    Refused,
    RetryPolicy,
    Unavailable,
    parse_retry_after,
)


@pytest.fixture
def sandbox():
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as sb:
        yield sb


def gateway_for(sandbox: CarrierSandbox, sleeps: list[float] | None = None, **kw) -> Gateway:
    record = sleeps.append if sleeps is not None else (lambda s: None)
    return Gateway(
        sandbox.account_sid,
        sandbox.auth_token,
        api_url=sandbox.base_url,
        timeout=kw.pop("timeout", 2.0),
        retry=RetryPolicy(
            attempts=kw.pop("attempts", 4), base_delay=0.001, max_delay=5, sleep=record
        ),
    )


def test_create_fetch_and_account(sandbox: CarrierSandbox) -> None:
    gw = gateway_for(sandbox)
    sent = gw.create_message("+14155550100", "Hello there", sandbox.phone_number)
    assert sent.sid.startswith("SM") and len(sent.sid) == 34
    assert sent.status == "queued" and sent.num_segments == 1
    assert sent.date_created is not None and sent.date_created.tzinfo is not None
    assert gw.fetch_message(sent.sid).sid == sent.sid
    assert gw.fetch_account().status == "active"
    assert sandbox.ledger_snapshot()[0].body == "Hello there"


def test_messaging_service_and_media(sandbox: CarrierSandbox) -> None:
    gw = gateway_for(sandbox)
    sent = gw.create_message(
        "+14155550100", "Pic", "MG" + "a" * 32, media_urls=["https://example.com/a.png"]
    )
    entry = sandbox.ledger_snapshot()[0]
    assert entry.messaging_service_sid == "MG" + "a" * 32
    assert entry.media_urls == ("https://example.com/a.png",) or list(entry.media_urls) == [
        "https://example.com/a.png"
    ]
    assert sent.messaging_service_sid == "MG" + "a" * 32


@pytest.mark.parametrize(
    ("to", "code"), [("+15005550001", 21211), ("+15005550004", 21610), ("+15005550009", 21614)]
)
def test_magic_numbers_are_refused_with_their_code(sandbox, to: str, code: int) -> None:
    with pytest.raises(Refused) as info:
        gateway_for(sandbox).create_message(to, "Hi", sandbox.phone_number)
    assert info.value.code == code
    assert sandbox.ledger_snapshot() == []


def test_bad_credentials_are_refused(sandbox: CarrierSandbox) -> None:
    gw = Gateway(
        sandbox.account_sid, "0" * 32, api_url=sandbox.base_url, retry=RetryPolicy(attempts=1)
    )
    with pytest.raises(Refused) as info:
        gw.fetch_account()
    assert info.value.code == 20003


def test_429_is_retried_honouring_retry_after(sandbox: CarrierSandbox) -> None:
    sleeps: list[float] = []
    sandbox.config.retry_after = 2
    sandbox.queue_fault("create", Fault.HTTP_429, count=2)
    sent = gateway_for(sandbox, sleeps).create_message("+14155550100", "Hi", sandbox.phone_number)
    assert sent.sid
    assert len(sleeps) == 2 and all(s >= 2 for s in sleeps)
    assert len(sandbox.ledger_snapshot()) == 1


def test_429_until_the_retries_run_out_is_unavailable(sandbox: CarrierSandbox) -> None:
    sandbox.queue_fault("create", Fault.HTTP_429, count=10)
    with pytest.raises(Unavailable):
        gateway_for(sandbox, attempts=3).create_message("+14155550100", "Hi", sandbox.phone_number)


@pytest.mark.parametrize("fault", [Fault.HTTP_500, Fault.DROP_AFTER_CREATE, Fault.MALFORMED])
def test_a_create_that_may_have_gone_out_is_ambiguous_not_retried(sandbox, fault) -> None:
    sandbox.queue_fault("create", fault)
    with pytest.raises(Ambiguous):
        gateway_for(sandbox).create_message("+14155550100", "Hi", sandbox.phone_number)
    assert len(sandbox.ledger_snapshot()) <= 1  # never a second create


def test_a_stalled_create_times_out_as_ambiguous(sandbox: CarrierSandbox) -> None:
    sandbox.config.stall_seconds = 2.0
    sandbox.queue_fault("create", Fault.STALL)
    with pytest.raises(Ambiguous):
        gateway_for(sandbox, timeout=0.3).create_message("+14155550100", "Hi", sandbox.phone_number)


@pytest.mark.parametrize("fault", [Fault.HTTP_500, Fault.DROP, Fault.MALFORMED, Fault.HTTP_429])
def test_reads_are_retried(sandbox: CarrierSandbox, fault: Fault) -> None:
    gw = gateway_for(sandbox)
    sent = gw.create_message("+14155550100", "Hi", sandbox.phone_number)
    sandbox.queue_fault("fetch", fault)
    assert gw.fetch_message(sent.sid).sid == sent.sid
    sandbox.queue_fault("list", fault)
    assert [m.sid for m in gw.list_messages(to="+14155550100")] == [sent.sid]


def test_nothing_listening_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gw = Gateway(
        "AC" + "0" * 32,
        "0" * 32,
        api_url=f"http://127.0.0.1:{port}",
        retry=RetryPolicy(attempts=2, base_delay=0.001),
    )
    with pytest.raises(Unavailable):
        gw.create_message("+14155550100", "Hi", "+15005550006")  # refused: safe to retry


def test_paging_1000_per_request(sandbox: CarrierSandbox) -> None:
    for i in range(2345):
        sandbox.send(f"+1415555{i:04d}", f"m{i}")
    gw = gateway_for(sandbox)
    before = gw.request_count
    pages = list(gw.list_pages(from_=sandbox.phone_number))
    assert [len(p) for p in pages] == [1000, 1000, 345]
    assert gw.request_count - before == 3


def test_date_sent_filter(sandbox: CarrierSandbox) -> None:
    gw = gateway_for(sandbox)
    gw.create_message("+14155550100", "Hi", sandbox.phone_number)
    import time

    time.sleep(0.05)  # the fast sandbox sends within milliseconds
    since = datetime.now(UTC) - timedelta(days=1)
    assert len(list(gw.list_messages(date_sent_after=since))) == 1
    assert list(gw.list_messages(date_sent_after=datetime.now(UTC) + timedelta(days=1))) == []


def test_region_and_edge_cannot_redirect_requests(sandbox, monkeypatch) -> None:
    monkeypatch.setenv("TWILIO_REGION", "au1")
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    gw = gateway_for(sandbox)
    assert gw.create_message("+14155550100", "Hi", sandbox.phone_number).sid


def test_base_url_with_a_path_prefix() -> None:
    gw = Gateway("AC" + "0" * 32, "0" * 32, api_url="http://proxy.local:8080/twilio/")
    assert gw.http.rewrite("https://api.sydney.au1.twilio.com/2010-04-01/Accounts.json?a=1") == (
        "http://proxy.local:8080/twilio/2010-04-01/Accounts.json?a=1"
    )


def test_default_timeout_is_always_set() -> None:
    gw = Gateway("AC" + "0" * 32, "0" * 32)
    assert gw.http.timeout and gw.http.timeout > 0


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    future = (datetime.now(UTC) + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 25 <= (parse_retry_after(future) or 0) <= 31
