"""Refusals that speak of the account, not of one message: the catalog's `account_problem`
attribute, or an HTTP status that says so whatever the code."""

from __future__ import annotations

from desktop.services.twilio.error_catalog import explain
from desktop.services.twilio.gateway import Refused

# HTTP statuses that speak of the account whatever the code says (a proxy may drop it).
ACCOUNT_STATUSES = frozenset({401, 403})


def is_account_problem(exc: Refused) -> bool:
    if exc.status in ACCOUNT_STATUSES:
        return True
    return exc.code is not None and explain(exc.code).account_problem


def describe(sender: str, exc: Refused) -> str:
    """One line: what stopped, why, and what to do."""
    code = exc.code if exc.code is not None else 20003
    entry = explain(code)
    fix = entry.what_to_do[0] if entry.what_to_do else "check the Twilio settings"
    fix = fix[0].lower() + fix[1:] if fix else fix
    return (
        f"sending from {sender} stopped: {entry.title} (Twilio error {code}); "
        f"to fix it, {fix.rstrip('.')}"
    )
