"""The lead history dialog's model: outbound messages and inbound replies, in time order.

An error row carries the info icon (DecorationRole) in its Status column, and the error's
full explanation (code, title, causes, what to do) as its ToolTipRole in every column, so
hovering anywhere on the row answers "why did this fail?". Long tooltips wrap at ~60
characters (kit/tooltips.py): the explanation would otherwise be one line across the screen.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from desktop.services.core.actor import current_actor
from desktop.services.reports.history import HistoryEntry
from desktop.ui.kit.formatting import Clock, format_full_time, format_time
from desktop.ui.kit.roles import BADGE_ROLE, SORT_ROLE
from desktop.ui.kit.table_model import Column, ColumnTableModel
from desktop.ui.kit.theme import BUCKET_SWATCHES, REPLY_SWATCHES, info_icon
from desktop.ui.kit.tooltips import wrapped_tooltip

TIME, FROM, STEP, MESSAGE, STATUS = range(5)
REPLY_TINT = QColor("#f7f4fd")


def is_error(entry: HistoryEntry) -> bool:
    return entry.direction == "outbound" and bool(entry.error_code)


def from_text(entry: HistoryEntry) -> str:
    """Who the line is from: the lead, an auto-reply, you, or (team mode) whoever of the
    team wrote it ("anna@front-desk")."""
    if entry.direction == "inbound":
        return "Lead"
    if entry.origin == "auto_reply":
        return "Auto-reply"
    if entry.written_by and entry.written_by != current_actor():
        return entry.written_by
    return "You"


def status_text(entry: HistoryEntry) -> str:
    return entry.status_label


def _status_badge(entry: HistoryEntry) -> tuple[str, str, str]:
    swatch = REPLY_SWATCHES["reply"] if entry.bucket is None else BUCKET_SWATCHES[entry.bucket]
    return (status_text(entry), swatch.fg, swatch.bg)


def history_columns(clock: Clock) -> tuple[Column[HistoryEntry], ...]:
    """The columns; `clock` says which day is today for the Time column."""
    return (
        Column(
            "Time",
            lambda e: format_time(e.time, now=clock()),
            tooltip=lambda e: format_full_time(e.time),
        ),
        Column("From", from_text),
        Column(
            "Step",
            lambda e: str(e.step) if e.step is not None else "",
            alignment=Qt.AlignmentFlag.AlignCenter,
        ),
        Column(
            "Message", lambda e: e.body or "(no text)", tooltip=lambda e: wrapped_tooltip(e.body)
        ),
        Column(
            "Status",
            status_text,
            tooltip=lambda e: wrapped_tooltip(e.bucket.meaning) if e.bucket is not None else None,
            roles={
                BADGE_ROLE: _status_badge,
                Qt.ItemDataRole.DecorationRole: lambda e: info_icon() if is_error(e) else None,
            },
            header_tooltip="Hover an error to see why it failed and what to do.",
        ),
    )


ROW_ROLES = {
    # The explanation wins over every column's own tooltip: the whole row answers "why?".
    Qt.ItemDataRole.ToolTipRole: lambda e: wrapped_tooltip(e.explanation) if is_error(e) else None,
    Qt.ItemDataRole.BackgroundRole: lambda e: REPLY_TINT if e.direction == "inbound" else None,
    SORT_ROLE: lambda e: e.time.timestamp(),
}


class LeadHistoryModel(ColumnTableModel[HistoryEntry]):
    def __init__(self, parent: QObject | None = None, *, clock: Clock) -> None:
        super().__init__(history_columns(clock), parent, row_roles=ROW_ROLES)

    def set_entries(self, entries: Iterable[HistoryEntry]) -> None:
        self.set_rows(sorted(entries, key=lambda e: e.time))

    def entry(self, row: int) -> HistoryEntry:
        return self.row_at(row)

    @property
    def entries(self) -> list[HistoryEntry]:
        return self.rows

    def error_rows(self) -> list[int]:
        return [row for row, entry in enumerate(self.rows) if is_error(entry)]
