"""Replies and opt-outs: what leads answered, with STOP and START requests marked."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.services.reports import history
from desktop.ui.dashboard.feed import FeedWidget
from desktop.ui.dashboard.feed_models import RepliesModel
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.delegates import StatusBadgeDelegate
from desktop.ui.kit.notify import Notifier

LIMIT = 50


class RepliesWidget(FeedWidget):
    def __init__(
        self,
        services: AppServices,
        parent: QWidget | None = None,
        *,
        notifier: Notifier | None = None,
    ) -> None:
        ctx = services.ctx
        super().__init__(
            services,
            RepliesModel(clock=ctx.now),
            lambda: history.recent_replies(ctx, LIMIT),
            follows=services.bridge.repliesChanged,
            table_name="repliesTable",
            empty_text="No replies yet. When a lead answers or texts STOP, it shows up here.",
            stretch_column=3,
            widths={0: 110, 1: 130, 2: 90},
            notifier=notifier,
            parent=parent,
        )
        self.setObjectName("repliesWidget")
        self._badges = StatusBadgeDelegate(self.table)
        self.table.setItemDelegateForColumn(2, self._badges)
