"""The lead history dialog says why a message was canceled, in its "What happened" list."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from sqlalchemy import update

from desktop.models import Sequence
from desktop.services.core.actor import current_actor
from desktop.services.leads import store as leads
from desktop.services.reports.history import lead_history
from desktop.services.sequences import lifecycle as sequences
from desktop.ui.kit.appstate import AppServices
from desktop.ui.leads.history_dialog import LeadHistoryDialog, show_lead_history
from desktop.ui.leads.history_model import from_text
from tests.services.sequences.test_cancel_reasons import hand_off_first_step, reply, two_steps


def opened(qtbot, services: AppServices, lead_id: int) -> LeadHistoryDialog:
    dialog = show_lead_history(services, lead_id, None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.history is not None, timeout=5000)
    return dialog


def details_of_step(dialog: LeadHistoryDialog, step: int) -> str:
    [row] = [r for r in range(dialog.model.rowCount()) if dialog.model.entry(r).step == step]
    dialog.view.selectRow(row)
    return dialog.details.toPlainText()


def test_a_canceled_step_says_the_lead_replied(qtbot, services: AppServices) -> None:
    ctx = services.ctx
    sequence_id, (lead,) = two_steps(ctx)
    hand_off_first_step(ctx, sequence_id, lead)
    reply(ctx, "+14155550000", "Thanks, see you!")
    dialog = opened(qtbot, services, lead)
    assert "Canceled (lead replied)" in details_of_step(dialog, 2)


def test_each_reason_reads_beside_canceled(qtbot, services: AppServices) -> None:
    ctx = services.ctx
    sequence_id, (stopped, kept) = two_steps(ctx, 2)
    leads.set_opted_out(ctx, [stopped], True)
    sequences.cancel(ctx, sequence_id)
    me = current_actor()  # who did it, as team mode records it
    assert f"Canceled (lead opted out by {me})" in details_of_step(
        opened(qtbot, services, stopped), 1
    )
    assert f"Canceled (sequence canceled by {me})" in details_of_step(
        opened(qtbot, services, kept), 2
    )


def test_team_mode_says_who_wrote_and_who_opted_out(qtbot, services: AppServices) -> None:
    ctx = services.ctx
    sequence_id, (lead,) = two_steps(ctx)
    # A colleague at another desktop created the sequence; this desktop's person opts out.
    with ctx.db.write() as session:
        session.execute(
            update(Sequence).where(Sequence.id == sequence_id).values(created_by="bob@back-office")
        )
    leads.set_opted_out(ctx, [lead], True)
    dialog = opened(qtbot, services, lead)
    assert {from_text(e) for e in dialog.model.entries} == {"bob@back-office"}
    [badge] = [w for w in dialog.findChildren(QLabel) if w.text() == "Opted out" and w.toolTip()]
    assert (
        badge.toolTip() == f"Opted out by {current_actor()}: TextDesk sends this lead nothing more."
    )
    # This desktop's own sequences read "You".
    with ctx.db.write() as session:
        session.execute(
            update(Sequence).where(Sequence.id == sequence_id).values(created_by=current_actor())
        )
    assert {from_text(e) for e in lead_history(ctx, lead).entries} == {"You"}
