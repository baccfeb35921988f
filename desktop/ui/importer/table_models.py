"""Table models of the import wizard: the file preview with its column mapping, and the
row-by-row report."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.services.core.phones import normalize_phone
from desktop.services.leads.import_report import (
    STORED,
    ImportReport,
    ReportRow,
    RowStatus,
    noteworthy,
)
from desktop.ui.kit.table_model import Column, ColumnTableModel
from desktop.ui.kit.tooltips import wrapped_tooltip

Index = QModelIndex | QPersistentModelIndex

FIELD_LABELS: dict[str, str] = {
    "phone": "Phone number",
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name",
    "email": "Email",
    "tags": "Tags",
    "timezone": "Time zone",
}
RESULT_LABELS: dict[RowStatus, str] = {
    RowStatus.CREATED: "Added",
    RowStatus.UPDATED: "Updated",
    RowStatus.RESTORED: "Restored",
    RowStatus.INVALID_PHONE: "Invalid number",
    RowStatus.DUPLICATE_IN_FILE: "Duplicate",
    RowStatus.MISSING_PHONE: "No number",
    RowStatus.BAD_ROW: "Unreadable row",
}
PROBLEM = QColor("#b3261e")
WARNING = QColor("#8a5a00")


def column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how spreadsheets name columns."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


class MappingPreviewModel(QAbstractTableModel):
    """The first rows of the file; each header says which field the column feeds."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._header: list[str] = []
        self._rows: list[list[str]] = []
        self._columns = 0
        self._fields: dict[int, list[str]] = {}  # column -> fields it feeds
        self._phone_column: int | None = None
        self._region = "US"

    def set_preview(
        self, header: list[str], rows: list[list[str]], columns: int, region: str
    ) -> None:
        self.beginResetModel()
        self._header = list(header)
        self._rows = [list(row) for row in rows]
        self._columns = columns
        self._region = region
        self.endResetModel()

    def set_mapping(self, mapping: dict[str, int], custom: dict[str, int] | None = None) -> None:
        """Which field each column feeds; `custom` names the columns kept as custom fields."""
        self._fields = {}
        for name, column in mapping.items():
            self._fields.setdefault(column, []).append(FIELD_LABELS.get(name, name))
        for name, column in (custom or {}).items():
            self._fields.setdefault(column, []).append("{" + name + "}")
        self._phone_column = mapping.get("phone")
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self._columns - 1)
            if self._rows:
                last = self.index(len(self._rows) - 1, self._columns - 1)
                self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def _cell(self, row: int, column: int) -> str:
        cells = self._rows[row]
        return cells[column] if column < len(cells) else ""

    def _bad_phone(self, row: int, column: int) -> bool:
        if column != self._phone_column:
            return False
        text = self._cell(row, column).strip()
        return not text or normalize_phone(text, self._region) is None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, column)
        bad = self._bad_phone(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and bad:
            return PROBLEM
        if role == Qt.ItemDataRole.ToolTipRole and bad:
            # "Probably" because the importer also accepts numbers missing their "+".
            return wrapped_tooltip(
                "Probably not a valid phone number: this row would likely be skipped."
            )
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if role != Qt.ItemDataRole.DisplayRole or not 0 <= section < self._columns:
            return None
        title = self._header[section] if section < len(self._header) else ""
        name = f"{column_name(section)}: {title}" if title else f"Column {column_name(section)}"
        fields = self._fields.get(section)
        return f"{name}\n→ {', '.join(fields)}" if fields else f"{name}\n(not imported)"


def _result_text(row: ReportRow) -> str:
    label = RESULT_LABELS.get(row.status, str(row.status))
    return f"{label} (see note)" if row.warning else label


def _result_color(row: ReportRow) -> QColor | None:
    if row.status not in STORED:
        return PROBLEM
    return WARNING if row.warning else None


def _line(row: ReportRow) -> str:
    return str(row.line)


def _phone(row: ReportRow) -> str:
    return row.phone


def _message(row: ReportRow) -> str:
    return row.message


# Each cell's tooltip is its whole text: the report's sentences are longer than the column.
REPORT_COLUMNS: tuple[Column[ReportRow], ...] = (
    Column(
        "Line",
        _line,
        tooltip=_line,
        alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    ),
    Column(
        "Result",
        _result_text,
        tooltip=_result_text,
        roles={Qt.ItemDataRole.ForegroundRole: _result_color},
    ),
    Column("Phone", _phone, tooltip=_phone),
    Column("What happened", _message, tooltip=_message),
)


class ImportReportModel(ColumnTableModel[ReportRow]):
    """Report rows: all of them, or only the ones worth a look: problems, and leads the owner
    already had (what the file changed, or what was kept)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(REPORT_COLUMNS, parent)

    @staticmethod
    def needs_attention(row: ReportRow) -> bool:
        return noteworthy(row)

    def set_report(self, report: ImportReport | None, attention_only: bool = True) -> None:
        rows = report.rows if report is not None else []
        self.set_rows([r for r in rows if self.needs_attention(r)] if attention_only else rows)
