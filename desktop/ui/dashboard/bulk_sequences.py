"""The Bulk Sequences widget: every sequence with its status, progress and bucket counts.

A non-zero count is a link: clicking it (or pressing Enter on it) opens the lead list for
that sequence and bucket. Counts follow the engine live: its change notices trigger a
coalesced refresh of the changed rows on the task runner, never a query on the GUI thread.

The selected sequence's actions sit in a small toolbar above the table (and in its context
menu). The table is one Tab stop (arrows move inside it) and its columns fit 1024 pixels:
headers wrap onto two lines and the name takes what is left.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QSize, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedLayout,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.services.sequences import lifecycle as sequences
from desktop.services.sequences.lifecycle import SequenceSummary
from desktop.services.status.vocabulary import Bucket
from desktop.ui.dashboard.column_fit import ColumnFitter
from desktop.ui.dashboard.lead_list_dialog import LeadListDialog
from desktop.ui.dashboard.progress_cell import ProgressCountDelegate
from desktop.ui.dashboard.sequence_actions import SequenceActions
from desktop.ui.dashboard.sequences_model import SequencesModel, column_of
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.delegates import LinkCursor, LinkDelegate, StatusBadgeDelegate
from desktop.ui.kit.enter_opens_row import EnterOpensRow
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.refresh import Refresher
from desktop.ui.kit.roles import LINK_ROLE, SORT_ROLE

ROW_HEIGHT = 32
VISIBLE_ROWS = 6  # rows always shown, also at the smallest window (1024x700)
ROWS_WANTED = 12  # rows the table asks room for before it scrolls itself (the dock scrolls)
FULL_REFRESH_MS = 15_000  # catches what no engine notice reports (leads deleted elsewhere)
EMPTY_TEXT = (
    "No sequences yet.\n\nClick “New sequence” (Ctrl+N) to write one: pick your leads, "
    "write the text, and TextDesk sends it and tracks every message."
)


class BulkSequencesWidget(QWidget):
    newSequenceRequested = Signal()
    duplicateRequested = Signal(int)  # a sequence id: open the composer filled from it
    leadListOpened = Signal(object)  # the LeadListDialog, once shown
    refreshed = Signal()

    def __init__(
        self,
        services: AppServices,
        parent: QWidget | None = None,
        *,
        notifier: Notifier | None = None,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bulkSequencesWidget")
        self.services = services
        self.notifier = notifier or Notifier(self)
        self.prompts = prompts or Prompts()
        self._dialogs: dict[tuple[int, str], LeadListDialog] = {}
        self._loaded = False
        self._select_after_load: int | None = None

        self.model = SequencesModel(self, clock=services.ctx.now)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = self._build_table()
        self.columns = ColumnFitter(self.table, self.model)
        self.columns.fit()
        self.empty = QLabel("Loading sequences…")
        self.empty.setProperty("role", "emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.new_button = QPushButton("&New sequence…")
        self.new_button.setProperty("role", "primary")
        self.new_button.clicked.connect(self.newSequenceRequested)
        empty_page = QWidget()
        empty_layout = QVBoxLayout(empty_page)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        empty_layout.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(1)
        self.stack = QStackedLayout()
        self.stack.addWidget(empty_page)
        self.stack.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.stack)

        self.sequence_actions = SequenceActions(
            services, self.current_summary, self, notifier=self.notifier, prompts=self.prompts
        )
        self.sequence_actions.changed.connect(self.refresh_ids)
        self.sequence_actions.removed.connect(lambda _id: self.refresh())
        self.sequence_actions.duplicateRequested.connect(self.duplicateRequested)
        self.addActions(self.sequence_actions.actions)  # shortcuts while focus is in here
        self.toolbar = self._build_toolbar()
        layout.insertWidget(0, self.toolbar)
        self.table.selectionModel().currentChanged.connect(
            lambda *_: self.sequence_actions.update_enabled()
        )

        self.refresher = Refresher(
            services.tasks,
            self._fetch,
            self._apply,
            on_error=self.notifier.show_error,
            delay_ms=150,
            parent=self,
        )
        services.bridge.sequencesChanged.connect(self.refresh_ids)
        self._full_timer = QTimer(self)
        self._full_timer.setInterval(FULL_REFRESH_MS)
        self._full_timer.timeout.connect(self.refresh)
        self._full_timer.start()
        self.refresh()

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("bulkSequencesTable")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(column_of("created"), Qt.SortOrder.DescendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        # One Tab stop: Tab leaves the table, the arrows move inside it.
        table.setTabKeyNavigation(False)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._show_menu)
        table.clicked.connect(self._on_clicked)
        self._badges = StatusBadgeDelegate(table)
        self._progress = ProgressCountDelegate(table)
        self._links = LinkDelegate(table)
        table.setItemDelegateForColumn(column_of("status"), self._badges)
        table.setItemDelegateForColumn(column_of("progress"), self._progress)
        for i, column in enumerate(self.model.column_specs):
            if column.is_count:
                table.setItemDelegateForColumn(i, self._links)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
        )
        self._size_columns(table)
        # The dashboard's heart: room for VISIBLE_ROWS sequences before the table scrolls.
        table.setMinimumHeight(ROW_HEIGHT * VISIBLE_ROWS + header.height() + 4)
        LinkCursor(table)
        EnterOpensRow(table, self._open_from, opens=lambda index: bool(index.data(LINK_ROLE)))
        return table

    def _size_columns(self, table: QTableView) -> None:
        header = table.horizontalHeader()
        # Two lines of header text: "Delivery unknown" and "Starts / Last activity" wrap.
        header.setFixedHeight(2 * header.fontMetrics().height() + 12)
        header.setMinimumSectionSize(header.fontMetrics().averageCharWidth() * 4)
        header.setSectionResizeMode(column_of("name"), QHeaderView.ResizeMode.Stretch)

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar("Sequence actions", self)
        toolbar.setObjectName("sequenceToolBar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        actions = self.sequence_actions
        toolbar.addActions([actions.pause_action, actions.resume_action, actions.cancel_action])
        toolbar.addSeparator()
        toolbar.addActions([actions.export_action, actions.resend_action])
        toolbar.addSeparator()
        toolbar.addAction(actions.duplicate_action)
        failed_separator = toolbar.addSeparator()
        toolbar.addActions([actions.delete_action, actions.retry_action])
        # Delete and Retry show only for a sequence whose preparation failed; so does the
        # separator before them, or it would dangle at the end.
        actions.delete_action.changed.connect(
            lambda: failed_separator.setVisible(actions.delete_action.isVisible())
        )
        failed_separator.setVisible(actions.delete_action.isVisible())
        toolbar.hide()  # until there is a sequence to act on
        return toolbar

    def sizeHint(self) -> QSize:
        """Room for every sequence up to ROWS_WANTED: the dashboard gives the table the
        space, and charts and feeds below take what is left (or scroll into view). The
        toolbar's room counts while it is hidden too: the first sequence showing it does
        not move every card below (a relayout and a repaint of the whole dashboard)."""
        hint = super().sizeHint()
        rows = min(max(self.model.rowCount(), VISIBLE_ROWS), ROWS_WANTED)
        table = self.table.horizontalHeader().height() + rows * ROW_HEIGHT + 4
        toolbar = self.toolbar.sizeHint().height()
        return QSize(hint.width(), max(hint.height(), table + toolbar + 8))

    # -- data --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload every sequence (F5, a new sequence, the periodic check)."""
        self.refresher.request(None)

    def refresh_ids(self, ids: list[int]) -> None:
        self.refresher.request(ids)

    def _fetch(self, ids: frozenset[int] | None) -> tuple[bool, list[SequenceSummary]]:
        ctx = self.services.ctx
        if ids is None:
            return True, sequences.list_sequences(ctx)
        return False, sequences.list_sequences(ctx, sorted(ids))

    def _apply(self, result: tuple[bool, list[SequenceSummary]]) -> None:
        full, summaries = result
        if full:
            self.model.set_summaries(summaries)
        else:
            self.model.update_summaries(summaries)
        self._loaded = True
        if self.model.rowCount() == 0:
            self.empty.setText(EMPTY_TEXT)
            self.stack.setCurrentIndex(0)
        else:
            self.stack.setCurrentIndex(1)
        self.toolbar.setVisible(self.model.rowCount() > 0)  # nothing to act on yet
        self.columns.fit()  # a status with a wider badge may have come
        self.updateGeometry()  # more rows ask for more room
        if self._select_after_load is not None and self.select_sequence(self._select_after_load):
            self._select_after_load = None
        self.sequence_actions.update_enabled()
        self.refreshed.emit()

    def stop(self) -> None:
        self.refresher.stop()
        self._full_timer.stop()
        for dialog in list(self._dialogs.values()):
            dialog.close()

    # -- selection and clicks ------------------------------------------------------------

    def current_summary(self) -> SequenceSummary | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.summary(self.proxy.mapToSource(index).row())

    def show_new_sequence(self, sequence_id: int) -> None:
        """Reload and select `sequence_id` once it is listed (a sequence just created)."""
        self._select_after_load = sequence_id
        self.refresh()

    def select_sequence(self, sequence_id: int) -> bool:
        row = self.model.row_of(sequence_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.selectRow(index.row())
        return True

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.data(LINK_ROLE):
            self._open_from(index)

    def _open_from(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        summary = self.model.summary(source.row())
        column = self.model.column_specs[source.column()]
        self.open_lead_list(summary, column.bucket)

    def open_lead_list(self, summary: SequenceSummary, bucket: Bucket | None) -> LeadListDialog:
        """The list of messages in `bucket`, or of deleted leads when `bucket` is None."""
        key = (summary.id, bucket.value if bucket else "deleted_leads")
        dialog = self._dialogs.get(key)
        if dialog is None:
            dialog = LeadListDialog(
                self.services,
                summary.id,
                summary.name,
                bucket,
                parent=self.window(),
                notifier=self.notifier,
                prompts=self.prompts,
            )
            dialog.finished.connect(lambda _result, k=key: self._dialogs.pop(k, None))
            self._dialogs[key] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.leadListOpened.emit(dialog)
        return dialog

    def _show_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.setCurrentIndex(index)
        if self.current_summary() is None:
            return
        self.sequence_actions.update_enabled()
        menu = QMenu(self)
        for i, action in enumerate(self.sequence_actions.actions):
            if i in (3, 4, 5, 7):
                menu.addSeparator()
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
