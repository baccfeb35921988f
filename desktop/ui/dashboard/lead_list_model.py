"""The lead list dialog's model: the messages of one sequence in one bucket, one per row."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.services.reports.history import BucketRow
from desktop.services.twilio import error_catalog
from desktop.ui.kit.formatting import format_full_time, format_time
from desktop.ui.kit.roles import BADGE_ROLE, ID_ROLE, LINK_ROLE, SORT_ROLE
from desktop.ui.kit.theme import BUCKET_SWATCHES, info_icon

Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[str, ...] = ("Lead", "Phone", "Step", "Status", "Error", "Time")
LEAD, PHONE, STEP, STATUS, ERROR, TIME = range(len(COLUMNS))


def error_text(row: BucketRow) -> str:
    if not row.error_code:
        return ""
    return f"{row.error_code} · {row.error_title}" if row.error_title else str(row.error_code)


def status_text(row: BucketRow) -> str:
    # The bucket is what the user reasons about; Twilio's own word is a detail in brackets.
    if row.provider_status and row.provider_status != row.bucket.value:
        return f"{row.bucket.label} ({row.provider_status})"
    return row.bucket.label


class LeadListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[BucketRow] = []

    def set_rows(self, rows: list[BucketRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @property
    def rows(self) -> list[BucketRow]:
        return list(self._rows)

    def row_at(self, row: int) -> BucketRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(row, column)
        if role == ID_ROLE:
            return row.lead_id
        if role == LINK_ROLE:
            return column == LEAD
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == ERROR and row.error_code:
            return info_icon()
        if role == BADGE_ROLE and column == STATUS:
            swatch = BUCKET_SWATCHES[row.bucket]
            return (status_text(row), swatch.fg, swatch.bg)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == STEP:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, row: BucketRow, column: int) -> str:
        if column == LEAD:
            return row.lead_name + (" (deleted)" if row.lead_deleted else "")
        if column == PHONE:
            return row.phone
        if column == STEP:
            return str(row.step)
        if column == STATUS:
            return status_text(row)
        if column == ERROR:
            return error_text(row)
        return format_time(row.time)

    def _sort_key(self, row: BucketRow, column: int) -> Any:
        if column == LEAD:
            return row.lead_name.casefold()
        if column == STEP:
            return row.step
        if column == ERROR:
            return row.error_code or 0
        if column == TIME:
            return row.time.timestamp() if row.time else 0.0
        return self._display(row, column)

    def _tooltip(self, row: BucketRow, column: int) -> str | None:
        if column == LEAD:
            return f"Open {row.lead_name}'s history"
        if column in (ERROR, STATUS) and row.error_code:
            return error_catalog.explain(row.error_code).as_text()
        if column == STATUS:
            return row.bucket.meaning
        if column == TIME:
            return format_full_time(row.time)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == TIME:
            return "When the message last changed: delivered, failed, handed off or due."
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def filter_text(self, row: int) -> str:
        """Everything the filter box matches against, in one string."""
        r = self._rows[row]
        return " ".join((r.lead_name, r.phone, status_text(r), error_text(r))).casefold()
