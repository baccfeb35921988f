"""Opening the database a command works on."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.services.core.context import Context


@contextmanager
def opened(args: argparse.Namespace, *, demo: bool = False) -> Iterator[Context]:
    """The database named by --db / TEXTDESK_DB / the default, migrated, closed after."""
    from desktop.services.core.context import Context

    ctx = Context.open(args.db, demo=demo)
    try:
        yield ctx
    finally:
        ctx.close()
