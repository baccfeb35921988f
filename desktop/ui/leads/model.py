"""The leads table: loaded a page at a time, off the GUI thread, as the view scrolls.

Qt asks `canFetchMore`/`fetchMore` when the view reaches the last loaded row; the page is
read on the task pool and appended when it arrives, so the table opens at once and stays
smooth at 100 000 leads. Every reload bumps a generation number, and a page that arrives for
an older search or tag is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from desktop.services.leads import store as leads
from desktop.services.leads.store import LeadRow
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.table_model import Column, ColumnTableModel

Index = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200
LEAD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
OPTED_OUT = QColor("#b3261e")
MUTED = QColor("#80868b")
NO_ZONE_TIP = "No time zone given: quiet hours follow the area code of the number"


def _column(
    header: str,
    display: Callable[[LeadRow], str],
    *,
    tooltip: Callable[[LeadRow], str | None] | None = None,
    foreground: Callable[[LeadRow], QColor | None] | None = None,
) -> Column[LeadRow]:
    """A leads column; its tooltip is its text unless told otherwise (long cells are cut)."""
    return Column(
        header,
        display,
        tooltip=tooltip or (lambda lead: display(lead) or None),
        roles={Qt.ItemDataRole.ForegroundRole: foreground} if foreground else {},
    )


COLUMNS: tuple[Column[LeadRow], ...] = (
    _column(
        "Name",
        lambda lead: lead.full_name or "(no name)",
        foreground=lambda lead: None if lead.full_name else MUTED,
    ),
    _column("Phone", lambda lead: lead.phone),
    _column("Email", lambda lead: lead.email),
    _column("Tags", lambda lead: ", ".join(lead.tags)),
    _column(
        "Time zone",
        lambda lead: lead.timezone or "from the number",
        tooltip=lambda lead: lead.timezone or NO_ZONE_TIP,
        foreground=lambda lead: None if lead.timezone else MUTED,
    ),
    _column(
        "Texts",
        lambda lead: "Opted out" if lead.opted_out else "Allowed",
        tooltip=lambda lead: (
            "Opted out: gets no texts (replied STOP or was marked by you)"
            if lead.opted_out
            else "Can receive texts"
        ),
        foreground=lambda lead: OPTED_OUT if lead.opted_out else None,
    ),
)


class LeadsTableModel(ColumnTableModel[LeadRow]):
    loadingChanged = Signal(bool)
    totalChanged = Signal(int)
    loadFailed = Signal(str)

    def __init__(
        self, services: AppServices, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(COLUMNS, parent, row_roles={LEAD_ID_ROLE: lambda lead: lead.id})
        self.services = services
        self.page_size = page_size
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
        self._total = None
        self.set_rows([])
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
        return self.rowCount() < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        generation, offset = self._generation, self.rowCount()
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
        self.append_rows(result[1])
        self._set_fetching(False)
        self.totalChanged.emit(self._total)

    def _page(self, generation: int, offset: int, rows: list[LeadRow]) -> None:
        if generation != self._generation or offset != self.rowCount():
            return  # for another filter, or rows were removed meanwhile: the view asks again
        self.append_rows(rows)
        if len(rows) < self.page_size and self._total is not None:
            # Leads were deleted elsewhere since the count: the end came early.
            self._total = self.rowCount()
            self.totalChanged.emit(self._total)
        self._set_fetching(False)

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._set_fetching(False)
        self.loadFailed.emit(message)

    # -- local updates after a change made through the services ------------------------------

    def lead_at(self, row: int) -> LeadRow:
        return self.row_at(row)

    def rows_of(self, ids: Iterable[int]) -> list[int]:
        wanted = set(ids)
        return [i for i, lead in enumerate(self.rows) if lead.id in wanted]

    def remove_ids(self, ids: Iterable[int]) -> int:
        """Drop deleted leads from the table without reloading (the scroll position stays)."""
        rows = self.rows_of(ids)
        self.remove_rows(rows)
        if self._total is not None:
            self._total = max(self.rowCount(), self._total - len(rows))
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
            lead = self.row_at(row)
            tags = tuple(sorted((set(lead.tags) | added) - removed))
            flag = lead.opted_out if opted_out is None else opted_out
            self.replace_row(row, replace(lead, tags=tags, opted_out=flag))
