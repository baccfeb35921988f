"""The lead list dialog: who is in one bucket of one sequence, and why.

Opened by clicking a count in the Bulk Sequences table. A filter box narrows the list, the
list exports to CSV as shown, and clicking a lead's name opens that lead's history. The list
follows the engine: when its sequence changes, it reloads (coalesced, off the GUI thread).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.reports import history
from desktop.services.reports.history import BucketRow
from desktop.services.reports.list_export import export_bucket_rows
from desktop.services.status.vocabulary import Bucket
from desktop.ui.dashboard.lead_list_model import LEAD, STATUS, TIME, LeadListModel
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.delegates import LinkCursor, LinkDelegate, StatusBadgeDelegate
from desktop.ui.kit.enter_opens_row import EnterOpensRow
from desktop.ui.kit.formatting import plural
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.refresh import Refresher
from desktop.ui.kit.roles import ID_ROLE, LINK_ROLE, SORT_ROLE
from desktop.ui.leads.history_dialog import LeadHistoryDialog, show_lead_history

Index = QModelIndex | QPersistentModelIndex
DELETED_MEANING = "Messages of this sequence to leads that have been deleted since it was created."


class LeadListFilter(QSortFilterProxyModel):
    """Matches the filter text anywhere in the name, phone, status or error."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""

    def set_needle(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+; invalidateRowsFilter is deprecated
            self.beginFilterChange()
            self._needle = text.strip().casefold()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._needle = text.strip().casefold()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        assert isinstance(model, LeadListModel)
        return self._needle in model.filter_text(source_row)


class LeadListDialog(QDialog):
    loaded = Signal()
    historyOpened = Signal(object)  # the LeadHistoryDialog

    def __init__(
        self,
        services: AppServices,
        sequence_id: int,
        sequence_name: str,
        bucket: Bucket | None,
        parent: QWidget | None = None,
        *,
        notifier: Notifier | None = None,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("leadListDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.services = services
        self.sequence_id = sequence_id
        self.sequence_name = sequence_name
        self.bucket = bucket
        self.notifier = notifier or Notifier(self)
        self.prompts = prompts or Prompts()
        label = bucket.label if bucket else "Deleted leads"
        self.setWindowTitle(f"{label} — {sequence_name}")
        self.resize(1000, 580)

        title = QLabel(f"{label} · {sequence_name}")
        title.setProperty("role", "dialogTitle")
        subtitle = QLabel(bucket.meaning if bucket else DELETED_MEANING)
        subtitle.setProperty("role", "dialogSubtitle")
        subtitle.setWordWrap(True)

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("leadListFilter")
        self.filter_edit.setPlaceholderText("Filter by name, phone, status or error")
        self.filter_edit.setClearButtonEnabled(True)
        filter_label = QLabel("&Filter:")
        filter_label.setBuddy(self.filter_edit)
        self.count_label = QLabel("Loading…")
        self.count_label.setProperty("role", "dialogSubtitle")
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        tools = QHBoxLayout()
        tools.addWidget(filter_label)
        tools.addWidget(self.filter_edit, 1)
        tools.addWidget(self.count_label)
        tools.addWidget(self.export_button)

        self.model = LeadListModel(self, clock=services.ctx.now)
        self.proxy = LeadListFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.filter_edit.textChanged.connect(self._filter)
        self.table = self._build_table()
        self.empty = QLabel("Loading…")
        self.empty.setProperty("role", "emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)

        hint = QLabel(
            "Click a lead's name to see every message and reply. "
            "Hover an error to see why it failed and what to do."
        )
        hint.setProperty("role", "dialogSubtitle")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addLayout(tools)
        layout.addLayout(self.stack, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Find, self, self.filter_edit.setFocus)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self.setTabOrder(self.filter_edit, self.table)

        self.refresher = Refresher(
            services.tasks, self._fetch, self._apply, on_error=self._failed, parent=self
        )
        services.bridge.sequencesChanged.connect(self._on_sequences_changed)
        self.refresh()

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("leadListTable")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(TIME, Qt.SortOrder.DescendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(32)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in ((LEAD, 180), (1, 125), (2, 50), (STATUS, 165), (TIME, 110)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self._links = LinkDelegate(table)
        self._badges = StatusBadgeDelegate(table)
        table.setItemDelegateForColumn(LEAD, self._links)
        table.setItemDelegateForColumn(STATUS, self._badges)
        table.clicked.connect(self._on_clicked)
        table.doubleClicked.connect(self._open_history_at)
        LinkCursor(table)
        EnterOpensRow(table, self._open_history_at)  # and keeps Enter from closing the dialog
        return table

    # -- data --------------------------------------------------------------------------

    def refresh(self) -> None:
        self.refresher.request()

    def _on_sequences_changed(self, ids: list[int]) -> None:
        if self.sequence_id in ids:
            self.refresher.request()

    def _fetch(self, _ids: frozenset[int] | None) -> list[BucketRow]:
        rows = history.messages_in_bucket(self.services.ctx, self.sequence_id, self.bucket)
        if self.bucket is None:
            rows = [row for row in rows if row.lead_deleted]
        return rows

    def _apply(self, rows: list[BucketRow]) -> None:
        self.model.set_rows(rows)
        self._update_counts()
        self.export_button.setEnabled(bool(rows))
        self.loaded.emit()

    def _failed(self, sentence: str) -> None:
        self.empty.setText(f"The list could not be loaded.\n{sentence}")
        self.stack.setCurrentIndex(0)
        self.notifier.show_error(sentence)

    def _filter(self, text: str) -> None:
        self.proxy.set_needle(text)
        self._update_counts()

    def _update_counts(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        truncated = " (the first ones only)" if total >= history.LIST_LIMIT else ""
        if shown == total:
            self.count_label.setText(plural(total, "message") + truncated)
        else:
            self.count_label.setText(f"{shown:,} of {plural(total, 'message')}")
        if total == 0:
            where = self.bucket.label if self.bucket else "Deleted leads"
            self.empty.setText(f"No messages in {where} for this sequence right now.")
        elif shown == 0:
            self.empty.setText("No message matches the filter.")
        self.stack.setCurrentIndex(1 if shown else 0)

    def shown_rows(self) -> list[BucketRow]:
        """The rows as filtered and sorted on screen: what the export writes."""
        return [
            self.model.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            for r in range(self.proxy.rowCount())
        ]

    # -- actions -----------------------------------------------------------------------

    def export(self) -> None:
        label = (self.bucket.value if self.bucket else "deleted-leads").replace("_", "-")
        path = self.prompts.save_path(self, "Export lead list", f"{label}-leads.csv")
        if path is None:
            return
        rows = self.shown_rows()
        notifier = self.notifier
        token = notifier.begin_work("Exporting the lead list…")

        def finished(count: int) -> None:
            notifier.end_work(token)
            notifier.show_info(f"Exported {plural(count, 'row')} to {path}.")

        def failed(sentence: str) -> None:
            notifier.end_work(token)
            notifier.show_error(f"The export failed: {sentence}")

        # Tied to the notifier, not to this dialog: closed while the file is written, the
        # window's busy bar must still end and the result be told (the callbacks touch
        # nothing else); a dialog on its own notifier drops them with it.
        run_for(
            notifier, self.services.tasks, lambda: export_bucket_rows(rows, path), finished, failed
        )

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.data(LINK_ROLE):
            self._open_history_at(index)

    def _open_history_at(self, index: QModelIndex) -> None:
        lead_id = index.data(ID_ROLE)
        if lead_id is not None:
            self.open_history(int(lead_id))

    def open_history(self, lead_id: int) -> LeadHistoryDialog:
        dialog = show_lead_history(
            self.services, lead_id, self.parentWidget() or self, notifier=self.notifier
        )
        self.historyOpened.emit(dialog)
        return dialog

    def done(self, result: int) -> None:
        # The bridge connection dies with this QObject; a stopped refresher ignores notices.
        self.refresher.stop()
        super().done(result)
