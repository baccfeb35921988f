"""Carrier sandbox state file: a restart answers for old messages as if it never happened.

Through the real twilio SDK over loopback HTTP, with the sandbox's injectable clocks: a
restart is a second sandbox on the same file whose ``wall_start`` is the first one's wall time
at the moment it stopped (plus any downtime).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from tests.sandbox.support import WALL_START, FakeClock, SandboxHttpClient, sdk_client
from tests.waiting import wait_until

LEAD = "+15551230001"
OTHER = "+15551230002"
STOPPER = "+15551230003"
SENDER = "+15005550006"
MG = "MG" + "ab" * 16


def plan_config(**overrides: Any) -> SandboxConfig:
    """Round delays: sending at +1 s, sent at +3 s, final at +10 s; replies 4 s after that."""
    settings: dict[str, Any] = {
        "accepted_to_queued": 0.5,
        "queued_to_sending": 1.0,
        "sending_to_sent": 2.0,
        "sent_to_final": 7.0,
        "reply_delay": 4.0,
        "outcome_weights": {"delivered": 1.0},
        # Saves in these tests are explicit or on stop: the thread's first one is at start.
        "state_save_interval": 3600.0,
    }
    settings.update(overrides)
    return SandboxConfig(**settings)


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "demo" / "sandbox-state.json"


def run(
    state_file: Path,
    clock: FakeClock,
    wall_start: datetime,
    config: SandboxConfig | None = None,
) -> CarrierSandbox:
    return CarrierSandbox(
        config or plan_config(), clock=clock, wall_start=wall_start, state_file=state_file
    )


def client_of(sandbox: CarrierSandbox, account_sid: str, auth_token: str) -> Client:
    """A client configured once with these credentials, pointed at whichever sandbox runs."""
    return Client(account_sid, auth_token, http_client=SandboxHttpClient(sandbox.base_url))


def saved_text(state_file: Path) -> str:
    """The file as saved so far ("" before the first save)."""
    try:
        return state_file.read_text()
    except FileNotFoundError:
        return ""


def seen(message: Any) -> tuple[Any, ...]:
    """What a client reads of a message resource."""
    return (
        message.sid, message.status, message.to, message.from_, message.body,
        message.messaging_service_sid, message.direction, message.date_created,
        message.date_sent, message.date_updated, message.price, message.error_code,
        message.num_segments, message.num_media,
    )  # fmt: skip


# --- what survives a restart ---------------------------------------------------------------------


def test_restart_keeps_credentials_and_old_messages(state_file: Path) -> None:
    with run(state_file, FakeClock(), WALL_START) as first:
        client, _ = sdk_client(first)
        for step in range(3):
            client.messages.create(to=LEAD, from_=SENDER, body=f"Step {step}")
        client.messages.create(to=OTHER, messaging_service_sid=MG, body="Via a service")
        client.messages.create(
            to=OTHER, messaging_service_sid=MG, body="Later", schedule_type="fixed",
            send_at=WALL_START + timedelta(minutes=10),
        )  # fmt: skip
        first.add_inbound(LEAD, None, "Who is this?")
        before = [seen(m) for m in client.messages.list()]
        account_before = client.api.v2010.accounts(first.account_sid).fetch()
        credentials = (first.account_sid, first.auth_token)
        phone = first.phone_number

    # The file's phone number wins over a config that names another one.
    config = plan_config(phone_number="+15005550099")
    with run(state_file, FakeClock(), WALL_START, config) as second:
        assert (second.account_sid, second.auth_token, second.phone_number) == (*credentials, phone)
        client = client_of(second, *credentials)
        assert [seen(m) for m in client.messages.list()] == before
        assert [seen(client.messages(m[0]).fetch()) for m in before] == before
        account = client.api.v2010.accounts(second.account_sid).fetch()
        assert account.date_created == account_before.date_created
        # New messages sort after the old ones: the sequence counter went on.
        new = client.messages.create(to=LEAD, from_=SENDER, body="After the restart")
        assert [m.sid for m in client.messages.list()] == [new.sid] + [m[0] for m in before]


def test_explicit_credentials_win_over_the_file(state_file: Path) -> None:
    with run(state_file, FakeClock(), WALL_START):
        pass
    token = "f" * 32
    with CarrierSandbox(plan_config(), state_file=state_file, auth_token=token) as second:
        assert second.auth_token == token
        client, _ = sdk_client(second)
        assert client.messages.list() == []


def test_statuses_continue_on_plan_across_a_restart(state_file: Path) -> None:
    clock = FakeClock()
    with run(state_file, clock, WALL_START) as first:
        client, _ = sdk_client(first)
        early = client.messages.create(to=LEAD, from_=SENDER, body="Early")
        clock.advance(7)
        late = client.messages.create(to=OTHER, from_=SENDER, body="Late")
        clock.advance(3)  # 10 s: early is delivered; late, 3 s old, has just been sent
        assert client.messages(early.sid).fetch().status == "delivered"
        assert client.messages(late.sid).fetch().status == "sent"
        delivered_before = seen(client.messages(early.sid).fetch())
        credentials = (first.account_sid, first.auth_token)

    clock = FakeClock()  # a new process: its monotonic clock has nothing to do with the old one
    with run(state_file, clock, WALL_START + timedelta(seconds=10)) as second:
        client = client_of(second, *credentials)
        assert seen(client.messages(early.sid).fetch()) == delivered_before
        assert client.messages(late.sid).fetch().status == "sent"
        clock.advance(6.5)
        assert client.messages(late.sid).fetch().status == "sent"
        clock.advance(0.5)  # 7 s after the restart: 10 s after it was created
        message = client.messages(late.sid).fetch()
        assert message.status == "delivered" and message.price is not None
        assert message.date_updated == WALL_START + timedelta(seconds=17)

    # Down for an hour: everything planned meanwhile has happened, at its planned time.
    with run(state_file, FakeClock(), WALL_START + timedelta(hours=1)) as third:
        client = client_of(third, *credentials)
        final = {m.sid: (m.status, m.date_updated) for m in client.messages.list()}
        assert final == {
            early.sid: ("delivered", WALL_START + timedelta(seconds=10)),
            late.sid: ("delivered", WALL_START + timedelta(seconds=17)),
        }


def test_scheduled_canceled_redacted_and_deleted_messages_persist(state_file: Path) -> None:
    clock = FakeClock()
    send_at = WALL_START + timedelta(minutes=10)
    with run(state_file, clock, WALL_START) as first:
        client, _ = sdk_client(first)

        def schedule(to: str) -> str:
            message = client.messages.create(
                to=to, messaging_service_sid=MG, body="Later", schedule_type="fixed",
                send_at=send_at,
            )  # fmt: skip
            return message.sid or ""

        kept, canceled, later = schedule(LEAD), schedule(OTHER), schedule(STOPPER)
        client.messages(canceled).update(status="canceled")
        redacted = client.messages.create(to=LEAD, from_=SENDER, body="Secret").sid or ""
        client.messages(redacted).update(body="")
        deleted = client.messages.create(to=LEAD, from_=SENDER, body="Oops").sid or ""
        client.messages(deleted).delete()
        clock.advance(60)
        credentials = (first.account_sid, first.auth_token)

    clock = FakeClock()
    with run(state_file, clock, WALL_START + timedelta(seconds=60)) as second:
        client = client_of(second, *credentials)
        assert client.messages(kept).fetch().status == "scheduled"
        assert client.messages(canceled).fetch().status == "canceled"
        assert client.messages(redacted).fetch().body == ""
        with pytest.raises(TwilioRestException) as raised:
            client.messages(deleted).fetch()
        assert raised.value.status == 404
        # Still scheduled, so still cancelable after the restart.
        assert client.messages(later).update(status="canceled").status == "canceled"
        clock.advance(540)  # the send time
        assert client.messages(kept).fetch().status == "queued"
        assert client.messages(kept).fetch().from_ == second.phone_number
        assert client.messages(later).fetch().status == "canceled"


def test_ledger_and_opt_outs_persist(state_file: Path) -> None:
    clock = FakeClock()
    # STOPPER's reply to its first delivered message is STOP: planned at +14 s, after the
    # restart at +5 s, it must still arrive and opt the phone out at its time.
    config = plan_config(reply_rules={STOPPER: "STOP"})
    with run(state_file, clock, WALL_START, config) as first:
        client, _ = sdk_client(first)
        client.messages.create(to=LEAD, from_=SENDER, body="Hello")
        client.messages.create(to=STOPPER, from_=SENDER, body="Offer")
        first.add_inbound(OTHER, None, "STOP")
        clock.advance(5)
        ledger = first.ledger_snapshot()
        credentials = (first.account_sid, first.auth_token)

    clock = FakeClock()
    with run(state_file, clock, WALL_START + timedelta(seconds=5), config) as second:
        client = client_of(second, *credentials)
        assert second.ledger_snapshot() == ledger
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(to=OTHER, from_=SENDER, body="Still there?")
        assert raised.value.code == 21610
        second.add_inbound(OTHER, None, "START")
        client.messages.create(to=OTHER, from_=SENDER, body="Welcome back")

        assert client.messages.list(from_=STOPPER) == []
        clock.advance(9.5)  # +14.5 s: the planned STOP has arrived
        assert [m.body for m in client.messages.list(from_=STOPPER)] == ["STOP"]
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(to=STOPPER, from_=SENDER, body="One more offer")
        assert raised.value.code == 21610
        assert [e.body for e in second.ledger_snapshot()] == [
            *(e.body for e in ledger),
            "Welcome back",
        ]


def outcomes_of_eight(state_file: Path, restart_after: int | None) -> list[tuple[str, Any]]:
    """Eight creates to one phone, with or without a restart in between; their final statuses."""
    weights = {"delivered": 1.0, "undelivered": 1.0, "failed": 1.0, "silent": 1.0}
    config = plan_config(seed=11, outcome_weights=weights)
    clock = FakeClock()
    sandbox = run(state_file, clock, WALL_START, config).start()
    credentials = (sandbox.account_sid, sandbox.auth_token)
    try:
        for number in range(8):
            if number == restart_after:
                sandbox.stop()
                clock = FakeClock()
                sandbox = run(state_file, clock, WALL_START, config).start()
            client_of(sandbox, *credentials).messages.create(to=LEAD, from_=SENDER, body="Hi")
        clock.advance(60)
        found = client_of(sandbox, *credentials).messages.list()
        return [(m.status, m.error_code) for m in reversed(found)]
    finally:
        sandbox.stop()


def test_outcome_draws_continue_across_a_restart(tmp_path: Path) -> None:
    straight = outcomes_of_eight(tmp_path / "straight.json", None)
    restarted = outcomes_of_eight(tmp_path / "restarted.json", 4)
    assert restarted == straight
    assert len({status for status, _ in straight}) > 1  # the draws do differ per message


# --- files that cannot be read --------------------------------------------------------------


def _account(sid: object = "AC" + "0" * 32) -> dict[str, Any]:
    return {"sid": sid, "auth_token": "t" * 32, "phone_number": SENDER, "created": 1.0}


def _file(**fields: Any) -> bytes:
    document = {"version": 1, "account": _account(), "seq": 0, "ledger": [], "messages": []}
    document.update(fields)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b'{"version": 1, "account": {"sid"', id="truncated"),
        pytest.param(b"\xff\xfe\x00 not text", id="binary"),
        pytest.param(b"[]", id="not-an-object"),
        pytest.param(_file(version=2), id="newer-version"),
        pytest.param(_file(version=None), id="no-version"),
        pytest.param(_file(account=_account(sid="nope")), id="bad-account"),
        pytest.param(_file(seq="7"), id="bad-counter"),
        pytest.param(_file(messages=[{"sid": "SM1", "plan": {}}]), id="bad-message"),
        pytest.param(_file(ledger=[{"sid": "SM1", "created_at": True}]), id="bad-ledger"),
    ],
)
def test_an_unreadable_file_is_moved_aside_and_a_fresh_sandbox_starts(
    state_file: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    state_file.parent.mkdir(parents=True)
    state_file.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="desktop.sandbox"):
        sandbox = run(state_file, FakeClock(), WALL_START).start()
    try:
        [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert "moved aside" in warning.getMessage() and str(state_file) in warning.getMessage()
        [aside] = state_file.parent.glob("sandbox-state.json.unreadable-*")
        assert re.fullmatch(r"sandbox-state\.json\.unreadable-\d{8}T\d{6}Z", aside.name)
        assert aside.read_bytes() == content
        assert sandbox.account_sid != "AC" + "0" * 32
        client, _ = sdk_client(sandbox)
        sid = client.messages.create(to=LEAD, from_=SENDER, body="Fresh").sid
    finally:
        sandbox.stop()
    with run(state_file, FakeClock(), WALL_START) as again:  # the fresh state was saved
        assert again.message(sid or "") is not None


def test_a_folder_in_place_of_the_file_is_moved_aside(
    state_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state_file.mkdir(parents=True)
    with (
        caplog.at_level(logging.WARNING, logger="desktop.sandbox"),
        run(state_file, FakeClock(), WALL_START) as sandbox,
    ):
        sandbox.send(LEAD, "Hi")
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1
    assert [p.is_dir() for p in state_file.parent.glob("*.unreadable-*")] == [True]
    assert json.loads(state_file.read_text())["version"] == 1


# --- atomic writes ---------------------------------------------------------------------------


class Killed(BaseException):
    """The process dying: nothing after it runs."""


def test_a_kill_during_a_save_leaves_the_old_file_readable(
    state_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    renames: list[tuple[Path, Path]] = []

    def dying_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == state_file:
            renames.append((Path(src), Path(dst)))
            with open(src, "r+b") as temp:  # cut short, as by a kill while writing
                temp.truncate(os.path.getsize(src) // 2)
            raise Killed
        real_replace(src, dst)

    with run(state_file, FakeClock(), WALL_START) as first:
        wait_until(state_file.exists, timeout=5, what="the first save")
        client, _ = sdk_client(first)
        kept = client.messages.create(to=LEAD, from_=SENDER, body="Saved").sid
        first.save_state()
        saved = state_file.read_bytes()
        lost = client.messages.create(to=OTHER, from_=SENDER, body="Not saved yet").sid
        monkeypatch.setattr(os, "replace", dying_replace)
        with pytest.raises(Killed):
            first.save_state()
        monkeypatch.undo()
        [(temp, target)] = renames
        # Written beside the file under a temp name, then renamed over it: never in place.
        assert temp.parent == state_file.parent and temp.name.endswith(".tmp")
        assert target == state_file and state_file.read_bytes() == saved
        # What a real kill leaves behind: the half-written temp file.
        leftover = state_file.parent / f".{state_file.name}.killed.tmp"
        leftover.write_bytes(saved[: len(saved) // 2])

        with run(state_file, FakeClock(), WALL_START) as after_kill:
            assert after_kill.account_sid == first.account_sid
            assert after_kill.message(kept or "") is not None
            assert after_kill.message(lost or "") is None
            assert not leftover.exists()


# --- size and saving --------------------------------------------------------------------------


def test_the_file_stays_bounded(state_file: Path) -> None:
    clock = FakeClock()
    config = plan_config(state_max_age=3600.0)
    with run(state_file, clock, WALL_START, config) as sandbox:
        client, _ = sdk_client(sandbox)
        for number in range(20):
            client.messages.create(to=f"+1555200{number:04d}", from_=SENDER, body="Old")
        sandbox.add_inbound(STOPPER, None, "STOP")
        sandbox.save_state()
        full_size = state_file.stat().st_size
        clock.advance(2 * 3600)
        new = {client.messages.create(to=LEAD, from_=SENDER, body="New").sid for _ in range(2)}
        stats = sandbox.save_state()
        assert stats is not None and stats.messages == 2
        document = json.loads(state_file.read_text())
        assert {m["sid"] for m in document["messages"]} == new
        assert {e["sid"] for e in document["ledger"]} == new
        assert set(document["counters"]["sends_to"]) == {LEAD}
        assert list(document["opt_outs"]) == [STOPPER]  # the STOP message went, its effect not
        assert state_file.stat().st_size < full_size / 4
        credentials = (sandbox.account_sid, sandbox.auth_token)

    with run(state_file, FakeClock(), WALL_START + timedelta(hours=2), config) as again:
        client = client_of(again, *credentials)
        assert {m.sid for m in client.messages.list()} == new
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(to=STOPPER, from_=SENDER, body="Hi")
        assert raised.value.code == 21610


def test_the_file_keeps_at_most_the_newest_messages(state_file: Path) -> None:
    clock = FakeClock()
    with run(state_file, clock, WALL_START, plan_config(state_max_messages=3)) as sandbox:
        sids = []
        for _ in range(5):
            sids.append(sandbox.send(LEAD, "Hi")["sid"])
            clock.advance(1)
        sandbox.save_state()
    document = json.loads(state_file.read_text())
    assert sorted(m["sid"] for m in document["messages"]) == sorted(sids[2:])


def test_saves_happen_in_the_background_at_most_once_per_interval(
    state_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    saves: list[float] = []

    def counting_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == state_file:
            saves.append(time.monotonic())
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", counting_replace)
    config = SandboxConfig.fast(seed=1, state_save_interval=0.2)
    with CarrierSandbox(config, state_file=state_file) as sandbox:
        client, _ = sdk_client(sandbox)
        first = client.messages.create(to=LEAD, from_=SENDER, body="First").sid or ""
        # Saved without a stop, by the background thread.
        wait_until(lambda: first in saved_text(state_file), timeout=5, what="a save")
        for _ in range(25):
            client.messages.create(to=LEAD, from_=SENDER, body="Burst")
            time.sleep(0.02)
        last = client.messages.create(to=LEAD, from_=SENDER, body="Last").sid or ""
        wait_until(lambda: last in saved_text(state_file), timeout=5, what="the last save")
    assert 3 <= len(saves) <= 2 + (saves[-1] - saves[0]) / 0.19
    gaps = [later - earlier for earlier, later in pairwise(saves)]
    # The final save on stop may follow the last background one at once; the others not.
    assert min(gaps[:-1]) >= 0.19


def test_a_fresh_sandbox_saves_its_credentials_at_once(state_file: Path) -> None:
    with CarrierSandbox(SandboxConfig.fast(), state_file=state_file) as sandbox:
        wait_until(state_file.exists, timeout=5, what="the first save")
        saved = json.loads(state_file.read_text())["account"]
        assert (saved["sid"], saved["auth_token"]) == (sandbox.account_sid, sandbox.auth_token)
        assert state_file.stat().st_mode & 0o077 == 0  # the token is for its owner only


# --- python -m desktop.sandbox --state ---------------------------------------------------------


def _serve(state_file: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop.sandbox", "--fast", "--state", str(state_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = dict(process.stdout.readline().split(maxsplit=1) for _ in range(5))
    return process, {key: value.strip() for key, value in lines.items()}


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)


def test_module_entry_point_keeps_its_state_in_the_file(
    state_file: Path, processes: list[subprocess.Popen[str]]
) -> None:
    process, first = _serve(state_file)
    processes.append(process)
    assert first["state_file"] == str(state_file)
    http = SandboxHttpClient(first["base_url"])
    client = Client(first["account_sid"], first["auth_token"], http_client=http)
    sid = client.messages.create(to=LEAD, from_=SENDER, body="Before the restart").sid
    process.terminate()  # SIGTERM: the sandbox stops cleanly and saves
    assert process.wait(timeout=10) == 0

    process, second = _serve(state_file)
    processes.append(process)
    assert (second["account_sid"], second["auth_token"], second["phone_number"]) == (
        first["account_sid"], first["auth_token"], first["phone_number"],
    )  # fmt: skip
    client = Client(first["account_sid"], first["auth_token"],
                    http_client=SandboxHttpClient(second["base_url"]))  # fmt: skip
    assert client.messages(sid or "").fetch().body == "Before the restart"
    process.terminate()
    assert process.wait(timeout=10) == 0


def test_without_a_state_file_state_lives_in_memory_only() -> None:
    with CarrierSandbox(plan_config(forced_outcomes={LEAD: Outcome.silent()})) as sandbox:
        assert sandbox.send(LEAD, "Hi")["status"] == "queued"
        assert sandbox.save_state() is None
