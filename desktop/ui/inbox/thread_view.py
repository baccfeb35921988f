"""The thread (`conversationView`): a conversation's bubbles, newest at the bottom, kept in
view as new ones arrive unless the owner scrolled up to read older ones."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from desktop.services.reports.history import LeadHistory
from desktop.ui.inbox.bubble_delegate import BubbleDelegate
from desktop.ui.inbox.thread_model import ThreadModel
from desktop.ui.kit.formatting import Clock

STYLE = "QListView#conversationView { background: palette(base); border: none; }"


class ConversationView(QListView):
    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationView")
        self.setStyleSheet(STYLE)
        self.thread_model = ThreadModel(self, clock=clock)
        self.setModel(self.thread_model)
        self.bubbles = BubbleDelegate(self)
        self.setItemDelegate(self.bubbles)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # bubbles re-wrap with the width
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setAccessibleName("Conversation")

    def at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def show_history(self, history: LeadHistory | None, *, keep_place: bool) -> None:
        """Show `history`; the view follows the newest message unless `keep_place` and the
        owner is reading older ones."""
        follow = not keep_place or self.at_bottom()
        self.thread_model.set_history(history)
        if follow:
            self.scrollToBottom()
            QTimer.singleShot(0, self, self.scrollToBottom)  # once the bubbles are laid out
