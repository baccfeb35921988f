"""Who is at the keyboard: the person and the desktop behind a change, for team mode's
"who did what" ("anna@front-desk").

The person is the operating system's user name, not the database role: teams commonly share
one role for TextDesk (the README's three psql lines make one), while each person signs in
to their own computer. The desktop is the computer's host name, as leases record it.
"""

from __future__ import annotations

import getpass
from functools import cache

from desktop.services.core.processes import this_process

#: Room in the `*_by` columns (String(120)).
MAX_ACTOR = 120


@cache
def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container), no login record
        return "unknown"


def current_actor() -> str:
    """This person on this desktop: "user@host"."""
    return f"{user_name()}@{this_process().host}"[:MAX_ACTOR]
