"""Delivery overview: where each sequence's messages stand, and activity over time.

Left, one stacked column per recent sequence with a segment per bucket (the table's
colours). Right, messages handed to Twilio and confirmed delivered per time slice. Both
refresh from one background query after engine notices, at most every few seconds: a
glance does not need sub-second freshness. The charts themselves are painted widgets
(charts.py) that repaint only when a number they show changed.

Sequence names sit under their columns, shortened to the width each column has (a bar chart
laid sideways turned every name into "..." once four sequences shared its height); hovering
a column shows the full name and the counts.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedLayout, QVBoxLayout, QWidget

from desktop.services.reports import activity
from desktop.services.reports.activity import Activity
from desktop.services.sequences import lifecycle as sequences
from desktop.services.sequences.lifecycle import SequenceSummary
from desktop.services.status.vocabulary import BUCKET_ORDER
from desktop.ui.dashboard.charts import ColumnsChart, LinesChart, Series
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.refresh import Refresher
from desktop.ui.kit.theme import BUCKET_CHART_COLORS, DELIVERED_COLOR, HANDOFF_COLOR
from desktop.ui.kit.tooltips import wrapped_tooltip

MAX_SEQUENCES = 6
PERIODIC_MS = 15_000
CHART_MIN_HEIGHT = 150  # the charts shrink first: the sequences table above gets the room
CHART_HEIGHT = 200  # asked for, with or without data: the first numbers move no card
Overview = tuple[list[SequenceSummary], Activity]
HANDED, DELIVERED = "Handed to Twilio", "Delivered"


class DeliveryOverviewWidget(QWidget):
    refreshed = Signal()

    def __init__(
        self,
        services: AppServices,
        parent: QWidget | None = None,
        *,
        notifier: Notifier | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deliveryOverviewWidget")
        self.services = services
        self.notifier = notifier or Notifier(self)
        self.last: Overview | None = None

        self.bars = ColumnsChart(
            "Messages per sequence",
            [Series(b.label, BUCKET_CHART_COLORS[b]) for b in BUCKET_ORDER],
            self.column_tooltip,
        )
        self.bars.setObjectName("sequenceColumnsChart")
        self.lines = LinesChart(
            "Activity", [Series(HANDED, HANDOFF_COLOR), Series(DELIVERED, DELIVERED_COLOR)]
        )
        self.lines.setObjectName("activityChart")
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for chart, stretch in ((self.bars, 2), (self.lines, 1)):  # names need the room
            chart.setMinimumHeight(CHART_MIN_HEIGHT)
            row.addWidget(chart, stretch)
        self.shown: list[SequenceSummary] = []  # the columns, left to right
        self.empty = QLabel("Loading…")
        self.empty.setProperty("role", "emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(charts)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.stack)

        self.refresher = Refresher(
            services.tasks,
            self._fetch,
            self._apply,
            on_error=self.notifier.show_error,
            delay_ms=2000,
            parent=self,
        )
        self.refresher.follow(services.bridge.sequencesChanged, PERIODIC_MS)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), CHART_HEIGHT)

    def hasHeightForWidth(self) -> bool:
        # The empty state's wrapped text would make the card's height follow its width
        # (150 px), then jump to the charts' 200 when the first numbers come: the whole
        # dashboard relaid and repainted while a sequence starts sending.
        return False

    def refresh(self) -> None:
        self.refresher.request()

    def stop(self) -> None:
        self.refresher.stop()

    def _fetch(self, _ids: frozenset[int] | None) -> Overview:
        ctx = self.services.ctx
        return sequences.list_sequences(ctx)[:MAX_SEQUENCES], activity.delivery_activity(ctx)

    def _apply(self, overview: Overview) -> None:
        self.last = overview
        summaries, series = overview
        if not any(s.total for s in summaries):
            self.empty.setText(
                "Nothing sent yet. These charts fill in as your sequences send: where every "
                "message stands, and how many went out and arrived over time."
            )
            self.stack.setCurrentIndex(0)
        else:
            self._fill_bars(summaries)
            self._fill_lines(series)
            self.stack.setCurrentIndex(1)
        self.refreshed.emit()

    def _fill_bars(self, summaries: list[SequenceSummary]) -> None:
        # Oldest on the left, newest on the right: the order they were created in.
        self.shown = list(reversed(summaries))
        self.bars.set_columns(
            [s.name for s in self.shown],
            [[s.counts[bucket] for bucket in BUCKET_ORDER] for s in self.shown],
        )

    def column_tooltip(self, index: int) -> str | None:
        """The full name of the sequence in column `index`, and its counts."""
        if not 0 <= index < len(self.shown):
            return None
        summary = self.shown[index]
        counts = ", ".join(
            f"{bucket.label} {summary.counts[bucket]:,}"
            for bucket in BUCKET_ORDER
            if summary.counts[bucket]
        )
        return wrapped_tooltip(summary.name, counts or "No messages")

    def _fill_lines(self, series: Activity) -> None:
        times = [_ms(b.start + series.bin_width / 2) for b in series.bins]
        values = [[b.handed_off for b in series.bins], [b.delivered for b in series.bins]]
        span = (0.0, 0.0)
        if series.bins:
            span = (_ms(series.bins[0].start), _ms(series.bins[-1].start + series.bin_width))
        self.lines.set_series(times, values, span)
        per = _per_label(series.bin_width.total_seconds())
        self.lines.set_title(f"Activity (messages per {per})")


def _ms(moment: datetime) -> float:
    return moment.timestamp() * 1000.0


def _per_label(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
