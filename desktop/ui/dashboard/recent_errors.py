"""Recent errors: the latest messages that failed, each with its explanation on hover."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.services.reports import history
from desktop.ui.dashboard.feed import FeedWidget
from desktop.ui.dashboard.feed_models import RecentErrorsModel
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.tooltips import wrapped_tooltip

LIMIT = 50


class RecentErrorsWidget(FeedWidget):
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
            RecentErrorsModel(clock=ctx.now),
            lambda: history.recent_errors(ctx, LIMIT),
            follows=services.bridge.errorsChanged,
            table_name="recentErrorsTable",
            empty_text="No errors. If a message fails, it shows up here with the reason "
            "and what to do about it.",
            stretch_column=2,
            widths={0: 110, 1: 130},
            notifier=notifier,
            parent=parent,
        )
        self.setObjectName("recentErrorsWidget")
        self.table.setToolTip(
            wrapped_tooltip("Hover an error to see why it failed; click it for the history.") or ""
        )
