"""The composer's words for who gets a sequence, computed once from the preflight and shown
the same in "Who gets it" and in "Before you start".

The sentence adds up with the number beside "All leads" or the tag: those counts are the
leads in the list (deleted ones are gone from it), so "33 of 36 leads" leaves out the opted
out and the numbers that cannot take texts. Deleted leads a selection still names (a tag
they carried) are said in the tooltip, where they do not break the sum.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.services.sequences.builder import Preflight
from desktop.services.sequences.forecast import group_digits

DEAD_MEANING = (
    "numbers that could not take a text before (unknown numbers, landlines) are skipped "
    "while “Skip numbers that cannot take texts” is on in Settings"
)


def _leads(count: int) -> str:
    return f"{group_digits(count)} lead{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Recipients:
    """Who gets it: the count and the leads left out, by why."""

    recipients: int
    opted_out: int
    dead: int
    deleted: int

    @staticmethod
    def of(preflight: Preflight) -> Recipients:
        return Recipients(
            recipients=len(preflight.recipients),
            opted_out=preflight.excluded_opted_out,
            # The builder counts dead numbers apart since suppress_dead_numbers came.
            dead=getattr(preflight, "excluded_dead", 0),
            deleted=preflight.excluded_deleted,
        )

    @property
    def chosen(self) -> int:
        """The leads picked, as the list counts them: deleted ones are not in it."""
        return self.recipients + self.opted_out + self.dead

    def left_out(self) -> list[str]:
        parts = []
        if self.opted_out:
            parts.append(f"{group_digits(self.opted_out)} opted out")
        if self.dead:
            noun = "number" if self.dead == 1 else "numbers"
            parts.append(f"{group_digits(self.dead)} {noun} that cannot take texts")
        return parts

    def sentence(self) -> str:
        """ "33 of 36 leads will get it (3 opted out left out)"; no full stop."""
        if self.chosen == self.recipients:
            return f"{_leads(self.recipients)} will get it"
        text = f"{group_digits(self.recipients)} of {_leads(self.chosen)} will get it"
        return f"{text} ({' and '.join(self.left_out())} left out)"

    def tooltip(self) -> str:
        lines = []
        if self.opted_out:
            lines.append(
                f"{_leads(self.opted_out)} opted out (replied STOP, or you marked them): "
                "they get nothing more."
            )
        if self.dead:
            lines.append(f"{_leads(self.dead)} left out: {DEAD_MEANING}.")
        if self.deleted:
            lines.append(
                f"Deleted leads are never texted ({group_digits(self.deleted)} in this choice)."
            )
        return "\n".join(lines)
