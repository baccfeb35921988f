"""CSV export of a lead list (the messages of one sequence in one bucket, as shown).

Written by spreadsheet.write_csv: UTF-8 with a BOM for Excel, formula-like cells
neutralised, times in the owner's zone (named in the header), written to a temporary file
and renamed so a failure never leaves half a file behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from pathlib import Path

from desktop.services.leads.quiet_hours import local_zone
from desktop.services.reports.history import BucketRow
from desktop.services.reports.spreadsheet import local_time, write_csv, zone_name
from desktop.services.twilio import error_catalog


def header(zone: tzinfo) -> tuple[str, ...]:
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
        f"Time ({zone_name(zone)})",
        "Lead deleted",
    )


def _cells(row: BucketRow, zone: tzinfo) -> tuple[object, ...]:
    info = error_catalog.explain(row.error_code) if row.error_code else None
    return (
        row.lead_name,
        row.phone,
        row.step,
        row.body,
        row.bucket.label,
        row.provider_status,
        row.error_code,
        info.title if info else "",
        info.explanation if info else "",
        local_time(row.time, zone),
        "yes" if row.lead_deleted else "",
    )


def export_bucket_rows(rows: Iterable[BucketRow], path: Path, *, zone: tzinfo | None = None) -> int:
    """Write the rows; returns how many. Raises UserError with a sentence on failure."""
    where = zone or local_zone()
    return write_csv(path, header(where), (_cells(row, where) for row in rows))
