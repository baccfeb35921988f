"""Long tooltips in Conversations, its settings and the composer wrap at about 60 characters
(issue 11, item 11): rich text in a table as wide as ~60 characters of the tooltip font
(desktop/ui/kit/tooltips.py), never one line as wide as the screen. Short ones stay plain."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QToolTip

from desktop.services.inbox import answers, auto_replies, templates
from desktop.services.twilio import error_catalog
from desktop.ui.composer.dialog import ComposerDialog
from desktop.ui.inbox.page import ConversationsPage
from desktop.ui.inbox.settings_dialog import InboxSettingsDialog
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.tooltips import WRAP_CHARS, plain_text, tooltip_width
from tests.helpers import add_leads, phone, report_status
from tests.inbox_helpers import reply
from tests.ui.ui_helpers import FakePrompts

TIP = Qt.ItemDataRole.ToolTipRole
LONG_BODY = (
    "Hi Lead0, thanks for asking! We are open from 8 in the morning to 6 in the evening, "
    "Monday to Saturday, and on Sunday mornings in December. Reply STOP to opt out."
)


def assert_wrapped(tip: object, says: str) -> None:
    """`tip` is `says` as a wrapped tooltip: a table ~60 characters wide around it."""
    assert isinstance(tip, str)
    assert max(len(line) for line in says.splitlines()) > WRAP_CHARS  # long: it must wrap
    assert tip.startswith(f"<table width={tooltip_width()}><tr><td>"), tip
    assert tip.endswith("</td></tr></table>"), tip
    assert plain_text(tip) == says
    assert tooltip_width() < 80 * QFontMetrics(QToolTip.font()).averageCharWidth()


def open_page(qtbot, services: AppServices) -> ConversationsPage:
    page = ConversationsPage(services)
    qtbot.addWidget(page)
    page.resize(1000, 640)
    page.show()
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=10_000)
    return page


def test_a_failed_answers_explanation_wraps_in_the_thread(qtbot, services) -> None:
    ctx = services.ctx
    (lead_id,) = add_leads(ctx, 1)
    reply(ctx, phone(0), "Are you open on Sunday?")
    sent = answers.answer(ctx, lead_id, "Yes, from 9 to 12.")
    report_status(ctx, sent.message_id, "undelivered", error_code=21610)
    page = open_page(qtbot, services)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(0))
    model = page.view.thread_model
    [row] = [r for r, item in enumerate(model.items) if item.problem]
    assert model.items[row].text == "Yes, from 9 to 12."
    explanation = error_catalog.explain(21610).as_text()
    assert max(len(line) for line in explanation.splitlines()) >= 160  # one line of 168
    assert_wrapped(model.index(row).data(TIP), explanation)
    lead_row = next(r for r, item in enumerate(model.items) if not item.ours)
    assert "<table" not in model.index(lead_row).data(TIP)  # the time received stays plain


def test_the_composers_segment_counter_tooltip_wraps(qtbot, services) -> None:
    services.ctx.settings.set("sender", "+14155550100")
    composer = ComposerDialog(services)
    qtbot.addWidget(composer)
    composer.show()
    step = composer.steps[0]
    step.set_body("a" * 200)
    assert step.counter_text() == "200/306 characters · 2 text parts"
    assert_wrapped(
        step.counter.toolTip(),
        "2 segment(s), GSM-7 encoding: 160 characters fit in one text part; a longer text "
        "is cut into parts of 153. A few characters ({ } [ ] ~ ^ | \\ €) count as two. "
        "Twilio bills each part.",
    )
    step.set_body("Hello 😀")
    assert_wrapped(
        step.counter.toolTip(),
        "1 segment(s), UCS-2 encoding: Special characters (emoji, some accents) make each "
        "text part shorter: 70 characters instead of 160 (67 each once a text is cut into "
        "parts). Twilio bills each part.",
    )


def test_the_reply_boxs_segment_counter_tooltip_wraps(qtbot, services) -> None:
    add_leads(services.ctx, 1)
    reply(services.ctx, phone(0), "Do you deliver?")
    page = open_page(qtbot, services)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(0))
    page.reply_edit.setPlainText("Yes, every day.")
    tip = page.reply_box.counter.toolTip()
    assert_wrapped(tip, plain_text(tip))
    assert plain_text(tip).startswith("1 segment(s), GSM-7 encoding: 160 characters fit")


def test_long_template_and_auto_reply_bodies_wrap_in_their_tables(qtbot, services) -> None:
    ctx = services.ctx
    templates.add_template(ctx, "Opening hours", LONG_BODY)
    templates.add_template(ctx, "Thanks", "Thanks, see you soon!")
    auto_replies.set_rule(ctx, "hours", LONG_BODY)
    dialog = InboxSettingsDialog(services, prompts=FakePrompts())
    qtbot.addWidget(dialog)
    dialog.show()
    rules, saved = dialog.auto_replies.model, dialog.templates.model
    qtbot.waitUntil(lambda: rules.rowCount() > 0 and saved.rowCount() == 2, timeout=10_000)

    answer = 1  # the Answer column
    hours = next(r for r in range(rules.rowCount()) if rules.index(r, 0).data() == "HOURS")
    assert_wrapped(rules.index(hours, answer).data(TIP), LONG_BODY)
    help_row = next(r for r in range(rules.rowCount()) if rules.index(r, 0).data() == "HELP")
    default = rules.index(help_row, 2).data(TIP)  # State: "On (default)" says why
    assert_wrapped(default, plain_text(default))
    assert plain_text(default).startswith("Answered by TextDesk unless you change it")

    text = 1  # the Text column
    rows = {saved.index(r, 0).data(): r for r in range(saved.rowCount())}
    assert_wrapped(saved.index(rows["Opening hours"], text).data(TIP), LONG_BODY)
    assert saved.index(rows["Thanks"], text).data(TIP) == "Thanks, see you soon!"  # plain


def test_a_conversations_row_tooltip_wraps_its_long_last_message(qtbot, services) -> None:
    ctx = services.ctx
    add_leads(ctx, 2)
    reply(ctx, phone(0), "Hi")
    reply(ctx, phone(1), LONG_BODY)
    page = open_page(qtbot, services)
    model = page.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    rows = {model.row_at(r).phone: r for r in range(model.rowCount())}
    last = model.row_at(rows[phone(1)]).last_body  # the list keeps the message's start
    assert last.startswith(LONG_BODY[:150])
    assert_wrapped(model.index(rows[phone(1)]).data(TIP), f"Lead1 Test · {phone(1)}\n{last}")
    assert model.index(rows[phone(0)]).data(TIP) == f"Lead0 Test · {phone(0)}\nHi"  # plain


def test_the_other_long_sentences_in_the_composer_and_conversations_wrap(qtbot, services) -> None:
    ctx = services.ctx
    templates.add_template(ctx, "Opening hours", LONG_BODY)
    ctx.settings.set("sender", "+14155550100")
    composer = ComposerDialog(services)
    qtbot.addWidget(composer)
    composer.show()
    [menu] = composer.template_menus
    qtbot.waitUntil(lambda: menu.loads > 0 and bool(menu.saved), timeout=10_000)
    [action] = [a for a in menu.actions() if a.toolTip() and "Opening hours" in a.text()]
    assert_wrapped(action.toolTip(), LONG_BODY)  # a template's text in the Templates menu
    for tip in (
        composer.send_to_me.button.toolTip(),
        composer.schedule_box.zone_label.toolTip(),
        composer.steps[0].hint.toolTip(),
    ):
        assert_wrapped(tip, plain_text(tip))
    assert plain_text(composer.schedule_box.zone_label.toolTip()).startswith(
        "The start time is in this computer's time zone."
    )

    add_leads(ctx, 1)
    reply(ctx, phone(0), "STOP")
    page = open_page(qtbot, services)
    with qtbot.waitSignal(page.threadLoaded, timeout=10_000):
        page.list.setCurrentIndex(page.model.index(0))
    assert page.opted_out_badge.isVisible()
    badge = page.opted_out_badge.toolTip()
    assert_wrapped(badge, plain_text(badge))
    assert plain_text(badge).startswith("They replied STOP (or you marked them)")
