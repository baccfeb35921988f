"""Media links of an MMS: Twilio downloads each file itself, so each must be a public URL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

from desktop.services.core.wording import shorten

#: Twilio accepts at most this many media URLs on one message (error 21623).
MAX_MEDIA_URLS: Final = 10


def _url_problem(url: object) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return "is empty"
    if url != url.strip() or any(ch.isspace() for ch in url):
        return "contains spaces; paste the link without spaces"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a malformed port such as ':abc'
    except ValueError:
        return "is not a well-formed web address"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not host:
        return "has no website name after http(s)://"
    return None


def validate_media_urls(urls: Iterable[str]) -> list[str]:
    """Problems with a message's media links; an empty list means they are fine.

    Twilio must download each file itself, so each link has to be a complete,
    public http(s) address; at most :data:`MAX_MEDIA_URLS` per message.
    """
    items = list(urls)
    problems: list[str] = []
    if len(items) > MAX_MEDIA_URLS:
        problems.append(
            f"A message can carry at most {MAX_MEDIA_URLS} media files; this one has {len(items)}."
        )
    for number, url in enumerate(items, start=1):
        reason = _url_problem(url)
        if reason is not None:
            shown = shorten(url) if isinstance(url, str) else repr(url)
            problems.append(f"Media link {number} (“{shown}”) {reason}.")
    return problems
