"""A lead as a sequence sees it, and the merge fields a group of them carries."""

from __future__ import annotations

from typing import NamedTuple


class Recipient(NamedTuple):
    """A lead as a sequence sees it (a tuple: 100 000 of them must be cheap)."""

    id: int
    phone: str
    first_name: str
    last_name: str
    email: str
    custom: tuple[tuple[str, str], ...] = ()  # the lead's custom fields ({company})
    timezone: str = ""  # the lead's own zone, "" when its number decides (quiet hours)

    def merge_values(self) -> dict[str, str]:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return {
            **dict(self.custom),  # the standard fields below win over a same-named one
            "first_name": self.first_name,
            "last_name": self.last_name,
            "full_name": full,
            "email": self.email,
            "phone": self.phone,
        }


def custom_fields_of(recipients: list[Recipient]) -> frozenset[str]:
    """The custom fields these leads carry: merge fields a step may use."""
    return frozenset(name for r in recipients if r.custom for name, _ in r.custom)
