"""The carrier sandbox's state file (issue 10): save and load of 10 000 messages, and what a
save costs the requests being served meanwhile.

A. In process, no server: a sandbox holding 10 000 messages (2 000 phones x 5, demo delays)
   - the first save (every message encoded), a save with nothing new, and the steady state:
     100 new messages per save, as the engine's 100 hand-offs a second with the 1 s interval;
     each with its total time and its longest hold of the sandbox lock;
   - baseline, same run: encoding and dumping every message under the lock in one go (the
     naive design the cached per-message text avoids);
   - a load: constructing a sandbox from the file (parse, check, rebuild, cache).
B. Over HTTP, the sandbox in a child process preloaded with the 10 000 messages, as the
   service runs it: creates paced at 100/s and list pages of 1 000 (paging through all of
   them, as the poller does) side by side for 6 s; latency of each with no state file
   (baseline), with the default 1 s save interval, and saving back to back (interval 0);
   3 rounds, the cases interleaved.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.sandbox.state_codec import encode_message

MESSAGES = 10_000
PHONES = 2_000
BODY = "Spring sale this weekend: 20% off everything in store. Reply STOP to opt out"


def demo_config(interval: float = 1.0) -> SandboxConfig:
    # The demo's delays (desktop.services.twilio.connection.demo_sandbox_config), not imported:
    # the bench measures the sandbox alone.
    return SandboxConfig(
        seed=2026,
        sent_to_final=(3.0, 15.0),
        state_save_interval=interval,
    )


def fill(sandbox: CarrierSandbox, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        sandbox.send(f"+1201{number % PHONES:07d}", BODY)


# --- A: save and load, in process ---------------------------------------------------------


def part_a(folder: Path) -> None:
    path = folder / "state.json"
    sandbox = CarrierSandbox(demo_config(), state_file=path)  # not started: no saver thread
    fill(sandbox, MESSAGES)
    first = sandbox.save_state()
    assert first is not None
    idle = [sandbox.save_state() for _ in range(7)]
    steady = []
    for round_ in range(7):
        fill(sandbox, 100, MESSAGES + round_ * 100)
        steady.append(sandbox.save_state())
    size = path.stat().st_size

    # Baseline: one lock hold that encodes and dumps every message (what the cache avoids).
    store = sandbox._store  # a bench may look inside
    naive = []
    for _ in range(5):
        began = time.perf_counter()
        with sandbox._lock:
            json.dumps([encode_message(record, 0.0) for record in store.all()])
        naive.append(time.perf_counter() - began)

    loads, after_load = [], []
    for _ in range(5):
        began = time.perf_counter()
        loaded = CarrierSandbox(demo_config(), state_file=path)
        loads.append(time.perf_counter() - began)
        # The first save after a load dumps the loaded rows it kept parsed (in the saver
        # thread, outside the lock, in a service that is already answering).
        stats = loaded.save_state()
        assert stats is not None
        after_load.append(stats)
    assert loaded.status_counts().total() == MESSAGES + 700

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.1f} ms"

    print(f"A. {MESSAGES} messages ({PHONES} phones), file {size / 1e6:.2f} MB, {machine()}")
    print(f"  first save (all encoded): {first.seconds * 1000:.1f} ms,"
          f" longest lock hold {first.lock_held * 1000:.2f} ms")  # fmt: skip
    print(f"  save, nothing new: {ms([s.seconds for s in idle if s])},"
          f" longest lock hold {max(s.lock_held for s in idle if s) * 1000:.3f} ms")  # fmt: skip
    print(f"  save, 100 new (steady state): {ms([s.seconds for s in steady if s])},"
          f" longest lock hold {max(s.lock_held for s in steady if s) * 1000:.2f} ms")  # fmt: skip
    print(f"  baseline: everything encoded and dumped under the lock: {ms(naive)} held")
    print(f"  load (construct from the file): {ms(loads)}")
    print(f"  first save after a load: {ms([s.seconds for s in after_load])},"
          f" longest lock hold {max(s.lock_held for s in after_load) * 1000:.2f} ms")  # fmt: skip


# --- B: request latency while saving, sandbox in a child process -----------------------------


def serve_child(conn: Connection, path: str | None, interval: float) -> None:
    saves = 0
    real_replace = os.replace

    def counting_replace(src: Any, dst: Any) -> None:
        nonlocal saves
        saves += 1
        real_replace(src, dst)

    os.replace = counting_replace  # type: ignore[assignment]
    state = Path(path) if path else None
    sandbox = CarrierSandbox(demo_config(interval), state_file=state)
    if state is None or sandbox.status_counts().total() == 0:
        fill(sandbox, MESSAGES)
    sandbox.save_state()
    sandbox.start()
    conn.send((sandbox.base_url, sandbox.account_sid, sandbox.auth_token))
    conn.recv()  # until told to stop
    sandbox.stop()
    conn.send(saves)


class Api:
    def __init__(self, base_url: str, sid: str, token: str) -> None:
        parts = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        pair = base64.b64encode(f"{sid}:{token}".encode()).decode()
        self.headers = {"Authorization": f"Basic {pair}", "Accept": "application/json"}
        self.path = f"/2010-04-01/Accounts/{sid}/Messages.json"

    def call(self, method: str, path: str, body: str | None = None) -> Any:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        payload = json.loads(response.read())
        assert response.status < 300, payload
        return payload


Latencies = tuple[list[float], list[float]]


def drive(base_url: str, sid: str, token: str, seconds: float) -> Latencies:
    creates: list[float] = []
    lists: list[float] = []
    stop_at = time.monotonic() + seconds

    def create_loop() -> None:
        api = Api(base_url, sid, token)
        form = urlencode({"To": "+12025550100", "From": "+15005550006", "Body": BODY})
        due = time.monotonic()
        while due < stop_at:
            began = time.perf_counter()
            api.call("POST", api.path, form)
            creates.append(time.perf_counter() - began)
            due += 0.01  # 100/s
            time.sleep(max(0.0, due - time.monotonic()))

    def list_loop() -> None:
        api = Api(base_url, sid, token)
        while time.monotonic() < stop_at:
            path: str | None = f"{api.path}?PageSize=1000"
            while path and time.monotonic() < stop_at:
                began = time.perf_counter()
                page = api.call("GET", path)
                lists.append(time.perf_counter() - began)
                path = page["next_page_uri"]

    threads = [threading.Thread(target=create_loop), threading.Thread(target=list_loop)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return creates, lists


def one_case(path: Path | None, interval: float, seconds: float) -> tuple[int, Latencies]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(
        target=serve_child, args=(theirs, str(path) if path else None, interval)
    )
    child.start()
    base_url, sid, token = ours.recv()
    latencies = drive(base_url, sid, token, seconds)
    ours.send("stop")
    saves: int = ours.recv()
    child.join()
    return saves, latencies


def part_b(folder: Path, seconds: float, rounds: int) -> None:
    seeded = folder / "seeded.json"
    cases = [("no state file (baseline)", None, 1.0), ("state file, 1 s interval", seeded, 1.0),
             ("state file, saving back to back", seeded, 0.0)]  # fmt: skip
    found: dict[str, list[tuple[int, Latencies]]] = {label: [] for label, _, _ in cases}
    for _ in range(rounds):  # interleaved, so that a busy spell of the machine hits all cases
        for label, path, interval in cases:
            found[label].append(one_case(path, interval, seconds))

    def cut(runs: list[list[float]]) -> str:
        p50s, p99s, top = [], [], 0.0
        for values in runs:
            ordered = sorted(values)
            p50s.append(statistics.median(ordered))
            p99s.append(ordered[int(len(ordered) * 0.99) - 1])
            top = max(top, ordered[-1])
        p50, p99 = statistics.median(p50s) * 1000, statistics.median(p99s) * 1000
        return f"p50 {p50:.1f} / p99 {p99:.1f} / max {top * 1000:.0f} ms"

    print(f"B. creates at 100/s + list pages of 1000 for {seconds:g} s, sandbox in a child process,"
          f" {rounds} rounds (medians of the rounds' p50 and p99; max of all)")  # fmt: skip
    for label, runs in found.items():
        saves = sum(saves for saves, _ in runs) / len(runs)
        creates = [latencies[0] for _, latencies in runs]
        lists = [latencies[1] for _, latencies in runs]
        pages = sum(map(len, lists)) // len(lists)
        print(f"  {label}: {saves:.0f} saves per run; create {cut(creates)};"
              f" list-1000 {cut(lists)} ({pages} pages per run)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("a", "b"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.only != "b":
            part_a(Path(folder))
        if args.only != "a":
            part_b(Path(folder), args.seconds, args.rounds)


if __name__ == "__main__":
    main()
