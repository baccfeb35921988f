"""How a conversation reads in the list: the lead's name (bold while unread) and number, the
time of the last message, the last message cut to the room there is, and the unread count as
a blue pill. Every row has the same height, so the list lays out 10 000 rows at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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
# Made once: paint runs for every row at every scroll step.
SEPARATOR, MUTED, LINK, WHITE = (QColor(c) for c in ("#eceff1", MUTED_COLOR, LINK_COLOR, "white"))
OPTED_OUT = QColor(BUCKET_SWATCHES[Bucket.ERROR].fg)
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
ELIDE = Qt.TextElideMode.ElideRight
PLAIN, HIGHLIGHTED = QPalette.ColorRole.Text, QPalette.ColorRole.HighlightedText


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


@dataclass(frozen=True)
class Fonts:
    """The row's fonts and their metrics, made once per view font (paint runs per row)."""

    base: QFont
    bold: QFont
    small: QFont
    small_bold: QFont
    base_metrics: QFontMetrics
    bold_metrics: QFontMetrics
    small_metrics: QFontMetrics

    @staticmethod
    def of(font: QFont) -> Fonts:
        base, bold, small = QFont(font), QFont(font), QFont(font)
        bold.setBold(True)
        small.setPointSizeF(max(font.pointSizeF() - 1.0, 7.0))
        small_bold = QFont(small)
        small_bold.setBold(True)
        return Fonts(base, bold, small, small_bold, QFontMetrics(base), QFontMetrics(bold),
                     QFontMetrics(small))  # fmt: skip


class ConversationDelegate(QStyledItemDelegate):
    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self._fonts: dict[str, Fonts] = {}
        self._times: dict[tuple[datetime, date], str] = {}

    def fonts(self, font: QFont) -> Fonts:
        key = font.key()
        found = self._fonts.get(key)
        if found is None:
            found = self._fonts[key] = Fonts.of(font)
        return found

    def row_height(self, font: QFont) -> int:
        fonts = self.fonts(font)
        height = fonts.bold_metrics.height() + LINE_GAP + fonts.base_metrics.height()
        return height + 2 * PADDING[1] + 1

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(200, self.row_height(option.font))

    def _when(self, moment: datetime) -> str:
        """The row's time, kept per (time, today) since paint asks again at every scroll."""
        now = self.clock()
        key = (moment, local(now).date())
        found = self._times.get(key)
        if found is None:
            if len(self._times) > 20_000:
                self._times.clear()
            found = self._times[key] = short_time(moment, now=now)
        return found

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, ConversationRow):
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        fonts = self.fonts(option.font)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = option.palette.color(HIGHLIGHTED if selected else PLAIN)
        muted = text_color if selected else MUTED
        full = option.rect
        left, width = full.left() + PADDING[0], full.width() - 2 * PADDING[0]
        top = QRect(left, full.top() + PADDING[1], width, fonts.bold_metrics.height())
        bottom = QRect(left, top.bottom() + 1 + LINE_GAP, width, fonts.base_metrics.height())
        painter.save()
        # The time, right-aligned; the name takes what is left, then the number if room.
        when = self._when(row.last_at)
        painter.setFont(fonts.small)
        time_width = fonts.small_metrics.horizontalAdvance(when) + 2
        painter.setPen(LINK if row.unread and not selected else muted)
        painter.drawText(top, RIGHT, when)
        name_font, name_metrics = (
            (fonts.bold, fonts.bold_metrics) if row.unread else (fonts.base, fonts.base_metrics)
        )
        room = top.width() - time_width - 8
        painter.setFont(name_font)
        painter.setPen(text_color)
        name = name_metrics.elidedText(row.name, ELIDE, room)
        painter.drawText(top, LEFT, name)
        used = name_metrics.horizontalAdvance(name) + 8
        extra = row.phone if row.name != row.phone else ""
        if row.opted_out:
            extra = f"{extra} · opted out" if extra else "opted out"
        if extra and used < room:
            painter.setFont(fonts.small)
            painter.setPen(OPTED_OUT if row.opted_out and not selected else muted)
            shown = fonts.small_metrics.elidedText(extra, ELIDE, room - used)
            painter.drawText(top.adjusted(used, 0, 0, 0), LEFT, shown)
        # The last message, cut; the unread count as a pill at the right.
        badge_width = 0
        if row.unread:
            badge_width = self._pill(painter, bottom, str(row.unread), fonts) + 8
        painter.setFont(name_font)
        painter.setPen(text_color if row.unread else muted)
        text = " ".join(preview_text(row).split())
        shown = name_metrics.elidedText(text, ELIDE, bottom.width() - badge_width)
        painter.drawText(bottom, LEFT, shown)
        if not selected:  # over the selection it would notch its bottom edge
            painter.setPen(SEPARATOR)
            painter.drawLine(left, full.bottom(), full.right(), full.bottom())
        painter.restore()

    @staticmethod
    def _pill(painter: QPainter, line: QRect, text: str, fonts: Fonts) -> int:
        metrics = fonts.small_metrics
        width = max(metrics.horizontalAdvance(text) + 12, metrics.height() + 4)
        height = metrics.height() + 2
        pill = QRectF(line.right() - width, line.center().y() - height / 2 + 1, width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(LINK)
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setFont(fonts.small_bold)
        painter.setPen(WHITE)
        painter.drawText(pill, CENTER, text)
        return int(width)
