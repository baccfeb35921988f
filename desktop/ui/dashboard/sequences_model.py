"""The Bulk Sequences table model: one row per sequence, one column per bucket.

Rows are `SequenceSummary` values fetched off the GUI thread; the model only arranges them.
Live updates change rows in place (dataChanged), so sorting, selection and scrolling survive
an engine that reports changes every second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.services.sequences.lifecycle import SequenceSummary
from desktop.services.status.vocabulary import BUCKET_ORDER, OUTBOX_INFO, Bucket, SequenceStatus
from desktop.ui.kit.formatting import format_count, format_full_time, format_time, plural
from desktop.ui.kit.roles import (
    BUCKET_ROLE,
    ID_ROLE,
    LINK_ROLE,
    PROGRESS_ROLE,
    SORT_ROLE,
    STATUS_ROLE,
)
from desktop.ui.kit.theme import info_icon

Index = QModelIndex | QPersistentModelIndex
DELETED_LEADS = "deleted_leads"
DELETED_LEADS_LABEL = "Deleted leads"
DELETED_LEADS_MEANING = (
    "Leads that were part of this sequence when it was created and have been deleted since."
)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    bucket: Bucket | None = None

    @property
    def is_count(self) -> bool:
        return self.bucket is not None or self.key == DELETED_LEADS


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name"),
    Column("status", "Status"),
    Column("progress", "Progress"),
    *(Column(bucket.value, bucket.label, bucket) for bucket in BUCKET_ORDER),
    Column(DELETED_LEADS, DELETED_LEADS_LABEL),
    Column("created", "Created"),
)
COLUMN_INDEX = {column.key: i for i, column in enumerate(COLUMNS)}
STATUS_ORDER = {status: i for i, status in enumerate(SequenceStatus)}


def column_of(key: str | Bucket) -> int:
    return COLUMN_INDEX[key.value if isinstance(key, Bucket) else key]


def count_of(summary: SequenceSummary, column: Column) -> int:
    if column.bucket is not None:
        return summary.counts[column.bucket]
    return summary.counts.deleted_leads


class SequencesModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SequenceSummary] = []
        self._row_of: dict[int, int] = {}

    # -- reading ---------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def summary(self, row: int) -> SequenceSummary:
        return self._rows[row]

    def row_of(self, sequence_id: int) -> int | None:
        return self._row_of.get(sequence_id)

    @property
    def summaries(self) -> list[SequenceSummary]:
        return list(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == ID_ROLE:
            return summary.id
        if role == STATUS_ROLE:
            return summary.status
        if column.is_count:
            return self._count_data(summary, column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(summary, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(summary, column)
        if role == SORT_ROLE:
            return self._sort_key(summary, column)
        if role == PROGRESS_ROLE and column.key == "progress":
            return summary.progress
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(summary, column)
        return None

    def _display(self, summary: SequenceSummary, column: Column) -> str:
        if column.key == "name":
            return summary.name
        if column.key == "status":
            return summary.status.label
        if column.key == "progress":
            return f"{summary.progress:.0%}"
        return format_time(summary.created_at)

    def _tooltip(self, summary: SequenceSummary, column: Column) -> str:
        if column.key == "status":
            return f"{summary.status.label}: {summary.status.meaning}"
        if column.key == "progress":
            left = summary.total - summary.counts[Bucket.IN_QUEUE]
            return f"{left:,} of {plural(summary.total, 'message')} have left In-queue."
        if column.key == "name":
            sender = summary.sender or "the default sender"
            return (
                f"{summary.name}\n{plural(summary.steps, 'step')} from {sender}, "
                f"{plural(summary.total, 'message')}.\nStarts {format_full_time(summary.start_at)}."
            )
        return format_full_time(summary.created_at)

    def _sort_key(self, summary: SequenceSummary, column: Column) -> Any:
        if column.key == "name":
            return summary.name.casefold()
        if column.key == "status":
            return STATUS_ORDER[summary.status]
        if column.key == "progress":
            return summary.progress
        return summary.created_at.timestamp()

    def _count_data(self, summary: SequenceSummary, column: Column, role: int) -> Any:
        count = count_of(summary, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return format_count(count)
        if role == SORT_ROLE:
            return count
        if role == LINK_ROLE:
            return count > 0
        if role == BUCKET_ROLE:
            return column.bucket
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            meaning = column.bucket.meaning if column.bucket else DELETED_LEADS_MEANING
            what = "lead" if column.bucket is None else "message"
            hint = "\nClick to see who." if count else ""
            return f"{plural(count, what)} — {column.title}: {meaning}{hint}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.bucket == Bucket.OUTBOX:
                return OUTBOX_INFO
            if column.bucket is not None:
                return column.bucket.meaning
            if column.key == DELETED_LEADS:
                return DELETED_LEADS_MEANING
            if column.key == "status":
                return "Where the sequence stands. Hover a status to see what it means."
            if column.key == "progress":
                return "Share of the sequence's messages that have left In-queue."
            return None
        if role == Qt.ItemDataRole.DecorationRole and column.bucket == Bucket.OUTBOX:
            return info_icon()
        if role == Qt.ItemDataRole.TextAlignmentRole and column.is_count:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- updating --------------------------------------------------------------------

    def set_summaries(self, summaries: Iterable[SequenceSummary]) -> None:
        """Replace every row: rows gone are removed, new ones inserted, the rest updated."""
        fresh = list(summaries)
        keep = {s.id for s in fresh}
        for row in sorted((r for i, r in self._row_of.items() if i not in keep), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self._reindex()
        self.update_summaries(fresh)

    def update_summaries(self, summaries: Iterable[SequenceSummary]) -> None:
        """Update the rows of these sequences in place; unknown ones are appended."""
        new: list[SequenceSummary] = []
        for summary in summaries:
            row = self._row_of.get(summary.id)
            if row is None:
                new.append(summary)
            elif self._rows[row] != summary:
                self._rows[row] = summary
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            self._reindex()
            self.endInsertRows()

    def _reindex(self) -> None:
        self._row_of = {summary.id: row for row, summary in enumerate(self._rows)}

    def in_queue_total(self) -> int:
        return sum(s.counts[Bucket.IN_QUEUE] for s in self._rows)
