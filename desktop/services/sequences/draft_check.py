"""The composer's background work, in plain Python (no Qt): what the dialog needs to know
about a draft, computed on a pool thread because it reads every selected lead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from desktop.services.core.context import Context
from desktop.services.core.settings import Config
from desktop.services.leads import store as leads
from desktop.services.sequences import builder, forecast
from desktop.services.sequences.builder import LeadSelection, Preflight, StepSpec
from desktop.services.sequences.recipients import Recipient
from desktop.services.text.cost import estimate_cost
from desktop.services.text.segments import analyze
from desktop.services.text.template import parse_template

PREVIEW_LEADS = 300  # the preview picker lists this many; typing filters among them
SEGMENT_SAMPLE = 200  # leads rendered per step to average its segments


@dataclass(frozen=True)
class Basics:
    """What the composer shows before any check: settings, tags, how many leads."""

    config: Config
    tags: list[tuple[str, int]]
    total_leads: int


def load_basics(ctx: Context) -> Basics:
    return Basics(ctx.settings.config(), leads.all_tags(ctx), leads.count_leads(ctx))


@dataclass(frozen=True)
class Draft:
    steps: tuple[StepSpec, ...]
    selection: LeadSelection
    start_at: datetime | None  # None: as soon as it is created


@dataclass(frozen=True)
class DraftCheck:
    draft: Draft
    preflight: Preflight
    step_segments: tuple[float, ...]  # average per message, per step
    messages: int
    segments: int  # SMS segments
    mms: int  # messages with media, billed per message
    price: Decimal
    cost: Decimal
    forecast: forecast.Forecast
    samples: tuple[Recipient, ...]

    @property
    def recipients(self) -> int:
        return len(self.preflight.recipients)


def _average_segments(step: StepSpec, recipients: list[Recipient]) -> float:
    """Segments of one step per message. Merge fields make it vary by lead, so a spread
    sample of leads is rendered instead of all of them (that would cost seconds at 100k)."""
    template = parse_template(step.body)
    if not template.fields or not recipients:
        return float(analyze(template.render({})).segments)
    stride = max(1, len(recipients) // SEGMENT_SAMPLE)
    sample = recipients[::stride][:SEGMENT_SAMPLE]
    total = sum(analyze(template.render(r.merge_values())).segments for r in sample)
    return total / len(sample)


def check_draft(ctx: Context, draft: Draft) -> DraftCheck:
    steps = list(draft.steps)
    pre = builder.preflight(ctx, steps, draft.selection)
    config = ctx.settings.config()
    recipients = len(pre.recipients)
    per_step = tuple(_average_segments(step, pre.recipients) for step in steps)
    price = config.price_per_segment
    cost = Decimal(0)
    segments = mms = 0
    for step, average in zip(steps, per_step, strict=True):
        if step.media_urls:  # MMS is billed per message, whatever the text length
            cost += estimate_cost(1, price, messages=recipients, media=True)
            mms += recipients
        else:
            step_segments = round(max(1.0, average) * recipients)
            segments += step_segments
            cost += estimate_cost(step_segments, price)
    outlook = forecast.forecast(
        forecast.recipient_zones(pre.recipients),  # the leads counted above, no other
        per_step,
        [step.delay for step in steps],
        rate=config.rate_limit,
        window=config.quiet_hours,
        start=draft.start_at or ctx.now(),
    )
    return DraftCheck(
        draft=draft,
        preflight=pre,
        step_segments=per_step,
        messages=recipients * len(steps),
        segments=segments,
        mms=mms,
        price=price,
        cost=cost,
        forecast=outlook,
        samples=tuple(pre.recipients[:PREVIEW_LEADS]),
    )


def format_money(amount: Decimal) -> str:
    """$15.80; small amounts keep their cents' fractions ($0.0079) so they are not $0.00."""
    if amount == 0:
        return "$0.00"
    if amount < Decimal("0.01"):
        return f"${amount.normalize():f}"
    return f"${amount.quantize(Decimal('0.01')):,}"
