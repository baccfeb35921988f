"""The sending code reads the catalog's attributes: the dispatcher (`opt_out`, `dead_number`)
and Resend (`resend_helps`), end to end through the engine against the carrier sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from desktop.models import Lead, Message
from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.sequences import builder, resend
from desktop.services.status.vocabulary import Bucket
from desktop.services.twilio.error_catalog import explain
from tests.engine_helpers import drive, fast_settings, make_engine

# Twilio's magic numbers, refused at create with these codes (the sandbox does the same).
REFUSED = {
    21211: "+15005550001",
    21612: "+15005550002",
    21408: "+15005550003",
    21610: "+15005550004",
    21614: "+15005550009",
}
TOO_LONG = "+14155550110"  # step one made longer than Twilio's 1,600 characters (21617)
TEMPORARY = "+14155550111"  # 30008 at first, then delivered
GONE = "+14155550112"  # 30005, then delivered (the poller's business, not the dispatcher's)


@pytest.fixture
def sandbox() -> Iterator[CarrierSandbox]:
    with CarrierSandbox(SandboxConfig.fast(seed=11)) as sb:
        sb.force_outcome(TEMPORARY, Outcome.undelivered(30008), Outcome.delivered())
        sb.force_outcome(GONE, Outcome.failed(30005), Outcome.delivered())
        yield sb


def _leads(ctx: Context) -> dict[str, int]:
    names = {phone: f"Code{code}" for code, phone in REFUSED.items()}
    names |= {TOO_LONG: "Long", TEMPORARY: "Temporary", GONE: "Gone"}
    with ctx.db.write() as session:
        leads = {
            phone: Lead(
                phone=phone, first_name=name, last_name="", email="", timezone="", opted_out=False
            )
            for phone, name in names.items()
        }
        session.add_all(leads.values())
        session.flush()
        return {phone: lead.id for phone, lead in leads.items()}


@pytest.fixture
def sent(ctx: Context, sandbox: CarrierSandbox) -> tuple[int, dict[str, int]]:
    fast_settings(ctx)
    ids = _leads(ctx)
    sequence_id = builder.create_sequence(
        ctx,
        "Attributes",
        [builder.StepSpec("Hello {first_name}. Reply STOP to opt out"), builder.StepSpec("Two")],
        builder.LeadSelection(all=True),
    ).sequence_id
    # The composer refuses a step that is too long for any lead; a text changed after the
    # check (or a limit Twilio lowers) still reaches Twilio, which refuses that one message.
    with ctx.db.write() as session:
        first = session.scalars(
            select(Message).where(Message.lead_id == ids[TOO_LONG], Message.step_position == 0)
        ).one()
        first.body = "x" * 1601
    drive(make_engine(ctx, sandbox))
    return sequence_id, ids


def _steps(ctx: Context, lead_id: int) -> list[tuple[str, int | None]]:
    with ctx.db.read() as session:
        rows = session.scalars(
            select(Message).where(Message.lead_id == lead_id).order_by(Message.step_position)
        )
        return [(m.bucket, m.error_code) for m in rows]


@pytest.mark.parametrize("code", sorted(REFUSED))
def test_a_refusal_cancels_later_steps_when_the_number_is_dead(
    ctx: Context, sent: tuple[int, dict[str, int]], code: int
) -> None:
    _, ids = sent
    info = explain(code)
    first, second = _steps(ctx, ids[REFUSED[code]])
    assert first == (Bucket.ERROR.value, code)
    assert second[0] == (Bucket.CANCELED.value if info.dead_number else Bucket.SENT.value)
    with ctx.db.read() as session:
        lead = session.get(Lead, ids[REFUSED[code]])
        assert lead is not None and lead.opted_out is info.opt_out


def test_a_refusal_about_the_message_keeps_the_later_steps(
    ctx: Context, sent: tuple[int, dict[str, int]]
) -> None:
    _, ids = sent
    assert not explain(21617).dead_number
    assert _steps(ctx, ids[TOO_LONG]) == [(Bucket.ERROR.value, 21617), (Bucket.SENT.value, None)]


def test_resend_offers_exactly_the_errors_a_resend_can_cure(
    ctx: Context, sent: tuple[int, dict[str, int]]
) -> None:
    sequence_id, ids = sent
    with ctx.db.read() as session:
        errors = {
            m.id: m.error_code
            for m in session.scalars(
                select(Message).where(Message.bucket == Bucket.ERROR.value)
            ).all()
        }
    curable = {mid for mid, code in errors.items() if code and explain(code).resend_helps}
    assert {errors[mid] for mid in curable} == {30008}
    assert 30005 in errors.values() and not explain(30005).resend_helps

    assert resend.resendable_count(ctx, sequence_id) == len(curable)
    # The opted-out lead is left alone whatever its code; 21610 is not curable anyway.
    assert resend.resend_where_it_helps(ctx, sequence_id) == len(curable)
    with ctx.db.read() as session:
        buckets = {
            m.id: m.bucket
            for m in session.scalars(select(Message).where(Message.id.in_(errors))).all()
        }
    assert {mid for mid, bucket in buckets.items() if bucket == Bucket.IN_QUEUE.value} == curable
    assert ids  # every lead was created
