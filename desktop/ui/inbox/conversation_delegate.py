"""How a conversation reads in the list: the lead's name (bold while unread) and number, the
time of the last message, the last message cut to the room there is, and the unread count as
a blue pill. Every row has the same height, so the list lays out 10 000 rows at once."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.services.inbox.conversations import ConversationRow
from desktop.services.status.vocabulary import Bucket
from desktop.ui.inbox.conversations_model import ROW_ROLE
from desktop.ui.kit.formatting import Clock, local
from desktop.ui.kit.theme import BUCKET_SWATCHES, LINK_COLOR, MUTED_COLOR

Index = QModelIndex | QPersistentModelIndex

PADDING = (12, 7)  # horizontal, vertical
LINE_GAP = 3
SEPARATOR = QColor("#eceff1")
OPTED_OUT = BUCKET_SWATCHES[Bucket.ERROR].fg


def short_time(moment: datetime, *, now: datetime) -> str:
    """14:03 today, "Nov 27" this year, 2025-11-27 before: a list needs no seconds."""
    when, today = local(moment), local(now)
    if when.date() == today.date():
        return when.strftime("%H:%M")
    if when.year == today.year:
        return f"{when:%b} {when.day}"
    return when.strftime("%Y-%m-%d")


def preview_text(row: ConversationRow) -> str:
    return row.last_body if row.last_inbound else f"You: {row.last_body}"


class ConversationDelegate(QStyledItemDelegate):
    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() - 1.0, 7.0))
        return base, bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        base, bold, _small = self._fonts(option)
        height = QFontMetrics(bold).height() + LINE_GAP + QFontMetrics(base).height()
        return QSize(200, height + 2 * PADDING[1] + 1)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, ConversationRow):
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        base, bold, small = self._fonts(option)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_color = option.palette.color(text_role)
        muted = text_color if selected else QColor(MUTED_COLOR)
        rect = option.rect.adjusted(PADDING[0], PADDING[1], -PADDING[0], -PADDING[1])
        top_height = QFontMetrics(bold).height()
        top = QRect(rect.left(), rect.top(), rect.width(), top_height)
        bottom = QRect(
            rect.left(), top.bottom() + 1 + LINE_GAP, rect.width(), QFontMetrics(base).height()
        )
        painter.save()
        # The time, right-aligned; the name takes what is left, then the number if room.
        when = short_time(row.last_at, now=self.clock())
        painter.setFont(small)
        time_width = QFontMetrics(small).horizontalAdvance(when) + 2
        painter.setPen(QColor(LINK_COLOR) if row.unread and not selected else muted)
        painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when)
        name_font = bold if row.unread else base
        room = top.width() - time_width - 8
        painter.setFont(name_font)
        painter.setPen(text_color)
        name = QFontMetrics(name_font).elidedText(row.name, Qt.TextElideMode.ElideRight, room)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        used = QFontMetrics(name_font).horizontalAdvance(name) + 8
        extra = row.phone if row.name != row.phone else ""
        if row.opted_out:
            extra = f"{extra} · opted out" if extra else "opted out"
        if extra and used < room:
            painter.setFont(small)
            painter.setPen(QColor(OPTED_OUT) if row.opted_out and not selected else muted)
            shown = QFontMetrics(small).elidedText(extra, Qt.TextElideMode.ElideRight, room - used)
            where = top.adjusted(used, 0, 0, 0)
            painter.drawText(
                where, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown
            )
        # The last message, cut; the unread count as a pill at the right.
        badge_width = 0
        if row.unread:
            badge_width = self._pill(painter, bottom, str(row.unread), small) + 8
        painter.setFont(bold if row.unread else base)
        painter.setPen(text_color if row.unread else muted)
        metrics = painter.fontMetrics()
        text = " ".join(preview_text(row).split())
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, bottom.width() - badge_width)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        painter.setPen(SEPARATOR)
        line_y = option.rect.bottom()
        painter.drawLine(option.rect.left() + PADDING[0], line_y, option.rect.right(), line_y)
        painter.restore()

    @staticmethod
    def _pill(painter: QPainter, line: QRect, text: str, font: QFont) -> int:
        metrics = QFontMetrics(font)
        width = max(metrics.horizontalAdvance(text) + 12, metrics.height() + 4)
        height = metrics.height() + 2
        pill = QRectF(line.right() - width, line.center().y() - height / 2 + 1, width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(LINK_COLOR))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("white"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        return int(width)
