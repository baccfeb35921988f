"""The Leads page sorts by any column through the query (also past the first page), and a
double-click or Enter on a lead opens its history."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QWidget

from desktop.models import Lead, LeadTag
from desktop.services.core.context import Context
from desktop.services.leads import store as leads
from desktop.services.leads.store import LeadSort
from desktop.ui.kit.appstate import AppServices
from desktop.ui.leads.history_dialog import LeadHistoryDialog
from desktop.ui.leads.model import SORTS, LeadsTableModel
from desktop.ui.leads.page import LeadsPage

NAMES = ["mia", "Ana", "zoe", "", "Bo", "carl", "Ed", "fay"]


def varied_leads(ctx: Context, count: int = 40) -> None:
    """Leads that differ in every column, in an order that matches none of them."""
    with ctx.db.write() as session:
        for i in range(count):
            n = (i * 7) % count  # a shuffle of 0..count-1
            lead = Lead(
                phone=f"+1415555{(n * 37) % 10000:04d}",
                first_name=NAMES[i % len(NAMES)] + (str(n) if NAMES[i % len(NAMES)] else ""),
                last_name="",
                email=f"{chr(97 + n % 26)}{i}@example.com" if i % 5 else "",
                timezone=("America/Chicago", "", "Europe/Paris", "Asia/Tokyo")[i % 4],
                opted_out=i % 9 == 0,
                dead_number_code=30005 if i % 11 == 3 else None,
                timezone_needed=i % 13 == 5,
            )
            lead.tags = [LeadTag(tag=t) for t in (("vip",), (), ("b", "walk-in"), ("a",))[i % 4]]
            session.add(lead)


@pytest.fixture
def page(qtbot, services: AppServices) -> LeadsPage:
    widget = LeadsPage(services)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    return widget


def loaded(qtbot, page: LeadsPage) -> None:
    qtbot.waitUntil(lambda: page.model.total is not None and not page.model.loading)


def click_header(qtbot, page: LeadsPage, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def shown_ids(page: LeadsPage) -> list[int]:
    return [page.model.lead_at(row).id for row in range(page.model.rowCount())]


@pytest.mark.parametrize("column", range(len(SORTS)))
def test_a_click_on_a_header_sorts_by_that_column_both_ways(
    qtbot, page: LeadsPage, services: AppServices, column: int
) -> None:
    varied_leads(services.ctx)
    page.model.page_size = 15  # the order must hold across pages, not only in the first one
    page.refresh()
    loaded(qtbot, page)
    header = page.table.horizontalHeader()
    for order, descending in (
        (Qt.SortOrder.AscendingOrder, False),
        (Qt.SortOrder.DescendingOrder, True),
    ):
        click_header(qtbot, page, column)
        wanted = (SORTS[column], descending)
        qtbot.waitUntil(lambda wanted=wanted: page.model.order == wanted)
        loaded(qtbot, page)
        assert header.sortIndicatorSection() == column and header.sortIndicatorOrder() == order
        while page.model.canFetchMore():
            page.model.fetchMore()
            loaded(qtbot, page)
        expected = leads.list_leads(services.ctx, sort=SORTS[column], descending=descending)
        assert shown_ids(page) == [lead.id for lead in expected]
        assert len(set(shown_ids(page))) == 40
    # A third click: back to the order leads came in.
    click_header(qtbot, page, column)
    qtbot.waitUntil(lambda: page.model.order == (LeadSort.ADDED, False))
    loaded(qtbot, page)
    assert shown_ids(page) == sorted(shown_ids(page))


def test_the_model_passes_the_model_tester_while_sorted(qtbot, qtmodeltester, services) -> None:
    varied_leads(services.ctx, 30)
    owner = QWidget()
    qtbot.addWidget(owner)
    model = LeadsTableModel(services, owner, page_size=10)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: model.rowCount() == 10)
    qtmodeltester.check(model)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 20)
    qtmodeltester.check(model)
    first = model.lead_at(0)
    assert model.query()["sort"] is LeadSort.NAME and model.query()["descending"]
    model.update_ids([first.id], reachable=True, timezone="Asia/Tokyo")
    assert model.lead_at(0).timezone == "Asia/Tokyo" and not model.lead_at(0).timezone_needed
    qtmodeltester.check(model)


def history_dialogs(page: LeadsPage) -> list[LeadHistoryDialog]:
    return [d for d in page.findChildren(LeadHistoryDialog) if d.isVisible()]


def test_double_click_and_enter_open_the_history(qtbot, page: LeadsPage, services) -> None:
    varied_leads(services.ctx, 5)
    page.refresh()
    loaded(qtbot, page)
    where = page.table.visualRect(page.model.index(2, 1)).center()
    # A real double-click: a press and release, then the second press (Qt opens on that).
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: len(history_dialogs(page)) == 1)
    (dialog,) = history_dialogs(page)
    assert dialog.lead_id == page.model.lead_at(2).id
    qtbot.waitUntil(lambda: dialog.history is not None)
    dialog.close()
    qtbot.waitUntil(lambda: not history_dialogs(page))

    page.table.setFocus()
    page.table.selectionModel().setCurrentIndex(
        page.model.index(4, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(history_dialogs(page)) == 1)
    assert history_dialogs(page)[0].lead_id == page.model.lead_at(4).id
