"""The sandbox's state file: loaded at start, saved in the background, written atomically.

Why a background thread rather than saving "on the next operation": a save on a request
thread would add its cost to that request, and the last changes before a quiet spell (the
demo's final hand-offs) would wait for a request that may never come. The thread saves at
most once per ``interval`` (1 s by default), the first change after a quiet spell at once,
and ``close`` saves whatever is left.

Why saving does not stall requests: every message's JSON text is cached and only the
messages changed since the last save are encoded again, under the sandbox lock, in slices of
``SLICE`` (about a millisecond each, the lock is released between slices). Joining the cached
texts, writing and fsync-ing happen outside the lock. A save of 10 000 messages therefore
holds the lock for the few messages that changed, never for all of them (bench/RESULTS.md).

The file is replaced atomically (a temp file in the same folder, fsync, ``os.replace``): a
kill at any moment leaves either the old file or the new one, never half of one. A file that
cannot be read is moved aside (``<name>.unreadable-<stamp>``) with one WARNING, and the
sandbox starts fresh.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from heapq import nlargest
from pathlib import Path
from typing import Any, NamedTuple

from . import state_codec as codec
from .carrier import MessageRecord
from .config import SandboxConfig
from .optout import Event, OptOutBook
from .store import LedgerEntry, MessageStore

log = logging.getLogger("desktop.sandbox")

#: Changed messages encoded per hold of the sandbox lock.
SLICE = 256


class _Row(NamedTuple):
    last_change: float  # wall epoch: the row's age counts from its last planned change
    to: str
    #: The row's JSON text; or, for a row loaded from the file and not written since, its
    #: parsed form, dumped by the first save (off the start-up path, outside the lock).
    text: str | dict[str, Any]


@dataclass(frozen=True)
class Live:
    """The sandbox's state objects, mutated only under ``lock``."""

    lock: threading.Lock
    store: MessageStore
    opt_outs: OptOutBook
    counters: Mapping[str, Counter[str]]
    account: Callable[[], codec.Account]
    #: The sandbox clock (its wall time is ``clock() + offset``).
    clock: Callable[[], float]


@dataclass(frozen=True)
class SaveStats:
    seconds: float
    #: The longest single hold of the sandbox lock during the save.
    lock_held: float
    messages: int
    size: int


@dataclass
class _Loaded:
    account: codec.Account
    records: list[MessageRecord]
    removed: dict[str, tuple[float, int]]
    seq: int
    ledger: list[LedgerEntry]
    opt_outs: dict[str, list[Event]]
    counters: dict[str, dict[str, int]]
    rows: dict[str, _Row] = field(default_factory=dict)


