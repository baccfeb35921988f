"""Chat bubbles: the lead's replies on the left, what TextDesk sent on the right, each with a
caption (who, when) and, for a text we sent, its status in its bucket's colour; an error adds
its heading in red. Notes (an opt-out) sit in the middle.

Text is laid out with QTextLayout so a long link wraps anywhere rather than overflowing the
bubble; a bubble is at most ~70 % of the view's width, so the sides stay apparent.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QTextLayout, QTextOption
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.services.status.vocabulary import Bucket
from desktop.ui.inbox.thread_model import ITEM_ROLE, NOTE, ThreadItem
from desktop.ui.kit.theme import BUCKET_SWATCHES, MUTED_COLOR

Index = QModelIndex | QPersistentModelIndex

MARGIN = (14, 5)  # around each bubble: sides, top and bottom
PADDING = (11, 7)  # inside a bubble
GAP = 3  # between the text and the caption
MAX_SHARE = 0.72  # of the view's width
MAX_WIDTH = 620
THEIRS, OURS, AUTO = QColor("#f1f3f4"), QColor("#dcebfd"), QColor("#ede7f6")
NOTE_COLORS = (QColor("#fdecea"), QColor(BUCKET_SWATCHES[Bucket.ERROR].fg))
ERROR_BORDER = QColor("#f1a9a0")
TEXT = QColor("#202124")


def text_layout(text: str, font: QFont, width: float) -> tuple[QTextLayout, float, float]:
    """`text` laid out in `width`: (layout, height, widest line)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    height = widest = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, height))
        height += line.height()
        widest = max(widest, line.naturalTextWidth())
    layout.endLayout()
    return layout, height, widest


class BubbleDelegate(QStyledItemDelegate):
    def __init__(self, view: QListView, parent: QObject | None = None) -> None:
        super().__init__(parent or view)
        self.view = view

    # -- geometry ------------------------------------------------------------------------

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() - 1.0, 7.0))
        return QFont(option.font), small

    def _max_bubble(self) -> float:
        width = self.view.viewport().width() - 2 * MARGIN[0]
        return max(min(width * MAX_SHARE, MAX_WIDTH), 120.0)

    def _measure(
        self, item: ThreadItem, option: QStyleOptionViewItem
    ) -> tuple[QTextLayout, float, float, float]:
        """(text layout, bubble width, bubble height, text height)."""
        base, small = self._fonts(option)
        font = small if item.kind == NOTE else base
        inner = self._max_bubble() - 2 * PADDING[0]
        layout, text_height, widest = text_layout(item.text, font, inner)
        if item.kind == NOTE:
            return layout, widest + 2 * PADDING[0], text_height + 2 * PADDING[1] - 4, text_height
        caps = QFontMetrics(small)
        caption_width = caps.horizontalAdvance(item.caption)
        if item.status:
            caption_width += caps.horizontalAdvance(item.status) + 16
        if item.problem:
            caption_width = max(caption_width, caps.horizontalAdvance(item.problem))
        lines = 2 if item.problem else 1
        width = min(max(widest, caption_width), inner) + 2 * PADDING[0]
        height = text_height + GAP + lines * caps.height() + 2 * PADDING[1]
        return layout, width, height, text_height

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        item = index.data(ITEM_ROLE)
        if not isinstance(item, ThreadItem):
            return QSize(0, 0)
        _layout, _width, height, _text = self._measure(item, option)
        return QSize(self.view.viewport().width(), int(height) + 2 * MARGIN[1] + 1)

    # -- drawing ---------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item = index.data(ITEM_ROLE)
        if not isinstance(item, ThreadItem):
            return
        layout, width, height, text_height = self._measure(item, option)
        rect = option.rect
        if item.kind == NOTE:
            left = rect.left() + (rect.width() - width) / 2
        elif item.ours:
            left = rect.right() - MARGIN[0] - width
        else:
            left = rect.left() + MARGIN[0]
        bubble = QRectF(left, rect.top() + MARGIN[1], width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill, ink = self._colors(item)
        border = ERROR_BORDER if item.problem else fill
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        painter.setPen(QPen(QColor("#1a73e8") if focused else border, 1.5 if focused else 1.0))
        painter.setBrush(fill)
        radius = 8.0 if item.kind == NOTE else 12.0
        painter.drawRoundedRect(bubble, radius, radius)
        painter.setPen(ink)
        top = bubble.top() + PADDING[1] - (2 if item.kind == NOTE else 0)
        layout.draw(painter, QPointF(bubble.left() + PADDING[0], top))
        if item.kind != NOTE:
            self._caption(painter, option, item, bubble, text_height)
        painter.restore()

    @staticmethod
    def _colors(item: ThreadItem) -> tuple[QColor, QColor]:
        if item.kind == NOTE:
            return NOTE_COLORS
        if not item.ours:
            return THEIRS, TEXT
        return (AUTO if item.origin == "auto_reply" else OURS), TEXT

    def _caption(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        item: ThreadItem,
        bubble: QRectF,
        text_height: float,
    ) -> None:
        _base, small = self._fonts(option)
        caps = QFontMetrics(small)
        line = QRectF(
            bubble.left() + PADDING[0],
            bubble.top() + PADDING[1] + text_height + GAP,
            bubble.width() - 2 * PADDING[0],
            caps.height(),
        )
        painter.setFont(small)
        painter.setPen(QColor(MUTED_COLOR))
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(line, left, item.caption)
        if item.status and item.bucket is not None:
            bold = QFont(small)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(BUCKET_SWATCHES[item.bucket].foreground)
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(line, right, item.status)
        if item.problem:
            painter.setFont(small)
            painter.setPen(BUCKET_SWATCHES[Bucket.ERROR].foreground)
            below = line.translated(0, caps.height())
            shown = caps.elidedText(item.problem, Qt.TextElideMode.ElideRight, int(below.width()))
            painter.drawText(below, left, shown)
