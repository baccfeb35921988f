"""How the dashboard fits a small window: time labels that are whole at any width, cards
that fold to their title when the window is too short for all of them, and results of
background work that arrive after their screen is gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import shiboken6

from desktop.services.core import ui_prefs
from desktop.services.core.ui_prefs import DashboardEntry
from desktop.services.reports.activity import Activity, ActivityBin
from desktop.services.status.vocabulary import Bucket
from desktop.ui.dashboard.bulk_sequences import BulkSequencesWidget
from desktop.ui.dashboard.charts import MAX_TIME_TICKS, time_label_room
from desktop.ui.dashboard.delivery_overview import DeliveryOverviewWidget
from desktop.ui.dashboard.dock import DashboardDock
from desktop.ui.dashboard.lead_list_dialog import LeadListDialog
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.notify import Notifier
from tests.ui.ui_helpers import FakePrompts, Populated

pytest_plugins = ("tests.ui.ui_fixtures",)

START = datetime(2025, 3, 14, 18, 44, 10, tzinfo=UTC)


def activity(span: timedelta, bins: int = 30) -> Activity:
    width = span / bins
    return Activity(
        [ActivityBin(START + width * i, i % 4, i % 3) for i in range(bins)], bin_width=width
    )


@pytest.mark.parametrize(
    ("width", "span", "narrow"),
    [
        (1220, timedelta(minutes=2), False),  # the card's width in a 1280-pixel window
        (960, timedelta(minutes=2), True),  # in a 1024-pixel window
        (960, timedelta(hours=3), False),  # minutes only: shorter labels, all five fit
    ],
)
def test_time_labels_are_whole_at_any_width(
    qtbot, services, width: int, span: timedelta, narrow: bool
) -> None:
    widget = DeliveryOverviewWidget(services)
    qtbot.addWidget(widget)
    widget.resize(width, 260)
    widget.show()
    qtbot.waitUntil(lambda: widget.refresher.completed >= 1, timeout=5000)
    widget.stack.setCurrentIndex(1)  # the charts, with the activity below
    widget._fill_lines(activity(span))
    chart = widget.lines
    qtbot.waitUntil(lambda: chart.plot_area().width() > 0)
    plot = chart.plot_area().width()
    ticks, label_format = chart.tick_count, chart.label_format
    metrics = chart.fontMetrics()
    # Every label has the room it needs between its neighbours: none is cut to "18:46…".
    assert plot / (ticks - 1) >= time_label_room(label_format, metrics)
    assert (ticks < MAX_TIME_TICKS) == narrow
    # Seconds only where labels less than a minute apart need them.
    seconds = span.total_seconds() / (ticks - 1) < 60
    assert label_format == ("HH:mm:ss" if seconds else "HH:mm")


def test_a_change_that_ends_after_its_widget_is_gone_is_still_told(
    qtbot, pop_services, populated: Populated
) -> None:
    """Pause a sequence, and lose the widget (its card hidden, the window closing) before
    the pause is committed: no "already deleted" error, and the window's notifier, which
    outlives the widget, still says it is done."""
    notifier = Notifier()  # the window's
    told: list[str] = []
    notifier.info.connect(told.append)
    widget = BulkSequencesWidget(pop_services, notifier=notifier, prompts=FakePrompts())
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=5000)
    assert widget.select_sequence(populated.later_id)
    actions = widget.sequence_actions
    actions.update_enabled()
    assert actions.pause_action.isEnabled()
    actions.pause_action.trigger()
    shiboken6.delete(widget)  # before the task's answer is delivered
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    assert told == ["Paused “Autumn preview”."]
    assert pop_services.tasks.wait(5000)


def test_a_lead_list_export_ends_its_busy_bar_after_the_dialog_closed(
    qtbot, pop_services, populated: Populated, tmp_path: Path
) -> None:
    notifier = Notifier()  # the window's: its busy bar shows the export
    busy: set[int] = set()
    told: list[str] = []
    notifier.workStarted.connect(lambda token, _text: busy.add(token))
    notifier.workFinished.connect(busy.discard)
    notifier.info.connect(told.append)
    path = tmp_path / "errors.csv"
    dialog = lead_list(qtbot, pop_services, populated, notifier, path)
    dialog.export()
    assert busy
    shiboken6.delete(dialog)  # closed (it deletes itself) while the file is written
    qtbot.waitUntil(lambda: not busy, timeout=5000)
    assert told == [f"Exported 2 rows to {path}."] and path.exists()


def test_a_lead_list_on_its_own_drops_its_export_answer_with_it(
    qtbot, pop_services, populated: Populated, tmp_path: Path
) -> None:
    path = tmp_path / "errors.csv"
    dialog = lead_list(qtbot, pop_services, populated, None, path)  # its own notifier
    dialog.export()
    shiboken6.delete(dialog)
    assert pop_services.tasks.wait(5000)
    qtbot.wait(50)  # the answer is delivered, and dropped: no "already deleted"
    assert path.exists()


def lead_list(  # type: ignore[no-untyped-def]
    qtbot, services: AppServices, populated: Populated, notifier: Notifier | None, path: Path
) -> LeadListDialog:
    dialog = LeadListDialog(
        services,
        populated.sent_id,
        "Spring sale",
        Bucket.ERROR,
        notifier=notifier,
        prompts=FakePrompts(path=path),
    )
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=5000)
    return dialog


def test_the_dashboard_choice_saved_after_the_dock_is_gone(qtbot, services) -> None:
    dock = DashboardDock(services)
    dock.apply_layout([DashboardEntry("replies"), DashboardEntry("recent_errors", False)])
    dock.stop()
    shiboken6.delete(dock)  # the window closed while the choice was being written
    assert services.tasks.wait(5000)
    qtbot.wait(50)  # the answer is delivered, and dropped
    saved = ui_prefs.load_dashboard_layout(services.ctx, ["replies", "recent_errors"])
    assert saved == [DashboardEntry("replies"), DashboardEntry("recent_errors", False)]
