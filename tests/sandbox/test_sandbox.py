"""Carrier sandbox: the Messages API as the real twilio SDK sees it, over loopback HTTP."""

from __future__ import annotations

import dataclasses
import http.client
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from twilio.base.exceptions import TwilioRestException

from desktop.sandbox import (
    MAGIC_FROM_ERRORS,
    MAGIC_TO_ERRORS,
    ApiError,
    CarrierSandbox,
    Outcome,
    SandboxConfig,
    count_segments,
)
from tests.sandbox.support import (
    MESSAGE_KEYS,
    WALL_START,
    FakeClock,
    Raw,
    create_form,
    messages_path,
    sdk_client,
)

SID = re.compile(r"SM[0-9a-f]{32}")
MG = "MG" + "ab" * 16
LEAD = "+15551230001"


@pytest.fixture
def sandbox() -> Iterator[CarrierSandbox]:
    with CarrierSandbox(SandboxConfig.fast(seed=1)) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def timed_config(**overrides: object) -> SandboxConfig:
    """Fixed, round delays for fake-clock tests: sending at +1 s, sent at +3 s, final at +6 s."""
    settings: dict[str, object] = {
        "accepted_to_queued": 0.5,
        "queued_to_sending": 1.0,
        "sending_to_sent": 2.0,
        "sent_to_final": 3.0,
        "reply_delay": 4.0,
    }
    settings.update(overrides)
    return SandboxConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture
def timed(clock: FakeClock) -> Iterator[CarrierSandbox]:
    config = timed_config(forced_outcomes={LEAD: Outcome.delivered()})
    with CarrierSandbox(config, clock=clock, wall_start=WALL_START) as running:
        yield running


# --- create --------------------------------------------------------------------------------------


def test_create_answers_201_with_the_twilio_message_resource(sandbox: CarrierSandbox) -> None:
    raw = Raw(sandbox)
    status, headers, _ = raw.request("POST", messages_path(sandbox), create_form(body="Hi"))
    assert status == 201
    assert headers["Content-Type"].startswith("application/json")
    status, message = raw.json("POST", messages_path(sandbox), create_form(LEAD, "Hi there"))
    assert status == 201
    assert set(message) == MESSAGE_KEYS
    assert SID.fullmatch(message["sid"])
    assert message["account_sid"] == sandbox.account_sid
    assert (message["to"], message["from"], message["body"]) == (LEAD, "+15005550006", "Hi there")
    assert message["status"] == "queued"
    assert message["num_segments"] == "1" and message["num_media"] == "0"
    assert message["direction"] == "outbound-api" and message["api_version"] == "2010-04-01"
    assert message["price"] is None and message["price_unit"] == "USD"
    assert message["error_code"] is None and message["error_message"] is None
    assert message["date_sent"] is None
    assert parsedate_to_datetime(message["date_created"]).tzinfo is not None
    assert re.fullmatch(
        r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000", message["date_created"]
    )
    assert message["uri"] == messages_path(sandbox, message["sid"])
    assert set(message["subresource_uris"]) == {"media", "feedback"}
    raw.close()


def test_sdk_parses_the_created_message(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox)
    message = client.messages.create(
        to=LEAD,
        from_="+15005550006",
        body="Hello {first_name}",
        media_url=["https://example.com/a.png", "https://example.com/b.png"],
        status_callback="https://example.com/ignored",
    )
    assert SID.fullmatch(message.sid or "")
    assert message.status == "queued" and message.to == LEAD and message.from_ == "+15005550006"
    assert message.num_segments == "1" and message.num_media == "2"
    assert isinstance(message.date_created, datetime)
    [entry] = sandbox.ledger_snapshot()
    assert entry.sid == message.sid and entry.to == LEAD and entry.from_ == "+15005550006"
    assert entry.media_urls == ("https://example.com/a.png", "https://example.com/b.png")
    assert entry.messaging_service_sid is None and entry.body == "Hello {first_name}"
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.body = "changed"  # type: ignore[misc]


