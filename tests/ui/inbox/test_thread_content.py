"""Issue 12: a conversation's thread shows the whole history as bubbles (campaign steps,
replies, answers, auto-replies) with each text's delivery status and, for an error, its
heading and the catalog's explanation as the lead history dialog shows them.

The history is made by a real engine against the carrier sandbox: a two-step campaign whose
first step is delivered and second fails with 30003, a reply read by the poller, an answer,
and a keyword reply answered by an auto-reply."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.inbox import answers, auto_replies
from desktop.services.reports.history import lead_history
from desktop.services.sequences import builder
from desktop.services.status.vocabulary import Bucket
from desktop.services.twilio import error_catalog
from desktop.ui.inbox.page import ConversationsPage
from desktop.ui.inbox.thread_model import AUTO_REPLY
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.tooltips import plain_text
from desktop.ui.leads.history_dialog import LeadHistoryDialog, show_lead_history
from tests.engine_helpers import fast_settings, make_engine
from tests.helpers import add_leads
from tests.waiting import wait_until

PHONE = "+14155550000"  # add_leads' first lead
FIRST = "Open house Saturday at 10! Reply STOP to opt out"
SECOND = "Reminder: the open house starts in an hour"
QUESTION = "Can I bring my kids?"
ANSWER_TEXT = "Of course, {first_name}! Kids are welcome."
ANSWER = "Of course, Lead0! Kids are welcome."
KEYWORD = "hours"
HOURS = "We are open 8-6, Monday to Saturday."
CODE = 30003  # the phone could not be reached: a temporary failure, the lead stays textable


def buckets(ctx: Context, lead_id: int) -> list[tuple[str | None, Bucket | None]]:
    return [(e.origin, e.bucket) for e in lead_history(ctx, lead_id).entries]


def seed_conversation(ctx: Context) -> int:
    """The lead's history, made by the engine against the sandbox; returns the lead id."""
    fast_settings(ctx)
    (lead_id,) = add_leads(ctx, 1)
    auto_replies.set_rule(ctx, KEYWORD, HOURS)
    with CarrierSandbox(SandboxConfig.fast(seed=31)) as sandbox:
        # Step 1 delivered, step 2 undelivered with 30003, then (it sticks) delivered.
        sandbox.force_outcome(
            PHONE, Outcome.delivered(), Outcome.undelivered(CODE), Outcome.delivered()
        )
        steps = [builder.StepSpec(FIRST), builder.StepSpec(SECOND, delay=timedelta(seconds=1))]
        builder.create_sequence(
            ctx, "Open house", steps, builder.LeadSelection(all=True), stop_on_reply=False
        )
        engine = make_engine(ctx, sandbox)
        try:

            def until(expected: list[tuple[str | None, Bucket | None]], what: str) -> None:
                def done() -> bool:
                    engine.run_once()
                    return buckets(ctx, lead_id) == expected

                wait_until(done, what=what)

            until([("step", Bucket.SENT), ("step", Bucket.ERROR)], "step 1 Sent, step 2 Error")
            sandbox.add_inbound(PHONE, None, QUESTION)
            until([("step", Bucket.SENT), ("step", Bucket.ERROR), (None, None)], "the reply read")
            answers.answer(ctx, lead_id, ANSWER_TEXT)
            until(
                [
                    ("step", Bucket.SENT),
                    ("step", Bucket.ERROR),
                    (None, None),
                    ("answer", Bucket.SENT),
                ],
                "the answer delivered",
            )
            sandbox.add_inbound(PHONE, None, KEYWORD)
            until(
                [
                    ("step", Bucket.SENT),
                    ("step", Bucket.ERROR),
                    (None, None),
                    ("answer", Bucket.SENT),
                    (None, None),
                    ("auto_reply", Bucket.SENT),
                ],
                "the keyword's auto-reply delivered",
            )
        finally:
            engine.stop()
        bodies = [entry.body for entry in sandbox.ledger_snapshot() if entry.to == PHONE]
    assert bodies == [FIRST, SECOND, ANSWER, HOURS]  # each once
    return lead_id


