"""The Conversations page (`conversationsPage`): every lead who wrote, newest first, at the
left (`conversationsList`); the open conversation's thread (`conversationView`) and the reply
box at the right.

It follows the window's change watcher (EngineBridge.historyChanged: a reply read by the
sending service, an answer handed off or delivered) and never polls on its own: each notice
re-reads the head of the list and, when it concerns the open lead, the thread, coalesced
and off the GUI thread. Opening a conversation marks its replies read, on the task pool.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.context import Context
from desktop.services.inbox import conversations
from desktop.services.inbox.conversations import ConversationRow
from desktop.services.reports.history import LeadHistory, lead_history
from desktop.services.status.vocabulary import Bucket
from desktop.ui.inbox.conversation_delegate import ConversationDelegate
from desktop.ui.inbox.conversations_model import ConversationsModel, Head, read_head
from desktop.ui.inbox.reply_box import ReplyBox
from desktop.ui.inbox.settings_dialog import InboxSettingsDialog
from desktop.ui.inbox.thread_view import ConversationView
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.refresh import Refresher
from desktop.ui.kit.theme import BUCKET_SWATCHES
from desktop.ui.kit.tooltips import wrapped_tooltip

SEARCH_DELAY_MS = 300
LIST_WIDTH = 320
NO_REPLIES = (
    "No replies yet.\n\nWhen a lead answers one of your texts, the conversation shows here "
    "and you can answer it."
)
NO_MATCH = "No conversation matches this search."
CHOOSE = "Choose a conversation to read it and answer."
_ERROR = BUCKET_SWATCHES[Bucket.ERROR]
PAGE_STYLE = f"""
QLabel#conversationTitle {{ font-size: 12pt; font-weight: 600; color: #202124; }}
QLabel#optedOutBadge {{ color: {_ERROR.fg}; background: {_ERROR.bg}; border-radius: 9px;
    padding: 2px 9px; font-weight: 600; }}
QWidget#threadHeader {{ border-bottom: 1px solid #e0e3e7; }}
"""


def conversations_view(model: ConversationsModel, delegate: ConversationDelegate) -> QTableView:
    """The list as a one-column table: its rows' places come from the vertical header
    (fixed height), so 10 000 rows cost Qt no per-row call into Python as pages arrive; a
    QListView lays every row out again through the model's index() at each page."""
    view = QTableView()
    view.setObjectName("conversationsList")
    view.setModel(model)
    view.setItemDelegate(delegate)
    delegate.setParent(view)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.horizontalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(delegate.row_height(view.font()))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setAccessibleName("Conversations")
    return view


def read_thread(ctx: Context, lead_id: int) -> tuple[int, LeadHistory]:
    return lead_id, lead_history(ctx, lead_id)


