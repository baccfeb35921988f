"""Engine leases: one engine per sender, however many processes open the database.

A lease row per sender names its holder (host, pid, a random owner id) and an expiry that
the holder pushes forward with a heartbeat every few seconds, in one statement for all its
senders. Only the holder hands off, polls and sweeps for a sender, so the sender's rate
limit is exact. A lease may be taken over when its expiry has passed, or at once when its
holder ran on this host and its process is gone (killed, crashed, or its pid reused).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from desktop.models import EngineLease
from desktop.services.core.actor import user_name
from desktop.services.core.context import Context
from desktop.services.core.processes import process_alive, this_process

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(seconds=30)
HEARTBEAT_EVERY = timedelta(seconds=5)


@dataclass(frozen=True)
class Owner:
    """Who holds leases and claims: this process, with a random id per engine."""

    id: str
    host: str
    pid: int
    started: str
    role: str = "engine"

    @classmethod
    def current(cls, role: str = "engine") -> Owner:
        me = this_process()
        return cls(secrets.token_hex(8), me.host, me.pid, me.started, role)


@dataclass(frozen=True)
class Holder:
    """The engine holding a sender, as another engine sees it."""

    sender: str
    owner_id: str
    host: str
    pid: int
    role: str
    since: datetime
    expires_at: datetime
    problem: str | None = None
    user_name: str = ""

    @property
    def here(self) -> bool:
        """On this computer (else another desktop of the team)."""
        return self.host == this_process().host

    def describe(self) -> str:
        since = self.since.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if self.here:
            return f"the {self.role} with pid {self.pid} on {self.host} (since {since})"
        whose = f" ({self.user_name})" if self.user_name else ""
        return f"the desktop {self.host}{whose} (since {since})"


def is_stale(row: EngineLease, now: datetime, host: str) -> bool:
    if row.expires_at <= now:
        return True
    return row.host == host and not process_alive(row.pid, row.process_started)


class Leases:
    """The leases one engine holds. Thread-safe: the dispatcher's threads ask `fresh()`."""

    def __init__(self, ctx: Context, owner: Owner, ttl: timedelta = LEASE_TTL) -> None:
        self.ctx = ctx
        self.owner = owner
        self.ttl = ttl
        self._held: frozenset[str] = frozenset()
        self._renewed: datetime | None = None
        self._lock = threading.Lock()

    @property
    def held(self) -> frozenset[str]:
        return self._held

    def fresh(self, sender: str) -> bool:
        """Held, and renewed recently enough that no other engine can have taken it over
        yet: checked right before each claim, so a stalled engine stops sending first."""
        with self._lock:
            renewed = self._renewed
            held = sender in self._held
        if not held or renewed is None:
            return False
        return self.ctx.now() < renewed + self.ttl - HEARTBEAT_EVERY

    def acquire(self, senders: Iterable[str]) -> dict[str, Holder]:
        """Take (or keep) the lease of each sender that is free, stale or already ours;
        returns the holders of those another live engine holds."""
        wanted = sorted({s for s in senders if s})
        try:
            return self._acquire(wanted)
        except IntegrityError:  # another engine inserted the same sender first (PostgreSQL)
            return self._acquire(wanted)

    def _acquire(self, wanted: list[str]) -> dict[str, Holder]:
        now = self.ctx.now()
        expires = now + self.ttl
        others: dict[str, Holder] = {}
        with self.ctx.db.write() as session:
            for sender in wanted:
                row = session.get(EngineLease, sender, with_for_update=True)
                if row is None:
                    session.add(self._row(sender, now, expires))
                elif row.owner_id == self.owner.id:
                    row.heartbeat_at, row.expires_at = now, expires
                elif is_stale(row, now, self.owner.host):
                    log.info("taking over %s from pid %s on %s (stale)", sender, row.pid, row.host)
                    session.delete(row)
                    session.flush()
                    session.add(self._row(sender, now, expires))
                else:
                    others[sender] = _holder(row)
            mine = set(
                session.scalars(
                    select(EngineLease.sender).where(EngineLease.owner_id == self.owner.id)
                )
            )
        with self._lock:
            self._held = frozenset(mine)
            self._renewed = now
        return others

    def heartbeat(self, problem: str | None = None) -> frozenset[str]:
        """Push every lease of ours forward in one statement, with what keeps us from
        sending (None: nothing); returns what we still hold (a lease taken over after we
        stalled is gone, and stays gone)."""
        now = self.ctx.now()
        with self.ctx.db.write_connection() as connection:
            renewed = connection.execute(
                update(EngineLease)
                .where(EngineLease.owner_id == self.owner.id)
                .values(heartbeat_at=now, expires_at=now + self.ttl, problem=problem)
            ).rowcount
            if renewed == len(self._held):
                with self._lock:
                    self._renewed = now
                return self._held
            mine = frozenset(
                connection.scalars(
                    select(EngineLease.sender).where(EngineLease.owner_id == self.owner.id)
                )
            )
        lost = self._held - mine
        if lost:
            log.warning("lost the lease of %s to another engine", ", ".join(sorted(lost)))
        with self._lock:
            self._held = mine
            self._renewed = now
        return mine

    def release(self) -> None:
        """Give every lease up (a clean stop): another engine may start at once."""
        with self.ctx.db.write_connection() as connection:
            connection.execute(delete(EngineLease).where(EngineLease.owner_id == self.owner.id))
        with self._lock:
            self._held = frozenset()

    def live_owners(self) -> set[str]:
        """Owner ids that hold a lease which is not stale: their claims are theirs alone."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            rows = list(session.scalars(select(EngineLease)))
        return {row.owner_id for row in rows if not is_stale(row, now, self.owner.host)}

    def _row(self, sender: str, now: datetime, expires: datetime) -> EngineLease:
        owner = self.owner
        return EngineLease(
            sender=sender,
            owner_id=owner.id,
            host=owner.host,
            pid=owner.pid,
            process_started=owner.started,
            role=owner.role,
            user_name=user_name()[:64],
            since=now,
            heartbeat_at=now,
            expires_at=expires,
        )


def _holder(row: EngineLease) -> Holder:
    return Holder(
        row.sender,
        row.owner_id,
        row.host,
        row.pid,
        row.role,
        row.since,
        row.expires_at,
        row.problem,
        row.user_name,
    )


def holders(ctx: Context) -> list[Holder]:
    """Every live lease of the database (for `service status` and the window)."""
    now = ctx.now()
    host = this_process().host
    with ctx.db.read() as session:
        rows = list(session.scalars(select(EngineLease).order_by(EngineLease.sender)))
    return [_holder(row) for row in rows if not is_stale(row, now, host)]