def test_num_segments_follow_gsm7_and_ucs2_limits(sandbox: CarrierSandbox) -> None:
    cases = {
        "a" * 160: 1, "a" * 161: 2, "a" * 306: 2, "a" * 307: 3, "€" * 80: 1, "€" * 81: 2,
        "é" * 160: 1, "ł" * 70: 1, "ł" * 71: 2, "😀" * 35: 1, "😀" * 36: 2, "a" * 1600: 11,
    }  # fmt: skip
    for body, segments in cases.items():
        assert count_segments(body) == segments, body[:3]
    assert sandbox.send(LEAD, "a" * 161)["num_segments"] == "2"
    assert sandbox.send(LEAD, "ł" * 71)["num_segments"] == "2"


# --- status over time ----------------------------------------------------------------------------


def test_status_progresses_on_the_clock(timed: CarrierSandbox, clock: FakeClock) -> None:
    client, _ = sdk_client(timed)
    sid = client.messages.create(to=LEAD, from_="+15005550006", body="Hi").sid
    seen = {}
    for at in (0.0, 0.9, 1.0, 2.9, 3.0, 5.9, 6.0, 1000.0):
        clock.t = 1000.0 + at
        message = client.messages(sid).fetch()
        seen[at] = message.status
        if at == 0.0:
            assert message.date_sent is None and message.price is None
            assert message.date_created == WALL_START
        if at == 1.0:
            assert message.date_sent == WALL_START + timedelta(seconds=1)
        if at == 5.9:
            assert message.price is None
            assert message.date_updated == WALL_START + timedelta(seconds=3)
        if at == 6.0:
            assert message.price == "-0.00790"
            assert message.date_updated == WALL_START + timedelta(seconds=6)
    assert list(seen.values()) == [
        "queued", "queued", "sending", "sending", "sent", "sent", "delivered", "delivered",
    ]  # fmt: skip
    raw_created = Raw(timed).json("GET", messages_path(timed, sid))[1]["date_created"]
    assert raw_created == "Thu, 26 Nov 2026 23:07:37 +0000"


def test_status_progresses_in_real_time_with_tiny_delays(sandbox: CarrierSandbox) -> None:
    sandbox.force_outcome(LEAD, Outcome.delivered())
    client, _ = sdk_client(sandbox)
    sid = client.messages.create(to=LEAD, from_="+15005550006", body="Hi").sid
    order = ["queued", "sending", "sent", "delivered"]
    seen: list[str] = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        status = client.messages(sid).fetch().status
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "delivered":
            break
        time.sleep(0.002)
    assert seen[-1] == "delivered"
    assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen)


@pytest.mark.parametrize(
    ("outcome", "final", "code"),
    [
        (Outcome.undelivered(30003), "undelivered", 30003),
        (Outcome.undelivered(30008), "undelivered", 30008),
        (Outcome.failed(30005), "failed", 30005),
        (Outcome.silent(), "sent", None),
        (Outcome.delivered(), "delivered", None),
    ],
)
def test_forced_outcomes(clock: FakeClock, outcome: Outcome, final: str, code: int | None) -> None:
    config = timed_config(forced_outcomes={LEAD: outcome})
    with CarrierSandbox(config, clock=clock) as sandbox:
        client, _ = sdk_client(sandbox)
        sid = client.messages.create(to=LEAD, from_="+15005550006", body="Hi").sid
        statuses = []
        for _ in range(8):
            clock.advance(1.0)
            statuses.append(client.messages(sid).fetch().status)
        clock.advance(10**6)  # a silent carrier stays silent forever
        message = client.messages(sid).fetch()
    assert message.status == final and message.error_code == code
    assert (message.error_message is None) == (code is None)
    if final == "failed":
        assert "sending" not in statuses and message.price is None
    if final == "sent":
        assert message.price is None and message.date_sent is not None


