"""Models of the dashboard's two feeds: the latest errors and the latest replies."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.services.reports.history import RecentError, Reply
from desktop.ui.kit.formatting import format_full_time, format_time
from desktop.ui.kit.roles import BADGE_ROLE, ID_ROLE, SORT_ROLE
from desktop.ui.kit.theme import REPLY_SWATCHES, info_icon

Index = QModelIndex | QPersistentModelIndex
REPLY_KINDS = {"opt_out": "Opt-out", "opt_in": "Opt-in", "reply": "Reply"}


class FeedModel(QAbstractTableModel):
    columns: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        if rows == self._rows:
            return  # nothing new: keep selection and scroll position
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def cell(self, row: Any, column: int, role: int) -> Any:
        raise NotImplementedError


class RecentErrorsModel(FeedModel):
    columns = ("Time", "Phone", "Error")

    def cell(self, row: RecentError, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (format_time(row.time), row.phone, f"{row.error_code} · {row.title}")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.explanation
        if role == Qt.ItemDataRole.DecorationRole and column == 2:
            return info_icon()
        if role == ID_ROLE:
            return row.lead_id
        if role == SORT_ROLE:
            return row.time.timestamp()
        return None


class RepliesModel(FeedModel):
    columns = ("Time", "From", "Kind", "Message")

    def cell(self, row: Reply, column: int, role: int) -> Any:
        kind = REPLY_KINDS.get(row.action, "Reply")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (format_time(row.time), row.phone, kind, row.body)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 2:
                return {
                    "opt_out": "The lead asked to receive no more texts; nothing more is sent.",
                    "opt_in": "The lead asked to receive texts again.",
                }.get(row.action, "A reply from the lead.")
            return f"{format_full_time(row.time)}\n{row.body}"
        if role == BADGE_ROLE and column == 2:
            swatch = REPLY_SWATCHES.get(row.action, REPLY_SWATCHES["reply"])
            return (kind, swatch.fg, swatch.bg)
        if role == ID_ROLE:
            return row.lead_id
        if role == SORT_ROLE:
            return row.time.timestamp()
        return None
