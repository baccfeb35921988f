"""One setting written by two desktops at the same moment: the second waits for the first
and updates the row, where a read-then-insert failed on the key on PostgreSQL (seen when
three workers opened a new team database at once and each marked its kind)."""

from __future__ import annotations

import threading
import time

from desktop.models import Setting
from desktop.models.settings import put_setting
from desktop.services.core.context import Context


def test_two_writers_of_a_new_key_both_succeed(ctx: Context) -> None:
    inserted = threading.Event()
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with ctx.db.write() as session:
                put_setting(session, "app.race", "first")
                inserted.set()
                time.sleep(0.5)  # the other writer starts meanwhile, and must wait for us
        except BaseException as exc:  # reported below
            failures.append(exc)
            inserted.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert inserted.wait(10)
    with ctx.db.write() as session:  # the first's row is not committed yet
        put_setting(session, "app.race", "second")
    thread.join(10)
    assert failures == []
    with ctx.db.read() as session:
        row = session.get(Setting, "app.race")
        assert row is not None and row.value == "second"


def test_a_setting_is_inserted_then_updated(ctx: Context) -> None:
    with ctx.db.write() as session:
        put_setting(session, "app.plain", "one")
    with ctx.db.read() as session:
        row = session.get(Setting, "app.plain")
        assert row is not None and row.value == "one"
        stamped = row.updated_at
    with ctx.db.write() as session:
        put_setting(session, "app.plain", "two")
    with ctx.db.read() as session:
        row = session.get(Setting, "app.plain")
        assert row is not None and row.value == "two" and row.updated_at >= stamped