def test_forced_outcome_sequence_is_consumed_per_message(
    timed: CarrierSandbox, clock: FakeClock
) -> None:
    timed.force_outcome(LEAD, Outcome.delivered(), Outcome.undelivered(30006))
    sids = [timed.send(LEAD, f"step {i}")["sid"] for i in range(3)]
    clock.advance(100)
    views = [timed.message(sid) or {} for sid in sids]
    assert [view["status"] for view in views] == ["delivered", "undelivered", "undelivered"]
    assert views[1]["error_code"] == 30006


def test_outcomes_are_reproducible_for_a_seed() -> None:
    def run(seed: int) -> list[tuple[str, object]]:
        clock = FakeClock()
        with CarrierSandbox(SandboxConfig(seed=seed), clock=clock) as sandbox:
            sids = [sandbox.send(f"+1555000{i % 40:04d}", "x")["sid"] for i in range(400)]
            clock.advance(60)
            views = [sandbox.message(sid) for sid in sids]
        return [(v["status"], v["error_code"]) for v in views if v]

    first, again, other = run(7), run(7), run(8)
    assert first == again and first != other
    mix = Counter(status for status, _ in first)
    assert mix["delivered"] > 300 and mix["undelivered"] > 5 and mix["sent"] > 5
    assert {code for status, code in first if status == "undelivered"} <= {
        30003,
        30005,
        30006,
        30008,
    }


def test_messaging_service_message_is_accepted_then_gets_a_sender(
    timed: CarrierSandbox, clock: FakeClock
) -> None:
    client, _ = sdk_client(timed)
    created = client.messages.create(to=LEAD, messaging_service_sid=MG, body="Hi")
    assert created.status == "accepted" and created.from_ is None and created.num_segments == "0"
    assert created.messaging_service_sid == MG
    clock.advance(0.5)
    later = client.messages(created.sid).fetch()
    assert later.status == "queued" and later.from_ == timed.phone_number
    assert later.num_segments == "1"
    assert timed.ledger_snapshot()[0].from_ is None


def test_validity_period_expiry_fails_with_30036(clock: FakeClock) -> None:
    with CarrierSandbox(timed_config(queued_to_sending=100.0), clock=clock) as sandbox:
        sid = sandbox.send(LEAD, "Hi", validity_period=10)["sid"]
        clock.advance(9)
        assert sandbox.message(sid)["status"] == "queued"  # type: ignore[index]
        clock.advance(1)
        message = sandbox.message(sid)
    assert message is not None and message["status"] == "failed"
    assert message["error_code"] == 30036


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("to", sorted(MAGIC_TO_ERRORS))
def test_magic_to_numbers_raise_their_error(sandbox: CarrierSandbox, to: str) -> None:
    client, _ = sdk_client(sandbox)
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=to, from_="+15005550006", body="Hi")
    assert raised.value.status == 400 and raised.value.code == MAGIC_TO_ERRORS[to][0]
    assert sandbox.ledger_snapshot() == []


@pytest.mark.parametrize("from_", sorted(MAGIC_FROM_ERRORS))
def test_magic_from_numbers_raise_their_error(sandbox: CarrierSandbox, from_: str) -> None:
    with pytest.raises(ApiError) as raised:
        sandbox.send(LEAD, "Hi", from_=from_)
    assert raised.value.code == MAGIC_FROM_ERRORS[from_][0]


