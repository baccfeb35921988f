"""CarrierSandbox: the Twilio-compatible fake, its state and its in-process controls.

The HTTP layer (``server.py``) only parses, authenticates and injects faults; every operation
on messages lives here, under one lock, so an HTTP create and an in-process ``send`` behave
identically.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

from .carrier import MessageRecord, Renderer, draw_delay, draw_outcome, plan_inbound, plan_outbound
from .config import Outcome, SandboxConfig
from .errors import ApiError, bad_request, not_found
from .faults import FaultControls, FaultInjector
from .listing import build_page, parse_list_query
from .optout import OptOutBook
from .segments import count_segments
from .server import SandboxHTTPServer, serve_in_thread
from .state import Live, SaveStats, StateKeeper
from .state_codec import Account
from .store import LedgerEntry, MessageStore
from .validation import create_form, first, validate_create


def _new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


class CarrierSandbox(FaultControls):
    """A Twilio REST look-alike on 127.0.0.1 that simulates carriers, replies and faults
    (the fault methods: ``FaultControls``).

    ``state_file``: load it at start if it exists, keep it saved (``state.py`` says what
    survives a restart). Explicit ``account_sid``/``auth_token`` win over the file's.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        clock: Callable[[], float] | None = None,
        wall_start: datetime | None = None,
        account_sid: str | None = None,
        auth_token: str | None = None,
        state_file: Path | None = None,
    ) -> None:
        self._config = config = config if config is not None else SandboxConfig()
        config.validate()
        if account_sid is not None and not re.fullmatch(r"AC[0-9a-f]{32}", account_sid):
            raise ValueError("account_sid must be 'AC' followed by 32 lowercase hex digits")
        self._clock = clock or time.monotonic
        self._clock0 = self._clock()
        self._wall0 = (wall_start or datetime.now(UTC)).astimezone(UTC)
        # The file keeps wall-clock instants; this maps them onto this run's monotonic clock.
        self._offset = self._wall0.timestamp() - self._clock0
        self._keeper = StateKeeper.of(state_file, config, self._offset) if state_file else None
        saved = self._keeper.load() if self._keeper is not None else None
        self._account_sid = account_sid or (saved.sid if saved else _new_sid("AC"))
        self._auth_token = auth_token or (saved.auth_token if saved else secrets.token_hex(16))
        if saved is not None:
            config.phone_number = saved.phone_number
        self._created_t = saved.created - self._offset if saved else self._clock0
        self._lock = threading.Lock()
        self._store = MessageStore()
        self._faults = FaultInjector(self.config, threading.Lock())
        self._requests: Counter[tuple[str, str]] = Counter()
        self._sends_to: Counter[str] = Counter()  # per-recipient create count, for seeding
        self._forced_used: Counter[str] = Counter()
        self._replies_used: Counter[str] = Counter()
        self._opt_outs = OptOutBook()
        self._renderer = Renderer(
            self._account_sid,
            self.wall,
            Decimal(self.config.price_per_segment),
            Decimal(self.config.price_per_mms),
        )
        self.stopping = threading.Event()
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if self._keeper is not None:
            counters = {"sends_to": self._sends_to, "forced_used": self._forced_used,
                        "replies_used": self._replies_used}  # fmt: skip
            state = self._lock, self._store, self._opt_outs, counters, self._account, self.clock
            self._keeper.attach(Live(*state))

    # --- lifecycle -----------------------------------------------------------------------
    def start(self) -> CarrierSandbox:
        if self._server is None:
            self.stopping.clear()
            self._server, self._thread = serve_in_thread(self, self.config.port)
        if self._keeper is not None:
            self._keeper.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            self.stopping.set()  # wakes stalled and latency-delayed handlers
            server.shutdown()
            server.close_connections()
            server.server_close()
            if thread is not None:
                thread.join(timeout=5)
        if self._keeper is not None:
            self._keeper.close()  # last: no request can change the state any more

    def save_state(self) -> SaveStats | None:
        """Write the state file now (None without one); raises OSError if it cannot."""
        return self._keeper.save() if self._keeper is not None else None

    def __enter__(self) -> CarrierSandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def config(self) -> SandboxConfig:
        """The live configuration: change its fields (or use ``set_faults``), don't replace it
        (the fault injector holds on to this object)."""
        return self._config

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def account_sid(self) -> str:
        return self._account_sid

    @property
    def auth_token(self) -> str:
        return self._auth_token

    @property
    def phone_number(self) -> str:
        return self.config.phone_number

    # --- time ----------------------------------------------------------------------------
    def clock(self) -> float:
        return self._clock()

    def wall(self, t: float) -> datetime:
        """The UTC wall time of sandbox clock instant ``t``."""
        return self._wall0 + timedelta(seconds=t - self._clock0)

    def clock_of(self, moment: datetime) -> float:
        if moment.tzinfo is None:
            raise ValueError("use an aware datetime")
        return self._clock0 + (moment - self._wall0).total_seconds()

    def now(self) -> datetime:
        return self.wall(self._clock())

    def _account(self) -> Account:
        phone = self.config.phone_number
        return Account(self._account_sid, self._auth_token, phone, self._created_t + self._offset)

    # --- the REST operations (called by the HTTP handler, usable in-process) --------------
    def create_message(self, form: Mapping[str, list[str]]) -> dict[str, Any]:
        with self._changing():
            now_t = self._clock()
            request = validate_create(form, self.config, self.wall(now_t))
            if self.config.honor_stop_keywords and self._opt_outs.opted_out(request.to, now_t):
                raise bad_request(21610, "Attempt to send to unsubscribed recipient")
            rng = random.Random(f"{self.config.seed}:{request.to}:{self._sends_to[request.to]}")
            self._sends_to[request.to] += 1
            outcome = self._forced(request.to) or draw_outcome(rng, self.config)
            send_at_t = self.clock_of(request.send_at) if request.send_at else None
            service, pending = request.messaging_service_sid, request.from_ is None
            timeline = plan_outbound(
                rng, self.config, outcome, created_t=now_t, send_at_t=send_at_t,
                via_service=service is not None, assign_from=pending, validity_s=request.validity_s,
            )  # fmt: skip
            record = MessageRecord(
                sid=_new_sid("SM"), seq=self._store.next_seq(), direction="outbound-api",
                to=request.to, from_=request.from_ or self.config.phone_number,
                messaging_service_sid=service, body=request.body, media_urls=request.media_urls,
                created_t=now_t, timeline=timeline, num_segments=count_segments(request.body),
                from_pending=pending,
            )  # fmt: skip
            self._store.add(record)
            self._store.ledger.append(
                LedgerEntry(
                    sid=record.sid, to=record.to, from_=request.from_,
                    messaging_service_sid=service, body=record.body,
                    media_urls=record.media_urls, created_at=self.wall(now_t),
                    send_at=request.send_at,
                )
            )  # fmt: skip
            if outcome.kind == "delivered":
                self._plan_reply(record, rng)
            return self._renderer.message(record, now_t)

    def fetch_message(self, sid: str) -> dict[str, Any]:
        with self._lock:
            now_t = self._clock()
            return self._renderer.message(self._visible(sid, now_t), now_t)

    def update_message(self, sid: str, form: Mapping[str, list[str]]) -> dict[str, Any]:
        with self._changing():
            now_t = self._clock()
            record = self._visible(sid, now_t)
            status = first(form, "Status")
            if status is not None:
                if status != "canceled":
                    raise bad_request(20001, f"Invalid Status {status!r}: only 'canceled'.")
                if record.timeline.status_at(now_t)[0] != "scheduled":
                    # Twilio's code for "this message cannot be canceled" (not scheduled).
                    raise bad_request(30409, "This message cannot be canceled")
                record.timeline.cancel(now_t)
                self._store.touch(sid)
                for reply_sid in record.reply_sids:
                    self._store.remove(reply_sid)
                    self._opt_outs.forget(reply_sid)
            elif "Body" in form:
                if first(form, "Body"):
                    raise bad_request(20001, "Body can only be redacted (set to '').")
                record.body = ""
                self._store.touch(sid)
            return self._renderer.message(record, now_t)

    def delete_message(self, sid: str) -> None:
        with self._changing():
            self._visible(sid, self._clock())
            self._store.remove(sid)

    def list_messages(self, params: Mapping[str, list[str]]) -> dict[str, Any]:
        query = parse_list_query(params)
        path = f"/2010-04-01/Accounts/{self._account_sid}/Messages.json"
        with self._lock:
            now_t = self._clock()
            return build_page(
                self._store,
                query,
                path,
                now_t,
                self.wall,
                lambda record: self._renderer.message(record, now_t),
            )

    def account_resource(self) -> dict[str, Any]:
        return self._renderer.account(self._created_t)

    # --- in-process helpers for tests and the demo ---------------------------------------
    def send(
        self,
        to: str,
        body: str = "",
        *,
        from_: str | None = None,
        messaging_service_sid: str | None = None,
        media_urls: Sequence[str] = (),
        send_at: datetime | None = None,
        validity_period: int | None = None,
    ) -> dict[str, Any]:
        """Create a message without HTTP (same checks and draws); raises :class:`ApiError`."""
        if from_ is not None or messaging_service_sid is None:
            from_ = from_ or self.config.phone_number
        form = create_form(to, body, from_, messaging_service_sid, media_urls, send_at,
                           validity_period)  # fmt: skip
        return self.create_message(form)

    def add_inbound(
        self, from_phone: str, to_phone: str | None, body: str, at: datetime | None = None
    ) -> str:
        """Record a message received from ``from_phone`` (default to: the account's number).

        ``at`` (aware) may be in the past or the future; a future message appears then.
        Returns its sid. STOP/START bodies change the opt-out state as on Twilio.
        """
        with self._changing():
            at_t = self._clock() if at is None else self.clock_of(at)
            return self._add_inbound(from_phone, to_phone or self.config.phone_number, body, at_t)

    def force_outcome(self, phone: str, *outcomes: Outcome) -> None:
        """Force the outcome of the next messages to ``phone`` (the last one then sticks)."""
        if not outcomes:
            raise ValueError("give at least one outcome")
        with self._changing():
            self.config.forced_outcomes[phone] = outcomes[0] if len(outcomes) == 1 else outcomes
            self._forced_used[phone] = 0

    def message(self, sid: str) -> dict[str, Any] | None:
        """The resource as a fetch would show it now, or None."""
        try:
            return self.fetch_message(sid)
        except ApiError:
            return None

    def status_counts(self) -> Counter[str]:
        """Current status of every visible outbound message, counted."""
        with self._lock:
            now_t = self._clock()
            return Counter(
                r.timeline.status_at(now_t)[0]
                for r in self._store.all()
                if r.direction != "inbound" and r.created_t <= now_t
            )

    # --- ledger, request counts (the fault methods: FaultControls) ---------------------
    @property
    def ledger(self) -> list[LedgerEntry]:
        return self.ledger_snapshot()

    def ledger_snapshot(self) -> list[LedgerEntry]:
        with self._lock:
            return list(self._store.ledger)

    def count_request(self, method: str, kind: str) -> None:
        with self._lock:
            self._requests[(method, kind)] += 1

    def request_counts(self) -> Counter[tuple[str, str]]:
        """HTTP requests received, keyed by (method, endpoint kind), faulted ones included."""
        with self._lock:
            return Counter(self._requests)

    def reset_request_counts(self) -> None:
        with self._lock:
            self._requests.clear()

    @property
    def api_key_sid(self) -> str:
        """An API key of the account (SK...), as Twilio recommends using instead of the auth
        token; derived from the token, so it is as stable as the token across restarts."""
        return "SK" + hashlib.sha256(b"key:" + self._auth_token.encode()).hexdigest()[:32]

    @property
    def api_key_secret(self) -> str:
        return hashlib.sha256(b"secret:" + self._auth_token.encode()).hexdigest()[:32]

    def check_credentials(self, username: str, password: str) -> bool:
        """The account SID with the auth token, or the API key with its secret. Every
        comparison always runs, in constant time, so timing tells nothing."""
        pairs = (
            (self._account_sid, self._auth_token),
            (self.api_key_sid, self.api_key_secret),
        )
        matches = [
            secrets.compare_digest(username.encode(), user.encode())
            & secrets.compare_digest(password.encode(), secret.encode())
            for user, secret in pairs
        ]
        return any(matches)

    # --- internals (caller holds self._lock) ----------------------------------------------
    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """The lock, for an operation that changes the state: the state file follows."""
        with self._lock:
            try:
                yield
            finally:
                if self._keeper is not None:
                    self._keeper.poke()

    def _visible(self, sid: str, now_t: float) -> MessageRecord:
        record = self._store.get(sid)
        if record is None or record.created_t > now_t:
            raise not_found(f"/2010-04-01/Accounts/{self._account_sid}/Messages/{sid}.json")
        return record

    def _forced(self, phone: str) -> Outcome | None:
        forced = self.config.forced_outcomes.get(phone)
        if forced is None or isinstance(forced, Outcome):
            return forced
        if not forced:
            return None
        index = min(self._forced_used[phone], len(forced) - 1)
        self._forced_used[phone] += 1
        return forced[index]

    def _plan_reply(self, record: MessageRecord, rng: random.Random) -> None:
        rule = self.config.reply_rules.get(record.to)
        if rule is None:
            return
        replies = [rule] if isinstance(rule, str) else list(rule)
        used = self._replies_used[record.to]
        if used >= len(replies):
            return
        self._replies_used[record.to] = used + 1
        at_t = record.timeline.final_t() + draw_delay(rng, self.config.reply_delay)
        sid = self._add_inbound(record.to, record.from_ or self.config.phone_number,
                                replies[used], at_t)  # fmt: skip
        record.reply_sids.append(sid)

    def _add_inbound(self, from_phone: str, to_phone: str, body: str, at_t: float) -> str:
        record = MessageRecord(
            sid=_new_sid("SM"), seq=self._store.next_seq(), direction="inbound", to=to_phone,
            from_=from_phone, messaging_service_sid=None, body=body, media_urls=(),
            created_t=at_t, timeline=plan_inbound(at_t), num_segments=count_segments(body),
        )  # fmt: skip
        self._store.add(record)
        self._opt_outs.note(from_phone, body, record.key, record.sid)
        return record.sid
