"""The Conversations tab in the main window: Ctrl+3, the unread total on the tab, in the status
bar and the tray's tooltip; Answer in the lead history dialog opens the conversation; Duplicate
on the dashboard opens a prefilled composer; Settings opens auto-replies and templates on the
window's database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton

from desktop.app import TextDeskApp, build_app
from desktop.services.sequences import builder
from desktop.ui.composer.dialog import ComposerDialog
from desktop.ui.inbox.settings_dialog import InboxSettingsDialog
from desktop.ui.leads.history_dialog import show_lead_history
from tests.helpers import add_leads
from tests.inbox_helpers import reply

SID = "AC" + "1" * 32
TOKEN = "a" * 32


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    # Credentials: the window works on this database, not on a demo one beside it.
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.delenv("TEXTDESK_DB", raising=False)
    return f"sqlite:///{tmp_path / 'window.db'}"


@pytest.fixture
def app(qtbot, url: str) -> Iterator[TextDeskApp]:  # type: ignore[no-untyped-def]
    built: list[TextDeskApp] = []

    def make() -> TextDeskApp:
        made = build_app(url, start_services=False, tray=False)
        built.append(made)
        made.window.show()
        return made

    yield make  # type: ignore[misc]
    for made in built:
        made.shutdown()


def test_ctrl_3_and_the_unread_total_everywhere(qtbot, app, url: str) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.core.context import Context

    ctx = Context.open(url)
    ids = add_leads(ctx, 2)
    reply(ctx, "+14155550000", "Can I bring my kids?")
    reply(ctx, "+14155550000", "And the dog?")
    reply(ctx, "+14155550001", "See you!")
    ctx.close()
    window = app().window
    dock, page = window.conversations_dock, window.conversations_page
    qtbot.waitUntil(lambda: dock.windowTitle() == "Conversations (3)", timeout=10_000)
    assert window.status.unread_label.isVisible()
    assert "3 unread replies" in window.status.unread_label.text()
    assert window.background.tray.tooltip.endswith("\n3 unread replies")
    assert window.background.tray.unread == 3  # the count on the tray icon
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    texts = [a.text() for a in view_menu.actions() if not a.isSeparator()]
    assert texts[:3] == ["&Dashboard", "&Leads", "&Conversations"]
    assert window.show_conversations_action.shortcut() == QKeySequence("Ctrl+3")
    window.activateWindow()
    window.show_conversations_action.trigger()
    qtbot.waitUntil(page.showing, timeout=5000)
    assert window.leads_page.visibleRegion().isEmpty()  # behind its tab
    row = page.model.row_of(ids[0])
    assert row is not None
    page.list.setCurrentIndex(page.model.index(row))
    qtbot.waitUntil(lambda: dock.windowTitle() == "Conversations (1)", timeout=10_000)
    assert "1 unread reply" in window.status.unread_label.text()
    page.list.setCurrentIndex(page.model.index(page.model.row_of(ids[1]) or 0))
    qtbot.waitUntil(lambda: dock.windowTitle() == "Conversations", timeout=10_000)
    assert not window.status.unread_label.isVisible()
    assert window.background.tray.tooltip == window.background.tray.status_text


def test_answer_in_the_history_dialog_opens_the_conversation(qtbot, app, url: str) -> None:  # type: ignore[no-untyped-def]
    window = app().window
    (lead_id,) = add_leads(window.services.ctx, 1)  # a lead who never wrote
    dialog = show_lead_history(window.services, lead_id, window)
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    qtbot.waitUntil(lambda: dialog.history is not None, timeout=10_000)
    assert dialog.answer_button.isEnabled()
    page = window.conversations_page
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        dialog.answer_button.click()
    assert page.lead_id == lead_id and page.showing()
    assert closed  # the history dialog made way for the conversation
    assert page.title.text() == "Lead0 Test  ·  +14155550000"
    assert page.reply_box.isEnabled()


def test_duplicate_opens_a_prefilled_composer(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    window = app().window
    ctx = window.services.ctx
    add_leads(ctx, 2)
    steps = [builder.StepSpec("Spring sale! Reply STOP to opt out")]
    sid = builder.create_sequence(ctx, "Spring", steps, builder.LeadSelection(all=True)).sequence_id
    bulk = window.bulk_sequences
    assert bulk is not None
    bulk.refresh()
    qtbot.waitUntil(lambda: bulk.select_sequence(sid), timeout=10_000)
    actions = bulk.sequence_actions
    actions.update_enabled()
    assert actions.duplicate_action.isEnabled()
    assert actions.duplicate_action.shortcut() == QKeySequence("Ctrl+Shift+D")
    with qtbot.waitSignal(window.dialogOpened, timeout=5000) as opened:
        actions.duplicate_action.trigger()
    composer = opened.args[0]
    assert isinstance(composer, ComposerDialog)
    qtbot.waitUntil(lambda: composer.name_edit.text() == "Spring (copy)", timeout=10_000)
    assert [step.body() for step in composer.steps] == [steps[0].body]
    assert composer.recipients_box.all_radio.isChecked()
    composer.done(0)


def test_settings_open_auto_replies_and_templates(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    window = app().window
    settings = window.open_settings()
    qtbot.waitUntil(lambda: settings.loaded is not None, timeout=10_000)
    assert settings.inbox_button.text() == "Auto-replies an&d templates…"
    inbox = settings.open_inbox_settings()
    assert isinstance(inbox, InboxSettingsDialog)
    assert inbox.auto_replies.services is window.services  # the messages' database
    qtbot.waitUntil(lambda: inbox.auto_replies.model.rowCount() == 2, timeout=10_000)
    inbox.done(0)
    settings.done(0)


def test_the_conversations_letters_are_their_own_in_the_window(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    """Docks behind their tabs stay "visible" to Qt: an Alt+letter shared with the Leads
    page (Edit, Delete) could press its button instead."""
    window = app().window
    page = window.conversations_page
    page.open_lead(1)  # shows the reply box (the lead need not exist for its buttons)
    found: dict[str, list[str]] = {}
    for widget in window.findChildren(QAbstractButton):
        letter = re.search(r"&(\w)", widget.text())
        if letter and widget.isVisible():
            found.setdefault(letter.group(1).lower(), []).append(widget.text())
    mine = [page.send_button, page.reply_box.field_button, page.reply_box.templates_button]
    for button in mine:
        letter = re.search(r"&(\w)", button.text())
        assert letter is not None, button.text()
        assert found[letter.group(1).lower()] == [button.text()], found


def test_a_reply_out_of_view_is_notified(qtbot, app, url: str) -> None:  # type: ignore[no-untyped-def]
    """A reply stored by the service while Conversations is behind its tab: a desktop
    notification names the lead and quotes the text (shown where the platform has a tray)."""
    from desktop.services.core.context import Context

    window = app().window
    ctx = Context.open(url)
    ids = add_leads(ctx, 1)
    window.show_dashboard_action.trigger()
    tray = window.background.tray
    assert tray.notified == []
    reply(ctx, "+14155550000", "Can I bring my kids?")
    ctx.close()
    bridge = window.services.bridge  # as the change watcher does for a reply
    bridge.historyChanged.emit(frozenset(ids))
    bridge.conversationsChanged.emit()
    qtbot.waitUntil(lambda: len(tray.notified) == 1, timeout=10_000)
    title, text = tray.notified[0]
    assert title.startswith("New reply from ") and text == "Can I bring my kids?"
    qtbot.waitUntil(lambda: tray.unread == 1, timeout=10_000)