@pytest.mark.parametrize(
    ("form", "code"),
    [
        (create_form(to=None), 21604),
        (create_form(to="+1 555 123"), 21211),
        (create_form(to="5551230001"), 21211),
        (create_form(body=None), 21602),
        (create_form(body=""), 21602),
        (create_form(body="x" * 1601), 21617),
        ({"To": LEAD, "Body": "Hi"}, 21603),
        (create_form(From="not a number!"), 21212),
        (create_form(MediaUrl=[f"https://e.com/{i}.png" for i in range(11)]), 21623),
        (create_form(MediaUrl=["ftp://e.com/a.png"]), 21620),
        (create_form(From=None, MessagingServiceSid="MG123"), 21701),
        (create_form(ValidityPeriod="0"), 20001),
        (create_form(ValidityPeriod="36001"), 20001),
        (create_form(From=None, MessagingServiceSid=MG, ScheduleType="fixed"), 35111),
        (create_form(ScheduleType="fixed", SendAt="2099-01-01T00:00:00Z"), 35118),
        (create_form(From=None, MessagingServiceSid=MG, SendAt="2099-01-01T00:00:00Z"), 20001),
        (create_form(MessagingServiceSid=MG, ScheduleType="fixed", SendAt="tomorrow"), 35114),
        (create_form(MessagingServiceSid=MG, ScheduleType="fixed", SendAt="2020-01-01"), 35114),
    ],
)  # fmt: skip
def test_invalid_creates_answer_400_with_twilio_codes(
    sandbox: CarrierSandbox, form: dict[str, object], code: int
) -> None:
    status, body = Raw(sandbox).json("POST", messages_path(sandbox), form)
    assert status == 400
    assert body == {
        "code": code,
        "message": body["message"],
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": 400,
    }
    assert body["message"]
    assert sandbox.ledger_snapshot() == []


def test_sender_allow_list_refuses_other_numbers() -> None:
    config = SandboxConfig.fast(sender_numbers=("+15005550006",))
    with CarrierSandbox(config) as sandbox:
        assert sandbox.send(LEAD, "ok")["status"] == "queued"
        with pytest.raises(ApiError) as raised:
            sandbox.send(LEAD, "no", from_="+15557770000")
    assert raised.value.code == 21606


# --- scheduling, cancel, redact, delete ----------------------------------------------------------


def test_scheduled_message_can_be_canceled_once(timed: CarrierSandbox, clock: FakeClock) -> None:
    client, _ = sdk_client(timed)
    send_at = WALL_START + timedelta(minutes=10)
    kept = client.messages.create(
        to=LEAD, messaging_service_sid=MG, body="Later", schedule_type="fixed", send_at=send_at
    )
    dropped = client.messages.create(
        to="+15551230002", messaging_service_sid=MG, body="Never", schedule_type="fixed",
        send_at=send_at,
    )  # fmt: skip
    assert kept.status == dropped.status == "scheduled"
    assert kept.date_sent is None and kept.from_ is None
    assert timed.ledger_snapshot()[0].send_at == send_at

    canceled = client.messages(dropped.sid).update(status="canceled")
    assert canceled.status == "canceled" and canceled.date_sent is None
    with pytest.raises(TwilioRestException) as raised:
        client.messages(dropped.sid).update(status="canceled")
    assert (raised.value.status, raised.value.code) == (400, 30409)

    clock.advance(600)
    assert client.messages(kept.sid).fetch().status == "queued"
    assert client.messages(kept.sid).fetch().from_ == timed.phone_number
    clock.advance(6)
    assert client.messages(kept.sid).fetch().status == "delivered"
    assert client.messages(dropped.sid).fetch().status == "canceled"


def test_only_scheduled_messages_can_be_canceled(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox)
    sid = client.messages.create(to=LEAD, from_="+15005550006", body="Now").sid
    with pytest.raises(TwilioRestException) as raised:
        client.messages(sid).update(status="canceled")
    assert raised.value.code == 30409


def test_body_redaction_and_delete(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox)
    sid = client.messages.create(to=LEAD, from_="+15005550006", body="Secret").sid
    assert client.messages(sid).update(body="").body == ""
    assert client.messages(sid).delete() is True
    with pytest.raises(TwilioRestException) as raised:
        client.messages(sid).fetch()
    assert (raised.value.status, raised.value.code) == (404, 20404)
    assert len(sandbox.ledger_snapshot()) == 1  # the ledger keeps what was sent


# --- auth and routing ----------------------------------------------------------------------------


