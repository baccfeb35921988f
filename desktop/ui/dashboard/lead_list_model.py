"""The lead list dialog's model: the messages of one sequence in one bucket, one per row."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from desktop.services.reports.history import BucketRow
from desktop.services.twilio import error_catalog
from desktop.ui.kit.formatting import Clock, format_full_time, format_time
from desktop.ui.kit.roles import BADGE_ROLE, ID_ROLE, LINK_ROLE
from desktop.ui.kit.table_model import Column, ColumnTableModel
from desktop.ui.kit.theme import BUCKET_SWATCHES, info_icon
from desktop.ui.kit.tooltips import wrapped_tooltip

LEAD, PHONE, STEP, STATUS, ERROR, TIME = range(6)


def error_text(row: BucketRow) -> str:
    if not row.error_code:
        return ""
    return f"{row.error_code} · {row.error_title}" if row.error_title else str(row.error_code)


def status_text(row: BucketRow) -> str:
    # The bucket is what the user reasons about; Twilio's own word is a detail in brackets.
    if row.provider_status and row.provider_status != row.bucket.value:
        return f"{row.bucket.label} ({row.provider_status})"
    return row.bucket.label


def _error_explanation(row: BucketRow) -> str | None:
    """The catalog's explanation, wrapped: 21610's is a paragraph, not a line to scroll."""
    return (
        wrapped_tooltip(error_catalog.explain(row.error_code).as_text()) if row.error_code else None
    )


def _status_badge(row: BucketRow) -> tuple[str, str, str]:
    swatch = BUCKET_SWATCHES[row.bucket]
    return (status_text(row), swatch.fg, swatch.bg)


def lead_list_columns(clock: Clock) -> tuple[Column[BucketRow], ...]:
    """The columns; `clock` says which day is today for the Time column."""
    return (
        Column(
            "Lead",
            lambda r: r.lead_name + (" (deleted)" if r.lead_deleted else ""),
            tooltip=lambda r: f"Open {r.lead_name}'s history",
            sort_key=lambda r: r.lead_name.casefold(),
            roles={LINK_ROLE: lambda _r: True},
        ),
        Column("Phone", lambda r: r.phone),
        Column(
            "Step",
            lambda r: str(r.step),
            sort_key=lambda r: r.step,
            alignment=Qt.AlignmentFlag.AlignCenter,
        ),
        Column(
            "Status",
            status_text,
            tooltip=lambda r: _error_explanation(r) or wrapped_tooltip(r.bucket.meaning),
            roles={BADGE_ROLE: _status_badge},
        ),
        Column(
            "Error",
            error_text,
            tooltip=_error_explanation,
            sort_key=lambda r: r.error_code or 0,
            roles={Qt.ItemDataRole.DecorationRole: lambda r: info_icon() if r.error_code else None},
        ),
        Column(
            "Time",
            lambda r: format_time(r.time, now=clock()),
            tooltip=lambda r: format_full_time(r.time),
            sort_key=lambda r: r.time.timestamp() if r.time else 0.0,
            header_tooltip="When the message last changed: delivered, failed, handed off or due.",
        ),
    )


class LeadListModel(ColumnTableModel[BucketRow]):
    def __init__(self, parent: QObject | None = None, *, clock: Clock) -> None:
        super().__init__(lead_list_columns(clock), parent, row_roles={ID_ROLE: lambda r: r.lead_id})

    def filter_text(self, row: int) -> str:
        """Everything the filter box matches against, in one string."""
        r = self.row_at(row)
        return " ".join((r.lead_name, r.phone, status_text(r), error_text(r))).casefold()
