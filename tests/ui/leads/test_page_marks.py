"""The Leads page: add and edit one lead (errors under their fields, nothing stored), the
dead-number mark and the time zone needed shown, filtered and undone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select, update

from desktop.models import Lead, Message
from desktop.services.leads import store as leads
from desktop.services.leads.store import LeadShow
from desktop.services.sequences import builder
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.tooltips import plain_text, wrapped_tooltip
from desktop.ui.leads.lead_dialog import LeadDialog
from desktop.ui.leads.model import DEAD_LABEL, ZONE_LABEL, dead_number_tip
from desktop.ui.leads.page import LeadsPage
from tests.helpers import add_leads

TEXTS = 5  # the Texts column


@pytest.fixture
def page(qtbot, services: AppServices) -> LeadsPage:
    widget = LeadsPage(services)
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
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


def save(qtbot, dialog: LeadDialog) -> None:
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.saving)


def test_add_a_lead_with_a_bad_phone_shows_the_error_and_stores_nothing(
    qtbot, page: LeadsPage, services
) -> None:
    loaded(qtbot, page)
    page.new_button.click()
    dialog = page.lead_actions.lead_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "New lead"
    dialog.phone.setText("12")
    dialog.email.setText("ann@")
    dialog.first_name.setText("Ann")
    save(qtbot, dialog)
    assert dialog.isVisible()  # stays open with the problems
    assert dialog.errors["phone"].isVisible()
    assert "“12” is not a valid phone number" in dialog.errors["phone"].text()
    assert "is not an email address" in dialog.errors["email"].text()
    assert not dialog.errors["first_name"].isVisible()
    assert leads.count_leads(services.ctx, include_deleted=True) == 0

    dialog.phone.setText("(415) 555-0142")
    dialog.email.setText("ann@example.com")
    dialog.tags.setText("vip")
    dialog.timezone.setCurrentText("america/chicago")
    dialog.add_field("Company", "Acme")
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: page.model.total == 1 and not page.model.loading)
    lead = page.model.lead_at(0)
    assert (lead.phone, lead.first_name, lead.email, lead.tags) == (
        "+14155550142",
        "Ann",
        "ann@example.com",
        ("vip",),
    )
    assert lead.timezone == "America/Chicago" and lead.custom_fields == (("company", "Acme"),)
    assert page.message.text() == "Added Ann."
    qtbot.waitUntil(lambda: page.known_fields == ["company"])


def test_edit_a_lead(qtbot, page: LeadsPage, services) -> None:
    add_leads(services.ctx, 3)
    page.refresh()
    loaded(qtbot, page)
    select_rows(page, [0, 1])
    assert not page.edit_button.isEnabled()  # one lead at a time
    select_rows(page, [1])
    assert page.edit_button.isEnabled()
    page.edit_button.click()
    dialog = page.lead_actions.lead_dialog
    assert dialog is not None and dialog.phone.text() == "+14155550001"
    dialog.first_name.setText("Bea")
    dialog.timezone.setCurrentText("Mars/Base")
    save(qtbot, dialog)
    assert "not a time zone" in dialog.errors["timezone"].text()
    assert leads.get_lead(services.ctx, page.model.lead_at(1).id).first_name == "Lead1"
    dialog.timezone.setCurrentText("")
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    assert page.model.data(page.model.index(1, 0)) == "Bea Test"  # in place
    assert page.model.rowCount() == 3 and page.message.text() == "Saved Bea Test."


def test_a_dead_number_is_shown_filtered_and_cleared(qtbot, page: LeadsPage, services) -> None:
    ids = add_leads(services.ctx, 4)
    with services.ctx.db.write() as session:
        session.execute(
            update(Lead)
            .where(Lead.id == ids[2])
            .values(dead_number_code=30005, dead_number_at=services.ctx.now())
        )
    page.refresh()
    loaded(qtbot, page)
    cell = page.model.index(2, TEXTS)
    assert cell.data() == DEAD_LABEL
    wrapped = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert wrapped == wrapped_tooltip(dead_number_tip(page.model.lead_at(2)))  # ~60 characters
    tip = plain_text(wrapped)
    assert "error 30005" in tip and "Mark as reachable again" in tip
    assert "leaves it out of new sequences" in tip
    assert cell.data(Qt.ItemDataRole.ForegroundRole) is not None

    qtbot.waitUntil(lambda: "(1)" in page.show_filter.itemText(1))
    page.show_filter.setCurrentIndex(1)
    assert page.show_filter.currentText() == "Unreachable numbers (1)"
    qtbot.waitUntil(lambda: page.model.show is LeadShow.DEAD_NUMBER and page.model.total == 1)
    loaded(qtbot, page)
    assert page.model.lead_at(0).id == ids[2]
    assert page.footer.text() == "1 lead match."

    select_rows(page, [0])
    assert page.reachable_button.isVisible() and not page.zone_button.isVisible()
    page.reachable_button.click()
    qtbot.waitUntil(lambda: page.busy == 0 and not page.model.lead_at(0).dead_number)
    assert page.model.data(page.model.index(0, TEXTS)) == "Allowed"
    assert not leads.get_lead(services.ctx, ids[2]).dead_number
    assert not page.reachable_button.isVisible()
    assert "next sequences again" in page.message.text()


def test_a_time_zone_releases_the_held_texts(qtbot, page: LeadsPage, services) -> None:
    ctx = services.ctx
    ids = add_leads(ctx, 2)
    steps = [builder.StepSpec("Hi. Reply STOP to opt out")]
    builder.create_sequence(ctx, "S", steps, builder.LeadSelection(all=True))
    held_until = ctx.now() + timedelta(days=1)
    with ctx.db.write() as session:
        session.execute(update(Lead).values(timezone_needed=True))
        session.execute(update(Message).values(scheduled_for=held_until))
    page.refresh()
    loaded(qtbot, page)
    assert page.model.data(page.model.index(0, TEXTS)) == ZONE_LABEL
    assert "never overlap" in plain_text(
        page.model.index(0, TEXTS).data(Qt.ItemDataRole.ToolTipRole)
    )

    select_rows(page, [0])
    assert page.zone_button.isVisible()
    asked: list[list[str]] = []
    page.ask_zone = lambda title, label, zones: asked.append(zones) or "asia/vladivostok"
    page.zone_button.click()
    qtbot.waitUntil(lambda: page.busy == 0 and not page.model.lead_at(0).timezone_needed)
    assert "Asia/Vladivostok" in asked[0]
    assert page.model.lead_at(0).timezone == "Asia/Vladivostok"
    assert "1 waiting text can go out now" in page.message.text()
    with ctx.db.read() as session:
        due = dict(session.execute(select(Message.lead_id, Message.scheduled_for)).all())
    assert due[ids[0]] < held_until and due[ids[1]] == held_until  # only the chosen lead's

    page.ask_zone = lambda title, label, zones: "Nowhere/Else"
    select_rows(page, [1])
    page.zone_button.click()
    assert "is not a time zone" in page.message.text()
