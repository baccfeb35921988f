"""Demo mode's sample data: leads, sequences and a scripted carrier sandbox.

Run once, on the first start of a fresh demo database, so that a new user sees every bucket
fill within a minute or two: a running two-step sequence (with refused numbers, a carrier
error, silent carriers, replies and an opt-out), a scheduled one and a canceled one. Only ever
called on the demo database; real data is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from desktop.models import Lead, LeadTag, Message, Sequence
from desktop.sandbox import CarrierSandbox, Outcome
from desktop.services.core.context import Context
from desktop.services.core.ui_prefs import get_value, set_value
from desktop.services.leads import store as leads
from desktop.services.sequences import builder
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.transitions import move
from desktop.services.status.vocabulary import Bucket, EventKind, SequenceStatus

SEEDED_KEY = "demo_seeded_at"

# Short durations so the whole life of a sequence plays out while the user watches.
DEMO_SETTINGS: dict[str, str] = {
    "quiet_hours": "off",
    "rate_limit": "2",
    "poll_interval": "2s",
    "delivery_unknown_after": "45s",
    "carrier_window": "90s",
}


@dataclass(frozen=True)
class DemoLead:
    first_name: str
    last_name: str
    phone: str
    tags: tuple[str, ...] = ("customers",)
    # What the scripted sandbox does with this lead's messages (see script_sandbox).
    role: str = ""


# Fictional numbers (555-01xx is reserved for fiction) plus two of Twilio's magic test
# numbers, which the sandbox refuses exactly as Twilio does.
DEMO_LEADS: tuple[DemoLead, ...] = (
    DemoLead("Olivia", "Bennett", "+14155550101", ("customers", "vip")),
    DemoLead("José", "Álvarez", "+14155550102", ("customers", "newsletter"), "reply_question"),
    DemoLead("Chloé", "Lefèvre", "+14155550103", ("customers", "vip")),
    DemoLead("Marcus", "Reed", "+14155550104", role="undelivered_30008"),
    DemoLead("Priya", "Natarajan", "+14155550105", ("customers", "newsletter")),
    DemoLead("Liam", "O'Connor", "+14155550106", role="silent"),
    DemoLead("Zoë", "Müller", "+14155550107", ("customers", "vip"), "reply_yes"),
    DemoLead("Daniel", "Kim", "+14155550108", ("customers", "newsletter")),
    DemoLead("Amara", "Okafor", "+14155550109"),
    DemoLead("Ethan", "Walsh", "+14155550110", role="stop"),
    DemoLead("Sofia", "Rossi", "+14155550111", ("customers", "newsletter")),
    DemoLead("Noah", "Fischer", "+14155550112"),
    DemoLead("Renée", "Côté", "+14155550113", ("customers", "vip")),
    DemoLead("Lucas", "Silva", "+14155550114", role="undelivered_30003"),
    DemoLead("Hannah", "Schmidt", "+14155550115", ("customers", "newsletter")),
    DemoLead("Mateo", "García", "+14155550116"),
    DemoLead("Grace", "Thompson", "+14155550117", ("customers", "newsletter")),
    DemoLead("Ava", "Johnson", "+14155550118", role="silent"),
    DemoLead("Björn", "Lindqvist", "+14155550119"),
    DemoLead("Isabella", "Martínez", "+14155550120", ("customers", "vip")),
    DemoLead("Jack", "Murphy", "+14155550121"),
    DemoLead("Mia", "Nguyen", "+14155550122", ("customers", "newsletter")),
    DemoLead("Samuel", "Cohen", "+14155550123"),
    DemoLead("Emily", "Davis", "+14155550124", ("customers", "newsletter")),
    DemoLead("Oliver", "Brown", "+14155550125"),
    DemoLead("Charlotte", "Wilson", "+14155550126"),
    DemoLead("Wei", "Zhang", "+14155550127", ("customers", "newsletter")),
    DemoLead("Fatima", "Haddad", "+14155550128"),
    DemoLead("Tomás", "Ferreira", "+14155550129", role="delete"),
    DemoLead("Ella", "Anderson", "+14155550130"),
    DemoLead("Kevin", "Patel", "+15005550001", role="magic_invalid"),
    DemoLead("Laura", "Evans", "+15005550004", role="magic_unsubscribed"),
    DemoLead("Peter", "Novak", "+14155550133", role="opted_out"),
)

OPEN_HOUSE_STEPS = (
    "Hi {first_name}, it's Maple & Main Bakery! Our spring open house is this Saturday, "
    "10am-2pm: tastings and 20% off every cake. Reply STOP to opt out.",
    "{first_name}, a quick reminder: the open house starts Saturday at 10am. "
    "We'd love to see you! Reply STOP to opt out.",
)


@dataclass(frozen=True)
class SeedResult:
    leads: int
    sequence_ids: tuple[int, ...]


def is_seeded(ctx: Context) -> bool:
    return get_value(ctx, SEEDED_KEY) is not None


def seed_demo(ctx: Context) -> SeedResult | None:
    """Fill a fresh demo database; returns None (and changes nothing) if it was seeded
    before or already holds leads, so a user's own demo experiments are never overwritten."""
    if is_seeded(ctx):
        return None
    with ctx.db.read() as session:
        if session.scalar(select(func.count()).select_from(Lead)):
            set_value(ctx, SEEDED_KEY, ctx.now().isoformat())
            return None
    ctx.settings.set_many(DEMO_SETTINGS)
    ids = _add_leads(ctx)
    now = ctx.now()
    by_role = {lead.role: ids[lead.phone] for lead in DEMO_LEADS if lead.role}
    # A campaign of last week, finished: every count, list and tooltip has something to
    # show from the first second (the running one fills its buckets over a minute).
    recap = _finished_campaign(ctx, now - timedelta(days=5))

    # The canceled one: prepared for tomorrow, then called off.
    holiday = builder.create_sequence(
        ctx,
        "Holiday hours notice",
        [
            builder.StepSpec(
                "Hi {first_name}, Maple & Main is closed Monday for the holiday. "
                "Reply STOP to opt out."
            )
        ],
        builder.LeadSelection(tag="vip"),
        start_at=now + timedelta(days=1),
    )
    sequences.cancel(ctx, holiday.sequence_id)
    # The scheduled one: waits three days, so it stays In-queue.
    loyalty = builder.create_sequence(
        ctx,
        "Loyalty card reminder",
        [
            builder.StepSpec(
                "{first_name}, your 10th coffee is on us this month. "
                "Show this text at the counter. Reply STOP to opt out."
            )
        ],
        builder.LeadSelection(tag="newsletter"),
        start_at=now + timedelta(days=3),
    )
    # The running one, created last so it tops the table.
    open_house = builder.create_sequence(
        ctx,
        "Spring open house",
        [
            builder.StepSpec(OPEN_HOUSE_STEPS[0]),
            builder.StepSpec(OPEN_HOUSE_STEPS[1], delay=timedelta(minutes=2)),
        ],
        builder.LeadSelection(tag="customers"),
        start_at=now,
    )
    # A lead deleted after the sequences were created shows in the Deleted leads column.
    leads.delete_leads(ctx, [by_role["delete"]])
    set_value(ctx, SEEDED_KEY, now.isoformat())
    return SeedResult(
        leads=len(ids),
        sequence_ids=(recap, holiday.sequence_id, loyalty.sequence_id, open_house.sequence_id),
    )


