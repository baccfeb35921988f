"""The `twilio` SDK's HTTP client, adapted: a timeout on every request, the API base URL
rewritten per request (so TWILIO_REGION/TWILIO_EDGE cannot send us elsewhere), the
Retry-After header kept for the retry loop (the SDK's exception does not carry headers), and
the environment's proxy and CA bundle settings read once per host instead of per request."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from requests import Session
from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

DEFAULT_TIMEOUT = 15.0

# The SDK logs every request's URL and parameters (phone numbers, bodies) at INFO.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


class EnvironmentOnceSession(Session):
    """A requests session that reads HTTPS_PROXY, NO_PROXY and REQUESTS_CA_BUNDLE once per
    host. Plain requests scans the whole environment on every request (a third of a
    millisecond of each hand-off's CPU on a desktop's environment, see bench/RESULTS.md); a
    running TextDesk's environment does not change."""

    def __init__(self) -> None:
        super().__init__()
        self._merged: dict[tuple[object, ...], dict[str, Any]] = {}
        self._merged_lock = threading.Lock()

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        parts = urlsplit(url)
        given = tuple(sorted((proxies or {}).items()))
        key = (parts.scheme, parts.netloc, given, stream, verify, cert)
        with self._merged_lock:
            merged = self._merged.get(key)
        if merged is None:
            # A copy: requests adds the environment's proxies to the dict it is given.
            mine = dict(proxies) if proxies is not None else None
            merged = super().merge_environment_settings(url, mine, stream, verify, cert)
            with self._merged_lock:
                self._merged[key] = merged
        return {**merged, "proxies": dict(merged["proxies"])}


class RewritingHttpClient(TwilioHttpClient):
    def __init__(self, base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(timeout=timeout, pool_connections=True)
        self.session = EnvironmentOnceSession()
        # As the SDK mounts its own session's adapter: a pool for the hand-off threads.
        self.session.mount("https://", HTTPAdapter(pool_maxsize=min(32, (os.cpu_count() or 1) + 4)))
        self._base = urlsplit(base_url.rstrip("/")) if base_url else None
        self._local = threading.local()
        self.request_count = 0
        self._count_lock = threading.Lock()

    def rewrite(self, url: str) -> str:
        if self._base is None:
            return url
        parts = urlsplit(url)
        path = self._base.path + parts.path
        return urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, ""))

    @property
    def last_retry_after(self) -> str | None:
        """Retry-After of the latest response on this thread."""
        return getattr(self._local, "retry_after", None)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        self._local.retry_after = None
        with self._count_lock:
            self.request_count += 1
        response = super().request(method, self.rewrite(url), *args, **kwargs)
        headers = response.headers or {}
        self._local.retry_after = headers.get("Retry-After") or headers.get("retry-after")
        return response