def open_thread(qtbot, services: AppServices, lead_id: int) -> ConversationsPage:  # type: ignore[no-untyped-def]
    page = ConversationsPage(services)
    qtbot.addWidget(page)
    page.resize(1000, 640)
    page.show()
    qtbot.waitUntil(lambda: page.model.row_of(lead_id) is not None, timeout=10_000)
    row = page.model.row_of(lead_id)
    assert row is not None
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(row))
    return page


def history_dialog(qtbot, services: AppServices, lead_id: int) -> LeadHistoryDialog:  # type: ignore[no-untyped-def]
    dialog = show_lead_history(services, lead_id, None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.history is not None, timeout=10_000)
    return dialog


def test_the_thread_shows_steps_replies_answers_and_auto_replies_with_status(
    qtbot, services: AppServices
) -> None:
    lead_id = seed_conversation(services.ctx)
    page = open_thread(qtbot, services, lead_id)
    view = page.view
    assert view.objectName() == "conversationView"
    items = view.thread_model.items
    assert [(i.ours, i.text, i.status) for i in items] == [
        (True, FIRST, "Sent"),
        (True, SECOND, "Error"),
        (False, QUESTION, ""),
        (True, ANSWER, "Sent"),
        (False, KEYWORD, ""),
        (True, HOURS, "Sent"),
    ]
    who = [i.caption.split(" · ")[0] for i in items if i.ours]
    assert who == ["Step 1", "Step 2", "You", AUTO_REPLY]
    assert [i.origin for i in items] == ["step", "step", None, "answer", None, "auto_reply"]
    # Only the failed step has a problem; the others say what their bucket means.
    info = error_catalog.explain(CODE)
    assert [i.problem for i in items] == ["", info.heading, "", "", "", ""]
    assert info.heading == "Error 30003 — The recipient's phone could not be reached"
    sent_meaning = Bucket.SENT.meaning
    assert [i.tooltip for i in items if i.ours and i.bucket == Bucket.SENT] == [sent_meaning] * 3
    # The view's own data, as the bubbles and the tooltip show it.
    model = view.thread_model
    error_index = model.index(1)
    assert model.data(error_index, Qt.ItemDataRole.DisplayRole) == SECOND
    tooltip = plain_text(model.data(error_index, Qt.ItemDataRole.ToolTipRole))
    assert tooltip.startswith(info.heading)
    assert " ".join(info.explanation.split()) in " ".join(tooltip.split())
    for line in (*info.causes, *info.what_to_do, info.resend_advice):
        assert line in tooltip
    assert model.data(error_index, Qt.ItemDataRole.AccessibleTextRole) == (
        f"Step 2: {SECOND}. Error. {info.heading}."
    )
    assert model.data(model.index(5), Qt.ItemDataRole.AccessibleTextRole) == (
        f"{AUTO_REPLY}: {HOURS}. Sent."
    )
    assert not view.grab().isNull()  # the bubbles paint, the error's two caption lines too

    # As the lead history dialog shows it: the same explanation in the row's tooltip, the
    # same heading and explanation in its details.
    dialog = history_dialog(qtbot, services, lead_id)
    [row] = [
        r
        for r in range(dialog.model.rowCount())
        if dialog.model.entry(r).direction == "outbound" and dialog.model.entry(r).error_code
    ]
    dialog_tooltip = dialog.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.data(error_index, Qt.ItemDataRole.ToolTipRole) == dialog_tooltip
    dialog.view.selectRow(row)
    details = dialog.details.toPlainText()
    assert info.heading in details and " ".join(info.explanation.split()) in " ".join(
        details.split()
    )
    assert f"Error ({CODE})" in details  # the dialog's status label for the same step
