"""The words for unread replies wherever the window shows them: the tab, the status bar, the
tray icon's tooltip and the desktop notification of a new reply."""

from __future__ import annotations

from desktop.services.inbox.conversations import ConversationRow
from desktop.ui.kit.formatting import plural

TAB = "Conversations"
NOTE_CHARS = 120


def tab_title(unread: int) -> str:
    """ "Conversations (3)"; just "Conversations" when everything is read."""
    return f"{TAB} ({unread:,})" if unread else TAB


def unread_text(unread: int) -> str:
    """ "3 unread replies" for the status bar and the tray; "" when none."""
    return plural(unread, "unread reply", "unread replies") if unread else ""


def notification(rows: list[ConversationRow]) -> tuple[str, str]:
    """(title, text) of the desktop notification for replies that just arrived."""
    if len(rows) == 1:
        row = rows[0]
        text = " ".join(row.last_body.split())
        short = text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 1] + "…"
        return f"New reply from {row.name}", short
    names = ", ".join(row.name for row in rows[:3]) + (" and others" if len(rows) > 3 else "")
    return f"{len(rows)} new replies", f"From {names}. Open Conversations (Ctrl+3) to answer."
