"""Tooltips that wrap: a long explanation reads as a narrow block, not one line as wide as
the screen that covers the list it explains.

Qt draws a plain-text tooltip on one line per paragraph, however long; rich text is wrapped,
and a table with a width in pixels sets where. The width is ~60 characters of the tooltip
font, so it follows the user's font size. Short texts stay plain: a width would only pad them.
"""

from __future__ import annotations

import re
from html import escape, unescape

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QToolTip

WRAP_CHARS = 60


def tooltip_width(chars: int = WRAP_CHARS) -> int:
    """`chars` average characters of the tooltip font, in pixels."""
    return QFontMetrics(QToolTip.font()).averageCharWidth() * chars


def wrapped_tooltip(*paragraphs: str | None, chars: int = WRAP_CHARS) -> str | None:
    """One tooltip from these paragraphs (lines within one are kept), wrapped at about
    `chars` characters when any line is longer; None when there is nothing to say."""
    shown = [p.strip() for p in paragraphs if p and p.strip()]
    if not shown:
        return None
    text = "\n\n".join(shown)
    if all(len(line) <= chars for line in text.splitlines()):
        return text
    body = escape(text).replace("\n", "<br>")
    return f"<table width={tooltip_width(chars)}><tr><td>{body}</td></tr></table>"


def plain_text(tooltip: str | None) -> str:
    """What a (possibly wrapped) tooltip says, without its markup: for tests and checks."""
    if not tooltip or not tooltip.startswith("<table"):
        return tooltip or ""
    return unescape(re.sub(r"<[^>]+>", "", tooltip.replace("<br>", "\n")))
