"""Argument types with bounds: a value outside them ends as one line and exit code 2 before
any database is opened, so nothing is stored.

argparse calls these while parsing; a CliError or UserError raised here is not one argparse
catches, so it reaches `main` as it is, with its own sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Final

from desktop.cli.output import CliError

#: The largest id SQLite and PostgreSQL store (a signed 64-bit integer); a larger one would
#: end in the driver's OverflowError instead of "no such lead".
MAX_ID: Final = 2**63 - 1
#: The dates a sequence may start between: a century is room enough, and far outside it the
#: local-time conversion fails (year 1) or the engine's arithmetic overflows (year 9999).
FIRST_START: Final = date(2000, 1, 1)
LAST_START: Final = date(2100, 12, 31)


def _shown(text: str) -> str:
    # The sentence quotes what was typed, cut short: it must stay one readable line.
    return repr(text if len(text) <= 40 else text[:37] + "...")


def record_id(what: str) -> Callable[[str], int]:
    """The type of an ID argument: a whole number from 1 to MAX_ID; `what` names it."""

    def parse(text: str) -> int:
        cleaned = text.strip()
        # ASCII digits only: int() would also take "1_000", "+5" and other scripts' digits.
        if re.fullmatch(r"[0-9]{1,19}", cleaned) and 1 <= int(cleaned) <= MAX_ID:
            return int(cleaned)
        raise CliError(f"{what} must be a whole number from 1 to {MAX_ID}, not {_shown(text)}")

    return parse


def tag(text: str) -> str:
    """`--tag`: a tag's name. An empty one is refused: taken as "no tag" it would select
    every lead, the opposite of what a filter was typed for."""
    cleaned = text.strip()
    if not cleaned:
        raise CliError("--tag cannot be empty: give the name of a tag, or leave --tag out")
    return cleaned


def sender(text: str) -> str:
    """`--sender`: a Twilio number in +E.164 form or a Messaging Service SID (MG...), checked
    by the same rule as the `sender` setting."""
    from desktop.services.core.settings import SENDER_FORMS, parse_sender

    if not text.strip():
        raise CliError(
            f"--sender cannot be empty: give {SENDER_FORMS}, or leave --sender out to use "
            "the sender in the settings"
        )
    return parse_sender(text, name="--sender")


def start_time(text: str) -> datetime:
    """`--start`: ISO 8601 between FIRST_START and LAST_START; a time without zone is the
    computer's local time."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CliError(
            f"--start must be an ISO 8601 time such as 2026-12-01T09:00, not {_shown(text)}"
        ) from None
    # The date as written, before any conversion: converting year 1 to local time fails.
    if not FIRST_START <= value.date() <= LAST_START:
        raise CliError(
            f"--start must be between {FIRST_START} and {LAST_START}, not {_shown(text)}"
        )
    return value if value.tzinfo else value.astimezone()
