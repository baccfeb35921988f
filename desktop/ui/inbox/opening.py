"""Answer a lead from anywhere (the lead history dialog's Answer button): their conversation
on the window's Conversations page, brought forward with the focus in the reply box; or, with
no such page (a dialog on its own), a small reply dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.ui.inbox.page import ConversationsPage
from desktop.ui.inbox.reply_dialog import ReplyDialog
from desktop.ui.kit.appstate import AppServices


def find_page(anchor: QWidget) -> ConversationsPage | None:
    """The Conversations page of the window `anchor` belongs to (through parent windows)."""
    widget: QWidget | None = anchor
    while widget is not None:
        top = widget.window()
        found = top.findChild(ConversationsPage)
        if found is not None:
            return found
        widget = top.parentWidget()
    return None


def answer_lead(
    services: AppServices, lead_id: int, anchor: QWidget, *, name: str = "", phone: str = ""
) -> QWidget:
    page = find_page(anchor)
    if page is not None:
        page.open_lead(lead_id, show=True)
        page.focus_reply()
        return page
    dialog = ReplyDialog(services, lead_id, anchor, name=name, phone=phone)
    dialog.show()
    return dialog
