"""The Bulk Sequences table model: one row per sequence, one column per bucket.

Rows are `SequenceSummary` values fetched off the GUI thread; the model only arranges them.
Live updates change rows in place (dataChanged), so sorting, selection and scrolling survive
an engine that reports changes every second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Qt

from desktop.services.sequences.lifecycle import SequenceSummary
from desktop.services.status.vocabulary import BUCKET_ORDER, OUTBOX_INFO, Bucket, SequenceStatus
from desktop.ui.dashboard.sequence_texts import (
    ACTIVITY_MEANING,
    PROGRESS_MEANING,
    activity,
    activity_tooltip,
    day_and_time,
    progress_label,
    progress_tooltip,
    start_sentence,
    status_tooltip,
)
from desktop.ui.kit.formatting import Clock, format_count, format_full_time, format_time, plural
from desktop.ui.kit.roles import BUCKET_ROLE, ID_ROLE, LINK_ROLE, PROGRESS_ROLE, STATUS_ROLE
from desktop.ui.kit.table_model import Column, ColumnTableModel
from desktop.ui.kit.theme import info_icon
from desktop.ui.kit.tooltips import wrapped_tooltip

DELETED_LEADS = "deleted_leads"
DELETED_LEADS_LABEL = "Deleted leads"
DELETED_LEADS_MEANING = (
    "Leads that were part of this sequence when it was created and have been deleted since."
)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
STATUS_ORDER = {status: i for i, status in enumerate(SequenceStatus)}


@dataclass(frozen=True)
class SequenceColumn(Column[SequenceSummary]):
    """A column with the name the widget finds it by, and the bucket a count column counts."""

    key: str = ""
    bucket: Bucket | None = None

    @property
    def is_count(self) -> bool:
        return self.bucket is not None or self.key == DELETED_LEADS


def count_of(summary: SequenceSummary, bucket: Bucket | None) -> int:
    """Messages in `bucket` or, for None, the sequence's deleted leads."""
    return summary.counts[bucket] if bucket is not None else summary.counts.deleted_leads


def _count_tooltip(summary: SequenceSummary, bucket: Bucket | None, title: str) -> str | None:
    count = count_of(summary, bucket)
    meaning = bucket.meaning if bucket else DELETED_LEADS_MEANING
    what = "lead" if bucket is None else "message"
    hint = "\nClick to see who." if count else ""
    return wrapped_tooltip(f"{plural(count, what)} — {title}: {meaning}{hint}")


def _count_column(key: str, title: str, bucket: Bucket | None) -> SequenceColumn:
    header_roles: dict[int, Callable[[], object]] = {
        # Wrapped: "Delivery unknown" and "Deleted leads" take two short lines.
        Qt.ItemDataRole.TextAlignmentRole: lambda: int(RIGHT) | int(Qt.TextFlag.TextWordWrap)
    }
    header_tooltip = wrapped_tooltip(bucket.meaning if bucket else DELETED_LEADS_MEANING)
    if bucket == Bucket.OUTBOX:
        header_roles[Qt.ItemDataRole.DecorationRole] = info_icon
        header_tooltip = OUTBOX_INFO
    return SequenceColumn(
        title,
        lambda s: format_count(count_of(s, bucket)),
        tooltip=lambda s: _count_tooltip(s, bucket, title),
        sort_key=lambda s: count_of(s, bucket),
        alignment=RIGHT,
        roles={
            LINK_ROLE: lambda s: count_of(s, bucket) > 0,
            BUCKET_ROLE: lambda _s: bucket,
        },
        header_tooltip=header_tooltip,
        header_roles=header_roles,
        key=key,
        bucket=bucket,
    )


def _name_tooltip(s: SequenceSummary, now: datetime) -> str | None:
    sender = s.sender or "the default sender"
    return wrapped_tooltip(
        s.name,
        f"{plural(s.steps, 'step')} from {sender}, {plural(s.total, 'message')}.\n"
        f"{start_sentence(s, now=now)}.\n"
        f"Created {day_and_time(s.created_at, now=now)}.",
    )


