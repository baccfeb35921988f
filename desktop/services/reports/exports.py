"""CSV reports: one sequence (a row per message) and the summary of every sequence.

Written as UTF-8 with a BOM so Excel shows accented names correctly, and with every cell
that a spreadsheet would run as a formula neutralised. Nothing here reads the auth token.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.models import Lead, Message
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.sequences.lifecycle import get_summary, list_sequences
from desktop.services.status.vocabulary import BUCKET_ORDER, Bucket
from desktop.services.twilio import error_catalog

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

SEQUENCE_HEADER = (
    "Lead",
    "Phone",
    "Step",
    "Status",
    "Provider status",
    "Error code",
    "Error",
    "Explanation",
    "Handed off (UTC)",
    "Final (UTC)",
    "Twilio SID",
    "Segments",
    "Price",
)


def safe_cell(value: Any) -> str:
    """A cell as text, with a leading apostrophe when a spreadsheet would treat it as a formula
    (OWASP's advice for CSV injection); phone numbers such as +1555... get one too."""
    if value is None:
        return ""
    text = (
        value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else str(value)
    )
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write atomically (temp file then rename), so a failed export never leaves half a file
    in place of a good one. Returns the number of data rows."""
    target = Path(path)
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name such as report.csv")
    tmp = target.with_name(target.name + ".part")
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([safe_cell(h) for h in header])
            for row in rows:
                writer.writerow([safe_cell(v) for v in row])
                count += 1
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    return count


def sequence_rows(ctx: Context, sequence_id: int) -> Iterable[tuple[Any, ...]]:
    with ctx.db.read() as session:
        query = (
            select(Message, Lead.first_name, Lead.last_name)
            .join(Lead, Lead.id == Message.lead_id)
            .where(Message.sequence_id == sequence_id)
            .order_by(Message.lead_id, Message.step_position)
            .execution_options(yield_per=2000)
        )
        for message, first, last in session.execute(query):
            bucket = Bucket(message.bucket)
            explanation = error_catalog.explain(message.error_code) if message.error_code else None
            yield (
                " ".join(p for p in (first, last) if p),
                message.to_phone,
                message.step_position + 1,
                bucket.label,
                message.provider_status,
                message.error_code,
                explanation.title if explanation else message.error_message,
                explanation.explanation if explanation else "",
                message.handed_off_at,
                message.final_at,
                message.twilio_sid,
                message.num_segments,
                message.price,
            )


def export_sequence(ctx: Context, sequence_id: int, path: Path) -> int:
    get_summary(ctx, sequence_id)  # NotFound before any file is touched
    return write_csv(path, SEQUENCE_HEADER, sequence_rows(ctx, sequence_id))


def export_summary(ctx: Context, path: Path) -> int:
    header = (
        "ID",
        "Name",
        "Status",
        "Total",
        *(b.label for b in BUCKET_ORDER),
        "Deleted leads",
        "Created (UTC)",
        "Start (UTC)",
    )
    rows = (
        (
            s.id,
            s.name,
            s.status.label,
            s.total,
            *(s.counts[b] for b in BUCKET_ORDER),
            s.counts.deleted_leads,
            s.created_at,
            s.start_at,
        )
        for s in list_sequences(ctx)
    )
    return write_csv(path, header, rows)


__all__ = ["NotFound", "export_sequence", "export_summary", "safe_cell", "write_csv"]
