"""The Delivery overview's two charts, painted directly with QPainter.

Qt Charts drew them before, as a graphics scene per chart: every refresh while a sequence
went out rebuilt scene items, re-laid the axes and repainted both views, 5-20 ms of the GUI
thread every two seconds (the window's longest stalls while sending). These widgets keep
their numbers and paint a few rectangles, lines and labels, about a millisecond, and only
when a number they show has changed.

`ColumnsChart`: one stacked column per sequence, a segment per bucket, names under the
columns cut to the room each has. `LinesChart`: a few series over time. Both have a bold
title on top, a value axis on the left with whole-number ticks, and a legend below.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QDateTime, QEvent, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

PAD = 8  # around the chart's content
GAP = 6  # between a label and what it labels
SWATCH = 10  # a legend entry's colour square
MAX_COLUMN = 90  # a column no wider than this, however few there are
MIN_LABEL_CHARS = "Abcd…"  # a shortened name keeps at least a few letters
LABEL_MARGIN = 2 * GAP  # between two time labels
MAX_TIME_TICKS = 5  # time labels under the activity chart when it is wide enough
T = TypeVar("T")


@dataclass(frozen=True)
class Series:
    """What a legend entry names: a label and its colour."""

    label: str
    color: str


def nice_ticks(top: float, count: int = 3) -> list[int]:
    """`count` evenly spaced whole numbers from 0 that reach at least `top`, on a step of
    1, 2 or 5 times a power of ten (0, 50, 100 rather than 0, 37, 74)."""
    raw = max(top, 1.0) / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, math.ceil(step))
    return [step * i for i in range(count)]


def shortened(names: Sequence[str], metrics: QFontMetrics, width: int) -> list[str]:
    """Each name cut with "…" to `width` pixels (at least a few letters, so a name never
    becomes only the ellipsis), made unique so every column keeps a label of its own."""
    least = metrics.horizontalAdvance(MIN_LABEL_CHARS)
    result: list[str] = []
    for name in names:
        short = metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(width, least))
        while short in result:  # two names alike once cut: tell them apart
            short += "\u200b"
        result.append(short)
    return result


class ChartBase(QWidget):
    """Title, value axis, legend and background; subclasses paint inside `plot_area()`."""

    def __init__(self, title: str, legend: Sequence[Series], parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.legend = tuple(legend)
        self.ticks = nice_ticks(0)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel
        self.setAccessibleName(title)
        self.title_font = QFont(self.font())
        self.title_font.setBold(True)
        # Measuring text is most of a paint's cost: each measure (the plot's place, the
        # legend's rows, the column labels) is kept with what it depends on, and all are
        # dropped when the font changes.
        self._measures: dict[str, tuple[object, Any]] = {}

    def sizeHint(self) -> QSize:
        return QSize(400, 200)

    def set_title(self, title: str) -> None:
        if title != self.title:
            self.title = title
            self.setAccessibleName(title)
            self.update()

    def measured(self, name: str, key: object, measure: Callable[[], T]) -> T:
        """`measure()`, taken again only when `key` differs from the last time's."""
        kept = self._measures.get(name)
        if kept is None or kept[0] != key:
            kept = (key, measure())
            self._measures[name] = kept
        result: T = kept[1]
        return result

    def set_top(self, top: float) -> None:
        ticks = nice_ticks(top)
        if ticks != self.ticks:
            self.ticks = ticks
            self.update()

    # -- geometry ---------------------------------------------------------------------------

    def bottom_labels_height(self) -> int:
        """Room under the plot for the subclass's labels (names, times)."""
        return self.fontMetrics().height() + GAP

    def legend_rows(self, width: int) -> list[list[tuple[Series, int]]]:
        """Legend entries with their widths, in rows that fit `width`."""
        return self.measured("legend", width, lambda: self._legend_rows(width))

    def _legend_rows(self, width: int) -> list[list[tuple[Series, int]]]:
        metrics = self.fontMetrics()
        rows: list[list[tuple[Series, int]]] = [[]]
        used = 0
        for entry in self.legend:
            need = SWATCH + 4 + metrics.horizontalAdvance(entry.label) + 2 * GAP
            if rows[-1] and used + need > width:
                rows.append([])
                used = 0
            rows[-1].append((entry, need))
            used += need
        return rows

    def plot_area(self) -> QRect:
        key = (self.width(), self.height(), tuple(self.ticks), self.right_room())
        return self.measured("plot", key, self._plot_area)

    def _plot_area(self) -> QRect:
        metrics = self.fontMetrics()
        inner = self.rect().adjusted(PAD, PAD, -PAD, -PAD)
        top = inner.top() + QFontMetrics(self.title_font).height() + GAP
        legend = len(self.legend_rows(inner.width())) * (metrics.height() + 2)
        bottom = inner.bottom() - legend - GAP - self.bottom_labels_height()
        left = inner.left() + max(metrics.horizontalAdvance(f"{t:,}") for t in self.ticks) + GAP
        right = inner.right() - self.right_room()
        return QRect(left, top, max(0, right - left), max(0, bottom - top))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.title_font = QFont(self.font())
            self.title_font.setBold(True)
            self._measures.clear()
        super().changeEvent(event)

    def right_room(self) -> int:
        """Room right of the plot (half a time label centred on the last tick)."""
        return 0

    def y_of(self, value: float, plot: QRect) -> float:
        return plot.bottom() - plot.height() * value / self.ticks[-1]

    # -- painting ---------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        inner = self.rect().adjusted(PAD, PAD, -PAD, -PAD)
        painter.setPen(text)
        painter.setFont(self.title_font)
        painter.drawText(
            inner, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.title
        )
        painter.setFont(self.font())
        plot = self.plot_area()
        if plot.height() > 0 and plot.width() > 0:
            self._paint_axis(painter, plot, text)
            self.paint_plot(painter, plot, text)
        self._paint_legend(painter, inner, text)

    def _paint_axis(self, painter: QPainter, plot: QRect, text: QColor) -> None:
        metrics = self.fontMetrics()
        grid = QColor(text)
        grid.setAlpha(40)
        painter.setPen(text)
        for tick in self.ticks:
            y = round(self.y_of(tick, plot))
            # The same pixels as a 1 px line, but a translucent drawLine takes the raster
            # engine's slow path: ~0.25 ms a line, most of a chart's paint while sending.
            painter.fillRect(plot.left(), y, plot.width(), 1, grid)
            label = QRect(0, y - metrics.height() // 2, plot.left() - GAP, metrics.height())
            painter.drawText(
                label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{tick:,}"
            )

    def _paint_legend(self, painter: QPainter, inner: QRect, text: QColor) -> None:
        metrics = self.fontMetrics()
        rows = self.legend_rows(inner.width())
        y = inner.bottom() - len(rows) * (metrics.height() + 2) + 1
        for row in rows:
            x = inner.left() + (inner.width() - sum(need for _entry, need in row)) // 2 + GAP
            for entry, need in row:
                middle = y + metrics.height() // 2
                painter.fillRect(x, middle - SWATCH // 2, SWATCH, SWATCH, QColor(entry.color))
                painter.setPen(text)
                painter.drawText(
                    QRect(x + SWATCH + 4, y, need, metrics.height()),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    entry.label,
                )
                x += need
            y += metrics.height() + 2

    def paint_plot(self, painter: QPainter, plot: QRect, text: QColor) -> None:
        raise NotImplementedError


class ColumnsChart(ChartBase):
    """Stacked columns, one per name, a segment per legend entry (values in legend order)."""

    def __init__(
        self,
        title: str,
        legend: Sequence[Series],
        tooltip: Callable[[int], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, legend, parent)
        self.tooltip = tooltip
        self.names: tuple[str, ...] = ()
        self.values: tuple[tuple[int, ...], ...] = ()  # per column, per legend entry

    def set_columns(self, names: Sequence[str], values: Sequence[Sequence[int]]) -> None:
        names, stacked = tuple(names), tuple(tuple(v) for v in values)
        if (names, stacked) != (self.names, self.values):
            self.names, self.values = names, stacked
            self.set_top(max([sum(v) for v in stacked] + [2]))  # 0..2 at least: whole ticks
            self.update()

    def slot_width(self) -> float:
        return self.plot_area().width() / max(1, len(self.names))

    def labels(self) -> list[str]:
        """The names as shown under the columns: cut to the room each column has."""
        names, room = self.names, int(self.slot_width()) - GAP
        return self.measured(
            "labels", (names, room), lambda: shortened(names, self.fontMetrics(), room)
        )

    def column_at(self, x: float) -> int | None:
        plot = self.plot_area()
        if not self.names or not plot.left() <= x <= plot.right():
            return None
        return min(len(self.names) - 1, int((x - plot.left()) / self.slot_width()))

    def paint_plot(self, painter: QPainter, plot: QRect, text: QColor) -> None:
        slot = self.slot_width()
        width = min(MAX_COLUMN, slot * 0.6)
        labels = self.labels()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for i, column in enumerate(self.values):
            left = plot.left() + slot * i + (slot - width) / 2
            base = 0
            for value, entry in zip(column, self.legend, strict=True):
                if value:
                    top, bottom = self.y_of(base + value, plot), self.y_of(base, plot)
                    painter.fillRect(QRectF(left, top, width, bottom - top), QColor(entry.color))
                    base += value
            painter.setPen(text)
            label = QRectF(
                plot.left() + slot * i, plot.bottom() + GAP, slot, self.fontMetrics().height()
            )
            painter.drawText(
                label, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, labels[i]
            )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            column = self.column_at(event.pos().x())  # type: ignore[attr-defined]
            tip = self.tooltip(column) if column is not None else None
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


class LinesChart(ChartBase):
    """Series of values at the same moments (milliseconds since the epoch), one per legend
    entry; time labels under the plot in a Qt date format ("HH:mm")."""

    def __init__(self, title: str, legend: Sequence[Series], parent: QWidget | None = None):
        super().__init__(title, legend, parent)
        self.times: tuple[float, ...] = ()
        self.series: tuple[tuple[int, ...], ...] = ()
        self.span = (0.0, 0.0)  # the time axis, ms
        self.tick_count = MAX_TIME_TICKS
        self.label_format = "HH:mm"

    def set_series(
        self, times: Sequence[float], series: Sequence[Sequence[int]], span: tuple[float, float]
    ) -> None:
        times, values = tuple(times), tuple(tuple(s) for s in series)
        if (times, values, span) != (self.times, self.series, self.span):
            self.times, self.series, self.span = times, values, span
            self.set_top(max([max(s, default=0) for s in values] + [2]))
            self._fit_time_labels()
            self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_time_labels()

    def _fit_time_labels(self) -> None:
        """As many time labels as the width has room for, each whole: at 1024 px five
        labels were each cut to "18:46…"."""
        width = self.plot_area().width()
        if width <= 0:
            return  # not laid out yet: fitted once the chart has a size
        span = (self.span[1] - self.span[0]) / 1000
        fitted = time_ticks(width, span, self.fontMetrics())
        if fitted != (self.tick_count, self.label_format):
            self.tick_count, self.label_format = fitted
            self.update()

    def right_room(self) -> int:
        return self.fontMetrics().horizontalAdvance(_sample(self.label_format)) // 2

    def x_of(self, moment: float, plot: QRect) -> float:
        start, end = self.span
        return plot.left() + plot.width() * (moment - start) / max(1.0, end - start)

    def paint_plot(self, painter: QPainter, plot: QRect, text: QColor) -> None:
        if not self.series:
            return  # no numbers yet: the axis and the legend only
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for values, entry in zip(self.series, self.legend, strict=True):
            painter.setPen(QPen(QColor(entry.color), 2))
            points = [
                QPointF(self.x_of(t, plot), self.y_of(v, plot))
                for t, v in zip(self.times, values, strict=True)
            ]
            painter.drawPolyline(points)
        painter.setPen(text)
        metrics = self.fontMetrics()
        start, end = self.span
        for i in range(self.tick_count):
            moment = start + (end - start) * i / (self.tick_count - 1)
            label = QDateTime.fromMSecsSinceEpoch(int(moment)).toString(self.label_format)
            half = metrics.horizontalAdvance(label) / 2 + 1
            x = min(max(self.x_of(moment, plot), half), self.width() - half)
            painter.drawText(
                QRectF(x - half, plot.bottom() + GAP, 2 * half, metrics.height()),
                Qt.AlignmentFlag.AlignCenter,
                label,
            )


def time_ticks(width: float, span: float, metrics: QFontMetrics) -> tuple[int, str]:
    """The most time labels (at most MAX_TIME_TICKS, at least 2) that fit `width` pixels
    whole over `span` seconds, and their format: seconds only where labels less than a
    minute apart need them."""
    for ticks in range(MAX_TIME_TICKS, 1, -1):
        label_format = "HH:mm:ss" if span / (ticks - 1) < 60 else "HH:mm"
        if width / (ticks - 1) >= time_label_room(label_format, metrics):
            return ticks, label_format
    return 2, "HH:mm:ss" if span < 60 else "HH:mm"


def time_label_room(label_format: str, metrics: QFontMetrics) -> int:
    """The pixels one time label needs whole: its widest text and a margin to the next."""
    return metrics.horizontalAdvance(_sample(label_format)) + LABEL_MARGIN


def _sample(label_format: str) -> str:
    return label_format.replace("HH", "00").replace("mm", "00").replace("ss", "00")
