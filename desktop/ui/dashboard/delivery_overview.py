"""Delivery overview: where each sequence's messages stand, and activity over time.

Left, one stacked column per recent sequence with a segment per bucket (the table's
colours). Right, messages handed to Twilio and confirmed delivered per time slice. Both
refresh from one background query after engine notices, at most every few seconds: charts
are the most expensive thing to repaint, and a glance does not need sub-second freshness.

Sequence names sit under their columns, shortened to the width each column has (a bar chart
laid sideways turned every name into "..." once four sequences shared its height); hovering
a column shows the full name and the counts.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedLayout, QToolTip, QVBoxLayout, QWidget

from desktop.services.reports import activity
from desktop.services.reports.activity import Activity
from desktop.services.sequences import lifecycle as sequences
from desktop.services.sequences.lifecycle import SequenceSummary
from desktop.services.status.vocabulary import BUCKET_ORDER
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.refresh import Refresher
from desktop.ui.kit.theme import BUCKET_CHART_COLORS, DELIVERED_COLOR, HANDOFF_COLOR
from desktop.ui.kit.tooltips import wrapped_tooltip

MAX_SEQUENCES = 6
PERIODIC_MS = 15_000
CHART_MIN_HEIGHT = 150  # the charts shrink first: the sequences table above gets the room
LABEL_MARGIN = 20  # a label's padding in Qt Charts (5 px each side) and its text margins
MAX_TIME_TICKS = 5  # time labels under the activity chart when it is wide enough
Overview = tuple[list[SequenceSummary], Activity]


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont()
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(CHART_MIN_HEIGHT)
    return view


def shortened(names: list[str], metrics: QFontMetrics, width: int) -> list[str]:
    """Each name cut with "…" to `width` pixels (at least a few letters, so a name never
    becomes only the ellipsis), made unique so the axis keeps one category per column."""
    least = metrics.horizontalAdvance("Abcd…")
    result: list[str] = []
    for name in names:
        short = metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(width, least))
        while short in result:  # two names alike once cut: categories must differ
            short += "\u200b"
        result.append(short)
    return result


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

        self.bars_chart = _chart("Messages per sequence")
        self.bar_series = QStackedBarSeries()
        self.bar_sets: list[QBarSet] = []
        for bucket in BUCKET_ORDER:
            bar_set = QBarSet(bucket.label)
            bar_set.setColor(QColor(BUCKET_CHART_COLORS[bucket]))
            bar_set.setBorderColor(QColor(BUCKET_CHART_COLORS[bucket]))
            self.bar_sets.append(bar_set)
            self.bar_series.append(bar_set)
        self.bar_series.setBarWidth(0.6)
        self.bars_chart.addSeries(self.bar_series)
        self.category_axis = QBarCategoryAxis()
        self.count_axis = QValueAxis()
        self.count_axis.setLabelFormat("%d")
        self.count_axis.setTickCount(3)  # few labels: the chart may be short
        self.bars_chart.addAxis(self.category_axis, Qt.AlignmentFlag.AlignBottom)
        self.bars_chart.addAxis(self.count_axis, Qt.AlignmentFlag.AlignLeft)
        self.bar_series.attachAxis(self.category_axis)
        self.bar_series.attachAxis(self.count_axis)

        self.line_chart = _chart("Activity")
        self.handed_series = QLineSeries()
        self.handed_series.setName("Handed to Twilio")
        self.handed_series.setPen(QPen(QColor(HANDOFF_COLOR), 2))
        self.delivered_series = QLineSeries()
        self.delivered_series.setName("Delivered")
        self.delivered_series.setPen(QPen(QColor(DELIVERED_COLOR), 2))
        self.time_axis = QDateTimeAxis()
        self.time_axis.setFormat("HH:mm")
        self.time_axis.setTickCount(MAX_TIME_TICKS)
        self.time_span = 0.0  # seconds from the first time label to the last
        self.rate_axis = QValueAxis()
        self.rate_axis.setLabelFormat("%d")
        self.rate_axis.setTickCount(3)
        self.line_chart.addAxis(self.time_axis, Qt.AlignmentFlag.AlignBottom)
        self.line_chart.addAxis(self.rate_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (self.handed_series, self.delivered_series):
            self.line_chart.addSeries(series)
            series.attachAxis(self.time_axis)
            series.attachAxis(self.rate_axis)

        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.bars_view = _view(self.bars_chart)
        row.addWidget(self.bars_view, 2)  # the wider: its names need the room
        row.addWidget(_view(self.line_chart), 1)
        self.shown: list[SequenceSummary] = []  # the columns, left to right
        self.bar_series.hovered.connect(self._hovered)
        self.bars_chart.plotAreaChanged.connect(lambda _area: self._label_columns())
        self.line_chart.plotAreaChanged.connect(lambda _area: self._fit_time_axis())
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
        self._label_columns()
        for bar_set, bucket in zip(self.bar_sets, BUCKET_ORDER, strict=True):
            values = [float(s.counts[bucket]) for s in self.shown]
            if bar_set.count() != len(values):
                bar_set.remove(0, bar_set.count())
                bar_set.append(values)
            else:
                for i, value in enumerate(values):
                    if bar_set.at(i) != value:
                        bar_set.replace(i, value)
        # At least 0..2: three whole-number ticks, never "0, 0, 1" from a range of 0..1.
        self.count_axis.setRange(0, max([s.total for s in self.shown] + [2]))
        self.count_axis.applyNiceNumbers()

    def _label_columns(self) -> None:
        """Names under the columns, cut to the width each column has now."""
        if not self.shown:
            return
        names = [s.name for s in self.shown]
        width = int(self.bars_chart.plotArea().width())
        if width > 0:  # not laid out yet: the full names, cut once the chart has a size
            # Qt Charts gives a category label the plot's width / (categories + 1) less its
            # padding, and turns a longer one into "...": cut it to that room first.
            room = width // (len(self.shown) + 1) - LABEL_MARGIN
            metrics = QFontMetrics(self.category_axis.labelsFont())
            names = shortened(names, metrics, room)
        if self.category_axis.categories() != names:
            self.category_axis.clear()
            self.category_axis.append(names)

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

    def _hovered(self, status: bool, index: int, _bar_set: QBarSet) -> None:
        if status:
            QToolTip.showText(QCursor.pos(), self.column_tooltip(index) or "", self.bars_view)
        else:
            QToolTip.hideText()

    def _fill_lines(self, series: Activity) -> None:
        def points(attribute: str) -> list[QPointF]:
            return [
                QPointF(_ms(b.start + series.bin_width / 2), float(getattr(b, attribute)))
                for b in series.bins
            ]

        self.handed_series.replace(points("handed_off"))
        self.delivered_series.replace(points("delivered"))
        if series.bins:
            start, end = series.bins[0].start, series.bins[-1].start + series.bin_width
            self.time_axis.setRange(_qt_time(start), _qt_time(end))
            self.time_span = (end - start).total_seconds()
            self._fit_time_axis()
        peak = max([max(b.handed_off, b.delivered) for b in series.bins] + [2])
        self.rate_axis.setRange(0, peak)
        self.rate_axis.applyNiceNumbers()
        per = _per_label(series.bin_width.total_seconds())
        self.line_chart.setTitle(f"Activity (messages per {per})")

    def _fit_time_axis(self) -> None:
        """As many time labels as the chart's width has room for, each whole: at 1024 px
        five labels were each cut to "18:46…"."""
        width = self.line_chart.plotArea().width()
        if width <= 0:
            return  # not laid out yet: fitted once the chart has a size
        metrics = QFontMetrics(self.time_axis.labelsFont())
        ticks, label_format = time_ticks(width, self.time_span, metrics)
        if self.time_axis.tickCount() != ticks:
            self.time_axis.setTickCount(ticks)
        if self.time_axis.format() != label_format:
            self.time_axis.setFormat(label_format)


def time_ticks(width: float, span: float, metrics: QFontMetrics) -> tuple[int, str]:
    """The most time labels (at most MAX_TIME_TICKS, at least 2) that fit `width` pixels
    whole, and their format: seconds only where labels less than a minute apart need them."""
    for ticks in range(MAX_TIME_TICKS, 1, -1):
        label_format = "HH:mm:ss" if span / (ticks - 1) < 60 else "HH:mm"
        if width / (ticks - 1) >= time_label_room(label_format, metrics):
            return ticks, label_format
    return 2, "HH:mm:ss" if span < 60 else "HH:mm"


def time_label_room(label_format: str, metrics: QFontMetrics) -> int:
    """The pixels one time label needs whole: its widest text and Qt Charts' padding."""
    sample = label_format.replace("HH", "00").replace("mm", "00").replace("ss", "00")
    return metrics.horizontalAdvance(sample) + LABEL_MARGIN


def _qt_time(moment: datetime) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(_ms(moment)))


def _ms(moment: datetime) -> float:
    return moment.timestamp() * 1000.0


def _per_label(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
