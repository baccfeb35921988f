"""Helpers for the dashboard and dialog tests: a database with real history, canned prompts.

The populated database is produced once per session by the real engine against the carrier
sandbox (magic number refused, a forced 30008, a reply, a deleted lead), then copied for each
test (fixtures in ui_fixtures.py), so every test starts from the same history without paying
for the engine again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from desktop.models import Lead
from desktop.sandbox import CarrierSandbox, Outcome, SandboxConfig
from desktop.services.core.context import Context
from desktop.services.leads import store as leads
from desktop.services.sequences import builder, lifecycle
from desktop.services.status.vocabulary import Bucket
from desktop.ui.kit.prompts import Prompts
from tests.engine_helpers import fast_settings, make_engine
from tests.waiting import wait_until

INVALID = "+15005550001"  # Twilio's magic "invalid number": refused with 21211
UNKNOWN_ERROR = "+14155550777"  # forced undelivered 30008 (a resend may help)
REPLIER = "+14155550778"  # replies "Thanks, see you!"
GONE = "+14155550779"  # deleted after the sequence was created


@dataclass(frozen=True)
class Populated:
    url: str
    sent_id: int  # "Spring sale": Sent, Error (2), Canceled (1), Deleted leads (1)
    later_id: int  # "Autumn preview": Scheduled, everything In-queue
    ids: dict[str, int]  # phone -> lead id


def _add(ctx: Context, phone: str, first: str, last: str) -> int:
    with ctx.db.write() as session:
        lead = Lead(phone=phone, first_name=first, last_name=last, email="", timezone="")
        session.add(lead)
        session.flush()
        return lead.id


def build_populated(folder: Path) -> Populated:
    url = f"sqlite:///{folder / 'populated.db'}"
    ctx = Context.open(url)
    fast_settings(ctx)
    ids = {f"+1415555010{i}": _add(ctx, f"+1415555010{i}", name, "Doe") for i, name in
           enumerate(("Ana", "Björn", "Chloé", "Dev"))}  # fmt: skip
    for phone, first in ((INVALID, "Ivan"), (UNKNOWN_ERROR, "Uma"), (REPLIER, "Rita")):
        ids[phone] = _add(ctx, phone, first, "Example")
    ids[GONE] = _add(ctx, GONE, "Gary", "Gone")
    step = [builder.StepSpec("Spring sale this weekend! Reply STOP to opt out")]
    sent_id = builder.create_sequence(
        ctx, "Spring sale", step, builder.LeadSelection(all=True), stop_on_reply=False
    ).sequence_id
    leads.delete_leads(ctx, [ids[GONE]])
    later_id = builder.create_sequence(
        ctx,
        "Autumn preview",
        [builder.StepSpec("Autumn is coming. Reply STOP to opt out")],
        builder.LeadSelection(all=True),
        start_at=ctx.now() + timedelta(days=30),
    ).sequence_id
    config = SandboxConfig.fast(seed=5, outcome_weights={"delivered": 1.0})
    with CarrierSandbox(config) as sandbox:
        sandbox.force_outcome(UNKNOWN_ERROR, Outcome.undelivered(30008))
        sandbox.config.reply_rules[REPLIER] = "Thanks, see you!"
        engine = make_engine(ctx, sandbox)
        engine.startup()

        def settled() -> bool:
            engine.run_once()
            counts = lifecycle.get_summary(ctx, sent_id).counts
            waiting = counts[Bucket.IN_QUEUE] + counts[Bucket.OUTBOX]
            return waiting == 0 and bool(_replies(ctx))

        wait_until(settled, what="the populated database settling")
        engine.stop()
    ctx.close()
    return Populated(url, sent_id, later_id, ids)


def _replies(ctx: Context) -> list[object]:
    from desktop.services.reports.history import recent_replies

    return list(recent_replies(ctx))


class FakePrompts(Prompts):
    """Answers the questions a screen asks, and remembers them."""

    def __init__(self, *, confirm: bool = True, path: Path | None = None) -> None:
        self.answer = confirm
        self.path = path
        self.asked: list[tuple[str, str]] = []
        self.informed: list[tuple[str, str]] = []

    def confirm(self, parent, title: str, text: str, action: str) -> bool:  # type: ignore[no-untyped-def]
        self.asked.append((title, text))
        return self.answer

    def save_path(self, parent, title: str, suggested: str) -> Path | None:  # type: ignore[no-untyped-def]
        self.asked.append((title, suggested))
        return self.path

    def inform(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        self.informed.append((title, text))
