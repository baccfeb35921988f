"""A read-only table model driven by column specs: rows of one type, one `Column` per column.

A screen's model says what each column shows (`Column`), and which roles hold for a whole row
whatever the column (`row_roles`: the row's id, a tint, an error's explanation); this base
answers Qt's questions (rowCount, columnCount, headerData, data, flags) from those specs and
signals every change of its rows, so each model is its columns and its own updates, no more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.ui.kit.roles import SORT_ROLE

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")

DISPLAY_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
READ_ONLY = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: its header and how each role of a cell is read from the row."""

    header: str
    display: Callable[[Row], str]
    tooltip: Callable[[Row], str | None] | None = None
    sort_key: Callable[[Row], Any] | None = None  # SORT_ROLE; the display text when None
    alignment: Qt.AlignmentFlag | None = None
    roles: Mapping[int, Callable[[Row], Any]] = field(default_factory=dict)  # LINK_ROLE, ...
    header_tooltip: str | None = None
    # Header roles beyond the text and its tooltip; callables, as an icon needs a running app.
    header_roles: Mapping[int, Callable[[], Any]] = field(default_factory=dict)

    def cell(self, row: Row, role: int) -> Any:
        if role in DISPLAY_ROLES:
            return self.display(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row) if self.tooltip is not None else None
        if role == SORT_ROLE:
            return self.sort_key(row) if self.sort_key is not None else self.display(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and self.alignment is not None:
            return int(self.alignment)
        getter = self.roles.get(role)
        return getter(row) if getter is not None else None

    def painted(self, row: Row) -> tuple[Any, ...]:
        """What a view draws of this cell (its text and the roles its delegate reads), to
        tell whether a changed row needs this cell repainted. Tooltips are read on hover."""
        return (self.display(row), *(getter(row) for getter in self.roles.values()))

    def header_data(self, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tooltip
        getter = self.header_roles.get(role)
        return getter() if getter is not None else None


class ColumnTableModel(QAbstractTableModel, Generic[Row]):
    """Rows shown through column specs; read-only, selectable cells.

    `row_roles` answer for every column of a row and come first; a getter returning None
    lets the column answer instead (so an error row's tooltip can win over the column's)."""

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        parent: QObject | None = None,
        *,
        row_roles: Mapping[int, Callable[[Row], Any]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns: tuple[Column[Row], ...] = tuple(columns)
        self._row_roles: Mapping[int, Callable[[Row], Any]] = row_roles or {}
        self._rows: list[Row] = []

    # -- reading -----------------------------------------------------------------------

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        row = self._rows[index.row()]
        getter = self._row_roles.get(role)
        if getter is not None:
            value = getter(row)
            if value is not None:
                return value
        return self.columns[index.column()].cell(row, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        return self.columns[section].header_data(role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return READ_ONLY if index.isValid() else Qt.ItemFlag.NoItemFlags

    # -- changing the rows ---------------------------------------------------------------

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row (a reset: views drop their selection)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def append_rows(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def replace_row(self, row: int, value: Row) -> None:
        """Change one row in place: selection, sorting and scrolling survive. Only the cells
        that look different are announced: a view repaints a single changed cell alone but
        the whole viewport for a range, and a sequence's counts move twice a second while it
        sends (the table's repaint was the window's most frequent work)."""
        old, self._rows[row] = self._rows[row], value
        last = len(self.columns) - 1
        if any(
            getter(old) != getter(value)
            for role, getter in self._row_roles.items()
            if role != Qt.ItemDataRole.ToolTipRole
        ):
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
            return
        for column, spec in enumerate(self.columns):
            if spec.painted(old) != spec.painted(value):
                index = self.index(row, column)
                self.dataChanged.emit(index, index)

    def remove_rows(self, rows: Iterable[int]) -> None:
        """Remove these rows one by one, last first, so the others keep their numbers."""
        for row in sorted(set(rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
