"""A conversation as the thread shows it: the lead's history (desktop.services.reports.history,
the same source as the lead history dialog) turned into bubbles and notes.

Outbound messages (campaign steps, the owner's answers, auto-replies) are on the right with
their bucket's label (In-queue, Outbox, Sent, Error, ...) and, for an error, its heading and
the catalog's full explanation as the tooltip (wrapped at ~60 characters), as in the history
dialog. Replies are on the left; a STOP or START reply adds a note that says what it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.services.inbox.keywords import ReplyAction, classify
from desktop.services.reports.history import HistoryEntry, LeadHistory
from desktop.services.status.vocabulary import Bucket
from desktop.services.twilio import error_catalog
from desktop.ui.kit.formatting import Clock, format_full_time, format_time
from desktop.ui.kit.tooltips import wrapped_tooltip

Index = QModelIndex | QPersistentModelIndex

ITEM_ROLE = int(Qt.ItemDataRole.UserRole) + 50
BUBBLE, NOTE = "bubble", "note"
AUTO_REPLY = "Auto-reply"
ORIGIN_LABELS = {"answer": "You", "auto_reply": AUTO_REPLY, "test": "Test"}
OPT_OUT_NOTE = "Opted out (replied STOP): TextDesk sends them nothing more unless they reply START."
OPT_IN_NOTE = "Opted in again (replied START): they can get texts again."


@dataclass(frozen=True)
class ThreadItem:
    kind: str  # BUBBLE or NOTE
    ours: bool  # right side: sent by TextDesk
    text: str
    caption: str  # who and when: "Auto-reply · 14:03:10"
    status: str  # the bucket's label for an outbound message, "" for a reply
    bucket: Bucket | None
    problem: str  # an error's heading, "" without one
    tooltip: str
    origin: str | None  # "step", "answer", "auto_reply", "test"; None for a reply

    @property
    def accessible(self) -> str:
        who = self.caption.split(" · ")[0] if self.ours else "Lead"
        if self.kind == NOTE:
            return self.text
        status = f" {self.status}." if self.status else ""
        problem = f" {self.problem}." if self.problem else ""
        return f"{who}: {self.text}.{status}{problem}"


def origin_label(entry: HistoryEntry) -> str:
    if entry.origin in ORIGIN_LABELS:
        return ORIGIN_LABELS[entry.origin]
    return f"Step {entry.step}" if entry.step is not None else "Step"


def items_of(history: LeadHistory, clock: Clock) -> list[ThreadItem]:
    """The thread, in the history's order (replies placed among the texts as received)."""
    now = clock()
    items: list[ThreadItem] = []
    for entry in history.entries:
        when = format_time(entry.time, now=now)
        text = entry.body or "(no text)"
        if entry.direction == "inbound":
            full = format_full_time(entry.time)
            items.append(ThreadItem(BUBBLE, False, text, when, "", None, "", full, None))
            action = classify(entry.body)
            if action == ReplyAction.OPT_OUT:
                items.append(ThreadItem(NOTE, False, OPT_OUT_NOTE, when, "", None, "", "", None))
            elif action == ReplyAction.OPT_IN:
                items.append(ThreadItem(NOTE, False, OPT_IN_NOTE, when, "", None, "", "", None))
            continue
        problem = ""
        tooltip = entry.bucket.meaning if entry.bucket is not None else ""
        if entry.error_code:
            problem = error_catalog.explain(entry.error_code).heading
            tooltip = entry.explanation or tooltip
        items.append(
            ThreadItem(
                BUBBLE,
                True,
                text,
                f"{origin_label(entry)} · {when}",
                entry.bucket.label if entry.bucket is not None else "",
                entry.bucket,
                problem,
                tooltip,
                entry.origin,
            )
        )
    return items


class ThreadModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None, *, clock: Clock) -> None:
        super().__init__(parent)
        self.clock = clock
        self._items: list[ThreadItem] = []
        self.history: LeadHistory | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return wrapped_tooltip(item.tooltip)  # an error's explanation is long
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return item.accessible
        if role == ITEM_ROLE:
            return item
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren

    @property
    def items(self) -> list[ThreadItem]:
        return list(self._items)

    def set_history(self, history: LeadHistory | None) -> None:
        items = items_of(history, self.clock) if history is not None else []
        self.history = history
        if items == self._items:
            return
        self.beginResetModel()
        self._items = items
        self.endResetModel()
