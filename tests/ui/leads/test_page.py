"""The Leads page: lazy loading, search, tag filter, delete after a confirmation, opt-out
and tags, and its empty state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QWidget

from desktop.services.leads import store as leads
from desktop.ui.kit.appstate import AppServices
from desktop.ui.leads.model import PAGE_SIZE, LeadsTableModel
from desktop.ui.leads.page import LeadsPage
from tests.helpers import add_leads


def bulk_leads(services: AppServices, count: int) -> None:
    add_leads(services.ctx, count)


@pytest.fixture
def page(qtbot, services: AppServices) -> LeadsPage:
    widget = LeadsPage(services)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    return widget


def loaded(qtbot, page: LeadsPage) -> None:
    qtbot.waitUntil(lambda: page.model.total is not None and not page.model.loading)


def select_rows(page: LeadsPage, rows: list[int]) -> None:
    selection = page.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(page.model.index(row, 0), flags)


def test_model_passes_the_qt_model_tester(qtbot, qtmodeltester, services) -> None:
    add_leads(services.ctx, 30, tag="vip")
    owner = QWidget()  # owned by a widget, so Qt deletes it on this thread, not the GC
    qtbot.addWidget(owner)
    model = LeadsTableModel(services, owner, page_size=10)
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() == 10)
    qtmodeltester.check(model)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 20)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 3)) == "vip"
    first, second = model.lead_at(0).id, model.lead_at(1).id
    model.update_ids([first], opted_out=True, add_tags=["spring"])  # a change in place
    assert model.remove_ids([second]) == 1
    qtmodeltester.check(model)
    assert model.rowCount() == 19 and model.total == 29
    assert model.data(model.index(0, 3)) == "spring, vip"


def test_rows_load_lazily_as_the_view_asks(qtbot, services) -> None:
    bulk_leads(services, 5000)
    page = LeadsPage(services)
    qtbot.addWidget(page)
    page.show()
    model = page.model
    assert model.rowCount() == 0  # nothing read on the GUI thread
    loaded(qtbot, page)
    assert model.total == 5000
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # one page at a time
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE)
    page.table.scrollToBottom()  # the view asks for the next page itself
    qtbot.waitUntil(lambda: model.rowCount() >= 3 * PAGE_SIZE)
    assert model.rowCount() < 5000
    assert "of 5 000 leads" in page.footer.text()
    assert model.lead_at(2 * PAGE_SIZE).phone == f"+1415555{2 * PAGE_SIZE:04d}"


def test_search_is_debounced_and_filters(qtbot, page, services) -> None:
    bulk_leads(services, 500)
    page.refresh()
    loaded(qtbot, page)
    qtbot.keyClicks(page.search_edit, "Lead42")
    assert page.model.search == ""  # not yet: waiting for a pause in typing
    qtbot.waitUntil(lambda: page.model.search == "Lead42")
    loaded(qtbot, page)
    assert page.model.total == 11  # Lead42 and Lead420..Lead429
    assert page.footer.text() == "11 leads match."
    page.search_edit.setText("nobody-by-that-name")
    qtbot.waitUntil(lambda: page.model.search == "nobody-by-that-name" and page.model.total == 0)
    assert page.stack.currentWidget() is page.empty
    assert "No lead matches" in page.empty.text()


def test_tag_filter(qtbot, page, services) -> None:
    add_leads(services.ctx, 3, tag="vip")
    add_leads(services.ctx, 5, start=10)
    page.refresh()
    qtbot.waitUntil(lambda: page.tag_filter.count() == 2)
    assert page.tag_filter.itemText(1) == "vip (3)"
    page.tag_filter.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.model.tag == "vip" and page.model.total == 3)


def test_delete_asks_first_and_says_how_many(qtbot, page, services) -> None:
    bulk_leads(services, 10)
    page.refresh()
    loaded(qtbot, page)
    select_rows(page, [1, 2, 3])
    assert page.delete_button.text() == "&Delete 3 leads…"
    # What the page still reads in the background (its tag lists, a follow-up refresh) ends
    # first: a task pending after the click below could then only be a delete.
    qtbot.waitUntil(lambda: services.tasks.pending == 0, timeout=10_000)
    asked: list[tuple[str, str, str]] = []
    page.confirm = lambda title, text, action: asked.append((title, text, action)) and False
    page.delete_button.click()
    assert asked and asked[0][0] == "Delete 3 leads" and "Delete 3 leads?" in asked[0][1]
    assert services.tasks.pending == 0 and leads.count_leads(services.ctx) == 10

    page.confirm = lambda title, text, action: True
    page.delete_button.click()
    qtbot.waitUntil(lambda: page.busy == 0 and page.model.rowCount() == 7)
    assert leads.count_leads(services.ctx) == 7
    remaining = [page.model.lead_at(row).phone for row in range(3)]
    assert remaining == ["+14155550000", "+14155550004", "+14155550005"]
    assert page.message.text() == "Deleted 3 leads."
    assert page.footer.text() == "7 leads."


def test_opt_out_toggles_after_a_confirmation(qtbot, page, services) -> None:
    bulk_leads(services, 4)
    page.refresh()
    loaded(qtbot, page)
    page.confirm = lambda title, text, action: True
    select_rows(page, [0, 1])
    assert page.opt_out_button.text() == "Mark opted &out"
    page.opt_out_button.click()
    qtbot.waitUntil(lambda: page.busy == 0 and page.model.lead_at(0).opted_out)
    assert [lead.opted_out for lead in leads.list_leads(services.ctx)] == [True, True, False, False]
    assert page.model.data(page.model.index(0, 5)) == "Opted out"
    assert page.opt_out_button.text() == "Allow te&xts again"
    page.opt_out_button.click()
    qtbot.waitUntil(lambda: page.busy == 0 and not page.model.lead_at(0).opted_out)
    assert not any(lead.opted_out for lead in leads.list_leads(services.ctx))


def test_tags_are_added_and_removed(qtbot, page, services) -> None:
    bulk_leads(services, 3)
    page.refresh()
    loaded(qtbot, page)
    select_rows(page, [0, 2])
    assert not page.remove_tag_button.isEnabled()  # nothing to remove yet
    page.ask_tag = lambda title, label, choices: "  Spring Fair "
    page.add_tag_button.click()
    qtbot.waitUntil(lambda: page.busy == 0 and page.model.lead_at(0).tags == ("spring fair",))
    assert [lead.tags for lead in leads.list_leads(services.ctx)] == [
        ("spring fair",),
        (),
        ("spring fair",),
    ]
    qtbot.waitUntil(lambda: page.tag_filter.count() == 2)
    offered: list[list[str]] = []
    page.ask_tag = lambda title, label, choices: offered.append(choices) or choices[0]
    page.remove_tag_button.click()
    qtbot.waitUntil(lambda: page.busy == 0 and page.model.lead_at(0).tags == ())
    assert offered == [["spring fair"]]
    assert all(lead.tags == () for lead in leads.list_leads(services.ctx))


def test_an_empty_database_says_how_to_begin(qtbot, page) -> None:
    loaded(qtbot, page)
    assert page.stack.currentWidget() is page.empty
    assert "Import a CSV file" in page.empty.text()
    assert not page.delete_button.isEnabled()
