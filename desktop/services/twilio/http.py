"""The `twilio` SDK's HTTP client, adapted: a timeout on every request, the API base URL
rewritten per request (so TWILIO_REGION/TWILIO_EDGE cannot send us elsewhere), and the
Retry-After header kept for the retry loop (the SDK's exception does not carry headers)."""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

DEFAULT_TIMEOUT = 15.0

# The SDK logs every request's URL and parameters (phone numbers, bodies) at INFO.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


class RewritingHttpClient(TwilioHttpClient):
    def __init__(self, base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(timeout=timeout, pool_connections=True)
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
