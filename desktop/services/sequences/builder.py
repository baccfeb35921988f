"""Creating a sequence: choose its leads, check it, then enqueue its messages in bulk.

Creating takes two transactions: the sequence row (Being processed, naming the process that
prepares it) is committed first so it shows at once; its messages are then rendered and
enqueued together with its counters and its first sendable status in a second one, with
SQLAlchemy Core executemany (constant columns bound once per step, only lead, phone and
body per row). Only that second transaction makes the sequence sendable: if it fails, or the
process dies before it commits, the sequence shows "Preparation failed" (see preparation.py)
and nothing of it is ever sent unless the owner asks to retry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Lead, LeadTag, Sequence, SequenceCounter, Step
from desktop.services.core.account import account_of
from desktop.services.core.actor import current_actor
from desktop.services.core.context import Context
from desktop.services.core.durations import MAX_STEP_DELAY
from desktop.services.core.errors import NotFound, UserError
from desktop.services.core.processes import this_process
from desktop.services.leads.custom_fields import as_pairs
from desktop.services.leads.store import normalize_tag, suppress_dead_numbers
from desktop.services.sequences import compliance
from desktop.services.sequences.recipients import Recipient, custom_fields_of
from desktop.services.status.vocabulary import SequenceStatus
from desktop.services.text.media import validate_media_urls
from desktop.services.text.segments import MAX_BODY_CHARS
from desktop.services.text.template import parse_template

ENQUEUE_CHUNK = 20_000
MAX_STEPS = 20


@dataclass(frozen=True)
class StepSpec:
    body: str
    media_urls: tuple[str, ...] = ()
    delay: timedelta = timedelta(0)  # wait after the previous step (ignored for the first)


@dataclass(frozen=True)
class LeadSelection:
    """Which leads a sequence goes to: every lead, one tag, or explicit ids."""

    all: bool = False
    tag: str | None = None
    ids: tuple[int, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        if self.ids is not None:
            return {"ids": list(self.ids)}
        if self.tag:
            return {"tag": self.tag}
        return {"all": True}

    @staticmethod
    def from_json(data: dict[str, Any]) -> LeadSelection:
        if "ids" in data:
            return LeadSelection(ids=tuple(int(i) for i in data["ids"]))
        if data.get("tag"):
            return LeadSelection(tag=str(data["tag"]))
        return LeadSelection(all=True)

    def describe(self) -> str:
        if self.ids is not None:
            return f"{len(self.ids)} chosen leads"
        return f"leads tagged {self.tag!r}" if self.tag else "all leads"


@dataclass
class Preflight:
    """Everything known before a sequence is created: who gets it and what the checks say."""

    recipients: list[Recipient]
    excluded_opted_out: int
    excluded_deleted: int
    compliance: compliance.ComplianceResult
    problems: list[str] = field(default_factory=list)  # block creation
    excluded_dead: int = 0  # a dead-number mark, while suppress_dead_numbers is on

    @property
    def warnings(self) -> list[str]:
        return [f.message for f in self.compliance.warnings]

    @property
    def reminders(self) -> list[str]:
        return [f.message for f in self.compliance.reminders]


@dataclass(frozen=True)
class CreateResult:
    sequence_id: int
    messages: int
    leads: int
    excluded_opted_out: int
    excluded_deleted: int
    warnings: tuple[str, ...] = ()
    reminders: tuple[str, ...] = ()
    excluded_dead: int = 0


def _selection_query(selection: LeadSelection) -> Any:
    query = select(Lead.id, Lead.phone, Lead.first_name, Lead.last_name, Lead.email)
    query = query.add_columns(Lead.opted_out, Lead.deleted_at)
    query = query.add_columns(Lead.dead_number_code, Lead.custom_fields, Lead.timezone)
    query = query.where(Lead.is_owner.is_(False))  # the owner's phone only gets test sends
    if selection.ids is not None:
        query = query.where(Lead.id.in_(selection.ids))
    elif selection.tag:
        tag = normalize_tag(selection.tag)
        query = query.where(Lead.id.in_(select(LeadTag.lead_id).where(LeadTag.tag == tag)))
    return query.order_by(Lead.id)


class Chosen(NamedTuple):
    """The recipients of a selection and the leads left out, counted by reason."""

    recipients: list[Recipient]
    opted_out: int
    deleted: int
    dead: int  # a dead-number mark, while suppress_dead_numbers is on


def choose_recipients(
    session: Session, selection: LeadSelection, *, suppress_dead: bool = True
) -> Chosen:
    recipients: list[Recipient] = []
    opted_out = deleted = dead = 0
    seen: set[int] = set()
    rows = session.execute(_selection_query(selection))
    for row in rows:
        lead_id, phone, first, last, email, is_opted_out, deleted_at, dead_code, custom, zone = row
        seen.add(lead_id)
        if deleted_at is not None:
            deleted += 1
        elif is_opted_out:
            opted_out += 1
        elif dead_code is not None and suppress_dead:
            dead += 1
        else:
            fields = as_pairs(custom) if custom else ()
            recipients.append(Recipient(lead_id, phone, first, last, email, fields, zone or ""))
    if selection.ids is not None:
        missing = sorted(set(selection.ids) - seen)
        if missing:
            raise NotFound(f"no lead with id {', '.join(map(str, missing[:10]))}")
    return Chosen(recipients, opted_out, deleted, dead)


def select_recipients(
    session: Session, selection: LeadSelection, *, suppress_dead: bool = True
) -> tuple[list[Recipient], int, int]:
    """The recipients and the opted-out and deleted counts (dead numbers are left out when
    `suppress_dead`; choose_recipients counts them too)."""
    chosen = choose_recipients(session, selection, suppress_dead=suppress_dead)
    return chosen.recipients, chosen.opted_out, chosen.deleted


def _check_steps(steps: list[StepSpec], custom: frozenset[str] = frozenset()) -> list[str]:
    problems: list[str] = []
    if not steps:
        problems.append("a sequence needs at least one step")
    if len(steps) > MAX_STEPS:
        problems.append(f"a sequence can have at most {MAX_STEPS} steps")
    for number, step in enumerate(steps, start=1):
        if not step.body.strip() and not step.media_urls:
            problems.append(f"step {number} has no text and no media")
        if len(step.body) > MAX_BODY_CHARS:
            problems.append(
                f"step {number} has {len(step.body)} characters; the limit is {MAX_BODY_CHARS}"
            )
        template = parse_template(step.body, custom)
        problems.extend(f"step {number}: {p}" for p in template.problems)
        problems.extend(f"step {number}: {p}" for p in validate_media_urls(step.media_urls))
        if step.delay < timedelta(0):
            problems.append(f"step {number} has a negative delay")
        elif step.delay > MAX_STEP_DELAY:
            problems.append(f"step {number} waits more than {MAX_STEP_DELAY.days} days")
    return problems


def _check_rendered_lengths(steps: list[StepSpec], recipients: list[Recipient]) -> list[str]:
    """Merge fields can push a body past the limit for some leads; find the first such lead.

    Rendering every message twice would double the cost of a large sequence, so each step is
    rendered per lead only when its longest possible text could pass the limit.
    """
    if not recipients:
        return []
    longest_first = max(len(r.first_name) for r in recipients)
    longest_last = max(len(r.last_name) for r in recipients)
    longest = {
        "first_name": longest_first,
        "last_name": longest_last,
        "full_name": longest_first + 1 + longest_last,
        "email": max(len(r.email) for r in recipients),
        "phone": max(len(r.phone) for r in recipients),
    }
    custom = custom_fields_of(recipients)
    for r in recipients:
        for name, value in r.custom:
            longest[name] = max(longest.get(name, 0), len(value))
    limit = MAX_BODY_CHARS
    for number, step in enumerate(steps, start=1):
        template = parse_template(step.body, custom)
        bound = len(step.body) + sum(longest.get(f, 0) for f in template.fields)
        if not template.fields or bound <= limit:
            continue
        for r in recipients:
            length = len(template.render(r.merge_values()))
            if length > limit:
                return [
                    f"step {number} is {length} characters long for lead {r.phone} after "
                    f"merge fields; the limit is {limit}"
                ]
    return []


def preflight(ctx: Context, steps: list[StepSpec], selection: LeadSelection) -> Preflight:
    """Who would get the sequence, and every reason it could not or should not start."""
    suppress_dead = suppress_dead_numbers(ctx)
    with ctx.db.read() as session:
        recipients, opted_out, deleted, dead = choose_recipients(
            session, selection, suppress_dead=suppress_dead
        )
    problems = _check_steps(steps, custom_fields_of(recipients))
    if not problems:
        problems.extend(_check_rendered_lengths(steps, recipients))
    if not recipients:
        gone = f", {dead} with a number that cannot receive texts" if dead else ""
        problems.append(
            f"no leads to send to in {selection.describe()} "
            f"({opted_out} opted out, {deleted} deleted{gone})"
        )
    result = compliance.check_sequence([s.body for s in steps], (r.phone for r in recipients))
    problems.extend(f.message for f in result.refusals)
    return Preflight(recipients, opted_out, deleted, result, problems, excluded_dead=dead)


def create_sequence(
    ctx: Context,
    name: str,
    steps: list[StepSpec],
    selection: LeadSelection,
    *,
    sender: str | None = None,
    start_at: datetime | None = None,
    stop_on_reply: bool = True,
    accept_warnings: bool = False,
) -> CreateResult:
    """Validate, then create and enqueue; raises UserError before storing anything if the
    sequence cannot start (bad text, no leads, refused content, unaccepted warnings)."""
    name = " ".join((name or "").split())
    if not name:
        raise UserError("a sequence needs a name")
    if len(name) > 200:
        raise UserError("a sequence name can have at most 200 characters")
    check = preflight(ctx, steps, selection)
    if check.problems:
        raise UserError(check.problems[0])
    if check.warnings and not accept_warnings:
        raise UserError(
            "content warning: " + "; ".join(check.warnings) + " (accept the warnings to go on)"
        )
    now = ctx.now()
    with ctx.db.write() as session:
        sequence = Sequence(
            name=name,
            sender=(sender or "").strip(),
            status=SequenceStatus.BEING_PROCESSED.value,
            preparer=this_process().token(),
            account_sid=account_of(ctx),
            created_by=current_actor(),
            start_at=start_at or now,
            lead_selection=selection.to_json(),
            stop_on_reply=stop_on_reply,
            excluded_opted_out=check.excluded_opted_out,
            excluded_deleted=check.excluded_deleted,
            created_at=now,
            updated_at=now,
        )
        sequence.steps = [
            Step(
                position=i,
                body=s.body,
                media_urls=list(s.media_urls),
                delay_seconds=0.0 if i == 0 else s.delay.total_seconds(),
            )
            for i, s in enumerate(steps)
        ]
        session.add(sequence)
        session.flush()
        session.add(SequenceCounter(sequence_id=sequence.id))  # every count starts at 0
        sequence_id = sequence.id
    from desktop.services.sequences.enqueue import enqueue_or_fail

    messages = enqueue_or_fail(ctx, sequence_id, check.recipients)
    return CreateResult(
        sequence_id=sequence_id,
        messages=messages,
        leads=len(check.recipients),
        excluded_opted_out=check.excluded_opted_out,
        excluded_deleted=check.excluded_deleted,
        warnings=tuple(check.warnings),
        reminders=tuple(check.reminders),
        excluded_dead=check.excluded_dead,
    )
