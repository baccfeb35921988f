"""CSV export of a lead list (the messages of one sequence in one bucket, as shown).

Same conventions as the reports: UTF-8 with a BOM for Excel, formula-like cells neutralised
with `safe_cell`, written to a temporary file and renamed so a failure never leaves half a
file behind.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path

from desktop.services import error_catalog
from desktop.services.errors import UserError
from desktop.services.history import BucketRow
from desktop.services.reports import safe_cell

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
    target = Path(path)
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name such as leads.csv")
    tmp = target.with_name(target.name + ".part")
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for row in rows:
                writer.writerow([safe_cell(value) for value in _cells(row)])
                count += 1
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    return count
