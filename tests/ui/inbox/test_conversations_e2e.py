"""Conversations end to end: the window starts the real sending service, which sends a
campaign to the carrier sandbox; the sandbox's leads answer; the window follows through its
change watcher. A reply shows unread, an answer typed in replyEdit and sent with Ctrl+Enter
reaches the sandbox exactly once and the thread shows it Sent; a keyword gets exactly one
auto-reply, shown as Auto-reply; an opted-out lead's answer is refused, its text kept."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.app import TextDeskApp
from desktop.sandbox import Outcome
from desktop.services.inbox import auto_replies
from desktop.services.leads.store import list_leads
from desktop.ui.inbox.conversations_model import UNREAD_ROLE
from desktop.ui.inbox.page import ConversationsPage
from desktop.ui.inbox.thread_model import AUTO_REPLY
from tests.ui.shell.service_helpers import Sending, open_window

pytest_plugins = ("tests.ui.shell.service_fixtures",)

ASKS, KEYWORD, LEAVES = "+14155550000", "+14155550001", "+14155550002"  # add_leads' numbers
QUESTION = "Can I bring my kids?"
ANSWER = "Of course! Kids are welcome."
HOURS = "We are open 8-6, Monday to Saturday."


def bodies_to(sending: Sending, phone: str) -> list[str]:
    return [entry.body for entry in sending.sandbox.ledger_snapshot() if entry.to == phone]


def open_conversation(qtbot, page: ConversationsPage, lead_id: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.model.row_of(lead_id) is not None, timeout=30_000)
    row = page.model.row_of(lead_id)
    assert row is not None
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(row))


@pytest.mark.slow
def test_replies_answers_auto_replies_and_an_opt_out_through_the_service(  # type: ignore[no-untyped-def]
    qtbot, sending: Sending, windows: list[TextDeskApp]
) -> None:
    sandbox = sending.sandbox
    for phone, words in ((ASKS, QUESTION), (KEYWORD, " hours "), (LEAVES, "STOP")):
        sandbox.force_outcome(phone, Outcome.delivered())
        sandbox.config.reply_rules[phone] = words
    auto_replies.set_rule(sending.ctx, "HOURS", HOURS)
    sending.create(3, name="Open house")
    ids = {lead.phone: lead.id for lead in list_leads(sending.ctx)}
    app = open_window(windows, sending.url)
    window = app.window
    page = window.conversations_page
    window.show_conversations_action.trigger()

    # The replies arrive: one row per lead, unread, and the total on the tab.
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=60_000)
    qtbot.waitUntil(lambda: page.unread == 3, timeout=30_000)
    assert window.conversations_dock.windowTitle() == "Conversations (3)"
    row = page.model.row_of(ids[ASKS])
    assert row is not None and page.model.index(row).data(UNREAD_ROLE) == 1

    # An answer typed and sent with Ctrl+Enter: In-queue at once, then Sent, sent once.
    open_conversation(qtbot, page, ids[ASKS])
    qtbot.waitUntil(lambda: page.unread == 2, timeout=10_000)
    assert window.conversations_dock.windowTitle() == "Conversations (2)"
    page.reply_edit.setFocus()
    qtbot.keyClicks(page.reply_edit, ANSWER)
    with qtbot.waitSignal(page.reply_box.answered, timeout=10_000):
        qtbot.keyClick(page.reply_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.reply_edit.toPlainText() == ""

    def answer_status() -> str:
        mine = [i for i in page.view.thread_model.items if i.text == ANSWER]
        return mine[0].status if mine else ""

    qtbot.waitUntil(lambda: answer_status() != "", timeout=10_000)
    qtbot.waitUntil(lambda: answer_status() == "Sent", timeout=60_000)
    qtbot.wait(1500)  # an answer sent twice would show up by now
    assert bodies_to(sending, ASKS).count(ANSWER) == 1

    # A keyword reply: exactly one auto-reply, shown as such.
    open_conversation(qtbot, page, ids[KEYWORD])

    def auto() -> list[str]:
        return [
            i.status
            for i in page.view.thread_model.items
            if i.ours and i.caption.startswith(f"{AUTO_REPLY} · ")
        ]

    qtbot.waitUntil(lambda: auto() == ["Sent"], timeout=60_000)
    assert [i.text for i in page.view.thread_model.items if i.ours][-1] == HOURS
    assert bodies_to(sending, KEYWORD).count(HOURS) == 1

    # The lead who replied STOP: an answer is refused with the reason, the text stays.
    open_conversation(qtbot, page, ids[LEAVES])
    assert page.opted_out_badge.isVisible()
    page.reply_edit.setPlainText("Sorry to see you go!")
    with qtbot.waitSignal(page.reply_box.refused, timeout=10_000) as refused:
        page.send_button.click()
    assert "opted out (replied STOP)" in refused.args[0]
    assert page.reply_edit.toPlainText() == "Sorry to see you go!"
    assert "Sorry to see you go!" not in bodies_to(sending, LEAVES)
    qtbot.waitUntil(lambda: page.unread == 0, timeout=10_000)  # each was opened, so read
