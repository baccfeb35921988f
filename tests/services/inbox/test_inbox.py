"""Two-way texting end to end against the sandbox: a reply lands in the inbox, an answer
goes out once through the engine, keywords are answered once, opted-out leads never."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop.models import Message
from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.inbox import answers, auto_replies, conversations, templates, trial_send
from desktop.services.leads.store import set_opted_out
from desktop.services.reports.history import lead_history
from desktop.services.sequences import builder, lifecycle
from desktop.services.status.vocabulary import Bucket
from tests.engine_helpers import drive, fast_settings, make_engine
from tests.helpers import add_leads
from tests.waiting import wait_until

STEP = [builder.StepSpec("Open house Saturday! Reply STOP to opt out")]
PHONE = "+14155550000"  # add_leads' first lead


def _campaign(ctx: Context, sandbox: CarrierSandbox, reply: str) -> int:
    """A one-step campaign to one lead who answers `reply`; returns the lead id."""
    fast_settings(ctx)
    (lead_id,) = add_leads(ctx, 1)
    sandbox.force_outcome(PHONE, Outcome.delivered())
    sandbox.config.reply_rules[PHONE] = reply
    builder.create_sequence(ctx, "Open house", STEP, builder.LeadSelection(all=True))
    return lead_id


def _to_lead(sandbox: CarrierSandbox) -> list[str]:
    return [entry.body for entry in sandbox.ledger_snapshot() if entry.to == PHONE]


def test_a_reply_lands_unread_and_an_answer_goes_out_once(ctx: Context) -> None:
    with CarrierSandbox(SandboxConfig.fast(seed=11)) as sandbox:
        lead_id = _campaign(ctx, sandbox, "Can I bring my kids?")
        engine = make_engine(ctx, sandbox)
        drive(engine)
        (row,) = conversations.list_conversations(ctx)
        assert (row.lead_id, row.unread, row.last_body) == (lead_id, 1, "Can I bring my kids?")
        assert conversations.unread_total(ctx) == 1
        assert row.as_json().keys() == {
            "lead_id",
            "phone",
            "name",
            "unread",
            "last_at",
            "last_body",
        }
        queued = answers.answer(ctx, lead_id, "Of course, {first_name}! Kids are welcome.")
        assert queued.skip_quiet_hours  # the lead wrote just now
        assert lifecycle.list_sequences(ctx)[0].name == "Open house"  # answers are no campaign
        drive(engine)

        def answered() -> bool:
            engine.run_once()
            entries = lead_history(ctx, lead_id).entries
            return any(e.origin == "answer" and e.bucket == Bucket.SENT for e in entries)

        wait_until(answered, what="the answer being delivered")
        engine.stop()
        sent = _to_lead(sandbox)
    assert sent.count("Of course, Lead0! Kids are welcome.") == 1
    history = lead_history(ctx, lead_id)
    answer = [e for e in history.entries if e.origin == "answer"]
    assert len(answer) == 1 and answer[0].bucket == Bucket.SENT
    assert [e.direction for e in history.entries] == ["outbound", "inbound", "outbound"]
    assert conversations.mark_read(ctx, lead_id) == 1
    assert conversations.unread_total(ctx) == 0
    (row,) = conversations.list_conversations(ctx)
    assert not row.last_inbound and row.last_body.startswith("Of course")


@pytest.mark.parametrize(("reply", "answered"), [("hours", True), (" HOURS ", True),
                                                 ("what are your hours", False)])  # fmt: skip
def test_a_keyword_gets_exactly_one_auto_reply(ctx: Context, reply: str, answered: bool) -> None:
    auto_replies.set_rule(ctx, "hours", "We are open 8-6, Monday to Saturday.")
    with CarrierSandbox(SandboxConfig.fast(seed=12)) as sandbox:
        _campaign(ctx, sandbox, reply)
        engine = make_engine(ctx, sandbox)
        drive(engine)
        engine.poll(force=True)  # the reply read twice must not answer twice
        drive(engine)
        engine.stop()
        sent = _to_lead(sandbox)
    assert sent.count("We are open 8-6, Monday to Saturday.") == (1 if answered else 0)


def test_help_is_answered_by_default_with_the_business_name(ctx: Context) -> None:
    ctx.settings.set("business_name", "Maple & Main Bakery")
    with CarrierSandbox(SandboxConfig.fast(seed=13)) as sandbox:
        _campaign(ctx, sandbox, "help")
        engine = make_engine(ctx, sandbox)
        drive(engine)
        engine.stop()
        sent = _to_lead(sandbox)
    (answer,) = [body for body in sent if "Maple & Main Bakery" in body]
    assert "Reply STOP to opt out" in answer


def test_a_lead_opted_out_by_hand_gets_no_auto_reply(ctx: Context) -> None:
    """HELP from a lead the owner opted out: the reply is kept and shown, nothing is sent."""
    with CarrierSandbox(SandboxConfig.fast(seed=15)) as sandbox:
        lead_id = _campaign(ctx, sandbox, "help")
        engine = make_engine(ctx, sandbox)
        engine.startup()
        assert engine.dispatch() == 1  # the campaign's step is with the carrier
        assert set_opted_out(ctx, [lead_id], True) == 1

        def help_read() -> bool:
            engine.poll(force=True)
            return conversations.unread_total(ctx) == 1

        wait_until(help_read, what="the lead's HELP read")
        drive(engine)
        engine.stop()
        assert len(_to_lead(sandbox)) == 1  # the step only: no auto-reply
    (row,) = conversations.list_conversations(ctx)
    assert row.last_body == "help" and row.opted_out


def test_stop_is_never_auto_answered_and_an_opted_out_lead_is_refused(ctx: Context) -> None:
    with pytest.raises(UserError, match="opt-out or opt-in keyword"):
        auto_replies.set_rule(ctx, "stop", "Bye!")
    with CarrierSandbox(SandboxConfig.fast(seed=14)) as sandbox:
        lead_id = _campaign(ctx, sandbox, "STOP")
        engine = make_engine(ctx, sandbox)
        drive(engine)
        engine.stop()
        assert len(_to_lead(sandbox)) == 1  # the campaign's step; TextDesk said nothing more
    with pytest.raises(UserError, match="opted out"):
        answers.answer(ctx, lead_id, "Sorry to see you go")
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 1


def test_answers_to_leads_who_did_not_write_today_wait_for_quiet_hours(ctx: Context) -> None:
    ctx.settings.set("quiet_hours", "08:00-21:00")
    (lead_id,) = add_leads(ctx, 1)
    queued = answers.answer(ctx, lead_id, "Hello")
    assert not queued.skip_quiet_hours
    set_opted_out(ctx, [lead_id], True)
    with pytest.raises(UserError, match="opted out"):
        answers.answer(ctx, lead_id, "Hello again")


@pytest.mark.parametrize(
    ("text", "problem"), [("", "no text"), ("   ", "no text"), ("x" * 1601, "at most 1600")]
)
def test_bad_answers_are_refused(ctx: Context, text: str, problem: str) -> None:
    (lead_id,) = add_leads(ctx, 1)
    with pytest.raises(UserError, match=problem):
        answers.answer(ctx, lead_id, text)


def test_templates_and_rules_round_trip(ctx: Context) -> None:
    saved = templates.add_template(ctx, "Thanks", "Thanks {first_name}!")
    assert [t.name for t in templates.list_templates(ctx)] == ["Thanks"]
    with pytest.raises(UserError, match="exists already"):
        templates.add_template(ctx, "Thanks", "Other")
    templates.add_template(ctx, "Thanks", "Thank you {first_name}!", replace=True)
    assert templates.list_templates(ctx)[0].body == "Thank you {first_name}!"
    templates.delete_template(ctx, saved.name)
    assert templates.list_templates(ctx) == []
    assert [r.keyword for r in auto_replies.list_rules(ctx)] == ["HELP", "INFO"]
    auto_replies.delete_rule(ctx, "help")  # a default is switched off, not forgotten
    rules = {r.keyword: r for r in auto_replies.list_rules(ctx)}
    assert not rules["HELP"].enabled and rules["INFO"].default


def test_a_test_send_goes_to_the_owner_and_counts_in_no_campaign(ctx: Context) -> None:
    fast_settings(ctx)
    (lead_id,) = add_leads(ctx, 1)
    with pytest.raises(UserError, match="your own mobile number"):
        trial_send.send_test(ctx, ["Hi {first_name}"], lead_id)
    ctx.settings.set("owner_phone", "+14155550199")
    sent = trial_send.send_test(ctx, ["Hi {first_name}", "Step two"], lead_id)
    assert [s.body for s in sent] == ["Hi Lead0", "Step two"]
    with CarrierSandbox(SandboxConfig.fast(seed=15)) as sandbox:
        engine = make_engine(ctx, sandbox)
        drive(engine)
        engine.stop()
        to_owner = [e.body for e in sandbox.ledger_snapshot() if e.to == "+14155550199"]
    assert sorted(to_owner) == ["Hi Lead0", "Step two"]
    assert lifecycle.list_sequences(ctx) == []
    # The owner's phone is never part of a selection.
    created = builder.create_sequence(ctx, "All", STEP, builder.LeadSelection(all=True))
    assert created.leads == 1
