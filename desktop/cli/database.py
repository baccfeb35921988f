"""Opening the database a command works on."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.services.core.context import Context


def database_url(args: argparse.Namespace, *, demo: bool = False) -> str:
    """The URL of the database a command opens (--db / TEXTDESK_DB / the default, or the
    demo's beside it), as Context.open picks it; UserError for a kind we cannot open
    (foo://...), naming the kinds we can."""
    from desktop.models.db import UnsupportedDatabase, resolve_db_url
    from desktop.services.core.context import demo_url
    from desktop.services.core.errors import UserError

    given = getattr(args, "db", None)
    try:
        return resolve_db_url(demo_url(given) if demo else given, demo=demo)
    except UnsupportedDatabase as exc:
        raise UserError(str(exc)) from None


@contextmanager
def opened(args: argparse.Namespace, *, demo: bool = False) -> Iterator[Context]:
    """The database named by --db / TEXTDESK_DB / the default, migrated, closed after."""
    from desktop.services.core.context import Context

    database_url(args, demo=demo)  # one line for a --db of a kind we cannot open
    ctx = Context.open(args.db, demo=demo)
    try:
        yield ctx
    finally:
        ctx.close()
