"""Models of the dashboard's two feeds: the latest errors and the latest replies."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt

from desktop.services.reports.history import RecentError, Reply
from desktop.ui.kit.formatting import Clock, format_full_time, format_time
from desktop.ui.kit.roles import BADGE_ROLE, ID_ROLE, SORT_ROLE
from desktop.ui.kit.table_model import Column, ColumnTableModel
from desktop.ui.kit.theme import REPLY_SWATCHES, info_icon
from desktop.ui.kit.tooltips import wrapped_tooltip


class FeedEntry(Protocol):
    """What a feed's row has: when it happened and whose history it opens."""

    @property
    def time(self) -> datetime: ...

    @property
    def lead_id(self) -> int | None: ...


FeedRow = TypeVar("FeedRow", bound=FeedEntry)
REPLY_KINDS = {"opt_out": "Opt-out", "opt_in": "Opt-in", "reply": "Reply"}
REPLY_KIND_MEANINGS = {
    "opt_out": "The lead asked to receive no more texts; nothing more is sent.",
    "opt_in": "The lead asked to receive texts again.",
}


class FeedModel(ColumnTableModel[FeedRow]):
    """A feed's rows; each opens its lead's history (ID_ROLE) and sorts by time."""

    def __init__(
        self,
        columns: Sequence[Column[FeedRow]],
        parent: QObject | None = None,
        *,
        tooltip: Callable[[FeedRow], Any] | None = None,
    ) -> None:
        row_roles: dict[int, Callable[[FeedRow], Any]] = {
            ID_ROLE: lambda row: row.lead_id,
            SORT_ROLE: lambda row: row.time.timestamp(),
        }
        if tooltip is not None:
            row_roles[Qt.ItemDataRole.ToolTipRole] = tooltip
        super().__init__(columns, parent, row_roles=row_roles)

    def set_rows(self, rows: Iterable[FeedRow]) -> None:
        fresh = list(rows)
        if fresh != self.rows:  # nothing new: keep selection and scroll position
            super().set_rows(fresh)


def error_columns(clock: Clock) -> tuple[Column[RecentError], ...]:
    """The columns; `clock` says which day is today for the Time column."""
    return (
        Column("Time", lambda row: format_time(row.time, now=clock())),
        Column("Phone", lambda row: row.phone),
        Column(
            "Error",
            lambda row: f"{row.error_code} · {row.title}",
            roles={Qt.ItemDataRole.DecorationRole: lambda _row: info_icon()},
        ),
    )


def _kind(row: Reply) -> str:
    return REPLY_KINDS.get(row.action, "Reply")


def _kind_badge(row: Reply) -> tuple[str, str, str]:
    swatch = REPLY_SWATCHES.get(row.action, REPLY_SWATCHES["reply"])
    return (_kind(row), swatch.fg, swatch.bg)


def _reply_tooltip(row: Reply) -> str | None:
    return wrapped_tooltip(format_full_time(row.time), row.body)


def reply_columns(clock: Clock) -> tuple[Column[Reply], ...]:
    """The columns; `clock` says which day is today for the Time column."""
    return (
        Column("Time", lambda row: format_time(row.time, now=clock()), tooltip=_reply_tooltip),
        Column("From", lambda row: row.phone, tooltip=_reply_tooltip),
        Column(
            "Kind",
            _kind,
            tooltip=lambda row: REPLY_KIND_MEANINGS.get(row.action, "A reply from the lead."),
            roles={BADGE_ROLE: _kind_badge},
        ),
        Column("Message", lambda row: row.body, tooltip=_reply_tooltip),
    )


class RecentErrorsModel(FeedModel[RecentError]):
    def __init__(self, parent: QObject | None = None, *, clock: Clock) -> None:
        super().__init__(
            error_columns(clock), parent, tooltip=lambda row: wrapped_tooltip(row.explanation)
        )


class RepliesModel(FeedModel[Reply]):
    def __init__(self, parent: QObject | None = None, *, clock: Clock) -> None:
        super().__init__(reply_columns(clock), parent)
