"""Bucket counts for 200 sequences holding 1 000 000 messages, and the same query at 10 000
messages. Target: median <= 30 ms, and within 2x of the 10 000-message figure.

Shows both designs: the counters table TextDesk uses (one row per sequence, kept in the
transactions that move messages) and an aggregate over the messages' (sequence, bucket)
index, for comparison.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bench.common import bulk_leads, fresh_context, machine, median_ms
from desktop.models import Message
from desktop.services.core.context import Context
from desktop.services.sequences.lifecycle import list_sequences
from desktop.services.status.transitions import counts_by_sequence

SEQUENCES = 200
BUCKETS = ("in_queue", "outbox", "sent", "error", "delivery_unknown", "canceled")


def build(folder: Path, name: str, per_sequence: int) -> Context:
    ctx = fresh_context(folder, name)
    bulk_leads(ctx, per_sequence)
    file = ctx.db.url.removeprefix("sqlite:///")
    now = "2026-11-26 12:00:00.000000"
    rng = random.Random(7)
    with sqlite3.connect(file) as raw:
        for s in range(1, SEQUENCES + 1):
            raw.execute(
                "INSERT INTO sequences (id, name, sender, status, start_at, lead_selection,"
                " stop_on_reply, excluded_opted_out, excluded_deleted, created_at, updated_at)"
                " VALUES (?, ?, '', 'in_progress', ?, '{}', 1, 0, 0, ?, ?)",
                (s, f"Sequence {s}", now, now, now),
            )
            raw.execute(
                "INSERT INTO steps (id, sequence_id, position, body, media_urls,"
                " delay_seconds) VALUES (?, ?, 0, 'Hi', '[]', 0)",
                (s, s),
            )
            raw.executemany(
                "INSERT INTO messages (sequence_id, step_id, lead_id, step_position, to_phone,"
                " body, bucket, attempts, created_at, updated_at)"
                " VALUES (?, ?, ?, 0, '+12012000000', 'Hi', ?, 0, ?, ?)",
                (
                    (s, s, lead, rng.choice(BUCKETS), now, now)
                    for lead in range(1, per_sequence + 1)
                ),
            )
        per_bucket = ", ".join(f"SUM(bucket = '{b}')" for b in BUCKETS)
        raw.execute(
            f"INSERT INTO sequence_counters (sequence_id, total, {', '.join(BUCKETS)},"
            f" deleted_leads) SELECT sequence_id, COUNT(*), {per_bucket}, 0 FROM messages"
            " GROUP BY sequence_id"
        )
        raw.execute("ANALYZE")
    return ctx


def measure(ctx: Context) -> dict[str, float]:
    def counters() -> None:
        with ctx.db.read() as session:
            assert len(counts_by_sequence(session)) == SEQUENCES

    def aggregate() -> None:
        with ctx.db.read() as session:
            session.execute(
                select(Message.sequence_id, Message.bucket, func.count()).group_by(
                    Message.sequence_id, Message.bucket
                )
            ).all()

    def dashboard() -> None:
        assert len(list_sequences(ctx)) == SEQUENCES

    return {
        "counters table": median_ms(counters),
        "full dashboard list (sequences + counters)": median_ms(dashboard),
        "aggregate over messages index": median_ms(aggregate, runs=5),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = measure(build(folder, "small.db", 50))
        large = measure(build(folder, "large.db", 5000))
    print(f"machine: {machine()}")
    print(f"{'query':<45} {'10 000 msgs':>12} {'1 000 000 msgs':>15} {'ratio':>7}")
    for key in small:
        print(
            f"{key:<45} {small[key]:>10.2f}ms {large[key]:>13.2f}ms {large[key] / small[key]:>7.2f}"
        )


if __name__ == "__main__":
    main()