def _label(object_name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    return label


class ConversationsPage(QWidget):
    unreadChanged = Signal(int)  # the unread total
    newReplies = Signal(list)  # [ConversationRow] that got a reply while not in view
    raiseRequested = Signal()  # show the page (its dock): a conversation was opened for it
    threadLoaded = Signal(int)  # lead id: the thread on screen is up to date (tests)
    listRefreshed = Signal()  # the list's head was read again (tests)

    def __init__(
        self,
        services: AppServices,
        parent: QWidget | None = None,
        *,
        notifier: Notifier | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conversationsPage")
        self.setStyleSheet(FORM_STYLE + PAGE_STYLE)
        self.services = services
        self.notifier = notifier or Notifier(self)
        self.lead_id: int | None = None  # the open conversation
        self.history: LeadHistory | None = None
        self.unread = 0
        # The newest message of the whole list as last read: a reply newer than it is new.
        self._newest: datetime | None = None
        self._listed = False  # the first list arrived: later replies are news
        self._selecting = False  # the page moves the selection itself
        # What the refreshers read on the pool: plain values, set on the GUI thread.
        self._head_query: tuple[int, str] = (0, "")
        self._thread_lead = 0
        self._stopped = False

        self.model = ConversationsModel(services, self)
        self.list = conversations_view(self.model, ConversationDelegate(services.ctx.now))
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("conversationsSearch")
        self.search_edit.setPlaceholderText("Search by name or phone  (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.list_empty = _label("emptyState", "Loading conversations…")
        self.list_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.list_empty)
        self.list_stack.addWidget(self.list)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 4, 8)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.list_stack, 1)
        self.settings_button = QPushButton("Auto-replies and templates…")
        self.settings_button.setObjectName("inboxSettingsLink")
        self.settings_button.setFlat(True)
        self.settings_button.setToolTip(
            wrapped_tooltip("Keywords answered by themselves (HELP, HOURS…) and saved messages")
            or ""
        )
        self.settings_button.clicked.connect(self.open_settings)
        left_layout.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.title = QLabel()
        self.title.setObjectName("conversationTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.opted_out_badge = QLabel("Opted out")
        self.opted_out_badge.setObjectName("optedOutBadge")
        self.opted_out_badge.setToolTip(
            wrapped_tooltip(
                "They replied STOP (or you marked them): TextDesk sends them nothing, answers "
                "included, unless they reply START."
            )
            or ""
        )
        self.opted_out_badge.hide()
        header = QWidget()
        header.setObjectName("threadHeader")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(4, 2, 4, 6)
        header_layout.addWidget(self.title)
        header_layout.addWidget(self.opted_out_badge)
        header_layout.addStretch(1)
        self.header = header
        self.view = ConversationView(services.ctx.now)
        self.thread_empty = _label("emptyState", CHOOSE)
        self.thread_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thread_stack = QStackedWidget()
        self.thread_stack.addWidget(self.thread_empty)
        self.thread_stack.addWidget(self.view)
        self.reply_box = ReplyBox(services)
        self.reply_edit = self.reply_box.edit
        self.send_button = self.reply_box.send_button
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 8, 8, 8)
        right_layout.addWidget(header)
        right_layout.addWidget(self.thread_stack, 1)
        right_layout.addWidget(self.reply_box)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([LIST_WIDTH, 900])
        left.setMinimumWidth(220)
        right.setMinimumWidth(360)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.header.hide()
        self.reply_box.hide()  # until a conversation is open

        ctx = services.ctx
        self.list_refresher = Refresher(
            services.tasks,
            lambda _ids: read_head(ctx, *self._head_query),
            self._head_read,
            on_error=self.notifier.show_error,
            delay_ms=100,
            parent=self,
        )
        self.thread_refresher = Refresher(
            services.tasks,
            lambda _ids: read_thread(ctx, self._thread_lead),
            self._thread_read,
            on_error=self._thread_failed,
            delay_ms=50,
            parent=self,
        )
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._apply_search)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.search_edit.setFocus)
        self.model.headLoaded.connect(self._after_head)
        self.model.modelReset.connect(self._update_empty)
        self.model.rowsInserted.connect(lambda *_: self._update_empty())
        self.model.loadFailed.connect(self.notifier.show_error)
        self.list.selectionModel().currentChanged.connect(self._on_current)
        self.reply_box.answered.connect(self._answered)
        services.bridge.historyChanged.connect(self._on_history_changed)
        services.bridge.conversationsChanged.connect(self.request_list)
        services.bridge.leadsChanged.connect(lambda _ids: self.request_list())  # names, opt-outs
        QWidget.setTabOrder(self.search_edit, self.list)
        QWidget.setTabOrder(self.list, self.view)
        QWidget.setTabOrder(self.view, self.reply_edit)
        self.model.reload()

    # -- the list ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the list's head again (F5; a change elsewhere), and the open thread."""
        self.request_list()
        if self.lead_id is not None:
            self.thread_refresher.request()

    def request_list(self) -> None:
        if self._stopped:
            return
        self._head_query = (self.model.head_limit(), self.model.search)
        self.list_refresher.request()

    def _on_history_changed(self, lead_ids: frozenset[int] | None) -> None:
        # The open thread only: the list follows conversationsChanged, which texts handed
        # off by a sequence (every lead's history, 100 a second) do not move.
        if self.lead_id is not None and (lead_ids is None or self.lead_id in lead_ids):
            self.thread_refresher.request()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search_edit.text())

    def _head_read(self, head: Head) -> None:
        bar = self.list.verticalScrollBar()
        place = bar.value()
        if self.model.merge_head(head):
            self._select_open_lead()
            bar.setValue(place)
        self._after_head(head)
        self.listRefreshed.emit()

    def _after_head(self, head: Head) -> None:
        """After the first page or a live refresh: unread total, new replies, empty state."""
        if head.unread != self.unread:
            self.unread = head.unread
            self.unreadChanged.emit(self.unread)
        self._update_empty()
        if head.search:
            return  # a search shows part of the list: news are told once it is cleared
        newest = self._newest
        fresh = [
            row
            for row in head.rows
            if row.last_inbound and row.unread and (newest is None or row.last_at > newest)
        ]
        if head.rows:
            self._newest = max(newest or head.rows[0].last_at, head.rows[0].last_at)
        first, self._listed = not self._listed, True
        if first or not fresh:
            return
        if self.lead_id is not None and self.in_view():
            if any(row.lead_id == self.lead_id for row in fresh):
                self.mark_read(self.lead_id)  # the owner is looking at it
            fresh = [row for row in fresh if row.lead_id != self.lead_id]
        if fresh:
            self.newReplies.emit(fresh)

    def in_view(self) -> bool:
        """The owner sees this page now (a new reply here needs no notification). A dock
        behind another tab stays "visible" to Qt, moved out of sight: its region is empty."""
        return self.showing() and self.window().isActiveWindow()

    def showing(self) -> bool:
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def _update_empty(self) -> None:
        if self.model.total is None and not self.model.rowCount():
            return  # still loading: "Loading conversations…"
        if self.model.rowCount():
            self.list_stack.setCurrentWidget(self.list)
            return
        self.list_empty.setText(NO_MATCH if self.model.search else NO_REPLIES)
        self.list_stack.setCurrentWidget(self.list_empty)

    def _select_open_lead(self) -> None:
        """Keep the open conversation selected after the rows were reset."""
        row = self.model.row_of(self.lead_id) if self.lead_id is not None else None
        self._selecting = True
        try:
            if row is None:
                self.list.clearSelection()
                self.list.setCurrentIndex(QModelIndex())
            else:
                self.list.selectionModel().setCurrentIndex(
                    self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
        finally:
            self._selecting = False

    # -- one conversation ------------------------------------------------------------------

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._selecting:
            self.open_lead(self.model.row_at(current.row()).lead_id)

    def open_lead(self, lead_id: int, *, show: bool = False) -> None:
        """Show lead `lead_id`'s conversation (one who never wrote too: to answer them from
        their history); `show` asks the window to bring the page forward."""
        if show:
            self.raiseRequested.emit()
        if lead_id == self.lead_id:
            self.thread_refresher.request_now()
            return
        self.lead_id = lead_id
        self._thread_lead = lead_id
        self.history = None
        row_index = self.model.row_of(lead_id)
        row = self.model.row_at(row_index) if row_index is not None else None
        current = self.list.currentIndex()
        if row_index is None or not current.isValid() or current.row() != row_index:
            self._select_open_lead()
        self.title.setText(f"{row.name}  ·  {row.phone}" if row is not None else "Loading…")
        self.opted_out_badge.setVisible(row is not None and row.opted_out)
        self.header.show()
        self.reply_box.show()
        self.reply_box.set_lead(lead_id, row.name if row else "", row.phone if row else "")
        self.view.show_history(None, keep_place=False)
        self.thread_stack.setCurrentWidget(self.view)
        self.thread_refresher.request_now()
        if row is not None and row.unread:
            self.mark_read(lead_id)

    def _thread_read(self, result: tuple[int, LeadHistory]) -> None:
        lead_id, history = result
        if lead_id != self.lead_id:
            return  # another conversation was opened meanwhile
        same = self.history is not None
        self.history = history
        self.title.setText(f"{history.name}  ·  {history.phone}")
        self.opted_out_badge.setVisible(history.opted_out)
        self.reply_box.set_lead(lead_id, history.name, history.phone)
        self.view.show_history(history, keep_place=same)
        self.threadLoaded.emit(lead_id)

    def _thread_failed(self, message: str) -> None:
        self.title.setText("This conversation could not be loaded")
        self.notifier.show_error(message)

    def mark_read(self, lead_id: int) -> None:
        ctx = self.services.ctx

        def done(_marked: int) -> None:
            was = self.model.set_read(lead_id)
            if was:
                self.unread = max(self.unread - was, 0)
                self.unreadChanged.emit(self.unread)
            self.request_list()  # a refresh read before the write must not bring it back

        run_for(
            self,
            self.services.tasks,
            lambda: conversations.mark_read(ctx, lead_id),
            done,
            self.notifier.show_error,
        )

    def _answered(self, lead_id: int, _answer: object) -> None:
        """An answer was queued: the thread shows it at once (In-queue), the list moves."""
        if lead_id == self.lead_id:
            self.thread_refresher.request_now()
        self.request_list()

    def open_settings(self) -> QWidget:
        """Auto-replies and templates; the reply box's Templates menu reads them again."""
        dialog = InboxSettingsDialog(self.services, self)
        dialog.finished.connect(lambda _result: self.reply_box.templates.load())
        dialog.open()
        return dialog

    def focus_reply(self) -> None:
        self.reply_edit.setFocus()

    def current_row(self) -> ConversationRow | None:
        index = self.model.row_of(self.lead_id) if self.lead_id is not None else None
        return self.model.row_at(index) if index is not None else None

    def stop(self) -> None:
        """No more queries (the window is closing)."""
        self._stopped = True
        self._search_timer.stop()
        self.list_refresher.stop()
        self.thread_refresher.stop()
