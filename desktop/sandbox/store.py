"""The sandbox's message store and ledger.

Not thread-safe by itself: :class:`CarrierSandbox` calls it only while holding its lock, so a
compound step (validate, draw, insert, ledger) is atomic as a whole.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from .carrier import MessageRecord


@dataclass(frozen=True)
class LedgerEntry:
    """One create the sandbox accepted — the proof of what a lead was actually sent."""

    sid: str
    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str
    media_urls: tuple[str, ...]
    created_at: datetime
    send_at: datetime | None = None


class MessageStore:
    """Messages sorted by (date_created, arrival), with sid lookup and stable page cursors."""

    def __init__(self) -> None:
        self._records: list[MessageRecord] = []
        self._by_sid: dict[str, MessageRecord] = {}
        # Sort keys of every sid ever stored, deleted ones included, so that a page cursor
        # naming a since-deleted message still marks a valid position.
        self._keys: dict[str, tuple[float, int]] = {}
        self._seq = 0
        self.ledger: list[LedgerEntry] = []
        # Sids added, removed or touched since the last ``take_changed``; None (the default)
        # keeps no such record, so a sandbox without a state file does not grow a set forever.
        self._changed: set[str] | None = None

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    @property
    def seq(self) -> int:
        return self._seq

    def __len__(self) -> int:
        return len(self._records)

    def add(self, record: MessageRecord) -> None:
        insort(self._records, record, key=lambda r: r.key)
        self._by_sid[record.sid] = record
        self._keys[record.sid] = record.key
        self.touch(record.sid)

    def touch(self, sid: str) -> None:
        """Note that the record of ``sid`` changed in place (canceled, redacted, ...)."""
        if self._changed is not None:
            self._changed.add(sid)

    def track_changes(self) -> None:
        if self._changed is None:
            self._changed = set()

    def take_changed(self) -> set[str]:
        """The sids changed since the last call (tracking must be on)."""
        changed, self._changed = self._changed or set(), set()
        return changed

    def restore(
        self, records: list[MessageRecord], removed: dict[str, tuple[float, int]], seq: int
    ) -> None:
        """Load saved records into an empty store, with the keys of removed sids (for page
        cursors) and the sequence counter, without marking anything changed."""
        if self._by_sid or self._keys:
            raise RuntimeError("restore needs an empty store")
        self._records = sorted(records, key=lambda r: r.key)
        self._by_sid = {record.sid: record for record in records}
        self._keys = {**removed, **{record.sid: record.key for record in records}}
        self._seq = max(seq, self._seq)

    def get(self, sid: str) -> MessageRecord | None:
        return self._by_sid.get(sid)

    def remove(self, sid: str) -> MessageRecord | None:
        record = self._by_sid.pop(sid, None)
        if record is not None:
            index = bisect_left(self._records, record.key, key=lambda r: r.key)
            del self._records[index]
            self.touch(sid)
        return record

    def key_of(self, sid: str) -> tuple[float, int] | None:
        return self._keys.get(sid)

    def newest_first(self, before: tuple[float, int] | None = None) -> Iterator[MessageRecord]:
        """Records with a key strictly below ``before`` (all if None), newest first."""
        if before is None:
            end = len(self._records)
        else:
            end = bisect_left(self._records, before, key=lambda r: r.key)
        for index in range(end - 1, -1, -1):
            yield self._records[index]

    def oldest_first_after(self, after: tuple[float, int]) -> Iterator[MessageRecord]:
        """Records with a key strictly above ``after``, oldest first."""
        start = bisect_right(self._records, after, key=lambda r: r.key)
        for index in range(start, len(self._records)):
            yield self._records[index]

    def all(self) -> list[MessageRecord]:
        return list(self._records)
