"""Team mode (issue 13): PostgreSQL beside SQLite, measured in the same run.

1. Enqueue: `builder.create_sequence` of a one-step sequence over 200 000 leads (the real
   service: preflight, render, insert, counters), seconds and rows/s; beside it, the floor:
   the same rows written by one `sqlite3.executemany` / one `COPY` (bench.common.bulk_insert).
2. Counts: 200 sequences holding 1 000 000 messages; `counts_by_sequence` (the counters
   table) and the dashboard's `lifecycle.list_sequences` (full and partial refresh), median
   and p95. Target <= 30 ms. The aggregate over the messages is shown for comparison.
3. Hand-offs per second with 1, 2 and 3 engines on three senders: three one-step sequences
   of N messages, one per sender, rate limit 100/s (the most the
   settings accept), quiet hours off; engines are
   `python -m desktop worker --until-idle` processes against an in-process CarrierSandbox,
   rate = creates in the sandbox's ledger / time from the first to the last create.
   "stock" rows run the worker as shipped (`--wait`, each with its own TEXTDESK_FROM): the
   first engine holds every sender and its dispatcher takes them in turns in each batch.
   One what-if runs bench/team_worker.py (the same worker, patched in its own process):
   "spread", whose engine wants only the senders it is given (round robin: one engine per
   sender with three engines), as desktops each holding credentials for one sender.

    .venv/bin/python bench/bench_team.py [--pg ADMIN_URL] [--quick] [--only enqueue,counts,handoffs]

Without --pg a throwaway server is started and stopped with scripts/postgres.sh. A
benchmark, not a test: CI never runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text

from bench.common import bulk_insert, bulk_leads
from bench.team_common import (
    KINDS,
    ROOT,
    Databases,
    analyze,
    busy_since,
    cpu_ticks,
    load,
    median_p95,
    postgres,
    postmaster_of,
    server_cpu,
    server_version,
    timings_ms,
)
from desktop.models import Lead, Message, Sequence, SequenceCounter, Step
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.sequences import builder, enqueue, lifecycle
from desktop.services.status.transitions import counts_by_sequence, recount
from desktop.services.status.vocabulary import BUCKET_ORDER, Bucket, SequenceStatus
from tests.engine_helpers import fast_settings, worker_env

STEP = "Hi {first_name}, spring sale. Reply STOP to opt out"
SENDERS = ("+12025550101", "+12025550102", "+12025550103")
BUCKETS = tuple(b.value for b in BUCKET_ORDER)
NOW_TEXT = "2026-11-26 12:00:00.000000"
COUNTS_TARGET_MS = 30.0
# Per sender: the highest rate_limit the settings accept (MAX_RATE in core/settings.py).
RATE = "100"


@dataclass
class Sizes:
    enqueue_leads: int = 200_000
    sequences: int = 200
    per_sequence: int = 5_000
    count_runs: int = 40
    per_sender: int = 2_000
    deadline: float = 600.0

    @classmethod
    def quick(cls) -> Sizes:
        return cls(5_000, 20, 250, 10, 100, 120.0)


# -- 1. enqueue ---------------------------------------------------------------------------


def bench_enqueue(dbs: Databases, leads: int) -> dict[str, Any]:
    ctx = dbs.open("enqueue")
    bulk_leads(ctx, leads)
    analyze(ctx)
    spent: dict[str, float] = {}
    original = enqueue.enqueue_or_fail

    def timed(context: Context, sequence_id: int, recipients: list[Any]) -> int:
        start = time.perf_counter()
        try:
            return original(context, sequence_id, recipients)
        finally:
            spent["enqueue"] = time.perf_counter() - start

    enqueue.enqueue_or_fail = timed  # type: ignore[assignment]
    try:
        before = load()
        start = time.perf_counter()
        result = builder.create_sequence(ctx, "bench", [builder.StepSpec(STEP)], _all())
        total = time.perf_counter() - start
    finally:
        enqueue.enqueue_or_fail = original
    assert result.messages == leads, result
    floor = _bulk_floor(ctx)
    ctx.close()
    return {
        "rows": leads,
        "create_s": total,
        "enqueue_s": spent["enqueue"],
        "rows_per_s": leads / total,
        "floor_s": floor,
        "load": before,
    }


def _all() -> builder.LeadSelection:
    return builder.LeadSelection(all=True)


def _bulk_floor(ctx: Context) -> float:
    """The same rows (bodies rendered beforehand) by one executemany / COPY, into a second
    sequence of the same database: what the database alone costs."""
    now = datetime.now(UTC)
    with ctx.db.write() as session:
        sequence = Sequence(
            name="floor",
            status=SequenceStatus.CANCELED.value,
            start_at=now,
            steps=[Step(position=0, body=STEP, media_urls=[])],
        )
        session.add(sequence)
        session.flush()
        sequence_id, step_id = sequence.id, sequence.steps[0].id
    with ctx.db.read() as session:
        leads = session.execute(select(Lead.id, Lead.phone, Lead.first_name)).all()
    rows = [
        (
            sequence_id,
            step_id,
            lead_id,
            0,
            phone,
            STEP.format(first_name=first),
            "in_queue",
            NOW_TEXT,
            0,
            False,
            NOW_TEXT,
            NOW_TEXT,
        )
        for lead_id, phone, first in leads
    ]
    columns = (
        "sequence_id",
        "step_id",
        "lead_id",
        "step_position",
        "to_phone",
        "body",
        "bucket",
        "scheduled_for",
        "attempts",
        "skip_quiet_hours",
        "created_at",
        "updated_at",
    )
    start = time.perf_counter()
    bulk_insert(ctx, "messages", columns, rows)
    return time.perf_counter() - start


# -- 2. counts ----------------------------------------------------------------------------


def seed_counts(dbs: Databases, sequences: int, per_sequence: int) -> Context:
    """`sequences` sequences of one step over the same `per_sequence` leads, messages in
    random buckets written in bulk, then the counters from the messages (transitions.recount,
    the check the counters are held to)."""
    ctx = dbs.open("counts")
    bulk_leads(ctx, per_sequence)
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    with ctx.db.write() as session:
        made = [
            Sequence(
                name=f"Sequence {i}",
                status=SequenceStatus.IN_PROGRESS.value,
                start_at=now,
                steps=[Step(position=0, body="Hi", media_urls=[])],
            )
            for i in range(1, sequences + 1)
        ]
        session.add_all(made)
        session.flush()
        pairs = [(s.id, s.steps[0].id) for s in made]
    with ctx.db.read() as session:
        leads = session.execute(select(Lead.id, Lead.phone)).all()
    rng = random.Random(7)
    rows = (
        (sid, step, lead, 0, phone, "Hi", rng.choice(BUCKETS), 0, False, NOW_TEXT, NOW_TEXT)
        for sid, step in pairs
        for lead, phone in leads
    )
    columns = (
        "sequence_id",
        "step_id",
        "lead_id",
        "step_position",
        "to_phone",
        "body",
        "bucket",
        "attempts",
        "skip_quiet_hours",
        "created_at",
        "updated_at",
    )
    bulk_insert(ctx, "messages", columns, rows)
    with ctx.db.write() as session:
        for sid, _step in pairs:
            counts = recount(session, sid)
            session.add(
                SequenceCounter(
                    sequence_id=sid,
                    total=counts.total,
                    deleted_leads=0,
                    **{b.value: counts[b] for b in BUCKET_ORDER},
                )
            )
    analyze(ctx)
    return ctx


def bench_counts(dbs: Databases, sizes: Sizes) -> dict[str, Any]:
    ctx = seed_counts(dbs, sizes.sequences, sizes.per_sequence)
    messages = sizes.sequences * sizes.per_sequence
    with ctx.db.read_connection() as connection:
        counts = counts_by_sequence(connection)
    assert len(counts) == sizes.sequences
    assert sum(c.total for c in counts.values()) == messages
    assert all(sum(c.buckets.values()) == c.total for c in counts.values())
    some = sorted(counts)[:3]

    def counters() -> None:
        with ctx.db.read_connection() as connection:
            assert len(counts_by_sequence(connection)) == sizes.sequences

    def dashboard() -> None:
        assert len(lifecycle.list_sequences(ctx)) == sizes.sequences

    def partial() -> None:
        assert len(lifecycle.list_sequences(ctx, some)) == len(some)

    def aggregate() -> None:
        with ctx.db.read_connection() as connection:
            connection.execute(
                select(Message.sequence_id, Message.bucket, func.count()).group_by(
                    Message.sequence_id, Message.bucket
                )
            ).all()

    before = load()
    runs = sizes.count_runs
    result: dict[str, Any] = {"messages": messages, "load": before}
    for name, fn, n in (
        ("counts_by_sequence", counters, runs),
        ("list_sequences (dashboard, all)", dashboard, runs),
        ("list_sequences (dashboard, 3 ids)", partial, runs),
        ("aggregate over messages (comparison)", aggregate, 5),
    ):
        result[name] = median_p95(timings_ms(fn, n, warmup=2))
    result["load_after"] = load()
    result["plans"] = explain(ctx) if dbs.kind == "postgresql" else {}
    ctx.close()
    return result


def explain(ctx: Context) -> dict[str, str]:
    """EXPLAIN ANALYZE of the dashboard's two statements, as PostgreSQL runs them."""
    counters = SequenceCounter.__table__
    steps = Step.__table__
    sequences = Sequence.__table__
    dashboard = (
        select(
            sequences.c.id,
            select(func.count())
            .where(steps.c.sequence_id == sequences.c.id)
            .correlate(sequences)
            .scalar_subquery(),
        )
        .where(sequences.c.kind == "bulk")
        .order_by(sequences.c.id.desc())
    )
    plans = {}
    with ctx.db.read_connection() as connection:
        for name, query in (("counters", select(counters)), ("sequences", dashboard)):
            sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
            rows = connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")).scalars()
            plans[name] = "\n".join(rows)
    return plans


