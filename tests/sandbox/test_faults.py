"""Carrier sandbox: injected faults and hostile input, seen by a raw HTTP client and the SDK."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.base.exceptions import TwilioRestException

from desktop.sandbox import CarrierSandbox, Fault, SandboxConfig
from tests.sandbox.support import Raw, auth_header, create_form, messages_path, sdk_client


@pytest.fixture
def sandbox() -> Iterator[CarrierSandbox]:
    with CarrierSandbox(SandboxConfig.fast(seed=3, stall_seconds=1.0)) as running:
        yield running


def alive(sandbox: CarrierSandbox) -> bool:
    """The server still answers a well-formed request."""
    raw = Raw(sandbox)
    try:
        return raw.request("GET", messages_path(sandbox) + "?PageSize=1")[0] == 200
    finally:
        raw.close()


def raw_socket(sandbox: CarrierSandbox, payload: bytes, timeout: float = 2.0) -> bytes:
    parts = urlsplit(sandbox.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as conn:
        conn.sendall(payload)
        # Nothing more is coming, so the server need not wait for a short body. It may have
        # answered and hung up already (e.g. a 414), which makes shutdown fail: fine.
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# --- injected faults ------------------------------------------------------------------------------


def test_429_has_retry_after_and_creates_nothing(sandbox: CarrierSandbox) -> None:
    sandbox.queue_fault("create", Fault.HTTP_429)
    status, headers, body = Raw(sandbox).request("POST", messages_path(sandbox), create_form())
    assert status == 429 and headers["Retry-After"] == "1"
    assert json.loads(body) == {
        "code": 20429, "message": "Too Many Requests",
        "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429,
    }  # fmt: skip
    assert sandbox.ledger_snapshot() == []
    client, _ = sdk_client(sandbox)
    sandbox.queue_fault("create", Fault.HTTP_429)
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+15551230001", from_="+15005550006", body="x")
    assert (raised.value.status, raised.value.code) == (429, 20429)
    assert len(sandbox.ledger_snapshot()) == 0


def test_500_creates_nothing(sandbox: CarrierSandbox) -> None:
    sandbox.queue_fault("create", Fault.HTTP_500)
    status, body = Raw(sandbox).json("POST", messages_path(sandbox), create_form())
    assert (status, body["code"]) == (500, 20500)
    assert sandbox.ledger_snapshot() == []


def test_drop_closes_without_answer_and_creates_nothing(sandbox: CarrierSandbox) -> None:
    sandbox.queue_fault("create", Fault.DROP)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        Raw(sandbox).request("POST", messages_path(sandbox), create_form())
    assert sandbox.ledger_snapshot() == []
    assert alive(sandbox)


def test_drop_after_create_leaves_a_message_the_client_never_saw(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox)
    sandbox.queue_fault("create", Fault.DROP_AFTER_CREATE)
    with pytest.raises(requests.ConnectionError):
        client.messages.create(to="+15551230001", from_="+15005550006", body="Step 1")
    [entry] = sandbox.ledger_snapshot()
    # The way back: the message is in the list, found by recipient.
    assert [m.sid for m in client.messages.list(to="+15551230001")] == [entry.sid]


def test_stall_lets_client_timeouts_fire_but_the_message_exists(sandbox: CarrierSandbox) -> None:
    sandbox.queue_fault("create", Fault.STALL)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        Raw(sandbox, timeout=0.2).request("POST", messages_path(sandbox), create_form())
    assert time.monotonic() - started < 0.9
    assert len(sandbox.ledger_snapshot()) == 1
    assert alive(sandbox)  # other requests are served meanwhile

    client, _ = sdk_client(sandbox, timeout=0.2)
    sandbox.queue_fault("list", Fault.STALL)
    with pytest.raises(requests.Timeout):
        client.messages.list()


def test_malformed_json_keeps_the_real_status(sandbox: CarrierSandbox) -> None:
    raw = Raw(sandbox)
    sandbox.queue_fault("create", Fault.MALFORMED)
    status, _, body = raw.request("POST", messages_path(sandbox), create_form())
    assert status == 201
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    assert len(sandbox.ledger_snapshot()) == 1
    sandbox.queue_fault("list", Fault.MALFORMED)
    client, _ = sdk_client(sandbox)
    with pytest.raises(ValueError):
        client.messages.list()


def test_bad_status_outside_twilios_enum(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox)
    sid = client.messages.create(to="+15551230001", from_="+15005550006", body="x").sid
    sandbox.queue_fault("fetch", Fault.BAD_STATUS)
    assert client.messages(sid).fetch().status == "exploded"
    assert client.messages(sid).fetch().status != "exploded"
    for i in range(9):
        sandbox.send(f"+1555000{i:04d}", "x")
    sandbox.set_faults(rate_bad_status=1.0)
    assert {m.status for m in client.messages.list()} == {"exploded"}
    sandbox.set_faults(rate_bad_status=0.3)
    statuses = Counter(m["status"] for _ in range(20) for m in
                       Raw(sandbox).json("GET", messages_path(sandbox))[1]["messages"])  # fmt: skip
    assert 0.15 < statuses["exploded"] / statuses.total() < 0.45
    sandbox.clear_faults()
    assert "exploded" not in {m.status for m in client.messages.list()}


def test_fault_rates_are_observed(sandbox: CarrierSandbox) -> None:
    sandbox.set_faults(rate_429=0.2, rate_500=0.1, rate_malformed=0.1)
    raw = Raw(sandbox)
    seen: Counter[str] = Counter()
    for _ in range(400):
        status, _, body = raw.request("GET", messages_path(sandbox) + "?PageSize=1")
        if status == 200:
            try:
                json.loads(body)
                seen["ok"] += 1
            except json.JSONDecodeError:
                seen["malformed"] += 1
        else:
            seen[str(status)] += 1
    assert 50 < seen["429"] < 110 and 20 < seen["500"] < 65 and 20 < seen["malformed"] < 65
    counts = sandbox.fault_counts()
    assert (
        counts[("list", "429")] == seen["429"]
        and counts[("list", "malformed")] == seen["malformed"]
    )


def test_fault_endpoints_limit_where_faults_apply(sandbox: CarrierSandbox) -> None:
    sandbox.set_faults(rate_500=1.0, fault_endpoints={"create"})
    raw = Raw(sandbox)
    assert raw.request("POST", messages_path(sandbox), create_form())[0] == 500
    assert raw.request("GET", messages_path(sandbox))[0] == 200
    sandbox.set_faults(rate_500=0.0)
    assert raw.request("POST", messages_path(sandbox), create_form())[0] == 201


def test_random_drop_only_hits_creates_when_after_create(sandbox: CarrierSandbox) -> None:
    sandbox.set_faults(rate_drop_after_create=1.0)
    assert alive(sandbox)  # lists are unaffected
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        Raw(sandbox).request("POST", messages_path(sandbox), create_form())
    assert len(sandbox.ledger_snapshot()) == 1


def test_latency_applies_per_create_and_requests_run_concurrently() -> None:
    with CarrierSandbox(SandboxConfig.fast(latency=0.1)) as sandbox:
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=lambda n=n: Raw(sandbox).request(
                    "POST", messages_path(sandbox), create_form(to=f"+155500000{n:02d}")
                )
            )
            for n in range(10)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        assert 0.1 <= elapsed < 0.9  # ten 0.1 s creates in parallel; in a row they take 1 s
        assert len(sandbox.ledger_snapshot()) == 10
        started = time.monotonic()
        assert all(alive(sandbox) for _ in range(5))
        assert time.monotonic() - started < 0.45  # lists carry no latency (else >= 0.5 s)


def test_stop_interrupts_a_stalled_answer() -> None:
    sandbox = CarrierSandbox(SandboxConfig.fast(stall_seconds=30.0)).start()
    sandbox.queue_fault("list", Fault.STALL)
    box: list[BaseException] = []

    def call() -> None:
        try:
            Raw(sandbox, timeout=5).request("GET", messages_path(sandbox))
        except (OSError, http.client.HTTPException) as error:
            box.append(error)

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.1)
    started = time.monotonic()
    sandbox.stop()
    worker.join(timeout=5)
    assert time.monotonic() - started < 2 and not worker.is_alive()


# --- hostile input -------------------------------------------------------------------------------


def test_non_utf8_body_is_a_400(sandbox: CarrierSandbox) -> None:
    status, body = Raw(sandbox).json(
        "POST", messages_path(sandbox), body=b"To=%2B1555&Body=\xff\xfe", headers={
            "Content-Type": "application/x-www-form-urlencoded"}
    )  # fmt: skip
    assert (status, body["code"]) == (400, 20001)
    status, body = Raw(sandbox).json("POST", messages_path(sandbox), body=b"Body=%ff%fe")
    assert (status, body["code"]) == (400, 20001)
    assert alive(sandbox)


def test_huge_and_bogus_bodies_are_refused_without_reading(sandbox: CarrierSandbox) -> None:
    head = f"POST {messages_path(sandbox)} HTTP/1.1\r\nHost: x\r\nAuthorization: "
    head += auth_header(sandbox) + "\r\n"
    for extra, status in (
        ("Content-Length: 50000000\r\n", b" 413 "),
        ("Content-Length: banana\r\n", b" 400 "),
        ("Content-Length: -5\r\n", b" 400 "),
        ("Transfer-Encoding: chunked\r\n", b" 411 "),
    ):
        answer = raw_socket(sandbox, (head + extra + "\r\n").encode())
        assert status in answer.split(b"\r\n")[0], extra
        assert b'"code": 20001' in answer
    assert alive(sandbox)


def test_garbage_on_the_wire_does_not_kill_the_server(sandbox: CarrierSandbox) -> None:
    for junk in (
        b"HELLO\r\n\r\n",
        b"\x00\x01\x02\xff" * 100 + b"\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET " + b"/a" * 40000 + b" HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\n" + b"X: " + b"y" * 70000 + b"\r\n\r\n",
        b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST " + messages_path(sandbox).encode() + b" HTTP/1.1\r\nContent-Length: 100\r\n\r\nTo=",
    ):
        with contextlib.suppress(ConnectionError, TimeoutError):
            raw_socket(sandbox, junk, timeout=1.0)
    assert alive(sandbox)


def test_garbage_forms_get_twilio_errors(sandbox: CarrierSandbox) -> None:
    raw = Raw(sandbox)
    for body in (b"%%%&&&===", b"To", b"&" * 5000, b"=" * 100, b"To=%2B15551230001&" * 3000):
        status, payload = raw.json("POST", messages_path(sandbox), body=body)
        assert status == 400 and isinstance(payload["code"], int), body[:20]


def test_handler_exception_answers_500_and_keeps_serving(
    sandbox: CarrierSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(sid: str) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(sandbox, "fetch_message", broken)
    status, body = Raw(sandbox).json("GET", messages_path(sandbox, "SM" + "a" * 32))
    assert status == 500 and body == {
        "code": 20500, "message": "Internal Server Error",
        "more_info": "https://www.twilio.com/docs/errors/20500", "status": 500,
    }  # fmt: skip
    assert alive(sandbox)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=300))
def test_any_create_body_gets_a_json_answer(sandbox: CarrierSandbox, body: bytes) -> None:
    status, _, payload = Raw(sandbox).request(
        "POST", messages_path(sandbox), body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert status in (201, 400)
    assert isinstance(json.loads(payload), dict)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["To", "From", "DateSent", "DateSent>", "DateSent<", "PageSize", "Page",
                         "PageToken", "Junk"]),
        st.text(max_size=30),
    )
)  # fmt: skip
def test_any_list_query_gets_a_page_or_a_400(
    sandbox: CarrierSandbox, params: dict[str, str]
) -> None:
    from urllib.parse import urlencode

    status, page = Raw(sandbox).json("GET", messages_path(sandbox) + "?" + urlencode(params))
    assert status in (200, 400)
    if status == 200:
        assert "messages" in page
