"""What a newcomer's first session found in the composer: a typed draft is not lost by Esc
or Cancel, the title is "New sequence", the dialog fits 1024x700, the start time shows its
time zone, one sentence counts the recipients, and the words are an owner's words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QDateTimeEdit, QDialog, QLabel, QWidget

from desktop.models import Lead
from desktop.services.leads.store import delete_leads, set_opted_out
from desktop.services.settings_form import SENDER_PROBLEM
from desktop.ui.composer.dialog import ComposerDialog
from desktop.ui.composer.draft_guard import DISCARD_TITLE
from desktop.ui.composer.panels import ScheduleBox
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.tooltips import plain_text
from tests.clocks import RunningClock
from tests.helpers import add_leads

OK_BODY = "Hi {first_name|there}, our spring sale starts Friday. Reply STOP to opt out."


@pytest.fixture
def composer(qtbot, services: AppServices) -> ComposerDialog:
    services.ctx.settings.set("sender", "+14155550100")
    dialog = ComposerDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def settle(qtbot, composer: ComposerDialog) -> None:
    qtbot.waitUntil(
        lambda: (
            not composer.is_checking()
            and composer.last_check is not None
            and composer.last_check.draft == composer.draft()
        ),
        timeout=10_000,
    )


def answer_discard(qtbot, composer: ComposerDialog, *, discard: bool, seen: list[str]) -> None:
    """Answer the question once it is asked (it runs its own event loop)."""

    def answer() -> None:
        question = composer.guard.question
        if question is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(question.text())
        seen.append(question.defaultButton().text())
        if discard:
            question.discard_button.click()
        else:
            qtbot.keyClick(question, Qt.Key.Key_Return)  # Enter: the default button

    QTimer.singleShot(0, answer)


def test_the_title_says_new_sequence(composer: ComposerDialog) -> None:
    assert composer.windowTitle() == "New sequence"
    assert composer.name_edit.text().startswith("Sequence of ")


def test_esc_without_a_draft_closes_at_once(qtbot, composer: ComposerDialog) -> None:
    qtbot.keyClick(composer.steps[0].body_edit, Qt.Key.Key_Escape)
    assert not composer.isVisible()
    assert composer.result() == QDialog.DialogCode.Rejected


def test_esc_with_a_draft_asks_and_keep_editing_is_the_default(
    qtbot, composer: ComposerDialog
) -> None:
    composer.steps[0].set_body("Hello! Reply STOP to opt out.")
    seen: list[str] = []
    answer_discard(qtbot, composer, discard=False, seen=seen)
    qtbot.keyClick(composer.steps[0].body_edit, Qt.Key.Key_Escape)
    assert seen == [DISCARD_TITLE, "&Keep editing"]
    assert composer.isVisible()
    assert composer.steps[0].body() == "Hello! Reply STOP to opt out."

    answer_discard(qtbot, composer, discard=True, seen=seen)
    composer.cancel_button.click()
    assert seen[2] == DISCARD_TITLE
    assert not composer.isVisible()
    assert composer.result() == QDialog.DialogCode.Rejected


def test_the_program_closing_the_dialog_never_asks(qtbot, composer: ComposerDialog) -> None:
    composer.steps[0].media_edit.setText("https://example.com/a.jpg")
    assert composer.has_draft()
    composer.close()  # the window quitting: not a spontaneous close by the user
    assert not composer.isVisible() and composer.guard.question is None


def clipped(widget: QWidget) -> bool:
    """A button, date or one-line label narrower than it needs to show its text."""
    if isinstance(widget, QLabel) and widget.wordWrap():
        return False
    return widget.isVisible() and widget.width() < widget.sizeHint().width()


def test_the_composer_fits_1024_by_700(qtbot, composer: ComposerDialog, services) -> None:
    add_leads(services.ctx, 3)
    composer.reload_basics()
    composer.schedule_box.later_radio.setChecked(True)
    composer.steps[0].set_body(OK_BODY)
    composer.resize(1024, 700)
    settle(qtbot, composer)
    qtbot.wait(50)
    assert composer.width() <= 1024 and composer.height() <= 700
    assert composer.minimumSizeHint().width() <= 1024
    assert composer.minimumSizeHint().height() <= 700
    widgets = composer.findChildren(QAbstractButton) + composer.findChildren(QDateTimeEdit)
    widgets += composer.findChildren(QLabel)
    cut = [w.text() if hasattr(w, "text") else w.objectName() for w in widgets if clipped(w)]
    assert cut == []
    box = composer.schedule_box
    assert box.when_edit.width() >= box.when_edit.sizeHint().width()  # "Fri 27 Nov 2026 …"


@pytest.mark.clock
def test_the_start_time_shows_the_time_zone(qtbot, clock: RunningClock) -> None:
    box = ScheduleBox(clock=clock)
    qtbot.addWidget(box)
    text = box.zone_label.text()
    assert text.startswith("Your time zone: ")
    offset = (clock() + timedelta(hours=1)).astimezone().strftime("%z")
    assert text.endswith(f"(UTC{offset[:3]}:{offset[3:]})")


def test_one_sentence_counts_the_recipients(qtbot, composer, services) -> None:
    ids = add_leads(services.ctx, 6)
    set_opted_out(services.ctx, ids[:1], True)
    delete_leads(services.ctx, ids[1:2])
    with services.ctx.db.write() as session:  # a number that failed with 30005 before
        lead = session.get(Lead, ids[2])
        assert lead is not None
        lead.dead_number_code = 30005
    composer.reload_basics()
    composer.steps[0].set_body(OK_BODY)
    settle(qtbot, composer)
    assert composer.recipients_box.all_radio.text() == "&All leads (5)"
    sentence = "3 of 5 leads will get it (1 opted out and 1 number that cannot take texts left out)"
    assert composer.recipients_box.summary.text() == sentence + "."
    assert composer.check_panel.recipients.text() == sentence + ": 3 messages in 1 step."
    tip = plain_text(composer.recipients_box.summary.toolTip())
    assert tip == plain_text(composer.check_panel.recipients.toolTip())
    assert "Deleted leads are never texted (1 in this choice)." in tip
    assert "Skip numbers that cannot take texts" in tip


def test_no_jargon_in_the_sender_error_and_the_preview(qtbot, composer, services) -> None:
    add_leads(services.ctx, 2)
    composer.schedule_box.sender_edit.setText("my number")
    assert composer.schedule_box.sender_error.text() == SENDER_PROBLEM
    assert "E.164" not in SENDER_PROBLEM and "E.164" in composer.schedule_box.sender_error.toolTip()
    composer.steps[0].set_body("Café ☕ tonight! Reply STOP to opt out.")
    settle(qtbot, composer)
    caption, bubble = composer.preview.bubbles.itemAt(0), composer.preview.bubbles.itemAt(1)
    assert caption is not None and bubble is not None
    words = caption.widget().text()  # type: ignore[union-attr]
    assert words == "Step 1 · 1 text part · special characters"
    # The forecast's sentence (services/sequences/forecast.py) is checked too: "1 text
    # part a second", not "1 segment/s".
    skipped = {"bubble"}
    shown = " ".join(
        w.text()
        for w in composer.findChildren(QLabel)
        if w.isVisible() and w.objectName() not in skipped
    )
    for jargon in ("UCS-2", "GSM-7", "E.164", "segment"):
        assert jargon not in shown, jargon


def test_a_bad_merge_field_is_placed_in_characters(qtbot, composer, services) -> None:
    """The owner never reads "at position 4": the field is quoted as typed, at character N."""
    add_leads(services.ctx, 1)
    composer.steps[0].set_body("Hi {first_name, see you soon! Reply STOP to opt out.")
    settle(qtbot, composer)
    under_step = composer.steps[0].problems.text()
    assert under_step.startswith("Unclosed merge field “{first_name, see you soon! Re…”")
    assert "at character 4" in under_step
    blocking = composer.check_panel.problems.text()
    assert "Unclosed merge field" in blocking and "at character 4" in blocking
    assert "position" not in under_step + blocking