# -- 3. hand-offs -------------------------------------------------------------------------


@dataclass
class Run:
    kind: str
    mode: str  # "stock" or "spread"
    engines: int
    per_sender: int
    handoffs: int = 0
    seconds: float = 0.0  # first to last create at the sandbox
    rate: float = 0.0
    per_sender_rate: dict[str, float] = field(default_factory=dict)
    # pid -> [senders it held, first and last second seen holding, from the first create]
    holders: dict[int, list[Any]] = field(default_factory=dict)
    most_holders_at_once: int = 0  # engines holding a lease at the same instant
    # sender -> [first, last] create at the sandbox, seconds from the first create
    spans: dict[str, list[float]] = field(default_factory=dict)
    exit_codes: list[int] = field(default_factory=list)
    engine_cpu_ms_per_handoff: float = 0.0
    sandbox_cpu_ms_per_handoff: float = 0.0
    server_cpu_ms_per_handoff: float = 0.0  # the PostgreSQL server (0 on SQLite)
    machine_busy: float = 0.0  # share of both cores busy, every process, during the sends
    load_before: str = ""
    duplicates: int = 0
    notes: list[str] = field(default_factory=list)


def _assignments(mode: str, engines: int) -> list[tuple[str, ...]]:
    """Which senders each engine is given in "spread" mode (round robin); in
    "stock" mode each worker only has its own default sender (TEXTDESK_FROM)."""
    if mode == "stock":
        return [(SENDERS[i],) for i in range(engines)]
    return [tuple(SENDERS[j] for j in range(i, len(SENDERS), engines)) for i in range(engines)]


