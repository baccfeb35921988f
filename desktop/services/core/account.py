"""The Twilio account a database's work belongs to, as this desktop is signed in to it."""

from __future__ import annotations

from desktop.services.core.context import Context
from desktop.services.core.database_kind import is_demo
from desktop.services.core.errors import UserError


def account_of(ctx: Context) -> str:
    """The Account SID this desktop sends with ("" in demo mode, or without credentials:
    then any engine may send the work)."""
    if is_demo(ctx):
        return ""
    try:
        return ctx.settings.config().twilio_account_sid
    except UserError:  # a malformed credential: the engine refuses it, not the sequence
        return ""
