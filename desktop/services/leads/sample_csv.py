"""A sample CSV file to fill in: the columns the importer recognises by name, and three rows
that show how to write phone numbers, tags, time zones and a custom field."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from desktop.services.core.errors import UserError

HEADER = ("Phone", "First name", "Last name", "Email", "Tags", "Time zone", "Company")
ROWS = (
    (
        "+1 415 555 0100",
        "Olivia",
        "Park",
        "olivia@example.com",
        "vip; spring fair",
        "America/Los_Angeles",
        "Acme Bikes",
    ),
    ("(212) 555-0199", "Liam", "Chen", "", "walk-in", "", ""),
    ("+44 20 7946 0958", "Bea", "Zed", "bea@example.co.uk", "", "Europe/London", "Camden Books"),
)


def write_sample_csv(path: str | Path) -> Path:
    """Write the sample (UTF-8 with a BOM, so Excel keeps accents); returns the file written.
    UserError with a sentence when it cannot be written."""
    target = Path(path)
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name such as leads.csv")
    tmp = target.with_name(target.name + ".part")
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(ROWS)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
