"""The Bulk Sequences widget: counts as links, clicks open the right list, context actions."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.ui.dashboard.bulk_sequences import BulkSequencesWidget
from desktop.ui.dashboard.lead_list_dialog import LeadListDialog
from desktop.ui.dashboard.sequences_model import column_of
from tests.ui.ui_helpers import FakePrompts, Populated

# The populated-database fixtures (tests/ui/conftest.py is shared with other screens).
pytest_plugins = ("tests.ui.ui_fixtures",)


def make_widget(qtbot, services, prompts: FakePrompts | None = None) -> BulkSequencesWidget:
    widget = BulkSequencesWidget(services, prompts=prompts or FakePrompts())
    qtbot.addWidget(widget)
    widget.resize(1200, 400)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0, timeout=5000)
    return widget


def cell_center(widget: BulkSequencesWidget, sequence_id: int, key: str | Bucket) -> QPoint:
    row = widget.model.row_of(sequence_id)
    assert row is not None
    index = widget.proxy.mapFromSource(widget.model.index(row, column_of(key)))
    widget.table.scrollTo(index)
    return widget.table.visualRect(index).center()


def click_cell(qtbot, widget: BulkSequencesWidget, sequence_id: int, key: str | Bucket) -> None:
    pos = cell_center(widget, sequence_id, key)
    qtbot.mouseClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_empty_state_invites_a_first_sequence(qtbot, services) -> None:
    widget = BulkSequencesWidget(services)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.refresher.completed > 0, timeout=5000)
    assert widget.stack.currentIndex() == 0
    assert "New sequence" in widget.empty.text()
    with qtbot.waitSignal(widget.newSequenceRequested, timeout=1000):
        qtbot.mouseClick(widget.new_button, Qt.MouseButton.LeftButton)


def test_clicking_a_count_opens_the_lead_list_of_that_bucket(
    qtbot, pop_services, populated: Populated
) -> None:
    widget = make_widget(qtbot, pop_services)
    assert widget.objectName() == "bulkSequencesWidget"
    assert widget.table.objectName() == "bulkSequencesTable"
    with qtbot.waitSignal(widget.leadListOpened, timeout=3000) as opened:
        click_cell(qtbot, widget, populated.sent_id, Bucket.ERROR)
    dialog: LeadListDialog = opened.args[0]
    assert dialog.objectName() == "leadListDialog" and dialog.isVisible()
    assert (dialog.sequence_id, dialog.bucket) == (populated.sent_id, Bucket.ERROR)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=5000)
    assert {row.bucket for row in dialog.model.rows} == {Bucket.ERROR}
    assert dialog.table.objectName() == "leadListTable"

    # Another bucket of the same sequence opens its own list.
    with qtbot.waitSignal(widget.leadListOpened, timeout=3000) as opened:
        click_cell(qtbot, widget, populated.sent_id, Bucket.SENT)
    sent: LeadListDialog = opened.args[0]
    assert sent is not dialog and sent.bucket == Bucket.SENT
    qtbot.waitUntil(lambda: sent.model.rowCount() == 5, timeout=5000)


def test_deleted_leads_count_lists_the_deleted_leads(
    qtbot, pop_services, populated: Populated
) -> None:
    widget = make_widget(qtbot, pop_services)
    with qtbot.waitSignal(widget.leadListOpened, timeout=3000) as opened:
        click_cell(qtbot, widget, populated.sent_id, "deleted_leads")
    dialog: LeadListDialog = opened.args[0]
    assert dialog.bucket is None
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    assert dialog.model.rows[0].lead_deleted


def test_a_zero_count_is_not_a_link(qtbot, pop_services, populated: Populated) -> None:
    widget = make_widget(qtbot, pop_services)
    opened: list[object] = []
    widget.leadListOpened.connect(opened.append)
    click_cell(qtbot, widget, populated.sent_id, Bucket.OUTBOX)
    click_cell(qtbot, widget, populated.sent_id, "name")
    assert opened == []


def test_enter_on_a_count_opens_its_list(qtbot, pop_services, populated: Populated) -> None:
    widget = make_widget(qtbot, pop_services)
    row = widget.model.row_of(populated.later_id)
    widget.table.setCurrentIndex(
        widget.proxy.mapFromSource(widget.model.index(row, column_of(Bucket.IN_QUEUE)))
    )
    with qtbot.waitSignal(widget.leadListOpened, timeout=3000) as opened:
        qtbot.keyClick(widget.table, Qt.Key.Key_Return)
    assert opened.args[0].bucket == Bucket.IN_QUEUE


def test_table_sorts_by_a_count_column(qtbot, pop_services, populated: Populated) -> None:
    widget = make_widget(qtbot, pop_services)
    widget.table.sortByColumn(column_of(Bucket.IN_QUEUE), Qt.SortOrder.DescendingOrder)
    first = widget.proxy.index(0, column_of("name")).data()
    assert first == "Autumn preview"
    widget.table.sortByColumn(column_of(Bucket.SENT), Qt.SortOrder.DescendingOrder)
    assert widget.proxy.index(0, column_of("name")).data() == "Spring sale"


def wait_status(qtbot, widget: BulkSequencesWidget, sequence_id: int, status: SequenceStatus):
    def reached() -> bool:
        row = widget.model.row_of(sequence_id)
        return row is not None and widget.model.summary(row).status == status

    qtbot.waitUntil(reached, timeout=5000)


def test_pause_resume_and_cancel_with_confirmation(
    qtbot, pop_services, populated: Populated
) -> None:
    prompts = FakePrompts(confirm=False)
    widget = make_widget(qtbot, pop_services, prompts)
    actions = widget.sequence_actions
    assert widget.select_sequence(populated.later_id)
    assert actions.pause_action.isEnabled() and not actions.resume_action.isEnabled()
    actions.pause_action.trigger()
    wait_status(qtbot, widget, populated.later_id, SequenceStatus.PAUSED)
    assert actions.resume_action.isEnabled() and not actions.pause_action.isEnabled()
    actions.resume_action.trigger()
    wait_status(qtbot, widget, populated.later_id, SequenceStatus.SCHEDULED)

    actions.cancel_action.trigger()  # the user answers "Keep as it is"
    assert prompts.asked and "7 messages still In-queue" in prompts.asked[-1][1]
    qtbot.wait(300)  # nothing must happen; give a wrongly started task time to land
    assert sequences.get_summary(pop_services.ctx, populated.later_id).status == (
        SequenceStatus.SCHEDULED
    )
    prompts.answer = True
    actions.cancel_action.trigger()
    wait_status(qtbot, widget, populated.later_id, SequenceStatus.CANCELED)
    summary = sequences.get_summary(pop_services.ctx, populated.later_id)
    assert summary.counts[Bucket.CANCELED] == summary.total
    assert not actions.cancel_action.isEnabled()


def test_export_csv_of_a_sequence(
    qtbot, pop_services, populated: Populated, tmp_path: Path
) -> None:
    target = tmp_path / "spring.csv"
    widget = make_widget(qtbot, pop_services, FakePrompts(path=target))
    widget.select_sequence(populated.sent_id)
    with qtbot.waitSignal(widget.notifier.info, timeout=5000) as done:
        widget.sequence_actions.export_action.trigger()
    assert "Exported 8 messages" in done.args[0]
    with open(target, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["Lead", "Phone"] and len(rows) == 9


def test_resend_confirms_with_the_count(qtbot, pop_services, populated: Populated) -> None:
    prompts = FakePrompts(confirm=True)
    widget = make_widget(qtbot, pop_services, prompts)
    widget.select_sequence(populated.sent_id)
    assert widget.sequence_actions.resend_action.isEnabled()
    widget.sequence_actions.resend_action.trigger()
    # Only 30008 can be cured by a resend; 21211 (invalid number) cannot.
    qtbot.waitUntil(lambda: any(t == "Resend messages" for t, _ in prompts.asked), timeout=5000)
    assert "Send 1 message of “Spring sale” again?" in prompts.asked[-1][1]

    def moved() -> bool:
        summary = widget.model.summary(widget.model.row_of(populated.sent_id))
        return summary.counts[Bucket.ERROR] == 1 and summary.counts[Bucket.IN_QUEUE] == 1

    qtbot.waitUntil(moved, timeout=5000)


def test_a_failed_action_is_a_sentence(qtbot, pop_services, populated: Populated) -> None:
    widget = make_widget(qtbot, pop_services)
    widget.select_sequence(populated.sent_id)
    sequences.cancel(pop_services.ctx, populated.later_id)
    widget.select_sequence(populated.later_id)  # the row still says Scheduled
    with qtbot.waitSignal(widget.notifier.error, timeout=5000) as failed:
        widget.sequence_actions.pause()
    assert failed.args[0] == "cannot pause a sequence that is canceled"
