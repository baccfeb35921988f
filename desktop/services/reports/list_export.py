"""CSV export of a lead list (the messages of one sequence in one bucket, as shown).

Written by reports.write_csv: UTF-8 with a BOM for Excel, formula-like cells neutralised
with `safe_cell`, written to a temporary file and renamed so a failure never leaves half a
file behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from desktop.services.reports.exports import write_csv
from desktop.services.reports.history import BucketRow
from desktop.services.twilio import error_catalog

HEADER = (
    "Lead",
    "Phone",
    "Step",
    "Status",
    "Provider status",
    "Error code",
    "Error",
    "Explanation",
    "Time (UTC)",
    "Lead deleted",
)


def _cells(row: BucketRow) -> tuple[object, ...]:
    info = error_catalog.explain(row.error_code) if row.error_code else None
    return (
        row.lead_name,
        row.phone,
        row.step,
        row.bucket.label,
        row.provider_status,
        row.error_code,
        info.title if info else "",
        info.explanation if info else "",
        row.time,
        "yes" if row.lead_deleted else "",
    )


def export_bucket_rows(rows: Iterable[BucketRow], path: Path) -> int:
    """Write the rows; returns how many. Raises UserError with a sentence on failure."""
    return write_csv(path, HEADER, (_cells(row) for row in rows))
