"""Tags: how a tag is written (trimmed, lower case, at most 64 characters)."""

from __future__ import annotations

from desktop.services.core.errors import UserError


def normalize_tag(tag: str) -> str:
    cleaned = " ".join((tag or "").split()).lower()
    if not cleaned:
        raise UserError("a tag cannot be empty")
    if len(cleaned) > 64:
        raise UserError(f"a tag can have at most 64 characters: {cleaned[:20]!r}…")
    return cleaned


def split_tags(text: str) -> list[str]:
    """Tags written in one cell: `vip; spring, walk-in` -> three tags."""
    parts = text.replace(";", ",").replace("|", ",").split(",")
    return sorted({normalize_tag(p) for p in parts if p.strip()})
