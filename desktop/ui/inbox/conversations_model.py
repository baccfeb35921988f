"""The conversations list: one row per lead who wrote, newest first, loaded a page at a time
off the GUI thread as the view scrolls (10 000 conversations open as fast as 10).

The first page comes with the count and the unread total. Live changes (a reply, an answer
going out) re-read the head of the list (`head()`), and `merge_head` puts it in place: rows
that did not move only repaint, so the selection and the scroll position stay; a new or
moved conversation resets the rows, and the page restores both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from desktop.services.core.context import Context
from desktop.services.inbox import conversations
from desktop.services.inbox.conversations import ConversationRow
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.roles import ID_ROLE
from desktop.ui.kit.tooltips import wrapped_tooltip

Index = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200
HEAD_LIMIT = 1000  # a live change re-reads at most this many rows from the top
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 40  # the ConversationRow itself
UNREAD_ROLE = int(Qt.ItemDataRole.UserRole) + 41  # its unread count


@dataclass(frozen=True)
class Head:
    """The top of the list as a live refresh reads it."""

    rows: list[ConversationRow]
    limit: int
    total: int
    unread: int
    search: str = ""


def read_head(ctx: Context, limit: int, search: str = "") -> Head:
    """The first `limit` rows (matching `search`), the number of conversations (all of
    them: an upper bound while searching) and the unread total."""
    total = conversations.count_conversations(ctx)
    rows = conversations.list_conversations(ctx, limit=limit, search=search)
    return Head(rows, limit, total, conversations.unread_total(ctx), search)


def _order(row: ConversationRow) -> tuple[float, int]:
    """The list's order (newest first), as a key that sorts ascending."""
    return (-row.last_at.timestamp(), -row.lead_id)


def accessible_text(row: ConversationRow) -> str:
    unread = f"{row.unread} unread" if row.unread else "read"
    who = "" if row.last_inbound else "You: "
    return f"{row.name}, {row.phone}, {unread}. {who}{row.last_body}"


class ConversationsModel(QAbstractListModel):
    loadingChanged = Signal(bool)
    headLoaded = Signal(object)  # Head: the first page or a live refresh arrived
    loadFailed = Signal(str)

    def __init__(
        self, services: AppServices, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.page_size = page_size
        self._rows: list[ConversationRow] = []
        self._total: int | None = None
        self._search = ""
        self._generation = 0
        self._fetching = False
        self.bold = QFont()
        self.bold.setBold(True)

    # -- Qt's questions ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return wrapped_tooltip(f"{row.name} · {row.phone}\n{row.last_body}")
        if role == Qt.ItemDataRole.FontRole:
            return self.bold if row.unread else None
        if role == ID_ROLE:
            return row.lead_id
        if role == UNREAD_ROLE:
            return row.unread
        if role == ROW_ROLE:
            return row
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # -- reading the rows ----------------------------------------------------------------

    @property
    def total(self) -> int | None:
        return self._total

    @property
    def loading(self) -> bool:
        return self._fetching

    @property
    def rows(self) -> list[ConversationRow]:
        return list(self._rows)

    def row_at(self, row: int) -> ConversationRow:
        return self._rows[row]

    @property
    def search(self) -> str:
        return self._search

    def set_search(self, search: str) -> None:
        if search.strip() != self._search:
            self._search = search.strip()
            self.reload()

    def row_of(self, lead_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.lead_id == lead_id), None)

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        """The first page again, with the count and the unread total."""
        self._generation += 1
        generation, ctx, size = self._generation, self.services.ctx, self.page_size
        search = self._search
        self._set_fetching(True)
        run_for(
            self,
            self.services.tasks,
            lambda: read_head(ctx, size, search),
            lambda head: self._first_page(generation, head),
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
        ctx, size, search = self.services.ctx, self.page_size, self._search
        last = self._rows[-1] if self._rows else None
        after = (last.last_at, last.lead_id) if last is not None else None
        self._set_fetching(True)
        run_for(
            self,
            self.services.tasks,
            lambda: conversations.list_conversations(
                ctx, limit=size, offset=0 if after else offset, search=search, after=after
            ),
            lambda rows: self._page(generation, offset, rows),
            lambda message: self._failed(generation, message),
        )

    def head_limit(self) -> int:
        """How many rows a live refresh reads: the loaded ones, within reason."""
        return max(self.page_size, min(len(self._rows), HEAD_LIMIT))

    def _set_fetching(self, fetching: bool) -> None:
        self._fetching = fetching
        self.loadingChanged.emit(fetching)

    def _first_page(self, generation: int, head: Head) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._rows = list(head.rows)
        full = len(head.rows) == head.limit  # else the list ended within the first page
        self._total = max(head.total, len(self._rows)) if full else len(self._rows)
        self.endResetModel()
        self._set_fetching(False)
        self.headLoaded.emit(head)

    def _page(self, generation: int, offset: int, rows: list[ConversationRow]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return  # for an older list, or rows moved meanwhile: the view asks again
        known = {r.lead_id for r in self._rows}
        fresh = [r for r in rows if r.lead_id not in known]  # a row that moved down meanwhile
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()
        if len(rows) < self.page_size:
            self._total = len(self._rows)  # the end came early (deleted leads are not listed)
        self._set_fetching(False)

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._set_fetching(False)
        self.loadFailed.emit(message)

    # -- live changes --------------------------------------------------------------------

    def merge_head(self, head: Head) -> bool:
        """Put a fresh head of the list in place; True when the rows were reset (a new or
        moved conversation), False when only their contents changed."""
        if head.search != self._search:
            return False  # read for another search: the reload under way replaces it
        rows = list(head.rows)
        if len(rows) == head.limit and rows:
            # Rows loaded below the head keep their place, unless they moved into it.
            last = _order(rows[-1])
            ids = {r.lead_id for r in rows}
            rows += [r for r in self._rows if r.lead_id not in ids and _order(r) > last]
            total = max(head.total, len(rows))
        else:
            total = len(rows)
        self._generation += 1  # a page asked for before this would not fit any more
        self._set_fetching(False)
        if [r.lead_id for r in rows] == [r.lead_id for r in self._rows]:
            for i, row in enumerate(rows):
                if row != self._rows[i]:
                    self._rows[i] = row
                    self.dataChanged.emit(self.index(i), self.index(i))
            self._total = total
            return False
        self.beginResetModel()
        self._rows = rows
        self._total = total
        self.endResetModel()
        return True

    def set_read(self, lead_id: int) -> int:
        """The lead's replies were marked read: its row is no longer bold. Returns how many
        were unread."""
        row = self.row_of(lead_id)
        if row is None or not self._rows[row].unread:
            return 0
        was = self._rows[row].unread
        self._rows[row] = replace(self._rows[row], unread=0)
        self.dataChanged.emit(self.index(row), self.index(row))
        return was