def test_wrong_credentials_answer_401_20003(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox, token="0" * 32)
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=LEAD, from_="+15005550006", body="Hi")
    assert (raised.value.status, raised.value.code) == (401, 20003)
    raw = Raw(sandbox)
    status, headers, _ = raw.request("GET", messages_path(sandbox), auth=False)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Basic")
    for header in ("Basic !!!", "Bearer abc", "Basic " + "YQ==", ""):
        assert raw.request("GET", messages_path(sandbox), auth=False,
                           headers={"Authorization": header})[0] == 401  # fmt: skip
    assert sandbox.ledger_snapshot() == []


def test_paths_of_other_accounts_and_unknown_paths_are_404(sandbox: CarrierSandbox) -> None:
    raw = Raw(sandbox)
    other = f"/2010-04-01/Accounts/AC{'0' * 32}/Messages.json"
    for path in (other, "/2010-04-01/Accounts/x/Calls.json", "/", messages_path(sandbox, "SMnope")):
        status, body = raw.json("GET", path)
        assert status == 404 and body["code"] == 20404 and body["status"] == 404
    status, body = raw.json("PUT", messages_path(sandbox))
    assert status == 405 and body["code"] == 20004


def test_fetch_unknown_message_is_404(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox)
    with pytest.raises(TwilioRestException) as raised:
        client.messages("SM" + "0" * 32).fetch()
    assert raised.value.code == 20404


def test_account_resource(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox)
    account = client.api.v2010.accounts(sandbox.account_sid).fetch()
    assert (account.sid, account.status, account.type) == (sandbox.account_sid, "active", "Full")
    assert account.auth_token is None  # never echoed
    assert re.fullmatch(r"AC[0-9a-f]{32}", sandbox.account_sid)
    assert re.fullmatch(r"[0-9a-f]{32}", sandbox.auth_token)


# --- inbound -------------------------------------------------------------------------------------


def test_inbound_messages_are_listed_to_the_account_number(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox)
    sandbox.send(LEAD, "Outbound")
    sid = sandbox.add_inbound(LEAD, None, "Who is this?")
    [inbound] = client.messages.list(to=sandbox.phone_number)
    assert (inbound.sid, inbound.direction, inbound.status) == (sid, "inbound", "received")
    assert (inbound.from_, inbound.body, inbound.error_code) == (LEAD, "Who is this?", None)
    assert inbound.date_sent is not None and inbound.price is not None
    assert {m.direction for m in client.messages.list()} == {"inbound", "outbound-api"}


def test_reply_rules_arrive_after_delivery_and_stop_blocks_sending(
    clock: FakeClock,
) -> None:
    config = timed_config(
        forced_outcomes={LEAD: Outcome.delivered()}, reply_rules={LEAD: ["Thanks!", "STOP"]}
    )
    with CarrierSandbox(config, clock=clock) as sandbox:
        client, _ = sdk_client(sandbox)

        def inbound() -> list[str]:
            return [m.body or "" for m in client.messages.list(from_=LEAD)]

        client.messages.create(to=LEAD, from_="+15005550006", body="Step 1")
        clock.advance(9.9)
        assert inbound() == []
        clock.advance(0.1)  # delivered at +6, reply 4 s later
        assert inbound() == ["Thanks!"]
        client.messages.create(to=LEAD, from_="+15005550006", body="Step 2")
        clock.advance(10)
        assert inbound() == ["STOP", "Thanks!"]
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(to=LEAD, from_="+15005550006", body="Step 3")
        assert raised.value.code == 21610
        sandbox.add_inbound(LEAD, None, "start")
        client.messages.create(to=LEAD, from_="+15005550006", body="Welcome back")
        clock.advance(10)
        assert inbound() == ["start", "STOP", "Thanks!"]  # the rules are used up
    assert len(sandbox.ledger_snapshot()) == 3


