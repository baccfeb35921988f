"""The dashboard dock: the gear's choice survives a rebuilt app, the help explains every
status and bucket, and the chart and feed widgets show the database's story."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QToolButton, QWidget

from desktop.app import TextDeskApp, build_app
from desktop.services.core import ui_prefs
from desktop.services.reports import activity
from desktop.services.status.vocabulary import BUCKET_ORDER, OUTBOX_INFO, Bucket, SequenceStatus
from desktop.ui.dashboard.customize import DashboardCustomizeDialog
from desktop.ui.dashboard.delivery_overview import DeliveryOverviewWidget
from desktop.ui.dashboard.dock import DashboardDock
from desktop.ui.dashboard.recent_errors import RecentErrorsWidget
from desktop.ui.dashboard.registry import DashboardWidgetSpec
from desktop.ui.dashboard.replies import RepliesWidget
from desktop.ui.kit.tooltips import plain_text
from desktop.ui.leads.history_dialog import LeadHistoryDialog
from tests.ui.ui_helpers import Populated

# The populated-database fixtures (tests/ui/conftest.py is shared with other screens).
pytest_plugins = ("tests.ui.ui_fixtures",)

DEFAULT_KEYS = ["bulk_sequences", "delivery_overview", "recent_errors", "replies"]


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TEXTDESK_FROM"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def apps(qtbot, no_credentials) -> Iterator[list[TextDeskApp]]:
    built: list[TextDeskApp] = []
    yield built
    for app in built:
        app.shutdown()


def build(apps: list[TextDeskApp], db_url: str) -> DashboardDock:
    app = build_app(db_url, start_services=False)
    apps.append(app)
    app.window.show()
    return app.window.dashboard


def customize(qtbot, dock: DashboardDock) -> DashboardCustomizeDialog:
    gear = dock.findChild(QToolButton, "dashboardSettingsButton")
    assert gear is not None and gear.isVisible()
    qtbot.mouseClick(gear, Qt.MouseButton.LeftButton)
    dialog = dock.customize_dialog
    assert isinstance(dialog, DashboardCustomizeDialog) and dialog.isVisible()
    return dialog


def test_gear_hides_and_orders_widgets_and_the_choice_persists(qtbot, apps, db_url: str) -> None:
    dock = build(apps, db_url)
    assert dock.objectName() == "dashboardDock"
    assert dock.visible_keys() == DEFAULT_KEYS
    assert dock.widget_for("delivery_overview") is not None

    dialog = customize(qtbot, dock)
    dialog.set_visible("delivery_overview", False)
    dialog.list.setCurrentRow(3)  # Replies and opt-outs
    dialog.move_current(-1)
    with qtbot.waitSignal(dock.layoutSaved, timeout=5000):
        dialog.accept()
    assert dock.visible_keys() == ["bulk_sequences", "replies", "recent_errors"]
    assert dock.widget_for("delivery_overview") is None
    assert (
        dock.findChild(DeliveryOverviewWidget) is None
        or not dock.findChild(DeliveryOverviewWidget).isVisible()
    )
    apps.pop().shutdown()

    rebuilt = build(apps, db_url)
    assert rebuilt.visible_keys() == ["bulk_sequences", "replies", "recent_errors"]
    assert rebuilt.widget_for("delivery_overview") is None
    assert [(e.key, e.visible) for e in rebuilt.entries] == [
        ("bulk_sequences", True),
        ("delivery_overview", False),  # kept in its place, hidden
        ("replies", True),
        ("recent_errors", True),
    ]
    assert rebuilt.widget_for("replies") is not None


def test_canceling_the_gear_dialog_changes_nothing(qtbot, apps, db_url: str) -> None:
    dock = build(apps, db_url)
    dialog = customize(qtbot, dock)
    dialog.set_visible("bulk_sequences", False)
    dialog.reject()
    assert dock.visible_keys() == DEFAULT_KEYS


def test_hiding_everything_says_how_to_get_it_back(qtbot, apps, db_url: str) -> None:
    dock = build(apps, db_url)
    dialog = customize(qtbot, dock)
    for key in DEFAULT_KEYS:
        dialog.set_visible(key, False)
    with qtbot.waitSignal(dock.layoutSaved, timeout=5000):
        dialog.accept()
    assert dock.nothing_label.isVisible() and "gear" in dock.nothing_label.text()
    dialog = customize(qtbot, dock)
    dialog.restore_defaults()
    with qtbot.waitSignal(dock.layoutSaved, timeout=5000):
        dialog.accept()
    assert dock.visible_keys() == DEFAULT_KEYS and not dock.nothing_label.isVisible()


def test_help_explains_every_status_and_bucket(qtbot, apps, db_url: str) -> None:
    dock = build(apps, db_url)
    button = dock.findChild(QToolButton, "dashboardHelpButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = dock.findChild(QDialog, "dashboardHelpDialog")
    assert dialog is not None and dialog.isVisible()
    text = " ".join(dialog.browser.toPlainText().split())
    for status in SequenceStatus:
        assert status.label in text and " ".join(status.meaning.split()) in text
    for bucket in BUCKET_ORDER:
        assert bucket.label in text and " ".join(bucket.meaning.split()) in text
    assert OUTBOX_INFO in text and "Deleted leads" in text
    assert "Bulk sequences" in text and "Replies and opt-outs" in text


def test_a_dashboard_widget_must_refresh_and_stop(qtbot, services) -> None:
    # A widget that cannot stop would keep querying behind a closed window.
    still = DashboardWidgetSpec("still", "Still", "A widget that never stops.", lambda _: QWidget())
    with pytest.raises(TypeError, match="'still' has no refresh"):
        DashboardDock(services, registry=[still])


def test_stored_layout_is_reconciled_with_the_registry(ctx) -> None:
    ui_prefs.set_value(ctx, ui_prefs.DASHBOARD_KEY, "not json at all")
    assert [e.key for e in ui_prefs.load_dashboard_layout(ctx, DEFAULT_KEYS)] == DEFAULT_KEYS
    ui_prefs.save_dashboard_layout(
        ctx, [ui_prefs.DashboardEntry("gone_widget"), ui_prefs.DashboardEntry("replies", False)]
    )
    layout = ui_prefs.load_dashboard_layout(ctx, DEFAULT_KEYS)
    assert [(e.key, e.visible) for e in layout] == [
        ("replies", False),
        ("bulk_sequences", True),
        ("delivery_overview", True),
        ("recent_errors", True),
    ]
    # Preferences never pass for real settings.
    assert all(key.startswith(ui_prefs.PREFIX) for key in ctx.settings.stored_keys())


def test_delivery_overview_charts_the_buckets(qtbot, pop_services, populated: Populated) -> None:
    widget = DeliveryOverviewWidget(pop_services)
    qtbot.addWidget(widget)
    widget.resize(1000, 320)
    widget.show()
    qtbot.waitUntil(lambda: widget.last is not None, timeout=5000)
    assert widget.stack.currentIndex() == 1
    # Oldest on the left; two columns leave room for the whole names.
    qtbot.waitUntil(lambda: widget.bars.labels() == ["Spring sale", "Autumn preview"])
    columns = widget.bars.values
    by_label = {e.label: [c[i] for c in columns] for i, e in enumerate(widget.bars.legend)}
    assert by_label[Bucket.ERROR.label] == [2, 0]
    assert by_label[Bucket.IN_QUEUE.label] == [0, 7]
    series = activity.delivery_activity(pop_services.ctx)
    assert series.total_delivered == 5 and series.total_handed_off >= 6
    handed, delivered = widget.lines.series
    assert sum(delivered) == 5 and sum(handed) == series.total_handed_off


def test_feeds_explain_errors_and_open_the_history(
    qtbot, pop_services, populated: Populated
) -> None:
    errors = RecentErrorsWidget(pop_services)
    qtbot.addWidget(errors)
    errors.show()
    qtbot.waitUntil(lambda: errors.model.rowCount() == 2, timeout=5000)
    tip = plain_text(errors.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith("Error ") and "What to do" in tip
    index = errors.model.index(0, 1)
    qtbot.mouseClick(
        errors.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=errors.table.visualRect(index).center(),
    )
    qtbot.waitUntil(lambda: bool(errors.findChildren(LeadHistoryDialog)), timeout=3000)
    opened = errors.findChildren(LeadHistoryDialog)[0]
    assert opened.lead_id == errors.model.row_at(0).lead_id

    replies = RepliesWidget(pop_services)
    qtbot.addWidget(replies)
    replies.show()
    qtbot.waitUntil(lambda: replies.model.rowCount() == 1, timeout=5000)
    assert replies.model.index(0, 3).data() == "Thanks, see you!"
    replies.table.setCurrentIndex(replies.model.index(0, 3))
    qtbot.keyClick(replies.table, Qt.Key.Key_Return)  # the keyboard opens what a click opens
    qtbot.waitUntil(lambda: bool(replies.findChildren(LeadHistoryDialog)), timeout=3000)
    assert replies.findChildren(LeadHistoryDialog)[0].lead_id == replies.model.row_at(0).lead_id


def test_feeds_read_again_for_their_own_news_only(
    qtbot, pop_services, populated: Populated
) -> None:
    """While a sequence sends, the service reports changes twice a second: the feeds read
    again only when a text failed (Recent errors) or one came in (Replies)."""
    from sqlalchemy import select

    from desktop.models import Message
    from tests.helpers import report_status
    from tests.inbox_helpers import reply

    errors, replies = RecentErrorsWidget(pop_services), RepliesWidget(pop_services)
    for feed in (errors, replies):
        qtbot.addWidget(feed)
        feed.show()
    qtbot.waitUntil(
        lambda: errors.model.rowCount() == 2 and replies.model.rowCount() == 1, timeout=5000
    )
    read = (errors.refresher.completed, replies.refresher.completed)
    ctx, bridge = pop_services.ctx, pop_services.bridge
    with ctx.db.read() as session:
        waiting = session.scalars(
            select(Message.id).where(Message.sequence_id == populated.later_id)
        ).all()
    report_status(ctx, waiting[0], "undelivered", error_code=30008)
    reply(ctx, next(iter(populated.ids)), "Is it still on?")  # Ana, the first lead
    bridge.sequencesChanged.emit([populated.later_id])  # what the watcher also says then
    bridge.historyChanged.emit(None)
    qtbot.wait(1200)  # more than twice the feeds' delay
    assert (errors.refresher.completed, replies.refresher.completed) == read
    assert errors.model.rowCount() == 2 and replies.model.rowCount() == 1

    bridge.errorsChanged.emit()
    qtbot.waitUntil(lambda: errors.model.rowCount() == 3, timeout=5000)
    assert replies.refresher.completed == read[1]
    bridge.repliesChanged.emit()
    qtbot.waitUntil(lambda: replies.model.rowCount() == 2, timeout=5000)
    assert replies.model.index(0, 3).data() == "Is it still on?"
