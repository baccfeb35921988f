"""Every Qt model of the dashboard and dialogs, through pytest-qt's model tester, and the
contract of their header and tooltip data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from desktop.services.reports import history
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.vocabulary import BUCKET_ORDER, OUTBOX_INFO, Bucket, SequenceStatus
from desktop.services.twilio import error_catalog
from desktop.ui.dashboard.feed_models import RecentErrorsModel, RepliesModel
from desktop.ui.dashboard.lead_list_dialog import LeadListFilter
from desktop.ui.dashboard.lead_list_model import ERROR, TIME, LeadListModel
from desktop.ui.dashboard.sequences_model import SequencesModel, column_of
from desktop.ui.kit.roles import LINK_ROLE, SORT_ROLE, STATUS_ROLE
from desktop.ui.kit.tooltips import plain_text, wrapped_tooltip
from desktop.ui.leads.history_model import STATUS, LeadHistoryModel
from tests.ui.ui_helpers import UNKNOWN_ERROR, Populated

# The populated-database fixtures (tests/ui/conftest.py is shared with other screens).
pytest_plugins = ("tests.ui.ui_fixtures",)


def test_sequences_model_passes_the_model_tester(qtmodeltester, pop_services) -> None:
    summaries = sequences.list_sequences(pop_services.ctx)
    model = SequencesModel(clock=pop_services.ctx.now)
    qtmodeltester.check(model)  # empty
    model.set_summaries(summaries)
    qtmodeltester.check(model)
    model.set_summaries(summaries[:1])  # a row removed
    model.update_summaries(summaries)  # and inserted again, the other updated in place
    qtmodeltester.check(model)
    assert model.rowCount() == len(summaries) == 2


def test_sequences_model_headers_are_the_bucket_labels(pop_services) -> None:
    model = SequencesModel(clock=pop_services.ctx.now)
    headers = [
        model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for i in range(model.columnCount())
    ]
    assert headers[3 : 3 + len(BUCKET_ORDER)] == [b.label for b in BUCKET_ORDER]
    assert "Deleted leads" in headers and "Canceled" in headers
    outbox = column_of(Bucket.OUTBOX)
    assert (
        model.headerData(outbox, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        == OUTBOX_INFO
        == "Awaiting response from destination carrier"
    )
    icon = model.headerData(outbox, Qt.Orientation.Horizontal, Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()


def test_sequences_model_cells(pop_services, populated: Populated) -> None:
    model = SequencesModel(clock=pop_services.ctx.now)
    model.set_summaries(sequences.list_sequences(pop_services.ctx))
    row = model.row_of(populated.sent_id)
    summary = model.summary(row)
    status = model.index(row, column_of("status"))
    assert SequenceStatus(status.data(STATUS_ROLE)) == summary.status
    tooltip = plain_text(status.data(Qt.ItemDataRole.ToolTipRole))
    assert tooltip.endswith(summary.status.meaning)
    error = model.index(row, column_of(Bucket.ERROR))
    assert error.data() == "2" and error.data(SORT_ROLE) == 2 and error.data(LINK_ROLE) is True
    outbox = model.index(row, column_of(Bucket.OUTBOX))
    assert outbox.data() == "0" and outbox.data(LINK_ROLE) is False
    deleted = model.index(row, column_of("deleted_leads"))
    assert deleted.data() == "1" and deleted.data(LINK_ROLE) is True
    assert sum(int(model.index(row, column_of(b)).data()) for b in BUCKET_ORDER) == summary.total
    assert model.columnCount() == 3 + len(BUCKET_ORDER) + 3


def test_lead_list_model_passes_the_model_tester(
    qtmodeltester, pop_services, populated: Populated
) -> None:
    rows = history.messages_in_bucket(pop_services.ctx, populated.sent_id, Bucket.ERROR)
    model = LeadListModel(clock=pop_services.ctx.now)
    qtmodeltester.check(model)
    model.set_rows(rows)
    qtmodeltester.check(model)
    codes = {model.row_at(r).error_code for r in range(model.rowCount())}
    assert codes == {21211, 30008}
    for r in range(model.rowCount()):
        code = model.row_at(r).error_code
        tip = model.index(r, ERROR).data(Qt.ItemDataRole.ToolTipRole)
        assert plain_text(tip) == error_catalog.explain(code).as_text()
        assert model.index(r, 0).data(LINK_ROLE) is True


def test_lead_list_filter_passes_the_model_tester(
    qtmodeltester, pop_services, populated: Populated
) -> None:
    model = LeadListModel(clock=pop_services.ctx.now)
    proxy = LeadListFilter()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(TIME, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)
    model.set_rows(history.messages_in_bucket(pop_services.ctx, populated.sent_id, Bucket.ERROR))
    qtmodeltester.check(proxy)
    proxy.set_needle("30008")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1
    assert proxy.index(0, ERROR).data().startswith("30008")


def test_lead_history_model_error_row_explains(
    qtmodeltester, pop_services, populated: Populated
) -> None:
    found = history.lead_history(pop_services.ctx, populated.ids[UNKNOWN_ERROR])
    model = LeadHistoryModel(clock=pop_services.ctx.now)
    qtmodeltester.check(model)
    model.set_entries(found.entries)
    qtmodeltester.check(model)
    [row] = model.error_rows()
    explanation = error_catalog.explain(30008).as_text()
    for column in range(model.columnCount()):
        tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
        assert plain_text(tip) == explanation
        assert tip == wrapped_tooltip(explanation) != explanation  # wrapped, not one line
    icon = model.index(row, STATUS).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert "30008" in explanation and "Likely causes" in explanation


def test_feed_models_pass_the_model_tester(qtmodeltester, pop_services) -> None:
    errors = RecentErrorsModel(clock=pop_services.ctx.now)
    errors.set_rows(history.recent_errors(pop_services.ctx))
    qtmodeltester.check(errors)
    assert errors.rowCount() == 2
    tip = plain_text(errors.index(0, 2).data(Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith("Error ")
    replies = RepliesModel(clock=pop_services.ctx.now)
    replies.set_rows(history.recent_replies(pop_services.ctx))
    qtmodeltester.check(replies)
    assert replies.index(0, 3).data() == "Thanks, see you!"
    assert replies.index(0, 2).data() == "Reply"