def test_canceling_a_scheduled_message_cancels_its_planned_reply(clock: FakeClock) -> None:
    config = timed_config(forced_outcomes={LEAD: Outcome.delivered()}, reply_rules={LEAD: "STOP"})
    with CarrierSandbox(config, clock=clock, wall_start=WALL_START) as sandbox:
        send_at = WALL_START + timedelta(minutes=5)
        sid = sandbox.send(LEAD, "Later", messaging_service_sid=MG, send_at=send_at)["sid"]
        sandbox.update_message(sid, {"Status": ["canceled"]})
        clock.advance(3600)
        assert sandbox.send(LEAD, "Still allowed")["status"] == "queued"
        assert sandbox.status_counts() == Counter({"canceled": 1, "queued": 1})


# --- bookkeeping, concurrency, lifecycle ---------------------------------------------------------


def test_ledger_and_request_counts(sandbox: CarrierSandbox) -> None:
    client, _ = sdk_client(sandbox)
    sids = [
        client.messages.create(to=LEAD, from_="+15005550006", body=f"{i}").sid for i in range(3)
    ]
    with pytest.raises(TwilioRestException):
        client.messages.create(to="+15005550001", from_="+15005550006", body="refused")
    client.messages.list(page_size=1000)
    client.messages(sids[0]).fetch()
    assert sandbox.request_counts() == Counter(
        {("POST", "create"): 4, ("GET", "list"): 1, ("GET", "fetch"): 1}
    )
    assert [entry.sid for entry in sandbox.ledger_snapshot()] == sids
    assert [entry.sid for entry in sandbox.ledger] == sids
    sandbox.reset_request_counts()
    assert sandbox.request_counts() == Counter()


def test_concurrent_creates_are_all_recorded_once(sandbox: CarrierSandbox) -> None:
    created: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        client, _ = sdk_client(sandbox)
        for i in range(25):
            sid = client.messages.create(
                to=f"+1555{n:03d}{i:04d}", from_="+15005550006", body="x"
            ).sid
            with lock:
                created.append(sid or "")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ledger = sandbox.ledger_snapshot()
    assert len(created) == len(set(created)) == len(ledger) == 200
    assert {entry.sid for entry in ledger} == set(created)
    assert sandbox.request_counts()[("POST", "create")] == 200


def test_lifecycle() -> None:
    sandbox = CarrierSandbox(SandboxConfig.fast())
    with pytest.raises(RuntimeError):
        _ = sandbox.base_url
    with sandbox:
        url = sandbox.base_url
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert Raw(sandbox).request("GET", messages_path(sandbox))[0] == 200
    assert not sandbox.running
    sandbox.stop()  # idempotent
    with pytest.raises(OSError):  # nothing listens any more
        conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=1)
        conn.request("GET", "/")


def test_config_is_validated() -> None:
    with pytest.raises(ValueError):
        CarrierSandbox(SandboxConfig(rate_429=1.5))
    with pytest.raises(ValueError):
        SandboxConfig.fast(queued_to_sending=(2.0, 1.0))
    with pytest.raises(ValueError):
        Outcome("undelivered")
    with pytest.raises(ValueError):
        Outcome("delivered", 30008)
    sandbox = CarrierSandbox(SandboxConfig.fast())
    with pytest.raises(ValueError):
        sandbox.set_faults(rate_500=2.0)
    assert sandbox.config.rate_500 == 0.0
    with pytest.raises(TypeError):
        sandbox.set_faults(seed=3)


def test_module_entry_point_prints_credentials_and_serves() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop.sandbox", "--fast", "--seed", "3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = dict(process.stdout.readline().split(maxsplit=1) for _ in range(4))
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", lines["base_url"].strip())
        assert re.fullmatch(r"AC[0-9a-f]{32}", lines["account_sid"].strip())
        assert re.fullmatch(r"[0-9a-f]{32}", lines["auth_token"].strip())
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_wall_clock_mapping_round_trips(timed: CarrierSandbox, clock: FakeClock) -> None:
    assert timed.now() == WALL_START
    clock.advance(90)
    assert timed.now() == WALL_START + timedelta(seconds=90)
    assert timed.clock_of(datetime(2026, 11, 26, 23, 9, 7, tzinfo=UTC)) == clock.t