# What became of last week's campaign, by the role of its lead (others were delivered).
_RECAP_OUTCOMES: dict[str, tuple[Bucket, int | None]] = {
    "undelivered_30008": (Bucket.ERROR, 30008),
    "undelivered_30003": (Bucket.ERROR, 30003),
    "magic_invalid": (Bucket.ERROR, 21211),
    "silent": (Bucket.DELIVERY_UNKNOWN, None),
    "stop": (Bucket.CANCELED, None),
    "magic_unsubscribed": (Bucket.CANCELED, None),
}


def _finished_campaign(ctx: Context, start: datetime) -> int:
    """A Done sequence of `start` with Sent, Error (with explanations), Delivery unknown,
    Canceled and Deleted leads all non-zero, written as its history would have been."""
    created = builder.create_sequence(
        ctx,
        "Winter sale recap",
        [
            builder.StepSpec(
                "Hi {first_name}, our winter sale ends Sunday: 30% off all "
                "pastries. Reply STOP to opt out."
            )
        ],
        builder.LeadSelection(all=True),
        start_at=start,
        accept_warnings=True,
    )
    roles = {lead.phone: lead.role for lead in DEMO_LEADS}
    handed_off = start + timedelta(minutes=1)
    with ctx.db.write() as session:
        messages = list(
            session.scalars(
                select(Message)
                .where(Message.sequence_id == created.sequence_id)
                .order_by(Message.id)
            )
        )
        for number, message in enumerate(messages):
            bucket, code = _RECAP_OUTCOMES.get(roles.get(message.to_phone, ""), (Bucket.SENT, None))
            if bucket == Bucket.CANCELED:
                move(session, message, Bucket.CANCELED, EventKind.CANCELED, handed_off,
                     detail="lead replied STOP")  # fmt: skip
                continue
            at = handed_off + timedelta(seconds=number)
            message.twilio_sid = f"SM{number:02d}" + "d" * 30  # seeded history, not a real SID
            message.handed_off_at = at
            move(session, message, Bucket.OUTBOX, EventKind.HANDED_OFF, at, provider_status="sent")
            final = {
                Bucket.SENT: ("delivered", EventKind.STATUS),
                Bucket.ERROR: ("undelivered", EventKind.STATUS),
                Bucket.DELIVERY_UNKNOWN: (None, EventKind.TIMEOUT),
            }[bucket]
            move(session, message, bucket, final[1], at + timedelta(minutes=2),
                 provider_status=final[0], error_code=code)  # fmt: skip
        sequence = session.get(Sequence, created.sequence_id)
        assert sequence is not None
        sequence.status = SequenceStatus.DONE.value
        sequence.first_handoff_at = handed_off
        sequence.last_handoff_at = handed_off + timedelta(seconds=len(messages))
        sequence.done_at = start + timedelta(days=2)
        sequence.created_at = start
    return created.sequence_id


