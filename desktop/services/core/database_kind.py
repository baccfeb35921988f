"""Which database this is: the demo's (made-up leads, the built-in carrier sandbox) or the
user's own. Simulated sends never touch real data, and real sends never text the demo's
made-up numbers: the sandbox runs only on a demo database, Twilio only on a real one."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.models import Lead, Sequence
from desktop.models.db import sqlite_file
from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.core.ui_prefs import get_value, set_value

KIND_KEY = "database_kind"
DEMO = "demo"
REAL = "real"


def is_demo(ctx: Context) -> bool:
    marked = get_value(ctx, KIND_KEY)
    if marked:
        return marked == DEMO
    # Databases from before the mark: the demo's is the file named textdesk-demo.db.
    file = sqlite_file(ctx.db.url)
    return file is not None and file.stem.endswith("-demo")


def _is_empty(ctx: Context) -> bool:
    with ctx.db.read() as session:
        leads = session.scalar(select(func.count()).select_from(Lead))
        sequences = session.scalar(select(func.count()).select_from(Sequence))
    return not leads and not sequences


def require_demo(ctx: Context) -> None:
    """The built-in sandbox may run here: a demo database, or an empty one (marked)."""
    if is_demo(ctx):
        set_value(ctx, KIND_KEY, DEMO)
        return
    if get_value(ctx, KIND_KEY) is None and _is_empty(ctx):
        set_value(ctx, KIND_KEY, DEMO)
        return
    raise UserError(
        f"{ctx.db.url} holds your own data: the demo never runs on it "
        "(run the demo without --db, on its own database)"
    )


def require_real(ctx: Context) -> None:
    """Twilio may be used here: not the demo's database (its leads are made up)."""
    if is_demo(ctx):
        raise UserError(
            "this is the demo database: its leads are made up and are never texted for real "
            "(use your own database, without --demo)"
        )
    if get_value(ctx, KIND_KEY) is None:
        set_value(ctx, KIND_KEY, REAL)
