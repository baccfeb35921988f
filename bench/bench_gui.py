"""GUI benchmarks: the window's responsiveness while messages are sent, start to first paint,
and the sending service's memory; the old in-process engine measured in the same run.

    xvfb-run -a .venv/bin/python bench/bench_gui.py [--messages 2000] [--runs 5]
        [--tree DIR] [--before-tree DIR] [--baseline-tree DIR] [--bare] [--rounds N]

Each measure runs in a child process against a source tree (`--tree`, default this one;
`git worktree add /tmp/new HEAD` keeps colleagues' unfinished work out of it), and the same
measures run against `--baseline-tree` (a worktree of the commit before the window became a
client) with the engine in the window's process, as it was, and against `--before-tree` (an
earlier tree of the window as a client) in the same way as `--tree`. `--bare` adds the
machine's floor: the heartbeat alone, no window, while the same service sends.

1. Responsiveness. A 10 ms QTimer heartbeat on the GUI thread records when it really fires;
   the longest gap between two beats is the longest time the window could not react. The
   window opens on the dashboard over a database of `--messages` leads, with Twilio played
   by the carrier sandbox in a process of its own (`python -m desktop.sandbox --fast`). Now:
   the window starts the sending service (a third process) and follows the database; then:
   the engine runs in the window's process. Measured: the first second after show; the
   engine idle; and while a sequence to every lead (created by `textdesk sequences create`
   in another process) is handed off at 100/s, until the table shows In-queue 0 ("steady":
   from one second after the creation). Targets: first second <= 50 ms; steady max <= 16 ms
   and p99 <= 12 ms. Also the process's CPU time per second while handing off.
2. Start-up: `python -m desktop gui --demo` with TEXTDESK_EXIT_AFTER_PAINT=1 prints the time
   of the window's first paint and quits; median of `--runs`, fresh database and existing
   one, the trees taking turns. Target: no slower than before.
3. The service's memory: VmHWM (peak RSS) of the service process after the hand-offs.
   Target <= 120 MB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
TREE = Path(os.environ.get("TEXTDESK_BENCH_TREE") or HERE.parent.parent)
BODY = "Hello from the benchmark. Reply STOP to opt out"
SETTINGS = {"rate_limit": "100", "quiet_hours": "off", "poll_interval": "2s"}
FIRST_SECOND = 1.0
FIRST_PAINT_MARK = "TEXTDESK_FIRST_PAINT"  # desktop.app prints it (both trees)


# -- the child: one responsiveness run, in the tree it was told ---------------------------------


class Heartbeat:
    """A 10 ms timer on the GUI thread that records when it actually fired."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.beats: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))

    def start(self) -> None:
        self.beats = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return list(self.beats)


def gaps(beats: list[float], since: float = 0.0, until: float = float("inf")) -> dict[str, float]:
    """Gap statistics (ms) for beats at [since, until) seconds after the first beat."""
    start = beats[0] if beats else 0.0
    picked = [b for b in beats if since <= b - start < until]
    found = sorted((b - a) * 1000 for a, b in itertools.pairwise(picked))
    if not found:
        return {"max": 0.0, "p99": 0.0, "p50": 0.0, "beats": 0}
    return {
        "max": found[-1],
        "p99": found[min(len(found) - 1, int(len(found) * 0.99))],
        "p50": statistics.median(found),
        "beats": len(found),
    }


def run_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Run the real Qt event loop (not a processEvents loop) until `condition` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    check = QTimer()
    check.setInterval(50)
    check.timeout.connect(
        lambda: loop.quit() if condition() or time.monotonic() > deadline else None
    )
    check.start()
    loop.exec()
    check.stop()
    return condition()


def run_for(seconds: float) -> None:
    end = time.monotonic() + seconds
    run_until(lambda: time.monotonic() >= end, seconds + 1)


