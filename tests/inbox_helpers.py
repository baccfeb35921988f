"""Replies as the poller stores them (engine/inbound.record_inbound: opt-outs, the inbox,
auto-replies), for the conversations tests that run no engine."""

from __future__ import annotations

import itertools
from datetime import datetime

from desktop.services.core.context import Context
from desktop.services.engine.inbound import record_inbound
from desktop.services.twilio.gateway import TwilioMessage

SENDER = "+15005550006"
_sids = itertools.count(1)


def reply(
    ctx: Context, phone: str, body: str, at: datetime | None = None, to: str = SENDER
) -> None:
    """`phone` writes `body` to our number `to`, received at `at` (now)."""
    when = at or ctx.now()
    record = TwilioMessage(
        sid=f"SM{next(_sids):032x}",
        status="received",
        direction="inbound",
        to=to,
        from_=phone,
        body=body,
        num_segments=1,
        price=None,
        price_unit=None,
        error_code=None,
        error_message=None,
        date_created=when,
        date_sent=when,
        date_updated=None,
    )
    with ctx.db.write() as session:
        record_inbound(session, record, ctx.now(), fallback_sender=to)
