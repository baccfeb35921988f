"""Time zone names a lead may be given: IANA names (America/New_York), found whatever their
case, so the import, the lead editor and the CLI agree on what is a time zone."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

TZ_MAX = 64  # the leads.timezone column
# Old aliases and technical zones a shop owner never means; still accepted when typed.
_NOT_OFFERED = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@lru_cache(maxsize=1)
def known_zones() -> dict[str, str]:
    """casefolded IANA name -> its spelling; empty where the system has no zone database
    (Windows without the tzdata package), and then time zones are taken as written."""
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def canonical_zone(text: str) -> str | None:
    """`america/new_york` -> `America/New_York`; None for a name that is not a time zone.
    Without a zone database the name is taken as written."""
    cleaned = text.strip()
    if not cleaned:
        return None
    zones = known_zones()
    if not zones:
        return cleaned[:TZ_MAX]
    return zones.get(cleaned.casefold())


@lru_cache(maxsize=1)
def zone_choices() -> tuple[str, ...]:
    """The names a list offers: `Region/City` zones, sorted (aliases such as US/Eastern and
    technical ones such as Etc/GMT+5 left out; they can still be typed)."""
    return tuple(
        sorted(
            name
            for name in known_zones().values()
            if "/" in name and not name.startswith(_NOT_OFFERED)
        )
    )
