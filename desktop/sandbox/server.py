"""The HTTP side of the sandbox: routing, Basic auth, body limits, faults, JSON answers.

Standard library only. One ``ThreadingHTTPServer`` on a daemon thread, HTTP/1.1 keep-alive
(the SDK's ``requests`` session reuses connections). Whatever a client sends, the handler
answers with a Twilio-shaped JSON error rather than dying; only an injected DROP fault closes
a connection without an answer.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import re
import secrets
import socket
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from .config import Fault, SandboxConfig
from .errors import GENERIC_CODE_OF_STATUS, ApiError, error_body, not_found
from .faults import FaultInjector


class Backend(Protocol):
    """What the HTTP layer needs of the sandbox behind it (CarrierSandbox is one): the
    server parses, authenticates and injects faults, and leaves every operation to this."""

    stopping: threading.Event

    @property
    def config(self) -> SandboxConfig: ...
    @property
    def account_sid(self) -> str: ...
    @property
    def faults(self) -> FaultInjector: ...
    def count_request(self, method: str, kind: str) -> None: ...
    def check_credentials(self, username: str, password: str) -> bool: ...
    def create_message(self, form: Mapping[str, list[str]]) -> dict[str, Any]: ...
    def list_messages(self, params: Mapping[str, list[str]]) -> dict[str, Any]: ...
    def fetch_message(self, sid: str) -> dict[str, Any]: ...
    def update_message(self, sid: str, form: Mapping[str, list[str]]) -> dict[str, Any]: ...
    def delete_message(self, sid: str) -> None: ...
    def account_resource(self) -> dict[str, Any]: ...


log = logging.getLogger("desktop.sandbox")

_API = "/2010-04-01/Accounts/"
_ACCOUNT = re.compile(r"/2010-04-01/Accounts/([^/]+)\.json")
_MESSAGES = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages\.json")
_MESSAGE = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages/([^/]+)\.json")
_MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-f]{32}")
_ALLOWED: dict[str, dict[str, str]] = {
    "account": {"GET": "account"},
    "messages": {"GET": "list", "POST": "create"},
    "message": {"GET": "fetch", "POST": "update", "DELETE": "delete"},
}
_MAX_FIELDS = 2000
#: Answers that carry message resources (whose status a BAD_STATUS fault may garble).
_MESSAGE_KINDS = frozenset({"create", "list", "fetch", "update"})


class _Dropped(Exception):
    """The client went away mid-request; nothing can be answered."""


def _route(path: str) -> tuple[str, str | None, str | None]:
    """(resource, account sid, message sid) of a path; resource "" when unknown."""
    if match := _ACCOUNT.fullmatch(path):
        return "account", match.group(1), None
    if match := _MESSAGES.fullmatch(path):
        return "messages", match.group(1), None
    if match := _MESSAGE.fullmatch(path):
        return "message", match.group(1), match.group(2)
    return "", None, None


def _parse_form(raw: bytes) -> dict[str, list[str]]:
    try:
        text = raw.decode("utf-8")
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=_MAX_FIELDS)
    except UnicodeDecodeError:
        raise ApiError(400, 20001, "The request is not valid UTF-8.") from None
    except ValueError:
        raise ApiError(400, 20001, "Too many parameters.") from None


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TwilioSandbox/1.0"
    sys_version = ""
    #: Idle keep-alive connections (and clients that announce more body than they send) are
    #: dropped after this many seconds, freeing their thread.
    timeout = 30
    # Headers and body leave in one buffered write, with Nagle off: written separately,
    # Nagle's algorithm and the client's delayed ACK cost ~40 ms per keep-alive request.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    # --- plumbing ---------------------------------------------------------------------------
    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        try:
            self._handle()
        except (_Dropped, ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            log.exception("carrier sandbox: unhandled error for %s %s", self.command, self.path)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send_json(500, error_body(500, 20500, "Internal Server Error"))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Twilio-shaped JSON even for the errors http.server raises itself (bad request
        line, over-long headers, unsupported method)."""
        self.close_connection = True
        text = message or self.responses.get(code, ("Error",))[0]
        with contextlib.suppress(OSError):
            self._send_json(code, error_body(code, GENERIC_CODE_OF_STATUS.get(code, 20500), text))

    # --- one request ---------------------------------------------------------------------
    def _handle(self) -> None:
        sandbox = self.server.sandbox
        method = self.command
        parts = urlsplit(self.path)
        resource, account, message_sid = _route(parts.path)
        kind = _ALLOWED.get(resource, {}).get(method, "unknown")
        sandbox.count_request(method, kind)

        body = self._read_body(sandbox.config.max_body_bytes)
        if body is None:
            return
        if not self._authorized(sandbox):
            self._send_json(
                401, error_body(401, 20003, "Authenticate"),
                {"WWW-Authenticate": 'Basic realm="Twilio API"'},
            )  # fmt: skip
            return
        if not resource or account != sandbox.account_sid:
            self._send_json(404, not_found(parts.path).body())
            return
        if kind == "unknown":
            self._send_json(405, error_body(405, 20004, f"Method {method} not allowed"))
            return
        if message_sid is not None and not _MESSAGE_SID.fullmatch(message_sid):
            self._send_json(404, not_found(parts.path).body())
            return

        fault = sandbox.faults.pick(kind)
        if fault is Fault.HTTP_429:
            retry = {"Retry-After": str(sandbox.config.retry_after)}
            self._send_json(429, error_body(429, 20429, "Too Many Requests"), retry)
            return
        if fault is Fault.HTTP_500:
            self._send_json(500, error_body(500, 20500, "Internal Server Error"))
            return
        if fault is Fault.DROP:
            self._drop()
            return
        if kind == "create" and sandbox.config.latency > 0:
            sandbox.stopping.wait(sandbox.config.latency)

        status, payload = self._operate(sandbox, kind, parts.query, body, message_sid or "")
        if payload is not None and status < 300 and kind in _MESSAGE_KINDS:
            self._mangle_statuses(sandbox, kind, payload, every=fault is Fault.BAD_STATUS)
        if fault is Fault.DROP_AFTER_CREATE and status < 300:
            self._drop()
            return
        if fault is Fault.STALL:
            sandbox.stopping.wait(sandbox.config.stall_seconds)
        if fault is Fault.MALFORMED:
            text = json.dumps(payload if payload is not None else {}).encode()
            self._send_raw(status, text[: max(len(text) // 2, 1)])
            return
        if payload is None:
            self._send_raw(status, b"")
        else:
            self._send_json(status, payload)

    def _operate(
        self, sandbox: Backend, kind: str, query: str, body: bytes, sid: str
    ) -> tuple[int, dict[str, Any] | None]:
        try:
            if kind == "create":
                return 201, sandbox.create_message(_parse_form(body))
            if kind == "list":
                return 200, sandbox.list_messages(_parse_form(query.encode("latin-1")))
            if kind == "fetch":
                return 200, sandbox.fetch_message(sid)
            if kind == "update":
                return 200, sandbox.update_message(sid, _parse_form(body))
            if kind == "delete":
                sandbox.delete_message(sid)
                return 204, None
            return 200, sandbox.account_resource()
        except ApiError as refusal:
            return refusal.status, refusal.body()

    def _mangle_statuses(
        self, sandbox: Backend, kind: str, payload: dict[str, Any], *, every: bool
    ) -> None:
        resources = payload.get("messages") if "messages" in payload else [payload]
        for resource in resources or ():
            if "status" in resource and (every or sandbox.faults.bad_status_draw(kind)):
                resource["status"] = "exploded"

    def _read_body(self, limit: int) -> bytes | None:
        """The request body, or None after answering an unreadable one."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._send_json(411, error_body(411, 20001, "Send a Content-Length, not chunks."))
            return None
        declared = self.headers.get("Content-Length")
        if declared is None:
            return b""
        try:
            length = int(declared)
            if length < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            self._send_json(400, error_body(400, 20001, "Invalid Content-Length."))
            return None
        if length > limit:
            # Not read: closing is cheaper than draining a body we refuse anyway.
            self.close_connection = True
            self._send_json(413, error_body(413, 20001, "Request body too large."))
            return None
        body = self.rfile.read(length)
        if len(body) < length:
            raise _Dropped
        return body

    def _authorized(self, sandbox: Backend) -> bool:
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        username, _, password = decoded.partition(":")
        return sandbox.check_credentials(username, password)

    # --- answers ---------------------------------------------------------------------------
    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send_json(
        self, status: int, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        self._send_raw(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers)

    def _send_raw(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Twilio-Request-Id", "RQ" + secrets.token_hex(16))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if status != 204 and self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: Backend) -> None:
        self.sandbox = sandbox
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, SandboxHandler)

    def track(self, connection: socket.socket, alive: bool) -> None:
        with self._connections_lock:
            if alive:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """Shut open keep-alive connections so their handler threads end with the server."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr; a client hanging up is not news.
        log.debug("carrier sandbox: connection error from %s", client_address, exc_info=True)


def serve_in_thread(sandbox: Backend, port: int) -> tuple[SandboxHTTPServer, threading.Thread]:
    server = SandboxHTTPServer(("127.0.0.1", port), sandbox)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"carrier-sandbox:{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    return server, thread
