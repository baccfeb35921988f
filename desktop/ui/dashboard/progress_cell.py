"""The Progress cell: what it counts in words ("12 of 40 done") over a slim bar.

The words say what the share is of, which a bare percentage did not; the bar sits under
them so the column stays narrow enough for the table to fit 1024 pixels. When the words do
not fit (very large counts in a narrow column) the cell falls back to "12/40", then to the
percentage; the tooltip always has the full sentence.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.ui.kit.roles import PROGRESS_ROLE, STATUS_ROLE
from desktop.ui.kit.theme import BUCKET_CHART_COLORS

Index = QModelIndex | QPersistentModelIndex
PADDING = 8
BAR_HEIGHT = 4
RUNNING_COLOR = "#1a73e8"
STOPPED_COLOR = "#9aa0a6"
TRACK_COLOR = "#e8eaed"


def bar_color(status: SequenceStatus | None) -> QColor:
    if status == SequenceStatus.DONE:
        return QColor(BUCKET_CHART_COLORS[Bucket.SENT])
    if status in (SequenceStatus.CANCELED, SequenceStatus.PAUSED):
        return QColor(STOPPED_COLOR)
    return QColor(RUNNING_COLOR)


def fitting_text(label: str, fraction: float, metrics: QFontMetrics, width: int) -> str:
    """The longest of "12 of 40 done", "12/40" and "30%" that fits `width` pixels; a label
    that counts nothing ("All canceled") is elided instead."""
    if " of " not in label:
        return metrics.elidedText(label, Qt.TextElideMode.ElideRight, width)
    short = label.replace(" of ", "/").removesuffix(" done")
    for text in (label, short):
        if metrics.horizontalAdvance(text) <= width:
            return text
    return f"{fraction:.0%}"


def _status(value: object) -> SequenceStatus | None:
    try:
        return SequenceStatus(str(value)) if value is not None else None
    except ValueError:
        return None


class ProgressCountDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        value = index.data(PROGRESS_ROLE)
        if value is None:
            return
        fraction = min(max(float(value), 0.0), 1.0)
        rect = option.rect.adjusted(PADDING, 2, -PADDING, -3)
        metrics = QFontMetrics(option.font)
        text = fitting_text(str(index.data() or ""), fraction, metrics, rect.width())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        bar = QRectF(rect.left(), rect.bottom() - BAR_HEIGHT, rect.width(), BAR_HEIGHT)
        text_rect = QRect(rect.left(), rect.top(), rect.width(), int(bar.top()) - rect.top())
        painter.save()
        painter.setPen(option.palette.color(role))
        painter.setFont(option.font)
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text
        )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(TRACK_COLOR))
        painter.drawRoundedRect(bar, BAR_HEIGHT / 2, BAR_HEIGHT / 2)
        if fraction > 0:
            filled = QRectF(
                bar.left(), bar.top(), max(bar.width() * fraction, BAR_HEIGHT), BAR_HEIGHT
            )
            painter.setBrush(bar_color(_status(index.data(STATUS_ROLE))))
            painter.drawRoundedRect(filled, BAR_HEIGHT / 2, BAR_HEIGHT / 2)
        painter.restore()
