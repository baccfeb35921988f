"""The dashboard's painted charts: whole-number ticks and their grid lines, columns stacked
in their colours, lines over time, and a repaint only when a shown number changed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget

from desktop.ui.dashboard.charts import ColumnsChart, LinesChart, Series, nice_ticks

RED, GREEN, BLUE = "#e53935", "#43a047", "#1e88e5"


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1, 2]),
        (2, [0, 1, 2]),
        (3, [0, 2, 4]),
        (57, [0, 50, 100]),
        (100, [0, 50, 100]),
        (101, [0, 100, 200]),
        (2000, [0, 1000, 2000]),
        (2001, [0, 2000, 4000]),
    ],
)
def test_ticks_are_whole_round_numbers_that_reach_the_top(top: int, ticks: list[int]) -> None:
    assert nice_ticks(top) == ticks


class Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def shown(qtbot, chart: QWidget, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    """`chart` at this size on the screen, closed with the test."""
    qtbot.addWidget(chart)
    chart.resize(width, height)
    chart.show()
    qtbot.waitExposed(chart)


def pixel(image: QImage, point: QPoint) -> str:
    return QColor(image.pixel(point)).name()


def test_columns_stack_their_segments_bottom_up_in_their_colours(qtbot) -> None:  # type: ignore[no-untyped-def]
    tips: list[int] = []
    chart = ColumnsChart(
        "Messages", [Series("Error", RED), Series("Sent", GREEN)], lambda i: tips.append(i) or None
    )
    shown(qtbot, chart, 400, 220)
    chart.set_columns(["Spring", "Autumn"], [[10, 30], [0, 5]])
    assert chart.ticks == [0, 20, 40] and chart.labels() == ["Spring", "Autumn"]
    plot = chart.plot_area()
    image = chart.grab().toImage()
    slot = plot.width() // 2
    spring = plot.left() + slot // 2
    assert pixel(image, QPoint(spring, round(chart.y_of(5, plot)))) == RED  # the bottom 10
    assert pixel(image, QPoint(spring, round(chart.y_of(25, plot)))) == GREEN  # 30 above it
    assert pixel(image, QPoint(spring, round(chart.y_of(45, plot)) + 2)) != GREEN  # above 40
    autumn = plot.left() + slot + slot // 2
    assert pixel(image, QPoint(autumn, round(chart.y_of(2, plot)))) == GREEN  # no error
    assert chart.column_at(spring) == 0 and chart.column_at(autumn) == 1
    assert chart.column_at(plot.left() - 5) is None


def test_a_chart_repaints_only_when_a_shown_number_changed(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = ColumnsChart("Messages", [Series("Sent", GREEN)], lambda _i: None)
    shown(qtbot, chart, 300, 200)
    chart.set_columns(["A"], [[3]])
    paints = Paints()
    chart.installEventFilter(paints)
    qtbot.waitUntil(lambda: paints.count >= 1)
    painted = paints.count
    for _ in range(5):  # the same numbers again and again, as a busy engine reports them
        chart.set_columns(["A"], [[3]])
        qtbot.wait(20)
    assert paints.count == painted
    chart.set_columns(["A"], [[4]])
    qtbot.waitUntil(lambda: paints.count > painted)


def test_lines_run_through_their_points_and_label_the_times(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = LinesChart("Activity", [Series("Handed", BLUE), Series("Delivered", GREEN)])
    shown(qtbot, chart, 500, 220)
    start = 1_700_000_000_000.0
    times = [start + 30_000 * i for i in range(5)]
    chart.set_series(times, [[0, 10, 10, 10, 0], [0, 0, 0, 0, 0]], (times[0], times[-1]))
    assert chart.ticks == [0, 5, 10]
    plot = chart.plot_area()
    image = chart.grab().toImage()
    middle = (times[1] + times[3]) / 2  # on the flat stretch at 10
    x, y = round(chart.x_of(middle, plot)), round(chart.y_of(10, plot))
    assert BLUE in {pixel(image, QPoint(x, y + dy)) for dy in (-1, 0, 1)}
    # Two minutes over 5 labels: a label every 30 s needs the seconds.
    assert chart.tick_count >= 2 and chart.label_format == "HH:mm:ss"


def test_hovering_a_column_shows_its_tooltip(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    chart = ColumnsChart("Messages", [Series("Sent", GREEN)], lambda i: f"Column {i}: Sent {i + 1}")
    shown(qtbot, chart, 400, 220)
    chart.set_columns(["Spring", "Autumn"], [[1], [2]])
    plot = chart.plot_area()
    autumn = QPoint(plot.left() + 3 * plot.width() // 4, plot.center().y())
    event = QHelpEvent(QEvent.Type.ToolTip, autumn, chart.mapToGlobal(autumn))
    assert QCoreApplication.sendEvent(chart, event)
    qtbot.waitUntil(lambda: QToolTip.text() == "Column 1: Sent 2", timeout=2000)
    outside = QPoint(plot.left() - 4, plot.center().y())  # over the axis: no column
    QCoreApplication.sendEvent(chart, QHelpEvent(QEvent.Type.ToolTip, outside, outside))
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=2000)


def test_a_larger_font_cuts_the_names_again(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = ColumnsChart("Messages", [Series("Sent", GREEN)], lambda _i: None)
    shown(qtbot, chart, 360, 200)
    chart.set_columns(["Spring open house", "Autumn preview"], [[1], [2]])
    before = chart.labels()
    font = chart.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    chart.setFont(font)
    after = chart.labels()
    assert after != before  # measured with the new font, not kept from the old one
    metrics = chart.fontMetrics()
    room = int(chart.slot_width())
    assert all(metrics.horizontalAdvance(label) <= room for label in after)


def test_each_tick_has_a_faint_grid_line_across_the_plot(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = ColumnsChart("Messages", [Series("Sent", GREEN)], lambda _i: None)
    shown(qtbot, chart, 400, 220)
    chart.set_columns(["A"], [[0]])  # no column: only the grid over the background
    plot = chart.plot_area()
    image = chart.grab().toImage()
    background = pixel(image, QPoint(plot.left() + 5, plot.top() + 3))
    for tick in chart.ticks[1:]:  # the lowest lies on the labels' baseline row
        y = round(chart.y_of(tick, plot))
        row = {pixel(image, QPoint(x, y)) for x in (plot.left(), plot.center().x(), plot.right())}
        assert len(row) == 1 and row != {background}  # the whole width, one faint colour
        assert pixel(image, QPoint(plot.center().x(), y + 2)) == background  # 1 px thin


def test_a_lines_chart_without_numbers_yet_paints_its_axis_and_legend(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = LinesChart("Activity", [Series("Handed", BLUE), Series("Delivered", GREEN)])
    shown(qtbot, chart, 500, 220)
    image = chart.grab().toImage()  # an error in paintEvent fails the test (pytest-qt)
    plot = chart.plot_area()
    assert plot.width() > 0
    assert BLUE in {
        pixel(image, QPoint(x, y)) for x in range(0, 500, 2) for y in range(plot.bottom(), 220)
    }  # the legend's swatch
