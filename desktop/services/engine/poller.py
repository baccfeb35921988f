"""Learns delivery outcomes and replies by reading Twilio's message list: one request per
page of up to 1000 messages, never one per message (a desktop has no webhook URL)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select

from desktop.models import InboundMessage, Message, Sequence
from desktop.services.core.context import Context
from desktop.services.engine.failures import apply_with_consequences
from desktop.services.engine.inbound import record_inbound
from desktop.services.engine.poll_schedule import next_poll_delay
from desktop.services.status.rules import bucket_for_provider_status
from desktop.services.status.vocabulary import Bucket
from desktop.services.twilio.gateway import Gateway, GatewayError, TwilioMessage

log = logging.getLogger(__name__)

# Twilio's DateSent filter works on whole days (UTC); a day of margin covers time zones and
# messages sent just before midnight.
DATE_MARGIN = timedelta(days=1)


def _day_start(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


class Poller:
    def __init__(
        self,
        ctx: Context,
        gateway: Gateway,
        *,
        senders: Callable[[], Collection[str]],
        on_change: Callable[[set[int]], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.gateway = gateway
        # The senders whose lease this engine holds: only those are polled.
        self.senders = senders
        self.on_change = on_change or (lambda ids: None)
        self.next_delay = timedelta(seconds=30)
        self.requests_last_cycle = 0
        self.unknown_statuses = 0

    def _tracked(self) -> dict[str, list[tuple[str, int, datetime]]]:
        """SIDs to refresh, per sender: Outbox, and Delivery unknown still within reach of a
        late answer (the carrier window after the timeout)."""
        now = self.ctx.now()
        window = self.ctx.settings.get("carrier_window")
        unknown_after = self.ctx.settings.get("delivery_unknown_after")
        recent = now - unknown_after - window
        held = sorted(self.senders())
        per_sender: dict[str, list[tuple[str, int, datetime]]] = defaultdict(list)
        if not held:
            return per_sender
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(Message.twilio_sid, Message.id, Message.handed_off_at, Sequence.sender)
                .join(Sequence, Sequence.id == Message.sequence_id)
                .where(
                    Sequence.sender.in_(held),
                    Message.twilio_sid.is_not(None),
                    or_(
                        Message.bucket == Bucket.OUTBOX.value,
                        (Message.bucket == Bucket.DELIVERY_UNKNOWN.value)
                        & (Message.handed_off_at >= recent),
                    ),
                )
            )
            for sid, message_id, handed_off_at, sender in rows:
                if sid is None:  # excluded by the query; narrows the type
                    continue
                per_sender[sender].append((sid, message_id, handed_off_at or now))
        return per_sender

    def run_once(self) -> set[int]:
        """One poll cycle; returns the sequence ids that changed."""
        start_count = self.gateway.request_count
        changed: set[int] = set()
        tracked = self._tracked()
        youngest: datetime | None = None
        total = 0
        for sender, entries in tracked.items():
            total += len(entries)
            newest = max(at for _, _, at in entries)
            youngest = newest if youngest is None else max(youngest, newest)
            try:
                changed |= self._refresh_sender(sender, entries)
            except GatewayError as exc:
                log.warning("could not refresh statuses from Twilio: %s", exc)
        try:
            changed |= self._read_replies()
        except GatewayError as exc:
            log.warning("could not read replies from Twilio: %s", exc)
        self.requests_last_cycle = self.gateway.request_count - start_count
        self.next_delay = next_poll_delay(
            self.ctx.now(), youngest, total, self.ctx.settings.get("poll_interval")
        )
        if changed:
            self.on_change(changed)
        return changed

    def _refresh_sender(self, sender: str, entries: list[tuple[str, int, datetime]]) -> set[int]:
        by_sid = {sid: message_id for sid, message_id, _ in entries}
        oldest = min(at for _, _, at in entries)
        since = _day_start(oldest - DATE_MARGIN)
        from_filter = sender if sender.startswith("+") else None
        changed: set[int] = set()
        remaining = set(by_sid)
        for page in self.gateway.list_pages(from_=from_filter, date_sent_after=since):
            updates = [r for r in page if r.sid in remaining]
            if updates:
                changed |= self._apply(updates, by_sid)
                remaining -= {r.sid for r in updates}
            if not remaining:
                break  # every tracked message seen: the rest of the list is older history
        return changed

    def _apply(self, records: list[TwilioMessage], by_sid: dict[str, int]) -> set[int]:
        """Apply one page of statuses in one transaction with set-based statements (a page
        holds up to 1000 messages; one ORM round trip each would stall a busy app)."""
        now = self.ctx.now()
        known = []
        for record in records:
            if bucket_for_provider_status(record.status) is None:
                self.unknown_statuses += 1
                log.warning(
                    "Twilio reported an unknown status %r for %s; kept as it was",
                    record.status[:30],
                    record.sid,
                )
            else:
                known.append(record)
        if not known:
            return set()
        return apply_with_consequences(self.ctx, known, by_sid, now)

    def _read_replies(self) -> set[int]:
        """Inbound messages to our senders since the newest one already stored."""
        senders = self._senders()
        if not senders:
            return set()
        with self.ctx.db.read() as session:
            newest = session.scalar(
                select(InboundMessage.received_at)
                .order_by(InboundMessage.received_at.desc())
                .limit(1)
            )
            first_handoff = session.scalar(
                select(Sequence.first_handoff_at)
                .where(Sequence.first_handoff_at.is_not(None))
                .order_by(Sequence.first_handoff_at)
                .limit(1)
            )
        if newest is not None:
            start = newest
        elif first_handoff is not None:
            # Replies older than a week before the first hand-off cannot be answers to us.
            start = max(first_handoff, self.ctx.now() - timedelta(days=7))
        else:
            return set()
        since = _day_start(start - DATE_MARGIN)
        inbound: list[TwilioMessage] = []
        for sender in senders:
            for page in self.gateway.list_pages(to=sender, date_sent_after=since):
                inbound.extend(r for r in page if r.direction.startswith("inbound"))
        if not inbound:
            return set()
        # The list is newest first; a STOP followed by START must be applied in that order.
        # Dates have whole seconds, so the list's own order breaks ties (reversed, stable sort).
        inbound.reverse()
        inbound.sort(
            key=lambda r: r.date_sent or r.date_created or datetime.min.replace(tzinfo=UTC)
        )
        changed: set[int] = set()
        now = self.ctx.now()
        business = str(self.ctx.settings.raw("business_name"))
        fallback = self._senders()[0] if self._senders() else ""
        with self.ctx.db.write() as session:
            for record in inbound:
                result = record_inbound(
                    session, record, now, business_name=business, fallback_sender=fallback
                )
                if result:
                    changed |= result
        return changed

    def _senders(self) -> list[str]:
        """Replies come to phone numbers; a Messaging Service's numbers show up as `To`."""
        return sorted(s for s in self.senders() if s.startswith("+"))
