"""The lead history dialog's model: outbound messages and inbound replies, in time order.

An error row carries the info icon (DecorationRole) in its Status column, and the error's
full explanation (code, title, causes, what to do) as its ToolTipRole in every column, so
hovering anywhere on the row answers "why did this fail?".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.services.reports.history import HistoryEntry
from desktop.ui.kit.formatting import format_full_time, format_time
from desktop.ui.kit.roles import BADGE_ROLE, SORT_ROLE
from desktop.ui.kit.theme import BUCKET_SWATCHES, REPLY_SWATCHES, info_icon

Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[str, ...] = ("Time", "From", "Step", "Message", "Status")
TIME, FROM, STEP, MESSAGE, STATUS = range(len(COLUMNS))
REPLY_TINT = QColor("#f7f4fd")


def is_error(entry: HistoryEntry) -> bool:
    return entry.direction == "outbound" and bool(entry.error_code)


def status_text(entry: HistoryEntry) -> str:
    return entry.status_label


class LeadHistoryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self._entries = sorted(entries, key=lambda e: e.time)
        self.endResetModel()

    def entry(self, row: int) -> HistoryEntry:
        return self._entries[row]

    @property
    def entries(self) -> list[HistoryEntry]:
        return list(self._entries)

    def error_rows(self) -> list[int]:
        return [row for row, entry in enumerate(self._entries) if is_error(entry)]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if is_error(entry):
                return entry.explanation
            if column == TIME:
                return format_full_time(entry.time)
            if column == STATUS and entry.bucket is not None:
                return entry.bucket.meaning
            if column == MESSAGE:
                return entry.body
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS and is_error(entry):
            return info_icon()
        if role == BADGE_ROLE and column == STATUS:
            if entry.bucket is None:
                swatch = REPLY_SWATCHES["reply"]
            else:
                swatch = BUCKET_SWATCHES[entry.bucket]
            return (status_text(entry), swatch.fg, swatch.bg)
        if role == Qt.ItemDataRole.BackgroundRole and entry.direction == "inbound":
            return REPLY_TINT
        if role == SORT_ROLE:
            return entry.time.timestamp()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == STEP:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, entry: HistoryEntry, column: int) -> str:
        if column == TIME:
            return format_time(entry.time)
        if column == FROM:
            return "You" if entry.direction == "outbound" else "Lead"
        if column == STEP:
            return str(entry.step) if entry.step is not None else ""
        if column == MESSAGE:
            return entry.body or "(no text)"
        return status_text(entry)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == STATUS:
            return "Hover an error to see why it failed and what to do."
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
