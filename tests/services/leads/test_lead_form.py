"""Adding and editing one lead by hand: each field's problem in words, nothing stored while
any remains; a deleted number comes back; a corrected number takes the waiting texts; custom
fields render in a sequence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from desktop.models import Lead, Message
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.leads import store as leads
from desktop.services.leads.custom_fields import check_name, clean_fields, field_name
from desktop.services.leads.lead_form import LeadFormError, LeadInput, invalid_phone, save_lead
from desktop.services.sequences import builder
from desktop.services.sequences.builder import LeadSelection, StepSpec
from tests.helpers import add_leads


def test_add_a_lead_with_every_field(ctx: Context) -> None:
    saved = save_lead(
        ctx,
        LeadInput(
            phone="(415) 555-0199",
            first_name="  Olivia ",
            last_name="Park",
            email="olivia@example.com",
            tags="VIP, spring fair; vip",
            timezone="america/los_angeles",
            custom_fields=(("Company", "Acme Bikes"), ("Store #", "12"), ("notes", "  ")),
        ),
    )
    assert saved.created and not saved.restored
    lead = leads.get_lead(ctx, saved.lead.id)
    assert (lead.phone, lead.first_name, lead.last_name, lead.email) == (
        "+14155550199",
        "Olivia",
        "Park",
        "olivia@example.com",
    )
    assert lead.tags == ("spring fair", "vip")
    assert lead.timezone == "America/Los_Angeles"
    assert lead.custom_fields == (("company", "Acme Bikes"), ("store", "12"))


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (LeadInput(phone=""), "phone", "needs a phone number"),
        (LeadInput(phone="12"), "phone", "numbers without a + country code are read as US"),
        (LeadInput(phone="+44 7700 900123"), "phone", "check the digits after +44"),
        (LeadInput(phone="+14155550100", email="ann@"), "email", "is not an email address"),
        (LeadInput(phone="+14155550100", timezone="Mars/Base"), "timezone", "not a time zone"),
        (LeadInput(phone="+14155550100", first_name="x" * 101), "first_name", "at most 100"),
        (LeadInput(phone="+14155550100", tags="ok, " + "t" * 70), "tags", "at most 64"),
        (
            LeadInput(phone="+14155550100", custom_fields=(("email", "x"),)),
            "custom_fields",
            "already a field of every lead",
        ),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_stored(
    ctx: Context, data: LeadInput, field: str, words: str
) -> None:
    with pytest.raises(LeadFormError) as caught:
        save_lead(ctx, data)
    assert words in caught.value.problems[field]
    assert leads.count_leads(ctx, include_deleted=True) == 0


def test_the_plus_rule_is_said_only_where_it_applies() -> None:
    assert "without a +" not in invalid_phone("+44 7700 900123", "US")
    assert "without a +" not in invalid_phone("0044 7700 900123", "US")
    assert "read as GB numbers" in invalid_phone("07700 90012", "GB")


def test_every_problem_at_once(ctx: Context) -> None:
    with pytest.raises(LeadFormError) as caught:
        save_lead(ctx, LeadInput(phone="12", email="nope", timezone="nowhere"))
    assert set(caught.value.problems) == {"phone", "email", "timezone"}
    assert str(caught.value).startswith("Phone number: “12” is not a valid phone number")


def test_a_number_already_in_use(ctx: Context) -> None:
    first, second = add_leads(ctx, 2)
    with pytest.raises(LeadFormError) as caught:
        save_lead(ctx, LeadInput(phone="+14155550000", first_name="Other"))
    assert caught.value.problems["phone"] == "the lead Lead0 Test already has this number"
    with pytest.raises(LeadFormError):  # an edit may not take another lead's number either
        save_lead(ctx, LeadInput(phone="+14155550000"), second)
    assert leads.get_lead(ctx, second).phone == "+14155550001"
    del first


def test_adding_a_deleted_number_brings_the_lead_back(ctx: Context) -> None:
    (lead_id,) = add_leads(ctx, 1)
    leads.delete_leads(ctx, [lead_id])
    saved = save_lead(ctx, LeadInput(phone="+1 415 555 0000", first_name="Back"))
    assert saved.restored and not saved.created and saved.lead.id == lead_id
    assert leads.get_lead(ctx, lead_id).first_name == "Back"
    assert not leads.get_lead(ctx, lead_id).deleted


def test_edit_replaces_fields_and_tags(ctx: Context) -> None:
    (lead_id,) = add_leads(ctx, 1, tag="old")
    saved = save_lead(
        ctx,
        LeadInput(phone="+14155550000", first_name="Ann", tags="new", custom_fields=()),
        lead_id,
    )
    assert not saved.created
    lead = leads.get_lead(ctx, lead_id)
    assert (lead.first_name, lead.last_name, lead.email, lead.tags) == ("Ann", "", "", ("new",))
    with pytest.raises(NotFound):
        save_lead(ctx, LeadInput(phone="+14155550000"), 999)


def test_a_corrected_number_takes_the_waiting_texts_and_clears_the_marks(ctx: Context) -> None:
    (lead_id,) = add_leads(ctx, 1)
    builder.create_sequence(
        ctx, "S", [StepSpec("Hi. Reply STOP to opt out")], LeadSelection(all=True)
    )
    with ctx.db.write() as session:
        session.execute(
            update(Lead)
            .where(Lead.id == lead_id)
            .values(dead_number_code=30005, dead_number_at=ctx.now(), timezone_needed=True)
        )
        session.execute(update(Message).values(scheduled_for=ctx.now() + timedelta(days=1)))
    saved = save_lead(ctx, LeadInput(phone="+14155550123", first_name="Lead0"), lead_id)
    assert saved.released == 1
    lead = leads.get_lead(ctx, lead_id)
    assert lead.phone == "+14155550123" and not lead.dead_number and not lead.timezone_needed
    with ctx.db.read() as session:
        message = session.scalars(select(Message)).one()
    assert message.to_phone == "+14155550123"
    assert message.scheduled_for is not None and message.scheduled_for <= ctx.now()


def test_giving_a_time_zone_in_the_editor_releases_held_texts(ctx: Context) -> None:
    (lead_id,) = add_leads(ctx, 1)
    builder.create_sequence(
        ctx, "S", [StepSpec("Hi. Reply STOP to opt out")], LeadSelection(all=True)
    )
    with ctx.db.write() as session:
        session.execute(update(Lead).values(timezone_needed=True))
        session.execute(update(Message).values(scheduled_for=ctx.now() + timedelta(days=1)))
    same = LeadInput(phone="+14155550000", first_name="Lead0", last_name="Test")
    assert save_lead(ctx, same, lead_id).released == 0  # no zone given: still waits
    assert leads.get_lead(ctx, lead_id).timezone_needed
    zoned = LeadInput(phone="+14155550000", timezone="America/Denver")
    assert save_lead(ctx, zoned, lead_id).released == 1
    assert not leads.get_lead(ctx, lead_id).timezone_needed


def test_a_custom_field_renders_in_a_sequence(ctx: Context) -> None:
    save_lead(
        ctx, LeadInput(phone="+14155550100", first_name="Ann", custom_fields=(("Company", "Acme"),))
    )
    save_lead(ctx, LeadInput(phone="+14155550101", first_name="Bo"))
    step = StepSpec("Hi {first_name}, {Company|your team} has a gift. Reply STOP to opt out")
    check = builder.preflight(ctx, [step], LeadSelection(all=True))
    assert check.problems == []
    result = builder.create_sequence(ctx, "Gift", [step], LeadSelection(all=True))
    with ctx.db.read() as session:
        bodies = list(session.scalars(select(Message.body).order_by(Message.lead_id)))
    assert bodies == [
        "Hi Ann, Acme has a gift. Reply STOP to opt out",
        "Hi Bo, your team has a gift. Reply STOP to opt out",
    ]
    assert result.messages == 2


def test_a_field_no_lead_carries_is_unknown(ctx: Context) -> None:
    add_leads(ctx, 1)
    check = builder.preflight(
        ctx, [StepSpec("Hi {company}. Reply STOP to opt out")], LeadSelection(all=True)
    )
    assert any("Unknown merge field {company}" in p for p in check.problems)


def test_custom_field_names_and_values() -> None:
    assert field_name(" Company Name ") == "company_name"
    assert field_name("Société") == "societe"
    assert check_name("Store #") == "store"
    for bad, words in (
        ("#", "letters or digits"),
        ("1st", "start with a letter"),
        ("Phone", "already"),
    ):
        with pytest.raises(UserError, match=words):
            check_name(bad)
    assert clean_fields({"b": " x  y ", "a": "1", "c": ""}) == {"a": "1", "b": "x y"}
    with pytest.raises(UserError, match="given twice"):
        clean_fields([("Company", "a"), ("company", "b")])
    with pytest.raises(UserError, match="too long"):
        clean_fields({"notes": "x" * 501})