Snapshot = tuple[datetime, list[tuple[str, int]]]


def _watch_leases(ctx: Context, stop: threading.Event, seen: list[Snapshot]) -> None:
    """Who holds which sender, ten times a second."""
    while not stop.wait(0.1):
        try:
            with ctx.db.read_connection() as connection:
                rows = connection.execute(text("SELECT sender, pid FROM engine_leases")).all()
        except Exception:  # SQLite busy for longer than its timeout: look again
            continue
        seen.append((datetime.now(UTC), [(sender, pid) for sender, pid in rows]))


def _holders(seen: list[Snapshot], origin: datetime) -> tuple[dict[int, list[Any]], int]:
    holders: dict[int, list[Any]] = {}
    most = 0
    for at, rows in seen:
        most = max(most, len({pid for _, pid in rows}))
        second = round((at - origin).total_seconds(), 1)
        for sender, pid in rows:
            entry = holders.setdefault(pid, [set(), second, second])
            entry[0].add(sender)
            entry[2] = second
    return {pid: [sorted(e[0]), e[1], e[2]] for pid, e in holders.items()}, most


def bench_handoffs(
    dbs: Databases, folder: Path, mode: str, engines: int, n: int, deadline: float
) -> Run:
    run = Run(dbs.kind, mode, engines, n)
    name = f"handoffs_{mode}_{engines}"
    ctx = dbs.open(name)
    fast_settings(ctx, rate_limit=RATE)
    bulk_leads(ctx, n)
    for i, sender in enumerate(SENDERS):
        builder.create_sequence(
            ctx, f"Sender {i + 1}", [builder.StepSpec(STEP)], _all(), sender=sender
        )
    analyze(ctx)
    config = SandboxConfig.fast(seed=13, sender_numbers=SENDERS, outcome_weights={"delivered": 1.0})
    logs = folder / name
    logs.mkdir(exist_ok=True)
    with CarrierSandbox(config) as sandbox:
        url = dbs.url(name)
        procs = []
        seen: list[Snapshot] = []
        stop = threading.Event()
        watcher = threading.Thread(target=_watch_leases, args=(ctx, stop, seen), daemon=True)
        run.load_before = load()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        own_before = time.process_time()
        postmaster = postmaster_of(ctx)
        server_before = server_cpu(postmaster) if postmaster else 0.0
        ticks = cpu_ticks()
        watcher.start()
        for i, senders in enumerate(_assignments(mode, engines)):
            env = worker_env(url, sandbox)
            env.update(
                TEXTDESK_FROM=senders[0],
                TEXTDESK_LOG_FILE=str(logs / f"worker{i}.log"),
                XDG_DATA_HOME=str(logs / "xdg"),
                XDG_CONFIG_HOME=str(logs / "xdg-config"),
            )
            if mode == "stock":
                argv = [sys.executable, "-m", "desktop", "worker", "--wait", "--until-idle"]
            else:
                argv = [sys.executable, str(ROOT / "bench" / "team_worker.py"), ",".join(senders)]
            out = open(logs / f"worker{i}.out", "w")  # noqa: SIM115 (closed below)
            procs.append(
                (
                    subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT),
                    out,
                )
            )
        end = time.monotonic() + deadline
        for proc, out in procs:
            try:
                proc.wait(timeout=max(1.0, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                run.notes.append(f"pid {proc.pid} still running after {deadline:.0f} s: killed")
                proc.kill()
                proc.wait()
            out.close()
            run.exit_codes.append(proc.returncode)
        busy = busy_since(ticks)
        own = time.process_time() - own_before
        server = server_cpu(postmaster) - server_before if postmaster else 0.0
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        stop.set()
        watcher.join()
        ledger = sandbox.ledger_snapshot()
    engine_cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    run.handoffs = len(ledger)
    per_text = Counter((e.from_, e.to, e.body) for e in ledger)
    run.duplicates = sum(c - 1 for c in per_text.values())
    if ledger:
        first = min(e.created_at for e in ledger)
        last = max(e.created_at for e in ledger)
        run.seconds = (last - first).total_seconds()
        run.rate = len(ledger) / run.seconds if run.seconds else 0.0
        for sender in SENDERS:
            mine = [e.created_at for e in ledger if e.from_ == sender]
            if len(mine) > 1:
                span = (max(mine) - min(mine)).total_seconds()
                run.per_sender_rate[sender] = len(mine) / span if span else 0.0
                run.spans[sender] = [
                    round((min(mine) - first).total_seconds(), 1),
                    round((max(mine) - first).total_seconds(), 1),
                ]
        run.holders, run.most_holders_at_once = _holders(seen, first)
        run.engine_cpu_ms_per_handoff = engine_cpu * 1000 / len(ledger)
        run.sandbox_cpu_ms_per_handoff = own * 1000 / len(ledger)
        run.server_cpu_ms_per_handoff = server * 1000 / len(ledger)
    run.machine_busy = busy
    expected = len(SENDERS) * n
    if run.handoffs != expected:
        run.notes.append(f"{run.handoffs} creates at the sandbox, {expected} expected")
    for summary in lifecycle.list_sequences(ctx):
        if summary.status != SequenceStatus.DONE or summary.counts[Bucket.IN_QUEUE]:
            run.notes.append(f"sequence {summary.id} ended {summary.status.value}")
    ctx.close()
    return run


# -- the run ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="ADMIN_URL", help="a PostgreSQL server (admin URL)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--only", default="enqueue,counts,handoffs")
    parser.add_argument("--engines", help="engine counts (default 1,2,3; quick: 1,3)")
    parser.add_argument("--modes", help="stock,spread (default both)")
    parser.add_argument("--per-sender", type=int, help="messages per sender (hand-offs)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's plans")
    args = parser.parse_args()
    sizes = Sizes.quick() if args.quick else Sizes()
    if args.per_sender:
        sizes.per_sender = args.per_sender
    only = set(args.only.split(","))
    counts_of = [int(x) for x in (args.engines or ("1,3" if args.quick else "1,2,3")).split(",")]
    modes = (args.modes or "stock,spread").split(",")
    figures: dict[str, Any] = {"sizes": asdict(sizes), "nproc": os.cpu_count()}
    with postgres(args.pg) as admin, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        figures["postgresql"] = server_version(admin)
        figures["started"] = datetime.now().astimezone().isoformat(timespec="seconds")
        print(
            f"{os.cpu_count()} cores, PostgreSQL {figures['postgresql']}, load {load()}", flush=True
        )
        all_dbs = {kind: Databases(kind, folder, admin) for kind in KINDS}
        try:
            if "enqueue" in only:
                figures["enqueue"] = {}
                for kind, dbs in all_dbs.items():
                    figures["enqueue"][kind] = r = bench_enqueue(dbs, sizes.enqueue_leads)
                    print(
                        f"enqueue {kind}: {r['create_s']:.2f} s, {r['rows_per_s']:,.0f} rows/s",
                        flush=True,
                    )
                    dbs.drop_all()
            if "counts" in only:
                figures["counts"] = {}
                for kind, dbs in all_dbs.items():
                    figures["counts"][kind] = r = bench_counts(dbs, sizes)
                    print(f"counts {kind}: {r['list_sequences (dashboard, all)']}", flush=True)
                    dbs.drop_all()
            if "handoffs" in only:
                figures["handoffs"] = []
                # spread x1 is stock x1.
                plan = [(e, m) for m in modes for e in counts_of if not (m == "spread" and e == 1)]
                for engines, mode in plan:
                    for kind, dbs in all_dbs.items():
                        run = bench_handoffs(
                            dbs, folder, mode, engines, sizes.per_sender, sizes.deadline
                        )
                        figures["handoffs"].append(asdict(run))
                        print(
                            f"handoffs {kind} {mode} x{engines}: {run.rate:.0f}/s "
                            f"({run.handoffs} in {run.seconds:.1f} s) holders {run.holders} "
                            f"spans {run.spans} "
                            f"exit {run.exit_codes} busy {run.machine_busy:.0%} {run.notes}",
                            flush=True,
                        )
                        dbs.drop_all()
        finally:
            for dbs in all_dbs.values():
                dbs.drop_all()
    figures["finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
    report(figures, explain_plans=args.explain)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str))


def table(title: str, rows: list[list[str]]) -> None:
    """Print rows of cells under `title`, columns padded to their widest cell."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(f"\n{title}")
    for row in rows:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


def report(figures: dict[str, Any], *, explain_plans: bool = False) -> None:
    print(f"\nnproc {figures['nproc']}, PostgreSQL {figures['postgresql']}, {figures['started']}")
    if "enqueue" in figures:
        s, p = figures["enqueue"]["sqlite"], figures["enqueue"]["postgresql"]
        table(
            "Enqueue: create_sequence, one step",
            [
                ["", "SQLite", "PostgreSQL"],
                ["rows", f"{s['rows']:,}", f"{p['rows']:,}"],
                ["create_sequence", f"{s['create_s']:.2f} s", f"{p['create_s']:.2f} s"],
                ["rows/s", f"{s['rows_per_s']:,.0f}", f"{p['rows_per_s']:,.0f}"],
                ["of which enqueue", f"{s['enqueue_s']:.2f} s", f"{p['enqueue_s']:.2f} s"],
                ["floor: executemany / COPY", f"{s['floor_s']:.2f} s", f"{p['floor_s']:.2f} s"],
                ["load before", s["load"], p["load"]],
            ],
        )
    if "counts" in figures:
        c = figures["counts"]
        rows = [["median / p95 ms", "SQLite", "PostgreSQL"]]
        for key in (
            "counts_by_sequence",
            "list_sequences (dashboard, all)",
            "list_sequences (dashboard, 3 ids)",
            "aggregate over messages (comparison)",
        ):
            rows.append([key, *(f"{c[k][key][0]:.2f} / {c[k][key][1]:.2f}" for k in KINDS)])
        rows.append(
            ["load before / after", *(f"{c[k]['load']} {c[k]['load_after']}" for k in KINDS)]
        )
        table(f"Counts: {c['sqlite']['messages']:,} messages", rows)
        worst = max(c[k]["list_sequences (dashboard, all)"][1] for k in KINDS)
        verdict = "met" if worst <= COUNTS_TARGET_MS else "NOT met"
        print(f"  target: the dashboard's p95 <= {COUNTS_TARGET_MS:.0f} ms on both: {verdict}")
        if explain_plans:
            for name, plan in c["postgresql"]["plans"].items():
                print(f"\nEXPLAIN ANALYZE ({name}):\n{plan}")
    if "handoffs" in figures:
        by_row: dict[tuple[int, str], dict[str, Any]] = {}
        for r in figures["handoffs"]:
            by_row.setdefault((r["engines"], r["mode"]), {})[r["kind"]] = r
        rows = [["engines", "SQLite", "PostgreSQL"]]
        for (engines, mode), by_kind in by_row.items():
            cells = [
                f"{r['rate']:.0f}/s ({r['most_holders_at_once']} at once,"
                f" busy {r['machine_busy']:.0%})"
                if (r := by_kind.get(k))
                else "-"
                for k in KINDS
            ]
            rows.append([f"{engines} {mode}", *cells])
        table("Hand-offs/s over three senders (ledger creates / first-to-last create)", rows)
        print()
        for r in figures["handoffs"]:
            rates = ", ".join(f"{v:.0f}" for v in r["per_sender_rate"].values())
            spans = ", ".join(f"{a:.1f}-{b:.1f}" for a, b in r["spans"].values())
            holders = "; ".join(
                f"pid {pid} held {len(senders)} from {a:.1f} to {b:.1f} s"
                for pid, (senders, a, b) in r["holders"].items()
            )
            print(
                f"  {r['kind']} {r['mode']} x{r['engines']}: {r['handoffs']} in"
                f" {r['seconds']:.1f} s; per sender {rates}/s; CPU per hand-off: engines"
                f" {r['engine_cpu_ms_per_handoff']:.2f} ms, sandbox"
                f" {r['sandbox_cpu_ms_per_handoff']:.2f} ms, PostgreSQL server"
                f" {r['server_cpu_ms_per_handoff']:.2f} ms; senders sent at {spans} s;"
                f" {holders};"
                f" exit {r['exit_codes']}; duplicates {r['duplicates']}; load {r['load_before']}"
                + (f"; {'; '.join(r['notes'])}" if r["notes"] else "")
            )


if __name__ == "__main__":
    main()
