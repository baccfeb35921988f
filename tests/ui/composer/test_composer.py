"""The composer: live counters and highlighting, steps, preview, cost and forecast, the
compliance gate, and a real sequence stored when Start is pressed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QTextCursor

from desktop.models import Step
from desktop.services.leads.store import set_opted_out
from desktop.services.sequences import lifecycle as sequences
from desktop.services.sequences.forecast import describe_duration, describe_moment
from desktop.ui.composer.dialog import ComposerDialog
from desktop.ui.composer.text_counter import highlighted_ranges
from desktop.ui.kit.appstate import AppServices
from tests.clocks import RunningClock, window_opening
from tests.helpers import add_leads

OK_BODY = "Hi {first_name|there}, our spring sale starts Friday. Reply STOP to opt out."
LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # add_leads' numbers are all +1 415


def qt_time(moment: datetime) -> QDateTime:
    """An aware instant as the local QDateTime the start-time editor holds."""
    return QDateTime.fromMSecsSinceEpoch(round(moment.timestamp() * 1000))


@pytest.fixture
def composer(qtbot, services: AppServices) -> ComposerDialog:
    services.ctx.settings.set("sender", "+14155550100")  # the composer starts with it
    dialog = ComposerDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def settle(qtbot, composer: ComposerDialog) -> None:
    """Wait until the background check of the current draft has arrived."""
    qtbot.waitUntil(
        lambda: (
            not composer.is_checking()
            and composer.last_check is not None
            and composer.last_check.draft == composer.draft()
        ),
        timeout=10_000,
    )


def test_counter_on_known_texts(composer: ComposerDialog) -> None:
    step = composer.steps[0]
    step.set_body("a" * 160)
    assert step.counter_text() == "160/160 characters · 1 text part"
    step.set_body("a" * 161)
    assert step.counter_text() == "161/306 characters · 2 text parts"
    assert "GSM-7" in step.counter.toolTip()  # the technical term, for who wants it
    step.set_body("{[]}")  # extension characters cost two septets each
    assert step.counter_text() == "8/160 characters · 1 text part"
    assert highlighted_ranges(step.body_edit.document()) == []


def test_an_emoji_switches_to_ucs2_and_is_highlighted(composer: ComposerDialog) -> None:
    step = composer.steps[0]
    step.set_body("Hi 😀 there")
    assert step.counter_text() == "11/70 characters · 1 text part · special characters"
    assert "UCS-2" in step.counter.toolTip() and "UCS-2" not in step.counter_text()
    # The emoji is one Python character but two UTF-16 units in the editor.
    assert highlighted_ranges(step.body_edit.document()) == [(3, 2)]
    assert step.hint.isVisibleTo(composer)
    assert "😀" in step.hint.text()
    assert (
        "Special characters (emoji, some accents) make each text part shorter: 70 characters "
        "instead of 160" in step.hint.text()
    )
    assert "UCS-2" not in step.hint.text() and "UCS-2" in step.hint.toolTip()
    step.set_body("Hi there")
    assert highlighted_ranges(step.body_edit.document()) == []
    assert not step.hint.isVisibleTo(composer)


def test_merge_field_menu_inserts_at_the_cursor(composer: ComposerDialog) -> None:
    step = composer.steps[0]
    step.set_body("Hi , see you Friday")
    cursor = step.body_edit.textCursor()
    cursor.setPosition(3)
    step.body_edit.setTextCursor(cursor)
    first_name = step.field_button.menu().actions()[0]
    assert first_name.data() == "{first_name|there}"
    first_name.trigger()
    assert step.body() == "Hi {first_name|there}, see you Friday"
    cursor.movePosition(QTextCursor.MoveOperation.End)
    step.body_edit.setTextCursor(cursor)
    step.field_button.menu().actions()[3].trigger()
    assert step.body().endswith("Friday{email}")


def test_steps_can_be_added_reordered_and_removed(composer: ComposerDialog) -> None:
    composer.steps[0].set_body("first")
    second = composer.add_step()
    second.set_body("second")
    second.delay_value.setValue(3)
    second.delay_unit.setCurrentIndex(1)  # hours
    assert not composer.steps[0].delay_row.isVisibleTo(composer)
    assert second.delay_row.isVisibleTo(composer)
    assert [s.body for s in composer.draft().steps] == ["first", "second"]
    assert composer.draft().steps[1].delay == timedelta(hours=3)

    second.up_button.click()
    assert [s.body for s in composer.draft().steps] == ["second", "first"]
    assert composer.steps[0] is second and not second.delay_row.isVisibleTo(composer)
    assert not second.up_button.isEnabled()

    second.remove_button.click()
    assert [s.body for s in composer.draft().steps] == ["first"]
    assert not composer.steps[0].remove_button.isEnabled()  # the last step stays


@pytest.mark.clock
def test_preview_cost_and_forecast_follow_the_leads(qtbot, composer, services) -> None:
    add_leads(services.ctx, 5)
    composer.reload_basics()
    composer.steps[0].set_body(OK_BODY)
    settle(qtbot, composer)
    check = composer.last_check
    assert check is not None and check.recipients == 5
    assert composer.preview.bubble_texts()[0].startswith("Hi Lead0, our spring sale")
    composer.preview.lead_combo.setCurrentIndex(2)
    assert composer.preview.bubble_texts()[0].startswith("Hi Lead2,")
    # With the fields filled in for Lead2 the text fits one segment: 5 x $0.0079.
    assert composer.steps[0].counter_text().endswith("· 1 text part")
    panel = composer.check_panel
    assert panel.cost.text() == "Estimated cost: $0.04 (5 text parts at $0.0079 each)."
    assert panel.forecast.text().startswith("The last of 5 messages should go out on ")
    assert "1 text part a second between 08:00 and 21:00" in panel.forecast.text()
    # Sent now: the first goes out at once inside quiet hours' window in Los Angeles, else
    # when it next opens there; then one a second.
    config = services.ctx.settings.config()
    first = window_opening(check.forecast.start, LOS_ANGELES, config.quiet_hours)
    last = first + 4 * timedelta(seconds=1 / config.rate_limit)
    assert check.forecast.finish is not None
    assert abs(check.forecast.finish - last) < timedelta(milliseconds=2)
    assert composer.start_button.isEnabled()


def test_opted_out_leads_are_left_out(qtbot, composer, services) -> None:
    ids = add_leads(services.ctx, 4)
    set_opted_out(services.ctx, ids[:1], True)
    composer.steps[0].set_body(OK_BODY)
    settle(qtbot, composer)
    sentence = "3 of 4 leads will get it (1 opted out left out)"
    assert composer.check_panel.recipients.text().startswith(sentence + ":")
    assert composer.recipients_box.summary.text() == sentence + "."


def test_a_refusal_blocks_start(qtbot, composer, services) -> None:
    add_leads(services.ctx, 3)
    composer.steps[0].set_body("Win big at our online casino tonight! Reply STOP to opt out")
    settle(qtbot, composer)
    panel = composer.check_panel
    assert panel.problems.isVisibleTo(composer)
    assert "gambling" in panel.problems.text()
    assert not composer.start_button.isEnabled()
    assert "gambling" in composer.start_button.toolTip()
    composer.start()  # Ctrl+Enter ends up here too: it must not create anything
    qtbot.keyClick(
        composer.steps[0].body_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert services.tasks.pending == 0
    assert sequences.list_sequences(services.ctx) == []


def test_a_warning_needs_the_tick(qtbot, composer, services) -> None:
    add_leads(services.ctx, 3)
    composer.steps[0].set_body("Happy hour: craft beer at half price. Reply STOP to opt out.")
    settle(qtbot, composer)
    panel = composer.check_panel
    assert panel.warnings.isVisibleTo(composer) and "alcohol" in panel.warnings.text()
    assert panel.accept_box.isVisibleTo(composer)
    assert not composer.start_button.isEnabled()
    panel.accept_box.setChecked(True)
    assert composer.start_button.isEnabled()
    # Editing the text brings a new check; the same warning keeps the tick.
    composer.steps[0].set_body("Happy hour: craft beer at half price! Reply STOP to opt out.")
    assert not composer.start_button.isEnabled()  # stale until the new check arrives
    settle(qtbot, composer)
    assert composer.start_button.isEnabled()


def test_a_missing_opt_out_line_is_a_reminder_only(qtbot, composer, services) -> None:
    add_leads(services.ctx, 2)
    composer.steps[0].set_body("Hi there, the sale starts Friday.")
    settle(qtbot, composer)
    assert "Reply STOP" in composer.check_panel.reminders.text()
    assert composer.start_button.isEnabled()


def test_start_stores_the_sequence_and_pokes_the_engine(qtbot, composer, services) -> None:
    add_leads(services.ctx, 4, tag="vip")
    add_leads(services.ctx, 3, start=50)
    pokes: list[int] = []
    services.poke_engine = lambda: pokes.append(1)  # type: ignore[method-assign]
    composer.reload_basics()
    qtbot.waitUntil(lambda: composer.recipients_box.tag_combo.count() == 1)
    composer.recipients_box.tag_radio.setChecked(True)
    composer.name_edit.setText("Spring sale")
    composer.steps[0].set_body(OK_BODY)
    follow_up = composer.add_step()
    follow_up.set_body("Last day of the sale, {first_name|there}!")
    follow_up.set_delay(timedelta(hours=2))
    settle(qtbot, composer)
    assert composer.last_check is not None and composer.last_check.recipients == 4

    body = follow_up.body_edit
    body.setFocus()
    with qtbot.waitSignal(composer.sequenceCreated, timeout=10_000) as created:
        qtbot.keyClick(body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "\n" not in follow_up.body()  # the shortcut took the key, not the text box
    sequence_id = created.args[0]
    assert pokes == [1]
    assert composer.result() == ComposerDialog.DialogCode.Accepted
    summary = sequences.get_summary(services.ctx, sequence_id)
    assert summary.name == "Spring sale"
    assert summary.total == 8 and summary.steps == 2
    with services.ctx.db.read() as session:
        steps = session.query(Step).filter_by(sequence_id=sequence_id).order_by(Step.position)
        assert [s.delay_seconds for s in steps] == [0.0, 7200.0]


@pytest.mark.clock
def test_send_later_schedules_the_sequence(qtbot, composer, services, clock: RunningClock) -> None:
    add_leads(services.ctx, 2)
    composer.steps[0].set_body(OK_BODY)
    later = clock() + timedelta(days=2)
    composer.schedule_box.later_radio.setChecked(True)
    composer.schedule_box.when_edit.setDateTime(qt_time(later))
    assert composer.start_button.text() == "&Schedule"
    settle(qtbot, composer)
    check = composer.last_check
    assert check is not None and check.forecast.finish is not None
    start = check.forecast.start
    assert abs(start - later) < timedelta(seconds=1)
    # At a start inside the window in Los Angeles both go out at once ("under a minute");
    # outside it they wait for the window to open there, and the forecast says how long.
    config = services.ctx.settings.config()
    first = window_opening(start, LOS_ANGELES, config.quiet_hours)
    last = first + timedelta(seconds=1 / config.rate_limit)
    assert abs(check.forecast.finish - last) < timedelta(milliseconds=2)
    forecast = composer.check_panel.forecast.text()
    assert forecast.startswith(f"Starts on {describe_moment(start.astimezone())} (your time). ")
    assert f"({describe_duration(last - start)})" in forecast
    assert ("(under a minute)" in forecast) == (first == start)
    with qtbot.waitSignal(composer.sequenceCreated, timeout=10_000) as created:
        composer.start_button.click()
    summary = sequences.get_summary(services.ctx, created.args[0])
    assert abs(summary.start_at - later) < timedelta(seconds=1)
    assert summary.status.value == "scheduled"


@pytest.mark.clock
def test_a_past_start_time_and_a_bad_sender_block_start(
    qtbot, composer, services, clock: RunningClock
) -> None:
    add_leads(services.ctx, 2)
    composer.steps[0].set_body(OK_BODY)
    composer.schedule_box.sender_edit.setText("my number")
    settle(qtbot, composer)
    assert not composer.start_button.isEnabled()
    assert composer.schedule_box.sender_error.isVisibleTo(composer)
    composer.schedule_box.sender_edit.setText("+14155550199")
    composer.schedule_box.later_radio.setChecked(True)
    composer.schedule_box.when_edit.setDateTime(qt_time(clock() - timedelta(minutes=10)))
    settle(qtbot, composer)
    assert "in the past" in composer.blocking_reason()
    composer.schedule_box.now_radio.setChecked(True)
    settle(qtbot, composer)
    assert composer.start_button.isEnabled()


@pytest.mark.clock
def test_the_name_start_and_import_tag_come_from_the_services_clock(
    composer: ComposerDialog, clock: RunningClock
) -> None:
    # The dialog was opened between the clock's start and now: either minute may show.
    opened = {clock.start.astimezone(), clock().astimezone()}
    assert composer.name_edit.text() in {f"Sequence of {describe_moment(t)}" for t in opened}
    default = composer.schedule_box.when_edit.dateTime().toMSecsSinceEpoch() / 1000
    hour = timedelta(hours=1).total_seconds()
    assert clock.start.timestamp() + hour - 0.001 <= default <= clock().timestamp() + hour
    composer.recipients_box.import_button.click()
    wizard = composer.import_wizard
    assert wizard is not None
    assert wizard.tag() in {f"import {t:%Y-%m-%d %H:%M}" for t in opened}
    wizard.reject()


def test_without_any_sender_start_says_what_is_missing(qtbot, composer, services) -> None:
    add_leads(services.ctx, 2)
    qtbot.waitUntil(lambda: composer.schedule_box.sender_text() == "+14155550100")
    composer.schedule_box.sender_edit.clear()
    composer.steps[0].set_body(OK_BODY)
    settle(qtbot, composer)
    assert composer.blocking_reason().startswith("Enter the Twilio number to send from")
    assert "Enter the Twilio number" in composer.check_panel.problems.text()


def test_media_is_counted_as_mms(qtbot, composer, services) -> None:
    add_leads(services.ctx, 3)
    composer.steps[0].set_body(OK_BODY)
    composer.steps[0].media_edit.setText("https://example.com/a.jpg")
    settle(qtbot, composer)
    assert composer.check_panel.cost.text() == (
        "Estimated cost: $0.02 (3 MMS at $0.0079 each). "
        "MMS usually costs more; see your Twilio price list."
    )
    composer.steps[0].media_edit.setText("ftp://example.com/a.jpg")
    assert "must start with http" in composer.steps[0].problems.text()
    settle(qtbot, composer)
    assert not composer.start_button.isEnabled()


def test_no_leads_says_what_to_do(qtbot, composer) -> None:
    composer.steps[0].set_body(OK_BODY)
    settle(qtbot, composer)
    assert "import a CSV file" in composer.recipients_box.summary.text()
    assert "No leads to send to" in composer.check_panel.problems.text()
    assert not composer.start_button.isEnabled()


def test_a_csv_imported_on_the_spot_becomes_the_selection(qtbot, composer, services, tmp_path):  # type: ignore[no-untyped-def]
    add_leads(services.ctx, 5)
    csv_file = tmp_path / "fair.csv"
    csv_file.write_text("name,phone\nAna Lima,+14155550301\nBo Berg,+14155550302\n")
    composer.recipients_box.import_button.click()
    wizard = composer.import_wizard
    assert wizard.tag().startswith("import ")  # so the sequence can target exactly these
    wizard.set_path(str(csv_file))
    qtbot.waitUntil(lambda: wizard.preview is not None)
    wizard.next()
    with qtbot.waitSignal(wizard.imported, timeout=10_000):
        wizard.next()
    wizard.accept()
    assert composer.recipients_box.tag_radio.isChecked()
    composer.steps[0].set_body(OK_BODY)
    settle(qtbot, composer)
    assert composer.last_check is not None and composer.last_check.recipients == 2
    assert composer.draft().selection.tag == wizard.tag()


def test_tab_walks_the_form_in_reading_order(composer: ComposerDialog) -> None:
    second = composer.add_step()
    composer.steps[0].set_body("first")
    second.up_button.click()  # the second step is now first: Tab must follow
    seen = [composer.name_edit]
    while (widget := seen[-1].nextInFocusChain()) is not composer.name_edit:
        seen.append(widget)
    first, later = composer.steps
    assert seen.index(composer.schedule_box.when_edit) < seen.index(first.body_edit)
    assert seen.index(first.body_edit) < seen.index(later.body_edit)
    assert seen.index(later.media_edit) < seen.index(composer.add_step_button)
    assert seen.index(composer.cancel_button) < seen.index(composer.start_button)
