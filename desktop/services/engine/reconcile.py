"""Settling claims without a SID: did the message go out or not?

A claim without SID exists while its owner's request is in flight, after a crash between
the request and the SID's commit, or after an answer that left it unclear (a timeout, a
dropped connection, a 5xx). It is looked up in Twilio's message list only when nobody can
still be sending it: its owner's lease is gone, or its owner itself saw its request fail
ambiguously; and only once the claim is older than the grace (twice the request timeout and
some), so the request that made it has certainly ended. A match must have the claim's
sender, To and body, be created at or after the claim (less a minute of clock skew), and
hold a SID no other message holds; its Twilio status decides its bucket. No match gives the
message back to the queue (or to Canceled, when its sequence was canceled meanwhile).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from desktop.models import Message, Sequence
from desktop.services.core.context import Context
from desktop.services.engine.failures import apply_with_consequences
from desktop.services.engine.handoff_sql import of_senders
from desktop.services.engine.handoff_store import HandoffStore, Job
from desktop.services.status.rules import bucket_for_provider_status
from desktop.services.status.vocabulary import Bucket
from desktop.services.twilio.gateway import Gateway, GatewayError, TwilioMessage

log = logging.getLogger(__name__)

CLOCK_SKEW = timedelta(minutes=1)
# How far back the newest-first list is read before giving up on a claim.
LOOK_BACK = timedelta(minutes=10)


class Reconciler:
    def __init__(
        self, ctx: Context, gateway: Gateway, store: HandoffStore, grace: timedelta
    ) -> None:
        self.ctx = ctx
        self.gateway = gateway
        self.store = store
        self.grace = grace
        self._unclear: set[int] = set()  # my own claims whose request failed ambiguously
        self._lock = threading.Lock()

    def unclear(self, message_id: int) -> None:
        """My request for `message_id` may or may not have reached Twilio."""
        with self._lock:
            self._unclear.add(message_id)

    def run(
        self, senders: Collection[str], live_owners: Collection[str], default_sender: str = ""
    ) -> set[int]:
        """Settle what may be settled among the claims of `senders` (the ones this engine
        holds; sequences without a sender count as `default_sender`'s); returns the
        sequences that changed."""
        if not senders:
            return set()
        owner = self.store.owner_id
        others_alive = set(live_owners) - {owner}
        with self._lock:
            mine_unclear = set(self._unclear)
        cutoff = self.ctx.now() - self.grace
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(Message, Sequence.sender)
                .join(Sequence, Sequence.id == Message.sequence_id)
                .where(
                    Message.bucket == Bucket.IN_QUEUE.value,
                    Message.claimed_at.is_not(None),
                    Message.claimed_at <= cutoff,
                    Message.twilio_sid.is_(None),
                    of_senders(senders, default_sender),
                    or_(
                        Message.claimed_by.is_(None),
                        Message.claimed_by.not_in(list(others_alive | {owner})),
                        Message.id.in_(list(mine_unclear)),
                    ),
                )
            ).all()
        changed: set[int] = set()
        taken: set[str] = set()
        for message, sender in rows:
            job = Job(
                message.id,
                message.sequence_id,
                message.lead_id,
                message.step_position,
                message.to_phone,
                message.body,
                tuple(message.media_urls or ()),
                sender or default_sender,
                1,
            )
            assert message.claimed_at is not None
            try:
                candidates = self._candidates(job, message.claimed_at, taken)
            except GatewayError as exc:
                log.warning("cannot reconcile message %s yet: %s", message.id, exc)
                continue
            if self._adopt(job, candidates, taken):
                changed.add(job.sequence_id)
            else:
                self.store.release(job, "not found on Twilio after an unclear answer", 0)
                changed.add(job.sequence_id)
            with self._lock:
                self._unclear.discard(message.id)
        return changed

    def _candidates(self, job: Job, claimed_at: datetime, taken: set[str]) -> list[TwilioMessage]:
        """Twilio's messages that may be this claim's, oldest first."""
        earliest = claimed_at - CLOCK_SKEW
        by_number = job.sender.startswith("+")
        found: list[TwilioMessage] = []
        pages = self.gateway.list_pages(
            to=job.to, from_=job.sender if by_number else None, page_size=100
        )
        for page in pages:
            for record in page:
                if (
                    not record.direction.startswith("inbound")
                    and record.body == job.body
                    and record.sid not in taken
                    and record.date_created is not None
                    and record.date_created >= earliest
                    and (by_number or record.messaging_service_sid == job.sender)
                ):
                    found.append(record)
            oldest = min((r.date_created for r in page if r.date_created), default=None)
            if oldest is not None and oldest < claimed_at - LOOK_BACK:
                break  # newest first: nothing older can be ours
        if not found:
            return []
        held = self._sids_held([r.sid for r in found])
        return sorted(
            (r for r in found if r.sid not in held),
            key=lambda r: r.date_created or claimed_at,
        )

    def _sids_held(self, sids: list[str]) -> set[str]:
        with self.ctx.db.read() as session:
            return set(
                session.scalars(select(Message.twilio_sid).where(Message.twilio_sid.in_(sids)))
            )

    def _adopt(self, job: Job, candidates: list[TwilioMessage], taken: set[str]) -> bool:
        for record in candidates:
            at = record.date_created or self.ctx.now()
            try:
                if not self.store.handed_off(
                    job,
                    record.sid,
                    record.status,
                    record.num_segments,
                    at,
                    detail="found on Twilio after an unclear answer",
                ):
                    return True  # no longer In-queue: someone settled it
            except IntegrityError:
                log.warning(
                    "message %s: Twilio's %s is already another message's; skipped",
                    job.message_id,
                    record.sid,
                )
                continue
            taken.add(record.sid)
            self._apply_status(job, record)
            log.info("message %s had gone out as %s; adopted", job.message_id, record.sid)
            return True
        return False

    def _apply_status(self, job: Job, record: TwilioMessage) -> None:
        """The adopted message's Twilio status decides its bucket (delivered is Sent)."""
        if bucket_for_provider_status(record.status) in (None, Bucket.OUTBOX):
            return
        apply_with_consequences(self.ctx, [record], {record.sid: job.message_id}, self.ctx.now())
