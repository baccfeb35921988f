"""The lead history dialog says why a message was canceled, in its "What happened" list."""

from __future__ import annotations

from desktop.services.leads import store as leads
from desktop.services.sequences import lifecycle as sequences
from desktop.ui.kit.appstate import AppServices
from desktop.ui.leads.history_dialog import LeadHistoryDialog, show_lead_history
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
    assert "Canceled (lead opted out)" in details_of_step(opened(qtbot, services, stopped), 1)
    assert "Canceled (sequence canceled)" in details_of_step(opened(qtbot, services, kept), 2)
