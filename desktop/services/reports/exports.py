"""CSV reports: one sequence (a row per message) and the summary of every sequence.

Cells are written as a spreadsheet should read them (see spreadsheet.py): phone numbers as
`+1415...`, costs as positive numbers, times in the owner's own time zone, which the header
names. Nothing here reads the auth token.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.models import Lead, Message
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound
from desktop.services.leads.quiet_hours import local_zone
from desktop.services.reports.spreadsheet import (
    DEFAULT_CURRENCY,
    FORMULA_PREFIXES,
    cost,
    local_time,
    money,
    safe_cell,
    write_csv,
    zone_name,
)
from desktop.services.sequences.lifecycle import get_summary, list_sequences
from desktop.services.status.vocabulary import BUCKET_ORDER, Bucket
from desktop.services.twilio import error_catalog


def sequence_header(zone: tzinfo, currency: str = DEFAULT_CURRENCY) -> tuple[str, ...]:
    where = zone_name(zone)
    return (
        "Lead",
        "Phone",
        "Step",
        "Message",
        "Status",
        "Provider status",
        "Error code",
        "Error",
        "Explanation",
        f"Sent at ({where})",
        f"Final status at ({where})",
        "Twilio SID",
        "Segments",
        f"Cost ({currency})",
    )


def _currency(ctx: Context, sequence_id: int | None = None) -> str:
    """The currency Twilio bills in (USD unless the account says otherwise): one account
    bills in one currency, so the first one reported names the cost column."""
    with ctx.db.read() as session:
        query = select(Message.price_unit).where(Message.price_unit.is_not(None)).limit(1)
        if sequence_id is not None:
            query = query.where(Message.sequence_id == sequence_id)
        unit = session.scalar(query)
    return (unit or DEFAULT_CURRENCY).upper()


def sequence_rows(ctx: Context, sequence_id: int, zone: tzinfo) -> Iterable[tuple[Any, ...]]:
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
                message.body,
                bucket.label,
                message.provider_status,
                message.error_code,
                explanation.title if explanation else message.error_message,
                explanation.explanation if explanation else "",
                local_time(message.handed_off_at, zone),
                local_time(message.final_at, zone),
                message.twilio_sid,
                message.num_segments,
                money(cost(message.price)),
            )


def export_sequence(
    ctx: Context, sequence_id: int, path: Path, *, zone: tzinfo | None = None
) -> int:
    """One row per message; times in `zone` (this computer's by default)."""
    get_summary(ctx, sequence_id)  # NotFound before any file is touched
    where = zone or local_zone()
    header = sequence_header(where, _currency(ctx, sequence_id))
    return write_csv(path, header, sequence_rows(ctx, sequence_id, where))


def _costs(ctx: Context) -> dict[int, Decimal]:
    """What each sequence cost so far: the prices Twilio has reported, added up exactly
    (prices are stored as Twilio's decimal strings; summing them in SQL would go through
    floats on SQLite)."""
    totals: dict[int, Decimal] = {}
    with ctx.db.read() as session:
        query = (
            select(Message.sequence_id, Message.price)
            .where(Message.price.is_not(None))
            .execution_options(yield_per=5000)
        )
        for sequence_id, price in session.execute(query):
            amount = cost(price)
            if amount is not None:
                totals[sequence_id] = totals.get(sequence_id, Decimal(0)) + amount
    return totals


def export_summary(ctx: Context, path: Path, *, zone: tzinfo | None = None) -> int:
    """One row per sequence with its counts and what it cost so far."""
    where = zone or local_zone()
    name = zone_name(where)
    header = (
        "ID",
        "Name",
        "Status",
        "Total",
        *(b.label for b in BUCKET_ORDER),
        "Deleted leads",
        f"Cost ({_currency(ctx)})",
        f"Created ({name})",
        f"Start ({name})",
    )
    costs = _costs(ctx)
    rows = (
        (
            s.id,
            s.name,
            s.status.label,
            s.total,
            *(s.counts[b] for b in BUCKET_ORDER),
            s.counts.deleted_leads,
            money(costs.get(s.id, Decimal(0))),
            local_time(s.created_at, where),
            local_time(s.start_at, where),
        )
        for s in list_sequences(ctx)
    )
    return write_csv(path, header, rows)


__all__ = [
    "FORMULA_PREFIXES",
    "NotFound",
    "export_sequence",
    "export_summary",
    "safe_cell",
    "write_csv",
]
