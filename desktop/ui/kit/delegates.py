"""Delegates that draw TextDesk's cells: status badges, progress bars and links.

The models say *what* a cell is (roles in desktop.ui.kit.roles); these classes only draw, so the
same model reads correctly in a plain view, in a test, and in an accessibility tool.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.ui.kit.roles import BADGE_ROLE, LINK_ROLE, PROGRESS_ROLE, STATUS_ROLE
from desktop.ui.kit.theme import BUCKET_CHART_COLORS, LINK_COLOR, MUTED_COLOR, STATUS_SWATCHES

Index = QModelIndex | QPersistentModelIndex


def _draw_background(painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
    """Selection and hover background only, as the style would draw it."""
    widget = option.widget
    style = widget.style() if widget is not None else QApplication.style()
    style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)


def paint_badge(
    painter: QPainter,
    rect: QRect,
    text: str,
    fg: QColor,
    bg: QColor,
    font_source: QStyleOptionViewItem,
) -> None:
    font = font_source.font
    font.setPointSizeF(max(font.pointSizeF() - 0.5, 7.0))
    font.setBold(True)
    metrics = QFontMetrics(font)
    width = metrics.horizontalAdvance(text) + 18
    height = min(rect.height() - 8, metrics.height() + 6)
    pill = QRectF(rect.left() + 6, rect.center().y() - height / 2 + 1, width, height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(bg)
    painter.drawRoundedRect(pill, height / 2, height / 2)
    painter.setPen(fg)
    painter.setFont(font)
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def _status(value: object) -> SequenceStatus | None:
    # A StrEnum crosses QVariant as a plain str; turn it back into the enum.
    try:
        return SequenceStatus(str(value)) if value is not None else None
    except ValueError:
        return None


class StatusBadgeDelegate(QStyledItemDelegate):
    """A sequence status as a coloured pill; the tooltip (the status meaning) is the model's."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _draw_background(painter, option, index)
        status = _status(index.data(STATUS_ROLE))
        badge = index.data(BADGE_ROLE)
        if status is not None:
            swatch = STATUS_SWATCHES[status]
            paint_badge(
                painter, option.rect, status.label, swatch.foreground, swatch.background, option
            )
        elif badge:
            text, fg, bg = badge
            paint_badge(painter, option.rect, text, QColor(fg), QColor(bg), option)


class ProgressDelegate(QStyledItemDelegate):
    """A slim rounded bar with the percentage beside it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _draw_background(painter, option, index)
        value = index.data(PROGRESS_ROLE)
        if value is None:
            return
        fraction = min(max(float(value), 0.0), 1.0)
        status = _status(index.data(STATUS_ROLE))
        color = QColor("#1a73e8")
        if status == SequenceStatus.DONE:
            color = QColor(BUCKET_CHART_COLORS[Bucket.SENT])
        elif status in (SequenceStatus.CANCELED, SequenceStatus.PAUSED):
            color = QColor("#9aa0a6")
        rect = option.rect
        text = f"{fraction:.0%}"
        metrics = QFontMetrics(option.font)
        text_width = metrics.horizontalAdvance("100%") + 8
        bar = QRectF(rect.left() + 8, rect.center().y() - 3, rect.width() - 16 - text_width, 7)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e8eaed"))
        painter.drawRoundedRect(bar, 3.5, 3.5)
        if fraction > 0 and bar.width() > 0:
            filled = QRectF(bar.left(), bar.top(), max(bar.width() * fraction, 7.0), bar.height())
            painter.setBrush(color)
            painter.drawRoundedRect(filled, 3.5, 3.5)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        text_rect = QRect(int(bar.right()) + 6, rect.top(), text_width, rect.height())
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text
        )
        painter.restore()


class LinkDelegate(QStyledItemDelegate):
    """Cells whose LINK_ROLE is true read as blue underlined links; zero counts are muted."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if index.data(LINK_ROLE):
            option.font.setUnderline(True)
            color = QColor(LINK_COLOR)
        elif index.data(Qt.ItemDataRole.ForegroundRole) is None and _is_zero(index):
            color = QColor(MUTED_COLOR)
        else:
            return
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            option.palette.setColor(group, QPalette.ColorRole.Text, color)
            option.palette.setColor(group, QPalette.ColorRole.HighlightedText, color)


def _is_zero(index: Index) -> bool:
    return index.data(Qt.ItemDataRole.DisplayRole) in ("0", 0)


class LinkCursor(QObject):
    """A pointing hand over link cells, so the user sees what can be clicked."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        view.setMouseTracking(True)
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            index = self.view.indexAt(event.position().toPoint())
            if index.isValid() and index.data(LINK_ROLE):
                self.view.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.view.viewport().unsetCursor()
        elif event.type() == QEvent.Type.Leave:
            self.view.viewport().unsetCursor()
        return False
