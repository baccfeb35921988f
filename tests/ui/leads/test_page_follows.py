"""The Leads page follows changes made elsewhere (a STOP reply the sending service took, a
`textdesk leads` command): the rows on screen are read again in the page's own filter and
order and updated in place, without reloading the page (the owner keeps their place)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.services.leads import store as leads
from desktop.services.leads.listing import LeadShow, LeadSort
from desktop.ui.kit.appstate import AppServices
from desktop.ui.leads.model import PAGE_SIZE, SORTS
from desktop.ui.leads.page import LeadsPage
from tests.helpers import add_leads


@pytest.fixture
def page(qtbot, services: AppServices) -> LeadsPage:  # type: ignore[no-untyped-def]
    widget = LeadsPage(services)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    return widget


def settled(qtbot, page: LeadsPage) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.model.total is not None and not page.model.loading)
    page.services.tasks.wait(5000)


def reloads(page: LeadsPage) -> list[None]:
    seen: list[None] = []
    page.model.modelReset.connect(lambda: seen.append(None))
    return seen


def showing_the_opted_out(qtbot, page: LeadsPage, services: AppServices) -> list[int]:  # type: ignore[no-untyped-def]
    """Ten leads, the first three opted out, the page filtered to those three."""
    ids = add_leads(services.ctx, 10)
    leads.set_opted_out(services.ctx, ids[:3], True)
    settled(qtbot, page)
    page.model.set_filter("", None, LeadShow.OPTED_OUT)
    settled(qtbot, page)
    assert page.model.total == 3
    return ids


def test_a_change_elsewhere_shows_in_place_in_the_pages_own_order(  # type: ignore[no-untyped-def]
    qtbot, page: LeadsPage, services: AppServices
) -> None:
    add_leads(services.ctx, PAGE_SIZE + 50)
    settled(qtbot, page)
    page.model.sort(SORTS.index(LeadSort.PHONE), Qt.SortOrder.DescendingOrder)
    settled(qtbot, page)
    assert page.model.rowCount() == PAGE_SIZE  # the newest leads, beyond the first page added
    top = page.model.lead_at(0)
    reset = reloads(page)

    leads.set_opted_out(services.ctx, [top.id], True)  # as the service takes a STOP
    services.bridge.leadsChanged.emit(frozenset({top.id}))

    qtbot.waitUntil(lambda: page.model.lead_at(0).opted_out, timeout=5000)
    assert page.model.lead_at(0).id == top.id
    assert reset == []


def test_under_a_flag_filter_a_change_elsewhere_does_not_reload_the_page(  # type: ignore[no-untyped-def]
    qtbot, page: LeadsPage, services: AppServices
) -> None:
    ids = showing_the_opted_out(qtbot, page, services)
    reset = reloads(page)

    leads.set_tags(services.ctx, [ids[1]], add=["vip"])
    services.bridge.leadsChanged.emit(frozenset({ids[1]}))

    (row,) = page.model.rows_of([ids[1]])
    qtbot.waitUntil(lambda: "vip" in page.model.lead_at(row).tags, timeout=5000)
    assert reset == []
    assert page.model.total == 3


def test_a_lead_leaving_the_filter_elsewhere_reloads_the_page(  # type: ignore[no-untyped-def]
    qtbot, page: LeadsPage, services: AppServices
) -> None:
    ids = showing_the_opted_out(qtbot, page, services)

    leads.set_opted_out(services.ctx, [ids[0]], False)  # texts allowed again, elsewhere
    services.bridge.leadsChanged.emit(frozenset({ids[0]}))

    qtbot.waitUntil(lambda: page.model.total == 2 and page.model.rowCount() == 2, timeout=5000)
    assert ids[0] not in {page.model.lead_at(row).id for row in range(2)}
