"""The lead list and lead history dialogs: filter, export, click-through, explanations."""

from __future__ import annotations

import csv
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QWidget
from sqlalchemy.exc import OperationalError

from desktop.services.reports import history
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.vocabulary import Bucket
from desktop.services.twilio import error_catalog
from desktop.ui.dashboard.lead_list_dialog import LeadListDialog
from desktop.ui.dashboard.lead_list_model import LEAD
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.tasks import TaskRunner
from desktop.ui.kit.tooltips import plain_text
from desktop.ui.leads.history_dialog import LeadHistoryDialog, show_lead_history
from desktop.ui.leads.history_model import STATUS
from tests.ui.ui_helpers import REPLIER, UNKNOWN_ERROR, FakePrompts, Populated

# The populated-database fixtures (tests/ui/conftest.py is shared with other screens).
pytest_plugins = ("tests.ui.ui_fixtures",)


def open_list(
    qtbot, services, sequence_id: int, bucket: Bucket | None, prompts: FakePrompts | None = None
) -> LeadListDialog:
    dialog = LeadListDialog(services, sequence_id, "Spring sale", bucket, prompts=prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.refresher.completed > 0, timeout=5000)
    return dialog


def row_of_lead(dialog: LeadListDialog, lead_id: int) -> int:
    for r in range(dialog.proxy.rowCount()):
        source = dialog.proxy.mapToSource(dialog.proxy.index(r, 0))
        if dialog.model.row_at(source.row()).lead_id == lead_id:
            return r
    raise AssertionError(f"lead {lead_id} is not listed")


def test_clicking_a_lead_opens_its_history_with_the_error_explained(
    qtbot, pop_services, populated: Populated
) -> None:
    dialog = open_list(qtbot, pop_services, populated.sent_id, Bucket.ERROR)
    lead_id = populated.ids[UNKNOWN_ERROR]
    index = dialog.proxy.index(row_of_lead(dialog, lead_id), LEAD)
    assert index.data() == "Uma Example"
    with qtbot.waitSignal(dialog.historyOpened, timeout=3000) as opened:
        qtbot.mouseClick(
            dialog.table.viewport(),
            Qt.MouseButton.LeftButton,
            pos=dialog.table.visualRect(index).center(),
        )
    history_dialog: LeadHistoryDialog = opened.args[0]
    qtbot.addWidget(history_dialog)
    assert history_dialog.objectName() == "leadHistoryDialog"
    assert history_dialog.view.objectName() == "leadHistoryView"
    qtbot.waitUntil(lambda: history_dialog.history is not None, timeout=5000)
    assert history_dialog.lead_id == lead_id
    [error_row] = history_dialog.model.error_rows()
    explanation = error_catalog.explain(30008).as_text()
    index = history_dialog.model.index(error_row, STATUS)
    assert plain_text(index.data(Qt.ItemDataRole.ToolTipRole)) == explanation
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    # The error is selected on opening and explained in full below the table.
    assert history_dialog.selected_entry() == history_dialog.model.entry(error_row)
    details = history_dialog.details.toPlainText()
    assert "Error 30008 — Unknown error" in details
    assert "What to do" in details and "Likely causes" in details


def test_history_shows_replies_in_time_order(qtbot, pop_services, populated: Populated) -> None:
    dialog = show_lead_history(pop_services, populated.ids[REPLIER], None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.history is not None, timeout=5000)
    entries = dialog.model.entries
    # Spring sale and the reply to it (Twilio dates replies to the second, so within the
    # sandbox's milliseconds either may come first), then Autumn preview waiting for its day.
    assert sorted(e.direction for e in entries[:2]) == ["inbound", "outbound"]
    assert [e.time for e in entries] == sorted(e.time for e in entries)
    assert dialog.model.index(2, 4).data() == "In-queue"
    reply = [e.direction for e in entries].index("inbound")
    assert dialog.model.index(reply, 4).data() == "Reply"
    assert dialog.model.index(reply, 3).data() == "Thanks, see you!"
    assert "1 reply" in dialog.summary.text()