def sandbox_process() -> tuple[subprocess.Popen[str], dict[str, str]]:
    """The fast carrier sandbox in its own process, as Twilio is in real use."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.sandbox", "--fast", "--seed", "1"],
        cwd=TREE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    info: dict[str, str] = {}
    while len(info) < 4:
        key, value = proc.stdout.readline().split(None, 1)
        info[key] = value.strip()
    return proc, info


def queue_reader(ctx: Any, sequence_id: int) -> Callable[[], int]:
    """In-queue of the sequence, read by a thread of its own (the bare run has no window to
    read it from, and a query on the GUI thread would be measured)."""
    import threading

    from desktop.services.sequences import lifecycle
    from desktop.services.status.vocabulary import Bucket

    last = [1]

    def read() -> None:
        while last[0]:
            last[0] = lifecycle.get_summary(ctx, sequence_id).counts[Bucket.IN_QUEUE]
            time.sleep(0.25)

    threading.Thread(target=read, daemon=True).start()
    return lambda: last[0]


def vm_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def responsiveness(count: int, idle_seconds: float, mode: str) -> dict[str, Any]:
    sys.path.insert(0, str(TREE))
    os.chdir(TREE)
    from PySide6.QtWidgets import QApplication

    from desktop.models import Lead
    from desktop.services.core.context import Context

    folder = Path(tempfile.mkdtemp(prefix="textdesk-bench-gui-"))
    url = f"sqlite:///{folder / 'bench-gui.db'}"
    ctx = Context.open(url)
    ctx.settings.set_many(SETTINGS)
    with ctx.db.write() as session:
        session.add_all(
            Lead(phone=f"+1415{i:07d}", first_name=f"Lead{i}", last_name="Bench", email="",
                 timezone="") for i in range(count)
        )  # fmt: skip
    proc, info = sandbox_process()
    env = {
        "TWILIO_ACCOUNT_SID": info["account_sid"],
        "TWILIO_AUTH_TOKEN": info["auth_token"],
        "TEXTDESK_TWILIO_API_URL": info["base_url"],
        "TEXTDESK_FROM": info["phone_number"],
    }
    os.environ.update(env)  # the window, the service it starts and the CLI all use them
    os.environ.pop("TEXTDESK_SERVICE", None)
    qt_app = QApplication.instance() or QApplication([sys.argv[0]])
    qt_app.setApplicationName("TextDesk benchmark")
    from desktop.app import build_app

    if mode == "in-process":
        from desktop.services.twilio.connection import Connection
        from desktop.services.twilio.gateway import Gateway

        gateway = Gateway(info["account_sid"], info["auth_token"], api_url=info["base_url"])
        connection = Connection(gateway, info["phone_number"])
        app = build_app(url, connection=connection)  # type: ignore[call-arg]
    elif mode == "service":
        app = build_app(url)
    else:
        app = None  # bare: a heartbeat and nothing else, what the machine alone costs
    result: dict[str, Any] = {"mode": mode, "tree": str(TREE), "messages": count}
    heartbeat = Heartbeat()
    service_pid: int | None = None
    try:
        heartbeat.start()
        if app is not None:
            app.window.resize(1280, 800)
            app.window.show()
        run_for(FIRST_SECOND)
        result["first_second"] = gaps(heartbeat.stop())
        if mode != "in-process":
            from desktop.services.engine.service_control import service_state, start_service

            if app is None:
                start_service(ctx)
            run_until(lambda: service_state(ctx).running, 30)
            holder = service_state(ctx).holder
            service_pid = holder.pid if holder is not None else None
        run_for(2.0)  # the first refreshes settle
        heartbeat.start()
        run_for(idle_seconds)
        result["idle"] = gaps(heartbeat.stop())

        created = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--db", url, "sequences", "create", "--name",
             "Bench", "--step", BODY, "--all"],
            cwd=TREE, env={**os.environ, "TEXTDESK_SERVICE": "off"}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        heartbeat.start()  # the window follows the creation in another process too
        cpu_before, wall_before = time.process_time(), time.monotonic()
        run_until(lambda: created.poll() is not None, 300)
        if created.returncode != 0:
            raise SystemExit(f"sequences create failed: {created.communicate()[1]}")
        from desktop.services.sequences import lifecycle

        sequence_id = max(s.id for s in lifecycle.list_sequences(ctx))
        started = time.monotonic()
        from desktop.services.status.vocabulary import Bucket

        if app is not None:
            app.window.refresh_all()
            model = app.window.bulk_sequences.model

            def waiting() -> int:
                # What the user sees: the table's own live count, not a query of ours.
                row = model.row_of(sequence_id)
                return count if row is None else model.summary(row).counts[Bucket.IN_QUEUE]
        else:
            waiting = queue_reader(ctx, sequence_id)
        run_until(lambda: waiting() == 0, max(120.0, count / 20))
        beats = heartbeat.stop()
        # The whole process's CPU (the GUI thread and the window's own threads) while the
        # service sends: the work the window adds, less noisy than the longest gap.
        result["cpu_ms_per_s"] = (
            1000 * (time.process_time() - cpu_before) / (time.monotonic() - wall_before)
        )
        elapsed = time.monotonic() - started
        result["handoff_all"] = gaps(beats)
        result["handoff_first_second"] = gaps(beats, until=FIRST_SECOND)
        result["steady"] = gaps(beats, since=FIRST_SECOND)
        summary = lifecycle.get_summary(ctx, sequence_id)
        handed = count - summary.counts[Bucket.IN_QUEUE]
        result["handed"] = handed
        result["seconds"] = elapsed
        result["rate"] = handed / elapsed
        if service_pid is not None:
            result["service_hwm_mb"] = vm_kb(service_pid, "VmHWM") / 1024
            result["service_rss_mb"] = vm_kb(service_pid, "VmRSS") / 1024
        if app is not None:
            result["window_hwm_mb"] = vm_kb(os.getpid(), "VmHWM") / 1024
    finally:
        if app is not None:
            app.shutdown()
        if service_pid is not None:
            from desktop.services.engine.service_control import stop_service

            stop_service(ctx)
        proc.terminate()
        proc.wait(10)
        ctx.close()
    return result


# -- the driver --------------------------------------------------------------------------------


def child(tree: Path, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {**os.environ, "TEXTDESK_BENCH_TREE": str(tree), "TEXTDESK_KEYRING": "off"}
    env["PYTHONPATH"] = str(tree)
    done = subprocess.run(
        [sys.executable, str(HERE), "--child", mode, "--messages", str(args.messages),
         "--idle-seconds", str(args.idle_seconds)],
        env=env, cwd=tree, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the {mode} run in {tree} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def first_paint(tree: Path, db: Path, env: dict[str, str]) -> float:
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db), "gui", "--demo"],
        env=env, cwd=tree, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    for line in done.stdout.splitlines():
        if line.startswith(FIRST_PAINT_MARK):
            return float(line.split()[1]) - start
    raise SystemExit(f"no first paint reported (exit {done.returncode}): {done.stderr[-500:]}")


def startup(trees: list[Path], runs: int) -> list[dict[str, list[float]]]:
    """First paints of each tree, the trees taking turns run by run (the machine's load
    drifts: back-to-back series of one tree then the other compare two moments)."""
    folder = Path(tempfile.mkdtemp(prefix="textdesk-bench-start-"))
    found: list[dict[str, list[float]]] = [{"fresh": [], "warm": []} for _ in trees]
    envs = []
    for tree in trees:
        env = {
            **os.environ,
            "TEXTDESK_EXIT_AFTER_PAINT": "1",
            "HOME": str(folder),
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_CONFIG_HOME": str(folder / "config"),
            "TEXTDESK_KEYRING": "off",
            "PYTHONPATH": str(tree),
        }
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TEXTDESK_FROM", "TEXTDESK_DB"):
            env.pop(name, None)
        envs.append(env)
        first_paint(tree, folder / f"warm{len(envs)}.db", env)  # creates, migrates, seeds
    for run in range(runs):
        for number, (tree, env) in enumerate(zip(trees, envs, strict=True), start=1):
            fresh = first_paint(tree, folder / f"fresh{number}-{run}.db", env)
            found[number - 1]["fresh"].append(fresh)
            found[number - 1]["warm"].append(first_paint(tree, folder / f"warm{number}.db", env))
    return found


def show(label: str, found: dict[str, float]) -> str:
    return (
        f"{label:<30} max {found['max']:6.1f} ms   p99 {found['p99']:5.1f} ms   "
        f"median {found['p50']:5.1f} ms   ({found['beats']} beats)"
    )


WHERE = {
    "service": "the window, the sending service in its own process",
    "in-process": "the window with the engine in its process (before)",
    "bare": "no window, only the heartbeat, while the service sends (the machine's floor)",
}


def report(result: dict[str, Any]) -> None:
    where = WHERE[result["mode"]]
    print(f"\n1. GUI heartbeat, {where} ({result['tree']})")
    print("   " + show("first second after show", result["first_second"]))
    print("   " + show("engine idle", result["idle"]))
    print("   " + show("handing off, first second", result["handoff_first_second"]))
    print("   " + show("handing off, steady", result["steady"]))
    print(f"   {result['handed']} handed off in {result['seconds']:.1f} s ({result['rate']:.0f}/s)")
    print(f"   this process's CPU while handing off: {result['cpu_ms_per_s']:.1f} ms per second")
    if "window_hwm_mb" in result:
        print(f"   window process: peak RSS {result['window_hwm_mb']:.0f} MB")
    if "service_hwm_mb" in result:
        print(
            f"   service process: peak RSS (VmHWM) {result['service_hwm_mb']:.0f} MB, "
            f"RSS at the end {result['service_rss_mb']:.0f} MB"
        )
    steady, first = result["steady"], result["first_second"]
    verdict = steady["max"] <= 16 and steady["p99"] <= 12 and first["max"] <= 50
    print(
        f"   targets (steady max <= 16, p99 <= 12, first second <= 50): "
        f"{'met' if verdict else 'NOT met'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=TREE, help="the source tree to measure")
    parser.add_argument("--baseline-tree", type=Path, help="the tree of the in-process engine")
    parser.add_argument(
        "--before-tree", type=Path, help="an earlier tree of the window as a client, measured alike"
    )
    parser.add_argument("--skip-responsiveness", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the trees this often")
    parser.add_argument("--bare", action="store_true", help="also the no-window floor")
    parser.add_argument(
        "--child", choices=("service", "in-process", "bare"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(responsiveness(args.messages, args.idle_seconds, args.child)))
        return 0
    print(
        f"TextDesk GUI benchmark: python {sys.version.split()[0]}, cpus={os.cpu_count()}, "
        f"platform={os.environ.get('QT_QPA_PLATFORM') or 'X display ' + os.environ['DISPLAY']}"
    )
    trees: list[tuple[Path, str]] = [(args.tree.resolve(), "service")]
    if args.before_tree is not None:
        trees.append((args.before_tree.resolve(), "service"))
    if args.baseline_tree is not None:
        trees.append((args.baseline_tree.resolve(), "in-process"))
    runs = [*trees, (args.tree.resolve(), "bare")] if args.bare else trees
    if not args.skip_responsiveness:
        for _round in range(args.rounds):
            for tree, mode in runs:
                report(child(tree, mode, args))
    if not args.skip_startup:
        print("\n2. Start to first painted main window (python -m desktop gui --demo)")
        for (tree, mode), found in zip(
            trees, startup([tree for tree, _mode in trees], args.runs), strict=True
        ):
            fresh, warm = found["fresh"], found["warm"]
            print(
                f"   {mode} ({tree}): fresh database: median {statistics.median(fresh):.2f} s "
                f"(runs {', '.join(f'{t:.2f}' for t in fresh)}); existing database: median "
                f"{statistics.median(warm):.2f} s (runs {', '.join(f'{t:.2f}' for t in warm)})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
