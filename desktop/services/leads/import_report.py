"""What an import did, row by row: the statuses, the report rows and the summary line."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class RowStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    RESTORED = "restored"
    INVALID_PHONE = "invalid_phone"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    MISSING_PHONE = "missing_phone"
    BAD_ROW = "bad_row"


# (singular, plural) as the summary line says them.
STATUS_LABELS: dict[RowStatus, tuple[str, str]] = {
    RowStatus.CREATED: ("created", "created"),
    RowStatus.UPDATED: ("updated", "updated"),
    RowStatus.RESTORED: ("restored", "restored"),
    RowStatus.INVALID_PHONE: ("invalid number", "invalid numbers"),
    RowStatus.DUPLICATE_IN_FILE: ("duplicate in file", "duplicates in file"),
    RowStatus.MISSING_PHONE: ("without a number", "without a number"),
    RowStatus.BAD_ROW: ("bad row", "bad rows"),
}
STORED = frozenset({RowStatus.CREATED, RowStatus.UPDATED, RowStatus.RESTORED})


@dataclass(slots=True)
class ReportRow:
    """One data row of the file and what became of it. Slotted: 100 000 of them stay small."""

    line: int  # as a spreadsheet numbers it: the header is line 1
    status: RowStatus
    phone: str  # as written in the file (cut to 40 characters)
    e164: str | None
    lead_id: int | None
    message: str  # a plain sentence for the owner
    warning: bool = False  # stored, but something in the row was left out
    # A lead the owner already had, that this row changed or would have (kept values).
    existing: bool = False

    def as_json(self) -> dict[str, Any]:
        return asdict(self)  # RowStatus is a StrEnum: json.dumps writes its value


def noteworthy(row: ReportRow) -> bool:
    """Worth the owner's look: skipped, stored with a warning, or a lead they already had
    that the row touched (changed, or kept apart from the file's values)."""
    return row.warning or row.status not in STORED or row.existing


def _plural(count: int, status: RowStatus) -> str:
    singular, plural = STATUS_LABELS[status]
    return f"{count} {singular if count == 1 else plural}"


@dataclass
class ImportReport:
    path: Path
    encoding: str
    delimiter: str
    has_header: bool
    mapping: dict[str, int]
    rows: list[ReportRow] = field(default_factory=list)
    counts: dict[RowStatus, int] = field(default_factory=lambda: dict.fromkeys(RowStatus, 0))
    canceled: bool = False
    notes: list[str] = field(default_factory=list)  # about the whole file
    blank_lines: int = 0  # empty lines and rows of empty cells, skipped without a report row
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def stored(self) -> int:
        return sum(self.counts[status] for status in STORED)

    @property
    def warnings(self) -> int:
        return sum(1 for row in self.rows if row.warning)

    def add(self, row: ReportRow) -> None:
        self.rows.append(row)
        self.counts[row.status] += 1

    def problem_rows(self) -> list[ReportRow]:
        """The rows to look at: skipped, or stored with a warning."""
        return [row for row in self.rows if row.warning or row.status not in STORED]

    def noteworthy_rows(self) -> list[ReportRow]:
        """The problems, and every lead the owner already had that a row touched."""
        return [row for row in self.rows if noteworthy(row)]

    def summary(self) -> str:
        """`100000 rows: 99000 created, 500 updated, 300 invalid numbers, 200 duplicates in
        file`, with warnings and cancellation when there are any."""
        parts = [_plural(n, status) for status, n in self.counts.items() if n]
        text = f"{self.total} row{'' if self.total == 1 else 's'}: " + (", ".join(parts) or "none")
        if self.warnings:
            text += f" ({self.warnings} with a warning)"
        return text + ("; canceled before the end of the file" if self.canceled else "")

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "summary": self.summary(),
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "has_header": self.has_header,
            "mapping": self.mapping,
            "counts": {status.value: n for status, n in self.counts.items()},
            "canceled": self.canceled,
            "notes": self.notes,
            "rows": [row.as_json() for row in self.rows],
        }