def _add_leads(ctx: Context) -> dict[str, int]:
    now = ctx.now()
    ids: dict[str, int] = {}
    with ctx.db.write() as session:
        for demo_lead in DEMO_LEADS:
            first = demo_lead.first_name.lower().replace("'", "")
            lead = Lead(
                phone=demo_lead.phone,
                first_name=demo_lead.first_name,
                last_name=demo_lead.last_name,
                email=f"{first}@example.com",
                timezone="",
                opted_out=demo_lead.role == "opted_out",
                opted_out_at=now if demo_lead.role == "opted_out" else None,
            )
            lead.tags = [LeadTag(tag=tag) for tag in demo_lead.tags]
            session.add(lead)
            session.flush()
            ids[demo_lead.phone] = lead.id
    return ids


def script_sandbox(sandbox: CarrierSandbox) -> None:
    """Make the sandbox tell the demo's story: which leads fail, stay silent or reply.

    Called on every demo start (the sandbox keeps no state between runs); the remaining
    leads are nearly always delivered, so the counts look like a healthy campaign.
    """
    config = sandbox.config
    config.outcome_weights = {"delivered": 0.95, "undelivered": 0.03, "failed": 0.0, "silent": 0.02}
    for lead in DEMO_LEADS:
        if lead.role == "undelivered_30008":
            sandbox.force_outcome(lead.phone, Outcome.undelivered(30008))
        elif lead.role == "undelivered_30003":
            sandbox.force_outcome(lead.phone, Outcome.undelivered(30003))
        elif lead.role == "silent":
            sandbox.force_outcome(lead.phone, Outcome.silent())
        elif lead.role in ("reply_yes", "reply_question", "stop"):
            sandbox.force_outcome(lead.phone, Outcome.delivered())
    replies = {
        "reply_yes": "Yes! Can I bring my kids?",
        "reply_question": "What time do you close on Saturday?",
        "stop": "STOP",
    }
    for lead in DEMO_LEADS:
        if lead.role in replies:
            config.reply_rules[lead.phone] = replies[lead.role]
