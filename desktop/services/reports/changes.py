"""What changed in the database since the window last looked, cheap enough to ask a few
times a second while the sending service hands off 100 messages a second.

Two steps. A `ChangeSource` says whether anything at all was committed since its last answer:
on SQLite that is `PRAGMA data_version` on a dedicated connection, which moves whenever any
other connection, of this process or another, commits. Only then is a `Look` taken (every
sequence with its counters, the newest event and reply ids, the leads' count and newest
update: a few small reads) and compared with the previous one, naming the sequences, the
leads and the lead histories that changed.

Other back ends look every time for now (`EveryLook`); PostgreSQL can answer from LISTEN/NOTIFY
or a change-counter table behind the same `ChangeSource` without touching the rest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, bindparam, func, select

from desktop.models import (
    Conversation,
    InboundMessage,
    Lead,
    Message,
    MessageEvent,
    Sequence,
    SequenceCounter,
)
from desktop.models.db import sqlite_file
from desktop.services.core.context import Context
from desktop.services.status.vocabulary import SequenceStatus

# More changed rows than this in one look are not named one by one: "reload" is cheaper.
MAX_NAMED = 2000
# Leads are found by updated_at; a writer whose clock read came just before another's
# commit may land slightly "in the past", so each look reaches back this far.
LEADS_OVERLAP = timedelta(seconds=5)
WILL_SEND = frozenset(
    {
        SequenceStatus.BEING_PROCESSED.value,
        SequenceStatus.SCHEDULED.value,
        SequenceStatus.IN_PROGRESS.value,
    }
)


class ChangeSource(Protocol):
    def changed(self) -> bool:
        """Whether anything may have been committed since the last call (True the first
        time)."""
        ...

    def close(self) -> None: ...


class SqliteDataVersion:
    """`PRAGMA data_version` on a connection of its own that never writes: its value moves
    whenever another connection commits, and costs microseconds to read."""

    def __init__(self, file: Path) -> None:
        # Autocommit (isolation_level None): the pragma is read outside any transaction,
        # which would otherwise pin the snapshot and hide every later commit.
        self._connection = sqlite3.connect(file, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA query_only=ON")
        self._last: int | None = None

    def changed(self) -> bool:
        version = int(self._connection.execute("PRAGMA data_version").fetchone()[0])
        moved = version != self._last
        self._last = version
        return moved

    def close(self) -> None:
        self._connection.close()


class EveryLook:
    """For back ends without a cheap change signal (yet): every look compares."""

    def changed(self) -> bool:
        return True

    def close(self) -> None:
        pass


def change_source(ctx: Context) -> ChangeSource:
    file = sqlite_file(ctx.db.url)
    return SqliteDataVersion(file) if file is not None else EveryLook()


@dataclass(frozen=True)
class SequenceLook:
    status: str
    updated_at: datetime | None
    # total, in_queue, outbox, sent, error, delivery_unknown, canceled, deleted_leads
    counts: tuple[int, ...]

    @property
    def in_queue(self) -> int:
        return self.counts[1]

    @property
    def outbox(self) -> int:
        return self.counts[2]

    @property
    def error(self) -> int:
        return self.counts[4]

    @property
    def handed_off(self) -> int:
        """Messages that left In-queue for Twilio (whatever became of them since)."""
        return sum(self.counts[2:6])


@dataclass(frozen=True)
class Look:
    sequences: Mapping[int, SequenceLook]
    last_event_id: int
    last_reply_id: int
    leads: int
    leads_updated: datetime | None
    # The inbox list's rows: how many, the newest message, the unread total. Hand-offs of
    # sequences leave them alone, so the list is not read again 100 times a second.
    conversations: tuple[int, datetime | None, int] = (0, None, 0)

    @property
    def in_queue(self) -> int:
        return sum(s.in_queue for s in self.sequences.values())

    @property
    def waiting(self) -> int:
        """In-queue messages that will go out (paused and canceled sequences' do not)."""
        return sum(s.in_queue for s in self.sequences.values() if s.status in WILL_SEND)

    @property
    def scheduled(self) -> int:
        return sum(s.status == SequenceStatus.SCHEDULED.value for s in self.sequences.values())

    @property
    def outbox(self) -> int:
        return sum(s.outbox for s in self.sequences.values())

    @property
    def handed_off(self) -> int:
        return sum(s.handed_off for s in self.sequences.values())

    @property
    def errors(self) -> dict[int, int]:
        """Failed messages per sequence (sequences without any left out)."""
        return {sid: s.error for sid, s in self.sequences.items() if s.error}

    @property
    def keeps_service_busy(self) -> bool:
        """Something to send or to track: what the service itself stays up for."""
        return self.outbox > 0 or any(s.status in WILL_SEND for s in self.sequences.values())


@dataclass(frozen=True)
class Changes:
    sequences: frozenset[int] = frozenset()
    # Lead rows that changed (opt-out, edit, delete, new); None: too many to name.
    leads: frozenset[int] | None = frozenset()
    # Leads whose history (messages, their events, replies, the lead row) changed; None: any.
    histories: frozenset[int] | None = frozenset()
    conversations: bool = False  # a reply, an answer, or one read
    # The dashboard's feeds: a sequence's failed count moved, a reply came in. Texts
    # handed off and delivered move neither, so the feeds are not read again while they go.
    errors: bool = False
    replies: bool = False

    @property
    def empty(self) -> bool:
        return (
            not self.sequences
            and self.leads == frozenset()
            and self.histories == frozenset()
            and not (self.conversations or self.errors or self.replies)
        )


# The look's statements are built once: building a SQLAlchemy statement costs more Python
# than running it, and this thread takes the interpreter from the window's GUI thread.
_SEQUENCES = select(
    Sequence.id,
    Sequence.status,
    Sequence.updated_at,
    SequenceCounter.total,
    SequenceCounter.in_queue,
    SequenceCounter.outbox,
    SequenceCounter.sent,
    SequenceCounter.error,
    SequenceCounter.delivery_unknown,
    SequenceCounter.canceled,
    SequenceCounter.deleted_leads,
).outerjoin(SequenceCounter, SequenceCounter.sequence_id == Sequence.id)
# The rest in one statement: each round trip is mostly Python too.
_TOTALS = select(
    select(func.max(MessageEvent.id)).scalar_subquery(),
    select(func.max(InboundMessage.id)).scalar_subquery(),
    select(func.count(Lead.id)).scalar_subquery(),
    select(func.max(Lead.updated_at)).scalar_subquery(),
    select(func.count(Conversation.lead_id)).scalar_subquery(),
    select(func.max(Conversation.last_at)).scalar_subquery(),
    select(func.coalesce(func.sum(Conversation.unread), 0)).scalar_subquery(),
)
_MOVED = (  # (sequence, lead) of the messages with events after the last look
    select(Message.sequence_id, Message.lead_id)
    .distinct()
    .join(MessageEvent, MessageEvent.message_id == Message.id)
    .where(MessageEvent.id > bindparam("after"), MessageEvent.id <= bindparam("upto"))
    .limit(MAX_NAMED + 1)
)
_REPLIED = (
    select(InboundMessage.lead_id)
    .distinct()
    .where(InboundMessage.id > bindparam("after"), InboundMessage.id <= bindparam("upto"))
)
_LEADS_SINCE = (
    select(Lead.id, Lead.updated_at)
    .where(Lead.updated_at >= bindparam("since"))
    .limit(MAX_NAMED + 1)
)


def take_look(connection: Connection) -> Look:
    rows = connection.execute(_SEQUENCES).all()
    sequences = {
        row[0]: SequenceLook(row[1], row[2], tuple(int(n or 0) for n in row[3:])) for row in rows
    }
    (last_event, last_reply, leads, leads_updated, talks, talk_at, unread) = connection.execute(
        _TOTALS
    ).one()
    return Look(
        sequences,
        int(last_event or 0),
        int(last_reply or 0),
        int(leads),
        leads_updated,
        (int(talks), talk_at, int(unread)),
    )


@dataclass
class ChangeTracker:
    """Looks when the source says something changed, and names what did."""

    ctx: Context
    source: ChangeSource | None = None
    look: Look | None = None
    # (lead id -> updated_at) seen within LEADS_OVERLAP of the newest: not named twice.
    _recent_leads: dict[int, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.source is None:
            self.source = change_source(self.ctx)

    def poll(self) -> tuple[Look, Changes] | None:
        """(the new look, what changed since the last) or None when nothing was committed.
        The first call takes the first look and names nothing: screens load on their own."""
        assert self.source is not None
        if not self.source.changed() and self.look is not None:
            return None
        with self.ctx.db.read_connection() as connection:
            look = take_look(connection)
            before = self.look
            if before is None:
                changes = Changes()
                if look.leads_updated is not None:
                    self._remember_leads(look, self._leads_since(connection, look.leads_updated))
            else:
                changes = self._compare(connection, before, look)
        self.look = look
        return look, changes

    def close(self) -> None:
        if self.source is not None:
            self.source.close()

    def _compare(self, connection: Connection, before: Look, after: Look) -> Changes:
        sequences = {
            sid
            for sid in before.sequences.keys() | after.sequences.keys()
            if before.sequences.get(sid) != after.sequences.get(sid)
        }
        histories: set[int] = set()
        too_many = False
        if after.last_event_id != before.last_event_id:
            pairs = connection.execute(
                _MOVED, {"after": before.last_event_id, "upto": after.last_event_id}
            ).all()
            too_many = len(pairs) > MAX_NAMED
            sequences.update(sid for sid, _ in pairs)
            histories.update(lead for _, lead in pairs)
        if after.last_reply_id != before.last_reply_id:
            histories.update(
                lead
                for lead in connection.scalars(
                    _REPLIED, {"after": before.last_reply_id, "upto": after.last_reply_id}
                )
                if lead is not None
            )
        leads: frozenset[int] | None = frozenset()
        if (after.leads, after.leads_updated) != (before.leads, before.leads_updated):
            leads = self._changed_leads(connection, before, after)
            too_many = too_many or leads is None
            histories.update(leads or ())
        return Changes(
            frozenset(sequences),
            leads,
            None if too_many else frozenset(histories),
            conversations=after.conversations != before.conversations,
            errors=after.errors != before.errors,
            replies=after.last_reply_id != before.last_reply_id,
        )

    def _changed_leads(
        self, connection: Connection, before: Look, after: Look
    ) -> frozenset[int] | None:
        newest = after.leads_updated
        if newest is None:  # no leads left
            self._recent_leads = {}
            return None
        since = before.leads_updated
        found = self._leads_since(connection, newest if since is None else min(since, newest))
        if len(found) > MAX_NAMED:
            self._recent_leads = {}
            return None
        named = frozenset(i for i, at in found.items() if self._recent_leads.get(i) != at)
        self._remember_leads(after, found)
        if since is None or (not named and after.leads != before.leads):
            return None  # there were none before, or the count moved and nobody is named
        return named

    @staticmethod
    def _leads_since(connection: Connection, since: datetime) -> dict[int, datetime]:
        """Leads updated at `since` or up to LEADS_OVERLAP before (at most MAX_NAMED + 1)."""
        rows = connection.execute(_LEADS_SINCE, {"since": since - LEADS_OVERLAP})
        return {lead_id: updated for lead_id, updated in rows}

    def _remember_leads(self, look: Look, found: dict[int, datetime]) -> None:
        newest = look.leads_updated
        if newest is None:
            self._recent_leads = {}
            return
        self._recent_leads = {i: at for i, at in found.items() if at >= newest - LEADS_OVERLAP}
