"""Enqueue a 2-step sequence for 100 000 leads (200 000 messages), against the same rows
written by raw sqlite3.executemany in the same run. Target ratio <= 2.5."""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bulk_leads, fresh_context, machine
from desktop.services.sequences import builder

LEADS = 100_000


def raw_baseline(folder: Path) -> float:
    """The same 200 000 rows (bodies rendered beforehand) into the same migrated schema."""
    ctx = fresh_context(folder, "raw.db")
    bulk_leads(ctx, LEADS)
    ctx.close()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = []
    for step in (0, 1):
        body = "Hi First{}, spring sale. Reply STOP to opt out" if step == 0 else "Last day!"
        for lead in range(1, LEADS + 1):
            rows.append(
                (
                    1,
                    step + 1,
                    lead,
                    step,
                    f"+1{2012000000 + lead - 1}",
                    body.format(lead - 1),
                    "in_queue",
                    now if step == 0 else None,
                    0,
                    now,
                    now,
                )
            )
    with sqlite3.connect(folder / "raw.db") as raw:
        raw.execute(
            "INSERT INTO sequences (id, name, sender, status, start_at, lead_selection,"
            " stop_on_reply, excluded_opted_out, excluded_deleted, created_at, updated_at)"
            " VALUES (1, 'raw', '', 'in_progress', ?, '{}', 1, 0, 0, ?, ?)",
            (now, now, now),
        )
        raw.executemany(
            "INSERT INTO steps (id, sequence_id, position, body, media_urls,"
            " delay_seconds) VALUES (?, 1, ?, 'x', '[]', 0)",
            [(1, 0), (2, 1)],
        )
        raw.commit()
        start = time.perf_counter()
        raw.executemany(
            "INSERT INTO messages (sequence_id, step_id, lead_id, step_position, to_phone, body,"
            " bucket, scheduled_for, attempts, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        raw.commit()
        return time.perf_counter() - start


def textdesk(folder: Path) -> tuple[float, float]:
    ctx = fresh_context(folder, "textdesk.db")
    bulk_leads(ctx, LEADS)
    steps = [
        builder.StepSpec("Hi {first_name}, spring sale. Reply STOP to opt out"),
        builder.StepSpec("Last day!"),
    ]
    selection = builder.LeadSelection(all=True)
    start = time.perf_counter()
    check = builder.preflight(ctx, steps, selection)
    checked = time.perf_counter()
    result = builder.create_sequence(ctx, "bench", steps, selection)
    total = time.perf_counter() - start
    assert result.messages == 2 * LEADS
    ctx.close()
    del check
    return total, checked - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = raw_baseline(folder)
        ours, preflight_only = textdesk(folder)
    # create_sequence runs its own preflight; the enqueue proper is the rest.
    enqueue = ours - 2 * preflight_only
    print(f"machine: {machine()}")
    print(f"raw sqlite3.executemany, 200 000 rows: {baseline:.2f} s")
    created = ours - preflight_only
    print(f"create_sequence (checks, render, insert, counters): {created:.2f} s")
    print(f"  of which preflight (select leads, checks): {preflight_only:.2f} s")
    print(f"  enqueue alone: {enqueue:.2f} s")
    print(f"ratio create_sequence / raw: {(ours - preflight_only) / baseline:.2f} (target <= 2.5)")
    print(f"ratio enqueue / raw: {enqueue / baseline:.2f}")


if __name__ == "__main__":
    main()
