"""The leads table: loaded a page at a time, off the GUI thread, as the view scrolls.

Qt asks `canFetchMore`/`fetchMore` when the view reaches the last loaded row; the page is
read on the task pool and appended when it arrives, so the table opens at once and stays
smooth at 100 000 leads. Sorting is done by the query (`sort` reloads from the first page
in the new order): Qt sorting only the loaded rows would mix orders as pages arrive. Every
reload bumps a generation number, and a page that arrives for an older search, tag, filter or
order is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from desktop.services.leads import store as leads
from desktop.services.leads.store import LeadRow, LeadShow, LeadSort
from desktop.services.twilio import error_catalog
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.table_model import Column, ColumnTableModel
from desktop.ui.kit.tooltips import wrapped_tooltip

Index = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200
LEAD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
OPTED_OUT = QColor("#b3261e")
ATTENTION = QColor("#8a5a00")
MUTED = QColor("#80868b")
NO_ZONE_TIP = "No time zone given: quiet hours follow the area code of the number"
DEAD_LABEL = "Number unreachable"
ZONE_LABEL = "Needs a time zone"
ZONE_TIP = (
    "This number's area spans time zones whose sending hours never overlap, so its texts "
    "are waiting. Edit the lead (or choose “Set time zone…”) and pick the zone it is in: "
    "the waiting texts then go out at the next allowed hour."
)


def _tip(*paragraphs: str) -> str:
    """Wrapped at ~60 characters, like every long tooltip (kit/tooltips.py)."""
    return wrapped_tooltip(*paragraphs) or ""


def dead_number_tip(lead: LeadRow) -> str:
    code = lead.dead_number_code
    title = error_catalog.explain(code).title if code is not None else ""
    when = f" on {lead.dead_number_at.astimezone():%d %b %Y}" if lead.dead_number_at else ""
    return (
        f"A text to this number failed{when} with error {code} ({title}): the number "
        "cannot receive texts. TextDesk leaves it out of new sequences. If the number works "
        "again, or you corrected it, choose “Mark as reachable again”."
    )


def texts_label(lead: LeadRow) -> str:
    if lead.opted_out:
        return "Opted out"
    if lead.dead_number:
        return DEAD_LABEL
    return ZONE_LABEL if lead.timezone_needed else "Allowed"


def texts_tip(lead: LeadRow) -> str:
    parts = []
    if lead.opted_out:
        parts.append("Opted out: gets no texts (replied STOP or was marked by you).")
    if lead.dead_number:
        parts.append(dead_number_tip(lead))
    if lead.timezone_needed:
        parts.append(ZONE_TIP)
    return _tip(*parts) if parts else "Can receive texts"


def texts_color(lead: LeadRow) -> QColor | None:
    if lead.opted_out or lead.dead_number:
        return OPTED_OUT
    return ATTENTION if lead.timezone_needed else None


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
    _column("Texts", texts_label, tooltip=texts_tip, foreground=texts_color),
)
# What the query sorts by for each column, in order.
SORTS: tuple[LeadSort, ...] = (
    LeadSort.NAME,
    LeadSort.PHONE,
    LeadSort.EMAIL,
    LeadSort.TAGS,
    LeadSort.TIMEZONE,
    LeadSort.TEXTS,
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
        self._show = LeadShow.ALL
        self._sort = LeadSort.ADDED
        self._descending = False
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

    @property
    def show(self) -> LeadShow:
        return self._show

    @property
    def order(self) -> tuple[LeadSort, bool]:
        """What the rows are sorted by, and whether descending."""
        return self._sort, self._descending

    def filters(self) -> dict[str, Any]:
        """The search, tag and flag filter as store.count_leads takes them."""
        return {"search": self._search, "tag": self._tag, "show": self._show}

    def query(self) -> dict[str, Any]:
        """The filters and the order as store.list_leads takes them: the rows on screen are
        `list_leads(ctx, **model.query(), offset=0, limit=model.rowCount())`."""
        return {**self.filters(), "sort": self._sort, "descending": self._descending}

    def set_filter(self, search: str, tag: str | None, show: LeadShow | None = None) -> None:
        self._search = search.strip()
        self._tag = tag or None
        if show is not None:
            self._show = show
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort: read again from the first page in the column's order (a column
        outside the table means the order leads came in)."""
        self._sort = SORTS[column] if 0 <= column < len(SORTS) else LeadSort.ADDED
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def reload(self) -> None:
        """Start again from the first page (after a filter change or an import)."""
        self._generation += 1
        generation = self._generation
        self._total = None
        self.set_rows([])
        ctx, filters, query, size = self.services.ctx, self.filters(), self.query(), self.page_size

        def first_page() -> tuple[int, list[LeadRow]]:
            total = leads.count_leads(ctx, **filters)
            return total, leads.list_leads(ctx, **query, offset=0, limit=size)

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
        ctx, query, size = self.services.ctx, self.query(), self.page_size
        self._set_fetching(True)
        run_for(
            self,
            self.services.tasks,
            lambda: leads.list_leads(ctx, **query, offset=offset, limit=size),
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
        reachable: bool = False,
        timezone: str | None = None,
    ) -> None:
        """Change loaded rows in place after a change made through the services; `reachable`
        clears a dead-number mark, `timezone` sets the zone (and clears the flag)."""
        added, removed = set(add_tags), set(remove_tags)
        for row in self.rows_of(ids):
            lead = self.row_at(row)
            tags = tuple(sorted((set(lead.tags) | added) - removed))
            flag = lead.opted_out if opted_out is None else opted_out
            lead = replace(lead, tags=tags, opted_out=flag)
            if reachable:
                lead = replace(lead, dead_number_code=None, dead_number_at=None)
            if timezone is not None:
                lead = replace(lead, timezone=timezone, timezone_needed=False)
            self.replace_row(row, lead)

    def replace_lead(self, lead: LeadRow) -> None:
        """A lead edited by hand: its row shows the new values where it stands."""
        for row in self.rows_of([lead.id]):
            self.replace_row(row, lead)
