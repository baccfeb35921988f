"""`service stop` is remembered per desktop until a service starts: what the window reads so as
not to take the stop for a crash (tests/e2e/test_window_service.py runs the whole story)."""

from __future__ import annotations

from desktop.services.core import ui_prefs
from desktop.services.core.context import Context
from desktop.services.core.processes import this_process
from desktop.services.engine.service_control import (
    STOP_REQUEST_KEY,
    forget_stop_request,
    service_state,
    stop_service,
)


def test_a_stop_with_no_service_running_is_remembered_then_forgotten_by_a_start(
    ctx: Context,
) -> None:
    assert service_state(ctx).stop_requested is None
    stopped, sentence = stop_service(ctx)
    assert stopped and sentence == "The sending service is not running."
    asked = service_state(ctx).stop_requested
    assert asked is not None and abs((asked - ctx.now()).total_seconds()) < 5
    forget_stop_request(ctx)  # what a starting service does
    assert service_state(ctx).stop_requested is None


def test_another_desktops_stop_does_not_count_here(ctx: Context) -> None:
    # Team mode: one database, a service per desktop; each stops only its own.
    other = ui_prefs.desktop_key(STOP_REQUEST_KEY, "elsewhere-" + this_process().host)
    ui_prefs.set_value(ctx, other, ctx.now().isoformat())
    assert service_state(ctx).stop_requested is None


def test_a_garbled_request_counts_as_none(ctx: Context) -> None:
    here = ui_prefs.desktop_key(STOP_REQUEST_KEY, this_process().host)
    ui_prefs.set_value(ctx, here, "yesterday, roughly")
    assert service_state(ctx).stop_requested is None
