"""The Conversations tab of the main window: the page in a dock tabbed with the dashboard and
the leads, its tab saying how many replies are unread ("Conversations (3)")."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QWidget

from desktop.ui.inbox.page import ConversationsPage
from desktop.ui.inbox.unread import TAB, tab_title
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.notify import Notifier


def _title_bar(text: str) -> QWidget:
    bar = QWidget()
    bar.setObjectName("dashboardTitleBar")  # the same look as the dashboard's title bar
    title = QLabel(text)
    title.setObjectName("dashboardTitle")
    layout = QHBoxLayout(bar)
    layout.setContentsMargins(14, 6, 8, 6)
    layout.addWidget(title)
    layout.addStretch(1)
    return bar


class ConversationsDock(QDockWidget):
    def __init__(
        self, services: AppServices, parent: QWidget | None = None, *, notifier: Notifier
    ) -> None:
        super().__init__(TAB, parent)
        self.setObjectName("conversationsDock")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.page = ConversationsPage(services, self, notifier=notifier)
        self.setWidget(self.page)
        self.setTitleBarWidget(_title_bar(TAB))
        self.page.unreadChanged.connect(lambda unread: self.setWindowTitle(tab_title(unread)))