NAME, STATUS, PROGRESS, ACTIVITY, CREATED = "name", "status", "progress", "activity", "created"
COLUMN_KEYS: tuple[str, ...] = (
    NAME,
    STATUS,
    PROGRESS,
    *(bucket.value for bucket in BUCKET_ORDER),
    DELETED_LEADS,
    ACTIVITY,
    CREATED,
)


def sequence_columns(clock: Clock) -> tuple[SequenceColumn, ...]:
    """The columns, in COLUMN_KEYS order; `clock` says what "now" is for the times."""
    columns = (
        SequenceColumn(
            "Name",
            lambda s: s.name,
            tooltip=lambda s: _name_tooltip(s, clock()),
            sort_key=lambda s: s.name.casefold(),
            key=NAME,
        ),
        SequenceColumn(
            "Status",
            lambda s: s.status.label,
            tooltip=lambda s: wrapped_tooltip(status_tooltip(s, now=clock())),
            sort_key=lambda s: STATUS_ORDER[s.status],
            header_tooltip="Where the sequence stands. Hover a status to see what it means.",
            key=STATUS,
        ),
        SequenceColumn(
            "Progress",
            progress_label,
            tooltip=lambda s: wrapped_tooltip(progress_tooltip(s)),
            sort_key=lambda s: s.progress,
            roles={PROGRESS_ROLE: lambda s: s.progress},
            header_tooltip=wrapped_tooltip(PROGRESS_MEANING),
            key=PROGRESS,
        ),
        *(_count_column(bucket.value, bucket.label, bucket) for bucket in BUCKET_ORDER),
        _count_column(DELETED_LEADS, DELETED_LEADS_LABEL, None),
        SequenceColumn(
            "Starts / Last activity",
            lambda s: format_time(activity(s)[0], now=clock()),
            tooltip=lambda s: activity_tooltip(s, now=clock()),
            sort_key=lambda s: activity(s)[0].timestamp(),
            header_tooltip=wrapped_tooltip(ACTIVITY_MEANING),
            key=ACTIVITY,
        ),
        SequenceColumn(
            "Created",
            lambda s: format_time(s.created_at, now=clock()),
            tooltip=lambda s: format_full_time(s.created_at),
            sort_key=lambda s: s.created_at.timestamp(),
            key=CREATED,
        ),
    )
    assert tuple(c.key for c in columns) == COLUMN_KEYS
    return columns


COLUMN_INDEX = {key: i for i, key in enumerate(COLUMN_KEYS)}


def column_of(key: str | Bucket) -> int:
    return COLUMN_INDEX[key.value if isinstance(key, Bucket) else key]


class SequencesModel(ColumnTableModel[SequenceSummary]):
    def __init__(self, parent: QObject | None = None, *, clock: Clock) -> None:
        columns = sequence_columns(clock)
        super().__init__(
            columns,
            parent,
            row_roles={ID_ROLE: lambda s: s.id, STATUS_ROLE: lambda s: s.status},
        )
        self.column_specs = columns  # with their keys and buckets, for the widget's links
        self._row_of: dict[int, int] = {}

    def summary(self, row: int) -> SequenceSummary:
        return self.row_at(row)

    def row_of(self, sequence_id: int) -> int | None:
        return self._row_of.get(sequence_id)

    @property
    def summaries(self) -> list[SequenceSummary]:
        return self.rows

    def set_summaries(self, summaries: Iterable[SequenceSummary]) -> None:
        """Replace every row: rows gone are removed, new ones inserted, the rest updated."""
        fresh = list(summaries)
        keep = {s.id for s in fresh}
        self.remove_rows(row for id_, row in self._row_of.items() if id_ not in keep)
        self._reindex()
        self.update_summaries(fresh)

    def update_summaries(self, summaries: Iterable[SequenceSummary]) -> None:
        """Update the rows of these sequences in place; unknown ones are appended."""
        new: list[SequenceSummary] = []
        for summary in summaries:
            row = self._row_of.get(summary.id)
            if row is None:
                new.append(summary)
            elif self.row_at(row) != summary:
                self.replace_row(row, summary)
        self.append_rows(new)
        self._reindex()

    def _reindex(self) -> None:
        self._row_of = {summary.id: row for row, summary in enumerate(self.rows)}

    def in_queue_total(self) -> int:
        return sum(s.counts[Bucket.IN_QUEUE] for s in self.rows)
