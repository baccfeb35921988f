"""The composer's part of the inbox (issue 12): save a step as a template and insert one, send
a test to the owner's phone (through the real engine to the sandbox), and a composer filled
from an existing sequence (Duplicate)."""

from __future__ import annotations

from datetime import timedelta

from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.inbox import templates
from desktop.services.sequences import builder, lifecycle
from desktop.ui.composer.dialog import ComposerDialog
from desktop.ui.composer.send_to_me import NO_OWNER_PHONE
from desktop.ui.kit.appstate import AppServices
from tests.engine_helpers import drive, fast_settings, make_engine
from tests.helpers import add_leads
from tests.ui.ui_helpers import FakePrompts

OWNER = "+14155550199"
BODY = "Hi {first_name|there}, the open house is Saturday. Reply STOP to opt out."


def open_composer(qtbot, services: AppServices) -> ComposerDialog:
    services.ctx.settings.set("sender", "+14155550100")
    dialog = ComposerDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_step_is_saved_as_a_template_and_inserted_in_another(qtbot, services) -> None:
    composer = open_composer(qtbot, services)
    composer.steps[0].set_body(BODY)
    menu = composer.template_menus[0]
    menu.ask_name = lambda title, label, suggested: "Open house"
    with qtbot.waitSignal(composer.reported, timeout=10_000) as said:
        menu.save_action.trigger()
    assert said.args == ["Saved as the template “Open house”."]
    assert [(t.name, t.body) for t in templates.list_templates(services.ctx)] == [
        ("Open house", BODY)
    ]

    second = composer.add_step()
    menu = composer.template_menus[1]
    qtbot.waitUntil(lambda: menu.names() == ["Open house"], timeout=10_000)
    labels = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert labels[0].startswith("Open house — Hi {first_name|there}")
    assert labels[-1] == "&Save as template…"
    second.set_body("P.S. ")
    second.body_edit.moveCursor(second.body_edit.textCursor().MoveOperation.End)
    menu.use("Open house")
    assert second.body() == "P.S. " + BODY


def test_saving_under_a_name_in_use_asks_before_replacing(qtbot, services) -> None:
    templates.add_template(services.ctx, "Open house", "Old text")
    composer = open_composer(qtbot, services)
    composer.steps[0].set_body("New text")
    menu = composer.template_menus[0]
    menu.prompts = FakePrompts(confirm=False)
    menu.ask_name = lambda title, label, suggested: "Open house"
    with qtbot.waitSignal(composer.reported, timeout=10_000) as said:
        menu.save_current()
    assert menu.prompts.asked and "exists already" in said.args[0]
    assert templates.list_templates(services.ctx)[0].body == "Old text"
    menu.prompts = FakePrompts(confirm=True)
    with qtbot.waitSignal(composer.reported, timeout=10_000) as said:
        menu.save_current()
    assert said.args == ["Saved as the template “Open house”."]
    assert templates.list_templates(services.ctx)[0].body == "New text"


def test_a_test_send_without_a_mobile_says_where_to_set_it(qtbot, services) -> None:
    add_leads(services.ctx, 1)
    composer = open_composer(qtbot, services)
    composer.steps[0].set_body(BODY)
    with qtbot.waitSignal(composer.reported, timeout=10_000) as said:
        composer.send_test_button.click()
    assert said.args == [NO_OWNER_PHONE]
    assert "Settings" in NO_OWNER_PHONE and "Your mobile" in NO_OWNER_PHONE
    assert composer.error_label.objectName() == "fieldError"


def test_a_test_send_reaches_the_owner_through_the_engine(qtbot, services) -> None:
    ctx = services.ctx
    fast_settings(ctx)
    ctx.settings.set("owner_phone", OWNER)
    add_leads(ctx, 2)
    composer = open_composer(qtbot, services)
    composer.steps[0].set_body(BODY)
    composer.add_step().set_body("Step two for {first_name}")
    qtbot.waitUntil(lambda: composer.preview.current() is not None, timeout=10_000)
    preview = composer.preview.current()
    assert preview is not None
    first_name = preview.merge_values()["first_name"]
    with qtbot.waitSignal(composer.reported, timeout=10_000) as said:
        composer.send_test_button.click()
    assert said.args == ["Sending 2 test texts to your phone: it arrives in a few seconds."]
    with CarrierSandbox(SandboxConfig.fast(seed=31)) as sandbox:
        engine = make_engine(ctx, sandbox)
        drive(engine)
        engine.stop()
        to_owner = sorted(e.body for e in sandbox.ledger_snapshot() if e.to == OWNER)
        to_leads = [e for e in sandbox.ledger_snapshot() if e.to != OWNER]
    assert to_owner == sorted(
        [BODY.replace("{first_name|there}", first_name), f"Step two for {first_name}"]
    )
    assert to_leads == []  # nothing went to the leads themselves
    assert lifecycle.list_sequences(ctx) == []  # counted in no sequence


def test_a_copy_fills_steps_delays_leads_and_sender(qtbot, services) -> None:
    ctx = services.ctx
    add_leads(ctx, 3, tag="vip")
    steps = [
        builder.StepSpec(BODY),
        builder.StepSpec("Reminder: tomorrow! Reply STOP to opt out", delay=timedelta(days=2)),
    ]
    original = builder.create_sequence(
        ctx, "Open house", steps, builder.LeadSelection(tag="vip"), sender="+14155550123"
    ).sequence_id
    composer = open_composer(qtbot, services)
    with qtbot.waitSignal(composer.copyLoaded, timeout=10_000):
        composer.load_copy(original)
    assert composer.name_edit.text() == "Open house (copy)"
    assert [step.body() for step in composer.steps] == [s.body for s in steps]
    assert composer.steps[1].delay() == timedelta(days=2)
    assert composer.recipients_box.tag_radio.isChecked()
    assert composer.draft().selection == builder.LeadSelection(tag="vip")
    assert composer.schedule_box.sender_text() == "+14155550123"


def test_a_copy_of_chosen_leads_keeps_the_same_leads(qtbot, services) -> None:
    ctx = services.ctx
    ids = add_leads(ctx, 4)
    original = builder.create_sequence(
        ctx, "Imported", [builder.StepSpec(BODY)], builder.LeadSelection(ids=tuple(ids[:2]))
    ).sequence_id
    composer = open_composer(qtbot, services)
    with qtbot.waitSignal(composer.copyLoaded, timeout=10_000):
        composer.load_copy(original)
    who = composer.recipients_box
    assert who.ids_radio.isVisible() and who.ids_radio.isChecked()
    assert who.ids_radio.text() == "The same 2 chosen leads"
    assert composer.draft().selection == builder.LeadSelection(ids=tuple(ids[:2]))
