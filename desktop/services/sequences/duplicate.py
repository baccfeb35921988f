"""Duplicating a sequence: its steps, delays and lead selection, as a draft for the
composer (a new sequence is created only when the owner starts it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from desktop.models import Sequence
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound
from desktop.services.sequences.builder import LeadSelection, StepSpec


@dataclass(frozen=True)
class DraftCopy:
    name: str
    steps: tuple[StepSpec, ...]
    selection: LeadSelection
    sender: str
    stop_on_reply: bool


def copy_of(ctx: Context, sequence_id: int) -> DraftCopy:
    with ctx.db.read() as session:
        sequence = session.get(Sequence, sequence_id)
        if sequence is None or sequence.kind != "bulk":
            raise NotFound(f"no sequence with id {sequence_id}")
        steps = tuple(
            StepSpec(
                step.body,
                tuple(step.media_urls or ()),
                timedelta(seconds=step.delay_seconds or 0),
            )
            for step in sequence.steps
        )
        return DraftCopy(
            name=f"{sequence.name} (copy)"[:200],
            steps=steps,
            selection=LeadSelection.from_json(sequence.lead_selection or {}),
            sender=sequence.sender,
            stop_on_reply=sequence.stop_on_reply,
        )
