"""A small dashboard list fed by a background query: the base of Recent errors and Replies.

Clicking a row opens the lead's history. The list reloads after the change that concerns it
(`follows`: a failure, a reply; at most one query every `delay_ms`), never merely because a
sequence handed off texts, and on a slow timer that keeps its "when" column true.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.dashboard.feed_models import FeedModel
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.enter_opens_row import EnterOpensRow
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.refresh import Refresher
from desktop.ui.kit.roles import ID_ROLE
from desktop.ui.leads.history_dialog import show_lead_history

# The slow timer: the Time column changes only when the day turns, and what no signal names
# (a lead renamed elsewhere) may wait a minute. At 10 s both feeds read at the same moments,
# a burst of three background reads with the overview's every 30 s, while sending too.
PERIODIC_MS = 60_000


class FeedWidget(QWidget):
    refreshed = Signal()

    def __init__(
        self,
        services: AppServices,
        model: FeedModel[Any],
        fetch: Callable[[], list[Any]],
        follows: SignalInstance,
        *,
        table_name: str,
        empty_text: str,
        stretch_column: int,
        widths: dict[int, int],
        notifier: Notifier | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.notifier = notifier or Notifier(self)
        self.model = model
        model.setParent(self)
        self.table = QTableView()
        self.table.setObjectName(table_name)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # one Tab stop, arrows inside, as every table
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setMinimumHeight(100)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self._open)
        EnterOpensRow(self.table, self._open)
        self.empty = QLabel("Loading…")
        self.empty.setProperty("role", "emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty_text = empty_text
        self.stack = QStackedLayout()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.stack)

        self.refresher = Refresher(
            services.tasks,
            lambda _ids: fetch(),
            self._apply,
            on_error=self.notifier.show_error,
            delay_ms=500,
            parent=self,
        )
        self.refresher.follow(follows, PERIODIC_MS)

    def sizeHint(self) -> QSize:
        """The table's, also while the empty text shows: the first row to arrive moves no
        card (a relayout and a repaint of the whole dashboard)."""
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), self.table.sizeHint().height()))

    def hasHeightForWidth(self) -> bool:
        return False  # the empty text's wrapping would size the card until the first row

    def refresh(self) -> None:
        self.refresher.request()

    def stop(self) -> None:
        self.refresher.stop()

    def _apply(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.stack.setCurrentIndex(1)
        else:
            self.empty.setText(self._empty_text)
            self.stack.setCurrentIndex(0)
        self.refreshed.emit()

    def _open(self, index: QModelIndex) -> None:
        lead_id = index.data(ID_ROLE)
        if lead_id is not None:
            show_lead_history(self.services, int(lead_id), self.window(), notifier=self.notifier)
