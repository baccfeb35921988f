"""The toolbar above the sequences table: the selected sequence's actions, enabled by its
status, with their shortcuts; Delete and Retry for a sequence whose preparation failed;
the sending service started (off the GUI thread) after Resume and Retry; one Tab stop."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from desktop.models import Sequence, SequenceCounter, Step
from desktop.services.core.context import Context
from desktop.services.engine.service_control import Started
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.vocabulary import SequenceStatus
from desktop.ui.dashboard import sequence_actions
from desktop.ui.dashboard.bulk_sequences import BulkSequencesWidget
from desktop.ui.kit.appstate import AppServices
from tests.helpers import add_leads
from tests.ui.ui_helpers import FakePrompts, Populated

pytest_plugins = ("tests.ui.ui_fixtures",)


def failed_preparation(ctx: Context, name: str = "Interrupted") -> int:
    """A sequence whose preparation stopped half-way: a row and its step, no messages."""
    now = ctx.now()
    with ctx.db.write() as session:
        sequence = Sequence(
            name=name,
            sender="",
            status=SequenceStatus.PREPARATION_FAILED.value,
            start_at=now,
            lead_selection={"all": True},
        )
        sequence.steps = [
            Step(position=0, body="Hi {first_name}. Reply STOP to opt out", media_urls=[])
        ]
        session.add(sequence)
        session.flush()
        session.add(SequenceCounter(sequence_id=sequence.id))
        return sequence.id


@pytest.fixture
def service_starts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, bool]]:
    """Record (demo, on the GUI thread?) for every start of the sending service asked."""
    calls: list[tuple[bool, bool]] = []

    def fake_ensure(ctx: Context, *, demo: bool = False) -> Started | None:
        calls.append((demo, threading.current_thread() is threading.main_thread()))
        return None

    monkeypatch.setattr(sequence_actions, "ensure_service", fake_ensure)
    return calls


def make_widget(qtbot, services: AppServices, prompts: FakePrompts) -> BulkSequencesWidget:
    widget = BulkSequencesWidget(services, prompts=prompts)
    qtbot.addWidget(widget)
    widget.resize(1000, 420)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0, timeout=5000)
    return widget


def wait_status(qtbot, widget: BulkSequencesWidget, sequence_id: int, status: SequenceStatus):
    def reached() -> bool:
        row = widget.model.row_of(sequence_id)
        return row is not None and widget.model.summary(row).status == status

    qtbot.waitUntil(reached, timeout=5000)


def test_the_toolbar_follows_the_selected_sequence(
    qtbot, pop_services, populated: Populated
) -> None:
    widget = make_widget(qtbot, pop_services, FakePrompts())
    toolbar, actions = widget.toolbar, widget.sequence_actions
    assert toolbar.isVisible()
    shown = [a.iconText() for a in toolbar.actions() if a.isVisible() and not a.isSeparator()]
    assert shown == ["Pause", "Resume", "Cancel…", "Export…", "Resend…", "Duplicate…"]
    keys = {a.iconText(): a.shortcut().toString() for a in actions.actions}
    assert keys == {
        "Pause": "Ctrl+Shift+P",
        "Resume": "Ctrl+Shift+R",
        "Cancel…": "Ctrl+Shift+X",
        "Export…": "Ctrl+Shift+E",
        "Resend…": "Ctrl+Shift+A",
        "Delete…": QKeySequence(QKeySequence.StandardKey.Delete).toString(),
        "Retry": "Ctrl+Shift+T",
        "Duplicate…": "Ctrl+Shift+D",
    }
    for action in actions.actions:  # the tooltip names the shortcut
        assert action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) in (
            action.toolTip()
        )

    widget.select_sequence(populated.later_id)  # Scheduled
    enabled = {a.iconText() for a in actions.actions if a.isEnabled()}
    assert enabled == {"Pause", "Cancel…", "Export…", "Duplicate…"}
    widget.select_sequence(populated.sent_id)  # Done, with errors
    enabled = {a.iconText() for a in actions.actions if a.isEnabled()}
    assert enabled == {"Export…", "Resend…", "Duplicate…"}
    assert not actions.delete_action.isVisible() and not actions.retry_action.isVisible()


def test_shortcuts_pause_and_resume_and_resume_starts_the_service(
    qtbot, pop_services, populated: Populated, service_starts
) -> None:
    widget = make_widget(qtbot, pop_services, FakePrompts())
    widget.select_sequence(populated.later_id)
    widget.table.setFocus()
    qtbot.keyClick(
        widget.table,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    wait_status(qtbot, widget, populated.later_id, SequenceStatus.PAUSED)
    assert service_starts == []  # a pause gives the service no work
    assert widget.sequence_actions.resume_action.isEnabled()
    qtbot.keyClick(
        widget.table,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    wait_status(qtbot, widget, populated.later_id, SequenceStatus.SCHEDULED)
    qtbot.waitUntil(lambda: service_starts == [(False, False)])  # demo off, on a pool thread


def test_shortcuts_only_act_while_the_focus_is_in_the_sequences(
    qtbot, pop_services, populated: Populated
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    widget = BulkSequencesWidget(pop_services, prompts=FakePrompts())
    elsewhere = QLineEdit()
    layout = QVBoxLayout(host)
    layout.addWidget(widget)
    layout.addWidget(elsewhere)
    host.resize(1000, 480)
    host.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0, timeout=5000)
    widget.select_sequence(populated.later_id)
    elsewhere.setFocus()
    qtbot.keyClick(
        elsewhere,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.wait(200)
    assert pop_services.tasks.pending == 0
    assert sequences.get_summary(pop_services.ctx, populated.later_id).status == (
        SequenceStatus.SCHEDULED
    )


def test_a_failed_preparation_can_be_deleted_after_a_question(qtbot, services) -> None:
    add_leads(services.ctx, 2)
    failed = failed_preparation(services.ctx)
    prompts = FakePrompts(confirm=False)
    widget = make_widget(qtbot, services, prompts)
    actions = widget.sequence_actions
    widget.select_sequence(failed)
    assert actions.delete_action.isVisible() and actions.delete_action.isEnabled()
    assert actions.retry_action.isVisible() and actions.retry_action.isEnabled()
    assert not actions.pause_action.isEnabled() and not actions.resume_action.isEnabled()
    shown = [a.iconText() for a in widget.toolbar.actions() if a.isVisible()]
    assert shown[-2:] == ["Delete…", "Retry"]

    actions.delete_action.trigger()  # the user keeps it
    assert prompts.asked[-1][0] == "Delete sequence"
    assert "none of its texts was sent" in prompts.asked[-1][1]
    qtbot.wait(200)
    assert widget.model.row_of(failed) is not None

    prompts.answer = True
    widget.table.setFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 0, timeout=5000)
    assert sequences.list_sequences(services.ctx) == []
    assert not widget.toolbar.isVisible()  # nothing left to act on


def test_retry_prepares_the_messages_and_starts_the_service(
    qtbot, services, service_starts
) -> None:
    add_leads(services.ctx, 3)
    failed = failed_preparation(services.ctx)
    demo_services = AppServices(
        ctx=services.ctx, tasks=services.tasks, bridge=services.bridge, demo=True
    )
    widget = make_widget(qtbot, demo_services, FakePrompts())
    widget.select_sequence(failed)
    with qtbot.waitSignal(widget.notifier.info, timeout=10_000) as done:
        widget.sequence_actions.retry_action.trigger()
    assert done.args[0] == "Prepared “Interrupted”: 3 messages to 3 leads."
    assert service_starts == [(True, False)]  # the demo's service, off the GUI thread
    summary = sequences.get_summary(services.ctx, failed)
    assert summary.total == 3 and summary.status != SequenceStatus.PREPARATION_FAILED
    wait_status(qtbot, widget, failed, summary.status)
    assert not widget.sequence_actions.retry_action.isVisible()


def test_the_table_is_one_tab_stop(qtbot, pop_services, populated: Populated) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    before, after = QLineEdit(), QLineEdit()
    widget = BulkSequencesWidget(pop_services, prompts=FakePrompts())
    layout = QVBoxLayout(host)
    for child in (before, widget, after):
        layout.addWidget(child)
    host.resize(1000, 500)
    host.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=5000)
    widget.table.setFocus()
    widget.table.setCurrentIndex(widget.proxy.index(0, 0))
    qtbot.keyClick(widget.table, Qt.Key.Key_Right)  # arrows move inside
    assert widget.table.currentIndex().column() == 1
    qtbot.keyClick(widget.table, Qt.Key.Key_Down)
    assert widget.table.currentIndex().row() == 1
    qtbot.keyClick(widget.table, Qt.Key.Key_Tab)  # Tab leaves at once
    assert after.hasFocus()
    qtbot.keyClick(after, Qt.Key.Key_Backtab)
    assert widget.table.hasFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_Backtab)
    assert not widget.table.hasFocus()