def test_filter_narrows_the_list(qtbot, pop_services, populated: Populated) -> None:
    dialog = open_list(qtbot, pop_services, populated.sent_id, Bucket.SENT)
    assert dialog.proxy.rowCount() == 5 and dialog.count_label.text() == "5 messages"
    qtbot.keyClicks(dialog.filter_edit, "dev")
    assert dialog.proxy.rowCount() == 1
    assert dialog.count_label.text() == "1 of 5 messages"
    dialog.filter_edit.setText("BJÖRN")  # accents and case, as people type names
    assert dialog.proxy.rowCount() == 1
    dialog.filter_edit.setText("nobody like this")
    assert dialog.proxy.rowCount() == 0 and dialog.stack.currentIndex() == 0
    assert "No message matches" in dialog.empty.text()


def test_export_writes_the_rows_shown(
    qtbot, pop_services, populated: Populated, tmp_path: Path
) -> None:
    target = tmp_path / "errors.csv"
    prompts = FakePrompts(path=target)
    dialog = open_list(qtbot, pop_services, populated.sent_id, Bucket.ERROR, prompts)
    dialog.filter_edit.setText("30008")
    with qtbot.waitSignal(dialog.notifier.info, timeout=5000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    with open(target, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 2
    assert rows[1][0] == "Uma Example" and rows[1][1] == "+14155550777"  # only + and digits
    columns = dict(zip(rows[0], rows[1], strict=True))
    assert columns["Error code"] == "30008" and columns["Error"] == "Unknown error"
    assert columns["Message"]  # the text that was sent


def test_the_list_follows_its_sequence(qtbot, pop_services, populated: Populated) -> None:
    dialog = open_list(qtbot, pop_services, populated.later_id, Bucket.IN_QUEUE)
    assert dialog.model.rowCount() == 7
    sequences.cancel(pop_services.ctx, populated.later_id)
    pop_services.bridge.sequencesChanged.emit([populated.later_id])
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=5000)
    assert "No messages in In-queue" in dialog.empty.text()


def test_a_database_error_is_a_sentence(
    qtbot, pop_services, populated: Populated, monkeypatch: pytest.MonkeyPatch
) -> None:
    def damaged(*_args, **_kwargs):
        # What SQLite raises for a damaged file: the sentence follows its result code.
        corrupt = sqlite3.DatabaseError("database disk image is malformed")
        corrupt.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
        raise OperationalError("SELECT", {}, corrupt)

    monkeypatch.setattr(history, "messages_in_bucket", damaged)
    notifier = Notifier()
    dialog = LeadListDialog(
        pop_services, populated.sent_id, "Spring sale", Bucket.ERROR, notifier=notifier
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(notifier.error, timeout=5000) as failed:
        dialog.show()
    assert failed.args[0] == "The database file is damaged."  # no backup beside it to name
    assert "damaged" in dialog.empty.text() and "Traceback" not in dialog.empty.text()


def test_a_list_deleted_with_its_window_drops_the_late_rows(
    qtbot, pop_services, populated: Populated
) -> None:
    """The window goes (and its child dialogs with it, without done()) while the list's
    query is still running: its rows arrive for a deleted LeadListModel and are dropped."""
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    tasks = TaskRunner(pool=pool)
    services = replace(pop_services, tasks=tasks)
    release = threading.Event()
    tasks.run(lambda: release.wait(5))  # the one thread is busy: the list's query waits
    window = QWidget()
    dialog = LeadListDialog(services, populated.sent_id, "Spring sale", Bucket.ERROR, window)
    dialog.refresher.request_now()
    assert dialog.refresher.busy and tasks.pending == 2
    shiboken6.delete(window)
    release.set()
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)  # delivered, and dropped
