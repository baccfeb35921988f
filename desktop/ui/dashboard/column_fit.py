"""Column widths of the sequences table, from the fonts and the rows shown, so the table fits
a 1024-pixel window without a horizontal scrollbar.

Every column but the name gets what its content needs: a count column its header's longest
word (headers wrap onto two lines) or six digits; the status column the widest badge among
the statuses listed; times a date and a time. The name takes what is left. When that would
leave the name fewer than NAME_MIN_WIDTH pixels, the Created column steps aside (its moment
stays in the name's tooltip) and comes back once the window is wide enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTableView

from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.ui.dashboard.sequences_model import (
    ACTIVITY,
    COLUMN_KEYS,
    CREATED,
    PROGRESS,
    STATUS,
    SequenceColumn,
    SequencesModel,
    column_of,
)

NAME_MIN_WIDTH = 160
HEADER_PADDING = 14  # the header style's 6 px each side, and a little air
CELL_PADDING = 14
BADGE_EXTRA = 18 + 6 + 6  # the pill's own padding, its offset in the cell, and air
ICON_WIDTH = 20  # the info icon in the Outbox header


def header_font(table: QTableView) -> QFont:
    font = QFont(table.horizontalHeader().font())
    font.setBold(True)  # the dashboard's style sheet draws headers in bold
    return font


def badge_width(label: str, table_font: QFont) -> int:
    """The width of a status badge as the badge delegate draws it."""
    font = QFont(table_font)
    font.setPointSizeF(max(font.pointSizeF() - 0.5, 7.0))
    font.setBold(True)
    return QFontMetrics(font).horizontalAdvance(label) + BADGE_EXTRA


def content_widths(
    table: QTableView, columns: Sequence[SequenceColumn], statuses: Iterable[SequenceStatus]
) -> dict[str, int]:
    """What every column but the name needs, by column key."""
    cells = QFontMetrics(table.font())
    headers = QFontMetrics(header_font(table))
    widths: dict[str, int] = {}
    digits = cells.horizontalAdvance("88,888") + CELL_PADDING
    for key, column in zip(COLUMN_KEYS, columns, strict=True):
        words = max(headers.horizontalAdvance(word) for word in column.header.split())
        widths[key] = words + HEADER_PADDING
        if column.is_count:
            widths[key] = max(widths[key], digits)
    widths[Bucket.OUTBOX.value] += ICON_WIDTH
    listed = set(statuses) or {SequenceStatus.IN_PROGRESS}
    widths[STATUS] = max(widths[STATUS], *(badge_width(s.label, table.font()) for s in listed))
    # "30 of 30 done"; larger counts fall back to "300/300" (ProgressCountDelegate).
    widths[PROGRESS] = max(widths[PROGRESS], cells.horizontalAdvance("88 of 88 done") + 18)
    moment = cells.horizontalAdvance("Nov 28, 09:00") + CELL_PADDING
    widths[ACTIVITY] = max(widths[ACTIVITY], moment)
    widths[CREATED] = max(widths[CREATED], moment)
    del widths["name"]
    return widths


class ColumnFitter(QObject):
    """Keeps the sequences table's columns fitted: after new rows, and as it is resized."""

    def __init__(self, table: QTableView, model: SequencesModel) -> None:
        super().__init__(table)
        self.table = table
        self.model = model
        self.widths: dict[str, int] = {}
        self._measured: tuple[object, ...] | None = None  # what the widths were measured for
        table.viewport().installEventFilter(self)

    def fit(self) -> None:
        statuses = frozenset(summary.status for summary in self.model.summaries)
        header = self.table.horizontalHeader()
        # Measured again only when a status or a font changed: counts move twice a second
        # while a sequence sends, and measuring is a few dozen text layouts each time.
        measured = (statuses, self.table.font().key(), header.font().key())
        if measured != self._measured:
            self._measured = measured
            widths = content_widths(self.table, self.model.column_specs, statuses)
            if widths != self.widths:
                self.widths = widths
                for key, width in widths.items():
                    header.resizeSection(column_of(key), width)
        room = self.table.viewport().width() - sum(self.widths.values())
        self.table.setColumnHidden(column_of(CREATED), room < NAME_MIN_WIDTH)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False
