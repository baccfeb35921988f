"""The leads table: loaded a page at a time, off the GUI thread, as the view scrolls.

Qt asks `canFetchMore`/`fetchMore` when the view reaches the last loaded row; the page is
read on the task pool and appended when it arrives, so the table opens at once and stays
smooth at 100 000 leads. Every reload bumps a generation number, and a page that arrives for
an older search or tag is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from desktop.services.leads import store as leads
from desktop.services.leads.store import LeadRow
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.lifetime import run_for

Index = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200
COLUMNS = ("Name", "Phone", "Email", "Tags", "Time zone", "Texts")
NAME, PHONE, EMAIL, TAGS, ZONE, TEXTS = range(len(COLUMNS))
LEAD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
OPTED_OUT = QColor("#b3261e")
MUTED = QColor("#80868b")


class LeadsTableModel(QAbstractTableModel):
    loadingChanged = Signal(bool)
    totalChanged = Signal(int)
    loadFailed = Signal(str)

    def __init__(
        self, services: AppServices, parent: Any = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.page_size = page_size
        self._rows: list[LeadRow] = []
        self._total: int | None = None  # None until the count for this filter arrives
        self._search = ""
        self._tag: str | None = None
        self._generation = 0
        self._fetching = False

    # -- loading -----------------------------------------------------------------------

    @property
    def total(self) -> int | None:
        return self._total

    @property
    def loading(self) -> bool:
        return self._fetching

    @property
    def search(self) -> str:
        return self._search

    @property
    def tag(self) -> str | None:
        return self._tag

    def set_filter(self, search: str, tag: str | None) -> None:
        self._search = search.strip()
        self._tag = tag or None
        self.reload()

    def reload(self) -> None:
        """Start again from the first page (after a filter change or an import)."""
        self._generation += 1
        generation = self._generation
        self.beginResetModel()
        self._rows = []
        self._total = None
        self.endResetModel()
        ctx, search, tag, size = self.services.ctx, self._search, self._tag, self.page_size

        def first_page() -> tuple[int, list[LeadRow]]:
            total = leads.count_leads(ctx, search=search, tag=tag)
            return total, leads.list_leads(ctx, search=search, tag=tag, offset=0, limit=size)

        self._set_fetching(True)
        run_for(
            self,
            self.services.tasks,
            first_page,
            lambda result: self._first_page(generation, result),
            lambda message: self._failed(generation, message),
        )

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._fetching or self._total is None:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        generation, offset = self._generation, len(self._rows)
        ctx, search, tag, size = self.services.ctx, self._search, self._tag, self.page_size
        self._set_fetching(True)
        run_for(
            self,
            self.services.tasks,
            lambda: leads.list_leads(ctx, search=search, tag=tag, offset=offset, limit=size),
            lambda rows: self._page(generation, offset, rows),
            lambda message: self._failed(generation, message),
        )

    def _set_fetching(self, fetching: bool) -> None:
        self._fetching = fetching
        self.loadingChanged.emit(fetching)

    def _first_page(self, generation: int, result: tuple[int, list[LeadRow]]) -> None:
        if generation != self._generation:
            return
        self._total = result[0]
        self._append(result[1])
        self._set_fetching(False)
        self.totalChanged.emit(self._total)

    def _page(self, generation: int, offset: int, rows: list[LeadRow]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return  # for another filter, or rows were removed meanwhile: the view asks again
        self._append(rows)
        if len(rows) < self.page_size and self._total is not None:
            # Leads were deleted elsewhere since the count: the end came early.
            self._total = len(self._rows)
            self.totalChanged.emit(self._total)
        self._set_fetching(False)

    def _append(self, rows: list[LeadRow]) -> None:
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._set_fetching(False)
        self.loadFailed.emit(message)

    # -- local updates after a change made through the services ------------------------------

    def lead_at(self, row: int) -> LeadRow:
        return self._rows[row]

    def rows_of(self, ids: Iterable[int]) -> list[int]:
        wanted = set(ids)
        return [i for i, lead in enumerate(self._rows) if lead.id in wanted]

    def remove_ids(self, ids: Iterable[int]) -> int:
        """Drop deleted leads from the table without reloading (the scroll position stays)."""
        rows = self.rows_of(ids)
        for row in reversed(rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
        if self._total is not None:
            self._total = max(len(self._rows), self._total - len(rows))
            self.totalChanged.emit(self._total)
        return len(rows)

    def update_ids(
        self,
        ids: Iterable[int],
        *,
        opted_out: bool | None = None,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
    ) -> None:
        added, removed = set(add_tags), set(remove_tags)
        for row in self.rows_of(ids):
            lead = self._rows[row]
            tags = tuple(sorted((set(lead.tags) | added) - removed))
            flag = lead.opted_out if opted_out is None else opted_out
            self._rows[row] = replace(lead, tags=tags, opted_out=flag)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- the model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        lead = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(lead, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TEXTS:
                return (
                    "Opted out: gets no texts (replied STOP or was marked by you)"
                    if lead.opted_out
                    else "Can receive texts"
                )
            if column == ZONE and not lead.timezone:
                return "No time zone given: quiet hours follow the area code of the number"
            return self._display(lead, column) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == ZONE and not lead.timezone:
                return MUTED
            if column == TEXTS and lead.opted_out:
                return OPTED_OUT
            if column == NAME and not lead.full_name:
                return MUTED
            return None
        if role == LEAD_ID_ROLE:
            return lead.id
        return None

    @staticmethod
    def _display(lead: LeadRow, column: int) -> str:
        if column == NAME:
            return lead.full_name or "(no name)"
        if column == PHONE:
            return lead.phone
        if column == EMAIL:
            return lead.email
        if column == TAGS:
            return ", ".join(lead.tags)
        if column == ZONE:
            return lead.timezone or "from the number"
        return "Opted out" if lead.opted_out else "Allowed"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)
