"""The Conversations page on its own (no engine): the list newest first with unread counts,
a thread as bubbles marked read when opened, answers sent with Ctrl+Enter and refused for an
opted-out lead with the text kept, live changes from the change watcher's signal, templates
and merge fields in the reply box, and a long list loaded a page at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTableView
from sqlalchemy import func, select

from desktop.models import Message
from desktop.services.inbox import answers, conversations, templates
from desktop.services.inbox.conversations import note_inbound
from desktop.services.leads.store import delete_leads
from desktop.ui.inbox.conversations_model import PAGE_SIZE, UNREAD_ROLE
from desktop.ui.inbox.page import ConversationsPage
from desktop.ui.inbox.thread_model import AUTO_REPLY, OPT_OUT_NOTE
from desktop.ui.kit.appstate import AppServices
from tests.helpers import add_leads, phone
from tests.inbox_helpers import reply


def open_page(qtbot, services: AppServices) -> ConversationsPage:
    page = ConversationsPage(services)
    qtbot.addWidget(page)
    page.resize(1000, 640)
    page.show()
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=10_000)
    return page


def messages(services: AppServices) -> int:
    with services.ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Message)) or 0)


def test_the_list_is_newest_first_with_unread_counts(qtbot, services, qtmodeltester) -> None:
    ctx = services.ctx
    add_leads(ctx, 4)
    now = ctx.now()
    reply(ctx, phone(0), "Can I bring my kids?", now - timedelta(minutes=30))
    reply(ctx, phone(1), "What time?", now - timedelta(minutes=20))
    reply(ctx, phone(1), "And where?", now - timedelta(minutes=10))
    reply(ctx, phone(2), "Thanks!", now - timedelta(minutes=5))
    page = open_page(qtbot, services)
    qtmodeltester.check(page.model)
    model = page.model
    assert [row.name for row in model.rows] == ["Lead2 Test", "Lead1 Test", "Lead0 Test"]
    assert [model.index(i).data(UNREAD_ROLE) for i in range(3)] == [1, 2, 1]
    font = model.index(0).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert model.index(1).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Lead1 Test, +14155550001, 2 unread. And where?"
    )
    assert page.unread == 4
    assert page.list.objectName() == "conversationsList"
    assert page.objectName() == "conversationsPage"


def test_opening_shows_the_thread_and_marks_it_read(qtbot, services) -> None:
    ctx = services.ctx
    (lead_id,) = add_leads(ctx, 1)
    reply(ctx, phone(0), "Can I bring my kids?")
    answers.answer(ctx, lead_id, "Of course, {first_name}!")
    page = open_page(qtbot, services)
    totals: list[int] = []
    page.unreadChanged.connect(totals.append)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(0))
    items = page.view.thread_model.items
    assert [(i.ours, i.text) for i in items] == [
        (False, "Can I bring my kids?"),
        (True, "Of course, Lead0!"),
    ]
    assert items[1].caption.startswith("You · ") and items[1].status == "In-queue"
    assert page.view.objectName() == "conversationView"
    assert page.title.text() == "Lead0 Test  ·  +14155550000"
    qtbot.waitUntil(lambda: totals == [0], timeout=10_000)
    assert conversations.unread_total(ctx) == 0
    assert page.model.index(0).data(UNREAD_ROLE) == 0


def test_ctrl_enter_sends_an_answer_that_shows_in_queue_at_once(qtbot, services) -> None:
    ctx = services.ctx
    add_leads(ctx, 1)
    reply(ctx, phone(0), "Do you deliver?")
    page = open_page(qtbot, services)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(0))
    edit = page.reply_edit
    assert edit.objectName() == "replyEdit" and page.send_button.objectName() == "replySendButton"
    edit.setFocus()
    qtbot.keyClicks(edit, "Yes, {first_name}, every day")
    assert page.reply_box.counter.text() == "21/160 characters · 1 text part"  # Lead0 filled in
    with qtbot.waitSignal(page.reply_box.answered, timeout=10_000):
        qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert edit.toPlainText() == ""
    qtbot.waitUntil(
        lambda: any(i.text == "Yes, Lead0, every day" for i in page.view.thread_model.items),
        timeout=10_000,
    )
    sent = [i for i in page.view.thread_model.items if i.ours]
    assert [(i.text, i.status) for i in sent] == [("Yes, Lead0, every day", "In-queue")]
    assert messages(services) == 1
    assert "In-queue" in page.reply_box.message.text()


def test_an_opted_out_leads_answer_is_refused_and_the_text_kept(qtbot, services) -> None:
    ctx = services.ctx
    add_leads(ctx, 1)
    reply(ctx, phone(0), "STOP")
    page = open_page(qtbot, services)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(0))
    assert page.opted_out_badge.isVisible()
    assert [i.text for i in page.view.thread_model.items] == ["STOP", OPT_OUT_NOTE]
    page.reply_edit.setPlainText("Sorry to see you go")
    with qtbot.waitSignal(page.reply_box.refused, timeout=10_000) as refused:
        page.send_button.click()
    assert refused.args == [
        "Lead0 Test opted out (replied STOP): TextDesk never texts them again unless they "
        "reply START."
    ]
    assert page.reply_box.message.text() == refused.args[0]
    assert page.reply_box.message.objectName() == "fieldError"
    assert page.reply_edit.toPlainText() == "Sorry to see you go"
    assert messages(services) == 0


def test_a_keyword_reply_shows_its_auto_reply(qtbot, services) -> None:
    ctx = services.ctx
    add_leads(ctx, 1)
    reply(ctx, phone(0), " help ")
    page = open_page(qtbot, services)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(0))
    auto = [i for i in page.view.thread_model.items if i.ours]
    assert len(auto) == 1 and auto[0].caption.startswith(f"{AUTO_REPLY} · ")
    assert "Reply STOP to opt out" in auto[0].text


def test_a_reply_arriving_moves_its_conversation_up_and_is_announced(qtbot, services) -> None:
    ctx = services.ctx
    ids = add_leads(ctx, 3)
    now = ctx.now()
    for i in range(3):
        reply(ctx, phone(i), f"Hello {i}", now - timedelta(minutes=10 - i))
    page = open_page(qtbot, services)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(1))  # Lead1: read now
    qtbot.waitUntil(lambda: page.unread == 2, timeout=10_000)
    news: list[list[object]] = []
    page.newReplies.connect(news.append)
    reply(ctx, phone(0), "One more question")
    # What the window's change watcher says when the service stored the reply.
    with qtbot.waitSignal(page.listRefreshed, timeout=10_000):
        services.bridge.conversationsChanged.emit()
    assert [row.lead_id for row in page.model.rows] == [ids[0], ids[2], ids[1]]
    assert page.unread == 3
    assert page.current_row() is not None and page.current_row().lead_id == ids[1]
    assert page.list.currentIndex().row() == 2  # the open conversation stays selected
    (fresh,) = news
    assert [row.last_body for row in fresh] == ["One more question"]  # type: ignore[attr-defined]


def test_templates_and_merge_fields_in_the_reply_box(qtbot, services) -> None:
    ctx = services.ctx
    add_leads(ctx, 1)
    reply(ctx, phone(0), "Hours?")
    templates.add_template(ctx, "Hours", "We are open 8-6, {first_name}.")
    page = open_page(qtbot, services)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(0))
    box = page.reply_box
    qtbot.waitUntil(lambda: box.templates.names() == ["Hours"], timeout=10_000)
    box.templates.use("Hours")
    assert page.reply_edit.toPlainText() == "We are open 8-6, {first_name}."
    field = next(a for a in box.field_button.menu().actions() if "Last name" in a.text())
    field.trigger()
    assert page.reply_edit.toPlainText().endswith("{last_name}")
    box.templates.ask_name = lambda title, label, suggested: "Hours with name"
    box.templates.save_current()
    qtbot.waitUntil(
        lambda: [t.name for t in templates.list_templates(ctx)] == ["Hours", "Hours with name"],
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: "Saved as the template" in box.message.text(), timeout=10_000)


def test_a_long_list_loads_a_page_at_a_time(qtbot, services) -> None:
    ctx = services.ctx
    count = PAGE_SIZE * 2 + 50
    ids = add_leads(ctx, count)
    now = ctx.now()
    with ctx.db.write() as session:
        for i, lead_id in enumerate(ids):
            note_inbound(session, lead_id, f"Reply {i}", now - timedelta(seconds=i))
    page = open_page(qtbot, services)
    assert page.model.rowCount() == PAGE_SIZE and page.model.total == count
    for _ in range(3):
        page.list.scrollToBottom()
        qtbot.waitUntil(lambda: not page.model.loading, timeout=10_000)
        if page.model.canFetchMore():
            page.model.fetchMore()
            qtbot.waitUntil(lambda: not page.model.loading, timeout=10_000)
    assert page.model.rowCount() == count
    assert [row.last_body for row in page.model.rows[:2]] == ["Reply 0", "Reply 1"]
    assert len({row.lead_id for row in page.model.rows}) == count


@pytest.mark.parametrize("text", ["", "   "])
def test_send_without_text_says_so(qtbot, services, text: str) -> None:
    ctx = services.ctx
    add_leads(ctx, 1)
    reply(ctx, phone(0), "Hi")
    page = open_page(qtbot, services)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(0))
    page.reply_edit.setPlainText(text)
    assert not page.send_button.isEnabled()
    page.reply_box.send()
    assert page.reply_box.message.text() == "Write your answer first."
    assert messages(services) == 0


def test_the_page_opens_auto_replies_and_templates(qtbot, services) -> None:
    page = open_page(qtbot, services)
    dialog = page.open_settings()
    assert dialog.findChild(QTableView, "autoRepliesTable") is not None
    assert dialog.findChild(QTableView, "templatesTable") is not None
    templates.add_template(services.ctx, "Later", "Added while the page was open")
    loads = page.reply_box.templates.loads
    dialog.close()  # the reply box's Templates menu reads the list again
    qtbot.waitUntil(lambda: page.reply_box.templates.loads > loads, timeout=10_000)
    assert page.reply_box.templates.names() == ["Later"]


def test_a_deleted_leads_conversation_is_neither_listed_nor_counted(qtbot, services) -> None:
    ctx = services.ctx
    ids = add_leads(ctx, 2)
    reply(ctx, phone(0), "Hello?")
    reply(ctx, phone(1), "Still there?")
    delete_leads(ctx, [ids[1]])
    page = open_page(qtbot, services)
    assert [row.lead_id for row in page.model.rows] == [ids[0]]
    assert page.model.total == 1
    assert page.unread == 1  # the deleted lead's reply could never be read
