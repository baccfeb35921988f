"""What the dashboard can show: one spec per widget, with the title and the sentence the gear
dialog and the help give it, and how to build it.

The dock, the gear dialog and the help all read this; the widgets are imported only when
built, so a hidden widget costs neither an import nor a query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.prompts import Prompts


@dataclass(frozen=True)
class DashboardHost:
    """What a widget factory gets to build its widget."""

    services: AppServices
    notifier: Notifier
    prompts: Prompts


@dataclass(frozen=True)
class DashboardWidgetSpec:
    key: str
    title: str
    description: str  # one sentence, shown in the gear dialog and the help
    create: Callable[[DashboardHost], QWidget]  # the widget is a LiveWidget too (refresh/stop)
    wide: bool = True  # a full row; narrow widgets pair up side by side
    stretch: int = 1  # share of the height when the dock is taller than needed


def _bulk(host: DashboardHost) -> QWidget:
    from desktop.ui.dashboard.bulk_sequences import BulkSequencesWidget

    return BulkSequencesWidget(host.services, notifier=host.notifier, prompts=host.prompts)


def _overview(host: DashboardHost) -> QWidget:
    from desktop.ui.dashboard.delivery_overview import DeliveryOverviewWidget

    return DeliveryOverviewWidget(host.services, notifier=host.notifier)


def _errors(host: DashboardHost) -> QWidget:
    from desktop.ui.dashboard.recent_errors import RecentErrorsWidget

    return RecentErrorsWidget(host.services, notifier=host.notifier)


def _replies(host: DashboardHost) -> QWidget:
    from desktop.ui.dashboard.replies import RepliesWidget

    return RepliesWidget(host.services, notifier=host.notifier)


def default_registry() -> list[DashboardWidgetSpec]:
    return [
        DashboardWidgetSpec(
            "bulk_sequences",
            "Bulk sequences",
            "Every sequence with its status, progress and how many messages are in each "
            "bucket. Click a number to see who is in it.",
            _bulk,
            stretch=6,  # the table gets the room; charts and feeds keep what they need
        ),
        DashboardWidgetSpec(
            "delivery_overview",
            "Delivery overview",
            "Charts of where each sequence's messages stand, and of messages handed to "
            "Twilio and delivered over time.",
            _overview,
        ),
        DashboardWidgetSpec(
            "recent_errors",
            "Recent errors",
            "The latest messages that failed. Hover one to see why and what to do.",
            _errors,
            wide=False,
        ),
        DashboardWidgetSpec(
            "replies",
            "Replies and opt-outs",
            "What your leads answered, including STOP requests (they get nothing more).",
            _replies,
            wide=False,
        ),
    ]
