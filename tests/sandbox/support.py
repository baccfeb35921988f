"""Helpers shared by the carrier sandbox tests (this module holds no tests itself).

``SandboxHttpClient`` is the tests' own stand-in for the application's gateway: the real
``twilio`` SDK builds https://api.twilio.com URLs, and this client sends them to the sandbox.
"""

from __future__ import annotations

import base64
import http.client
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from desktop.sandbox import CarrierSandbox

#: The wall time the fake-clock tests start at (a Thursday).
WALL_START = datetime(2026, 11, 26, 23, 7, 37, tzinfo=UTC)

#: Every property of Twilio's ``api.v2010.account.message`` schema.
MESSAGE_KEYS = frozenset(
    {
        "account_sid", "api_version", "body", "date_created", "date_sent", "date_updated",
        "direction", "error_code", "error_message", "from", "messaging_service_sid",
        "num_media", "num_segments", "price", "price_unit", "sid", "status",
        "subresource_uris", "to", "uri",
    }
)  # fmt: skip


class SandboxHttpClient(TwilioHttpClient):
    """Sends the SDK's requests to the sandbox instead of Twilio (scheme and host swapped)."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        super().__init__(timeout=timeout)
        self._base = urlsplit(base_url)
        self.sent: list[tuple[str, str, dict[str, object] | None]] = []

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        parts = urlsplit(url)
        target = urlunsplit((self._base.scheme, self._base.netloc, parts.path, parts.query, ""))
        self.sent.append((method, target, params))
        return super().request(
            method, target, params, data, headers, auth, timeout, allow_redirects
        )


def sdk_client(
    sandbox: CarrierSandbox, *, token: str | None = None, timeout: float = 5.0
) -> tuple[Client, SandboxHttpClient]:
    http = SandboxHttpClient(sandbox.base_url, timeout=timeout)
    client = Client(sandbox.account_sid, token or sandbox.auth_token, http_client=http)
    return client, http


class FakeClock:
    """A sandbox clock that moves only when told to."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def auth_header(sandbox: CarrierSandbox, token: str | None = None) -> str:
    pair = f"{sandbox.account_sid}:{token or sandbox.auth_token}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def messages_path(sandbox: CarrierSandbox, sid: str | None = None) -> str:
    base = f"/2010-04-01/Accounts/{sandbox.account_sid}/Messages"
    return f"{base}/{sid}.json" if sid else f"{base}.json"


class Raw:
    """A bare http.client connection to the sandbox, for what the SDK would hide."""

    def __init__(self, sandbox: CarrierSandbox, timeout: float = 5.0) -> None:
        self.sandbox = sandbox
        parts = urlsplit(sandbox.base_url)
        self.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        form: Mapping[str, Any] | None = None,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        all_headers = {"Accept": "application/json"}
        if auth:
            all_headers["Authorization"] = auth_header(self.sandbox)
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        self.conn.request(method, path, body=body, headers=all_headers)
        response = self.conn.getresponse()
        return response.status, response.headers, response.read()

    def json(
        self, method: str, path: str, form: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        status, _, payload = self.request(method, path, form, **kwargs)
        return status, json.loads(payload) if payload else None

    def close(self) -> None:
        self.conn.close()


def create_form(
    to: str | None = "+15551230000", body: str | None = "Hello", **extra: Any
) -> dict[str, Any]:
    form: dict[str, Any] = {"To": to, "From": "+15005550006", "Body": body}
    form.update(extra)
    return {key: value for key, value in form.items() if value is not None}