class StateKeeper:
    def __init__(
        self,
        path: Path,
        *,
        offset: float,
        max_age: float,
        max_messages: int,
        interval: float,
    ) -> None:
        self.path = Path(path)
        self._offset = offset
        self._max_age = max_age
        self._max_messages = max_messages
        self._interval = interval
        self._live: Live | None = None
        self._loaded: _Loaded | None = None
        # Caches of encoded text, in wall time (valid whatever the clock), owned by saves.
        self._rows: dict[str, _Row] = {}
        self._removed: dict[str, tuple[float, int]] = {}  # sid -> (wall epoch, seq)
        self._ledger: list[tuple[float, str, str]] = []  # (created epoch, sid, text)
        self._ledger_done = 0
        self._save_lock = threading.Lock()  # one save at a time; never taken under `lock`
        self._cond = threading.Condition()
        self._dirty = False
        self._closing = False
        self._failing = False
        self._disabled = False
        self._last_save = float("-inf")
        self._thread: threading.Thread | None = None

    @classmethod
    def of(cls, path: Path, config: SandboxConfig, offset: float) -> StateKeeper:
        return cls(
            path,
            offset=offset,
            max_age=config.state_max_age,
            max_messages=config.state_max_messages,
            interval=config.state_save_interval,
        )

    # --- loading ------------------------------------------------------------------------------
    def load(self) -> codec.Account | None:
        """Read the file (the rest is applied by ``attach``); None: start fresh."""
        self._remove_stale_temps()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._set_aside(f"cannot be read ({exc})")
            return None
        try:
            self._loaded = self._decode(json.loads(raw))
        except Exception as exc:  # any defect of the file must mean "start fresh", not a crash
            self._set_aside(f"is not a sandbox state file ({type(exc).__name__}: {exc})")
            return None
        return self._loaded.account

    def _decode(self, data: object) -> _Loaded:
        top = codec.obj(data, "the file")
        version = top.get("version")
        if version != codec.FORMAT_VERSION:
            raise ValueError(f"version {version!r}, this sandbox reads {codec.FORMAT_VERSION}")
        offset = self._offset
        loaded = _Loaded(
            account=codec.decode_account(top.get("account")),
            records=[],
            removed=codec.decode_removed(top.get("removed", []), offset),
            seq=codec.integer(top.get("seq"), "seq"),
            ledger=[codec.decode_ledger(raw) for raw in codec.items(top.get("ledger"), "ledger")],
            opt_outs=codec.decode_events(top.get("opt_outs", {}), offset),
            counters=codec.decode_counters(top.get("counters", {})),
        )
        for raw in codec.items(top.get("messages"), "messages"):
            record = codec.decode_message(raw, offset)
            loaded.records.append(record)
            # The parsed row is the cache entry: no second encoding of the record.
            loaded.rows[record.sid] = _Row(codec.last_change(raw), record.to, raw)
        return loaded

    def _set_aside(self, reason: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
        for attempt in range(2, 100):
            if not target.exists():
                break
            target = self.path.with_name(f"{self.path.name}.unreadable-{stamp}-{attempt}")
        try:
            os.replace(self.path, target)
        except OSError as exc:
            # Not moved: saving over a file that could not be read might destroy someone's
            # data, so this run keeps its state in memory only.
            self._disabled = True
            log.warning(
                "carrier sandbox: state file %s %s and could not be moved aside (%s); "
                "starting fresh, without saving",
                self.path, reason, exc,
            )  # fmt: skip
            return
        log.warning(
            "carrier sandbox: state file %s %s; moved aside to %s, starting fresh",
            self.path, reason, target.name,
        )  # fmt: skip

    def _remove_stale_temps(self) -> None:
        # Temp files of a save that was killed before its rename: never read, just litter.
        with contextlib.suppress(OSError):
            for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()

    def attach(self, live: Live) -> None:
        """Put the loaded state into the sandbox's (empty) objects and track them from now."""
        self._live = live
        loaded, self._loaded = self._loaded, None
        if loaded is not None:
            live.store.restore(loaded.records, loaded.removed, loaded.seq)
            live.store.ledger.extend(loaded.ledger)
            live.opt_outs.restore(loaded.opt_outs)
            for name, values in loaded.counters.items():
                live.counters[name].update(values)
            offset = self._offset
            self._rows = loaded.rows
            self._removed = {sid: (t + offset, seq) for sid, (t, seq) in loaded.removed.items()}
            self._ledger = [self._ledger_row(entry) for entry in loaded.ledger]
            self._ledger_done = len(loaded.ledger)
        live.store.track_changes()
        self.poke()  # write at once: a fresh account's credentials must survive a kill too

    # --- the saver thread ---------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None or self._live is None:
            return
        with self._cond:
            self._closing = False
        self._thread = threading.Thread(target=self._run, name="sandbox-state", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """Something changed (called under the sandbox lock: only flips a flag)."""
        with self._cond:
            self._dirty = True
            self._cond.notify()

    def close(self) -> None:
        """Stop the thread and save what is left."""
        thread, self._thread = self._thread, None
        if thread is not None:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
            thread.join()
        with self._cond:
            dirty = self._dirty
        if dirty:
            self._save_logged()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._dirty or self._closing)
                due = self._last_save + self._interval
                while not self._closing and (left := due - time.monotonic()) > 0:
                    self._cond.wait(left)
                if self._closing:
                    return
            self._save_logged()

    def _save_logged(self) -> None:
        with self._cond:
            self._dirty = False
        try:
            self.save()
        except Exception as exc:  # the thread must live on: the next change retries
            with self._cond:
                self._dirty = True  # retried on the next change, and on close
            if not self._failing:
                log.warning(
                    "carrier sandbox: cannot save its state to %s: %s", self.path, exc,
                    exc_info=not isinstance(exc, OSError),  # a bug, not a full disk: say where
                )  # fmt: skip
            self._failing = True
        else:
            if self._failing:
                log.info("carrier sandbox: state saved to %s again", self.path)
            self._failing = False
        finally:
            self._last_save = time.monotonic()

    # --- saving -------------------------------------------------------------------------------
    def save(self) -> SaveStats | None:
        """Write the state now (raises OSError when it cannot be written)."""
        live = self._live
        if live is None or self._disabled:
            return None
        with self._save_lock:
            started = time.perf_counter()
            with live.lock:
                changed = live.store.take_changed()
                new_ledger = live.store.ledger[self._ledger_done :]
                self._ledger_done += len(new_ledger)
                events = live.opt_outs.events()
                counters = {name: dict(values) for name, values in live.counters.items()}
                seq, account, now = live.store.seq, live.account(), live.clock() + self._offset
            held = time.perf_counter() - started
            held = max(held, self._encode_changed(live, list(changed)))
            self._ledger.extend(self._ledger_row(entry) for entry in new_ledger)
            chunks, messages = self._document(account, seq, counters, events, now)
            size = _write_atomic(self.path, chunks)
            return SaveStats(time.perf_counter() - started, held, messages, size)

    def _encode_changed(self, live: Live, sids: list[str]) -> float:
        """Encode the changed messages slice by slice; returns the longest lock hold."""
        held, offset, store = 0.0, self._offset, live.store
        for start in range(0, len(sids), SLICE):
            began = time.perf_counter()
            batch = sids[start : start + SLICE]
            with live.lock:
                found = [(sid, store.get(sid), store.key_of(sid)) for sid in batch]
                rows = [(sid, codec.encode_message(r, offset) if r else None, key)
                        for sid, r, key in found]  # fmt: skip
            held = max(held, time.perf_counter() - began)
            # Turned into text outside the lock: encode_message copied what could change.
            for sid, row, key in rows:
                if row is not None:
                    self._rows[sid] = _Row(codec.last_change(row), row["to"], json.dumps(row))
                else:
                    self._rows.pop(sid, None)
                    if key is not None:
                        self._removed[sid] = (key[0] + offset, key[1])
        return held

    def _document(
        self,
        account: codec.Account,
        seq: int,
        counters: dict[str, dict[str, int]],
        events: dict[str, list[Event]],
        now: float,
    ) -> tuple[list[str], int]:
        """The file's text in chunks, and the number of messages it keeps."""
        cutoff = now - self._max_age
        kept = {sid: row for sid, row in self._rows.items() if row.last_change >= cutoff}
        if len(kept) > self._max_messages:
            newest = nlargest(self._max_messages, kept.items(), key=lambda i: i[1].last_change)
            kept = dict(newest)
        recipients = {row.to for row in kept.values()}
        ledger = [text for created, sid, text in self._ledger
                  if created >= cutoff or sid in kept]  # fmt: skip
        # Counters of phones with nothing left in the file go: the file stays bounded, and
        # such a phone's next message draws as if it were its first.
        counters["sends_to"] = {p: n for p, n in counters["sends_to"].items() if p in recipients}
        head = {
            "version": codec.FORMAT_VERSION,
            "saved_at": datetime.fromtimestamp(now, UTC).isoformat(),
            "account": codec.encode_account(account),
            "seq": seq,
            "counters": counters,
            "opt_outs": codec.encode_events(_recent(events, cutoff - self._offset), self._offset),
            "removed": [[sid, t, n] for sid, (t, n) in self._removed.items() if t >= cutoff],
        }
        # One JSON document, assembled from the cached texts instead of dumped whole: the
        # head's closing brace is replaced by the two big arrays, one element per line.
        chunks = [json.dumps(head)[:-1], ', "ledger": [\n', *_joined(ledger)]
        chunks += ['\n], "messages": [\n', *_joined(self._texts(kept)), "\n]}\n"]
        return chunks, len(kept)

    def _texts(self, rows: dict[str, _Row]) -> list[str]:
        texts = []
        for sid, row in rows.items():
            text = row.text
            if not isinstance(text, str):
                text = json.dumps(text)
                self._rows[sid] = row._replace(text=text)
            texts.append(text)
        return texts

    def _ledger_row(self, entry: LedgerEntry) -> tuple[float, str, str]:
        return (entry.created_at.timestamp(), entry.sid, json.dumps(codec.encode_ledger(entry)))


def _recent(events: dict[str, list[Event]], cutoff_t: float) -> dict[str, list[Event]]:
    """Per phone, the events since the cutoff and the last one before it (which still decides
    whether the phone is opted out)."""
    kept: dict[str, list[Event]] = {}
    for phone, found in events.items():
        ordered = sorted(found)
        older = [event for event in ordered if event[0][0] < cutoff_t]
        kept[phone] = older[-1:] + [event for event in ordered if event[0][0] >= cutoff_t]
    return kept


def _joined(texts: list[str], size: int = 500) -> Iterator[str]:
    """``",\\n".join(texts)`` in pieces: each join holds the GIL for a fraction of a
    millisecond, so request threads run between them (one 10 MB join would hold it for ~10)."""
    for start in range(0, len(texts), size):
        if start:
            yield ",\n"
        yield ",\n".join(texts[start : start + size])


def _write_atomic(path: Path, chunks: Iterable[str]) -> int:
    """Write to a temp file beside ``path``, fsync it, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += out.write(chunk.encode())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return size
