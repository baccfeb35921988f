"""The gateway over real HTTP against the carrier sandbox, with the real twilio SDK."""

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop.sandbox import CarrierSandbox, Fault, SandboxConfig
from desktop.services.twilio.error_catalog import explain
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
    assert tuple(entry.media_urls) == ("https://example.com/a.png",)
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


# -- retries follow the error catalog's `retryable` -------------------------------------------

OK_TO = "+14155550100"


def _creates(sandbox: CarrierSandbox) -> int:
    return sandbox.request_counts()[("POST", "create")]


def test_a_retryable_code_is_retried(sandbox: CarrierSandbox) -> None:
    assert explain(20429).retryable
    sleeps: list[float] = []
    sandbox.queue_fault("create", Fault.HTTP_429, count=2)  # Twilio's 429 carries code 20429
    sent = gateway_for(sandbox, sleeps).create_message(OK_TO, "Hi", sandbox.phone_number)
    assert sent.sid
    assert _creates(sandbox) == 3 and len(sleeps) == 2
    assert len(sandbox.ledger_snapshot()) == 1


# Every refusal the sandbox answers a create with, as Twilio would: (to, sender, body, code).
# The sender "" stands for the sandbox's own number.
REFUSALS = [
    ("+15005550001", "", "Hi", 21211),
    ("+15005550002", "", "Hi", 21612),
    ("+15005550003", "", "Hi", 21408),
    ("+15005550004", "", "Hi", 21610),
    ("+15005550009", "", "Hi", 21614),
    (OK_TO, "+15005550001", "Hi", 21212),
    (OK_TO, "+15005550007", "Hi", 21606),
    (OK_TO, "+15005550008", "Hi", 21611),
    (OK_TO, "MG-not-a-service", "Hi", 21701),
    (OK_TO, "", "x" * 1601, 21617),
]


@pytest.mark.parametrize(("to", "sender", "body", "code"), REFUSALS)
def test_a_code_that_is_not_retryable_is_refused_at_once(
    sandbox: CarrierSandbox, to: str, sender: str, body: str, code: int
) -> None:
    assert not explain(code).retryable
    sleeps: list[float] = []
    with pytest.raises(Refused) as info:
        gateway_for(sandbox, sleeps).create_message(to, body, sender or sandbox.phone_number)
    assert info.value.code == code
    assert _creates(sandbox) == 1 and sleeps == []
    assert sandbox.ledger_snapshot() == []


def test_bad_credentials_are_not_retried(sandbox: CarrierSandbox) -> None:
    assert not explain(20003).retryable and explain(20003).account_problem
    sleeps: list[float] = []
    gw = Gateway(
        sandbox.account_sid,
        "0" * 32,
        api_url=sandbox.base_url,
        retry=RetryPolicy(attempts=4, base_delay=0.001, sleep=sleeps.append),
    )
    with pytest.raises(Refused) as info:
        gw.create_message(OK_TO, "Hi", sandbox.phone_number)
    assert info.value.code == 20003 and info.value.status == 401
    assert _creates(sandbox) == 1 and sleeps == []


class _StandIn(ThreadingHTTPServer):
    """A Twilio stand-in that refuses every request with the queued (status, code) answers.

    The sandbox only sends 20429 with HTTP 429; this shows that the catalog's attribute, not
    the HTTP status, is what the gateway goes by.
    """

    def __init__(self, answers: list[tuple[int, int]]) -> None:
        super().__init__(("127.0.0.1", 0), _StandInHandler)
        self.answers = answers
        self.requests = 0


class _StandInHandler(BaseHTTPRequestHandler):
    server: _StandIn

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests += 1
        status, code = self.server.answers[min(self.server.requests, len(self.server.answers)) - 1]
        body = json.dumps({"code": code, "message": f"refused with {code}", "status": status})
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass


@pytest.fixture
def stand_in() -> Iterator[list[_StandIn]]:
    servers: list[_StandIn] = []
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def _serve(servers: list[_StandIn], answers: list[tuple[int, int]]) -> _StandIn:
    server = _StandIn(answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    servers.append(server)
    return server


@pytest.mark.parametrize(("code", "tries"), [(20429, 3), (21611, 1), (21211, 1)])
def test_the_catalog_not_the_status_decides_a_retry(
    stand_in: list[_StandIn], code: int, tries: int
) -> None:
    assert explain(code).retryable is (tries > 1)
    server = _serve(stand_in, [(400, code)])
    host, port = server.server_address[:2]
    sleeps: list[float] = []
    gw = Gateway(
        "AC" + "0" * 32,
        "0" * 32,
        api_url=f"http://{host!s}:{port}",
        retry=RetryPolicy(attempts=3, base_delay=0.001, sleep=sleeps.append),
    )
    with pytest.raises(Unavailable if tries > 1 else Refused) as info:
        gw.create_message(OK_TO, "Hi", "+15005550006")
    assert info.value.code == code
    assert server.requests == tries and len(sleeps) == tries - 1


# -- "never reached Twilio" is decided by exception types ---------------------------------------


def test_a_create_to_a_name_that_does_not_resolve_is_unavailable() -> None:
    # urllib3's NameResolutionError: the request never left this computer, so a create may be
    # retried (.invalid never resolves, RFC 6761).
    sleeps: list[float] = []
    gw = Gateway(
        "AC" + "0" * 32,
        "0" * 32,
        api_url="http://textdesk-test.invalid",
        retry=RetryPolicy(attempts=2, base_delay=0.001, sleep=sleeps.append),
    )
    with pytest.raises(Unavailable):
        gw.create_message(OK_TO, "Hi", "+15005550006")
    assert len(sleeps) == 1  # retried once, then given up


def test_a_create_whose_connection_drops_after_sending_is_ambiguous(
    sandbox: CarrierSandbox,
) -> None:
    # Connected, request sent, connection closed without an answer: it may have been taken.
    sandbox.queue_fault("create", Fault.DROP)
    with pytest.raises(Ambiguous):
        gateway_for(sandbox).create_message(OK_TO, "Hi", sandbox.phone_number)
    assert _creates(sandbox) == 1
