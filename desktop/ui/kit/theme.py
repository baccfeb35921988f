"""Colours, small drawn icons and the style sheet of TextDesk's own widgets.

One table of colours per status vocabulary, so a bucket looks the same in the table, the
charts, the dialogs and the help. Icons are drawn with QPainter rather than shipped as files:
they scale with the screen and need nothing from the bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

from desktop.services.status.vocabulary import Bucket, SequenceStatus


@dataclass(frozen=True)
class Swatch:
    """Text colour on a light background: readable badges, and a strong colour for charts."""

    fg: str
    bg: str

    @property
    def foreground(self) -> QColor:
        return QColor(self.fg)

    @property
    def background(self) -> QColor:
        return QColor(self.bg)


BUCKET_SWATCHES: dict[Bucket, Swatch] = {
    Bucket.ERROR: Swatch("#c62828", "#fdecea"),
    Bucket.IN_QUEUE: Swatch("#5f6368", "#f1f3f4"),
    Bucket.OUTBOX: Swatch("#1565c0", "#e3f2fd"),
    Bucket.SENT: Swatch("#2e7d32", "#e8f5e9"),
    Bucket.DELIVERY_UNKNOWN: Swatch("#b26a00", "#fff4e0"),
    Bucket.CANCELED: Swatch("#37474f", "#e4e7e9"),
}

# Chart fills: the same hues, a little lighter where the text colour would be too heavy.
BUCKET_CHART_COLORS: dict[Bucket, str] = {
    Bucket.ERROR: "#e53935",
    Bucket.IN_QUEUE: "#b0b6bb",
    Bucket.OUTBOX: "#1e88e5",
    Bucket.SENT: "#43a047",
    Bucket.DELIVERY_UNKNOWN: "#ffb300",
    Bucket.CANCELED: "#546e7a",
}

STATUS_SWATCHES: dict[SequenceStatus, Swatch] = {
    SequenceStatus.BEING_PROCESSED: Swatch("#6a1b9a", "#f3e5f5"),
    SequenceStatus.PREPARATION_FAILED: Swatch("#b71c1c", "#fdecea"),
    SequenceStatus.SCHEDULED: Swatch("#00695c", "#e0f2f1"),
    SequenceStatus.IN_PROGRESS: Swatch("#1565c0", "#e3f2fd"),
    SequenceStatus.PAUSED: Swatch("#b26a00", "#fff4e0"),
    SequenceStatus.DONE: Swatch("#2e7d32", "#e8f5e9"),
    SequenceStatus.CANCELED: Swatch("#37474f", "#e4e7e9"),
}

REPLY_SWATCHES: dict[str, Swatch] = {
    "opt_out": Swatch("#c62828", "#fdecea"),
    "opt_in": Swatch("#2e7d32", "#e8f5e9"),
    "reply": Swatch("#4527a0", "#ede7f6"),
}

LINK_COLOR = "#1a56db"
MUTED_COLOR = "#80868b"
HANDOFF_COLOR = "#1e88e5"
DELIVERED_COLOR = "#43a047"


def _canvas(size: int) -> tuple[QPixmap, QPainter]:
    # Drawn at twice the size so the icon stays crisp on high-density screens.
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(2, 2)
    return pixmap, painter


def _glyph_icon(glyph: str, fill: str, size: int) -> QIcon:
    pixmap, painter = _canvas(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(fill))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.7))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return QIcon(pixmap)


@cache
def info_icon(size: int = 16) -> QIcon:
    """The "i" bubble beside the Outbox header and on error rows."""
    return _glyph_icon("i", "#1a73e8", size)


@cache
def error_icon(size: int = 16) -> QIcon:
    return _glyph_icon("!", BUCKET_SWATCHES[Bucket.ERROR].fg, size)


@cache
def help_icon(size: int = 18) -> QIcon:
    return _glyph_icon("?", "#5f6368", size)


@cache
def gear_icon(size: int = 18) -> QIcon:
    """A cog: a toothed ring drawn from a polygon and a hole."""
    import math

    pixmap, painter = _canvas(size)
    center = QPointF(size / 2, size / 2)
    outer, inner, teeth = size * 0.47, size * 0.34, 8
    path = QPainterPath()
    for i in range(teeth * 4):
        angle = 2 * math.pi * i / (teeth * 4)
        radius = outer if (i % 4) in (1, 2) else inner
        point = QPointF(
            center.x() + radius * math.cos(angle), center.y() + radius * math.sin(angle)
        )
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    path.closeSubpath()
    path.addEllipse(center, size * 0.14, size * 0.14)
    path.setFillRule(Qt.FillRule.OddEvenFill)
    painter.setPen(QPen(QColor("#5f6368"), 0.8))
    painter.setBrush(QColor("#5f6368"))
    painter.drawPath(path)
    painter.end()
    return QIcon(pixmap)


@cache
def dot_icon(color: str, size: int = 10) -> QIcon:
    pixmap, painter = _canvas(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.end()
    return QIcon(pixmap)


# Scoped by object name or class so the other screens keep their own look.
_BASE_STYLE = """
QFrame#dashboardCard {
    background: palette(base);
    border: 1px solid #dadce0;
    border-radius: 8px;
}
QLabel#dashboardCardTitle { font-weight: 600; font-size: 11pt; color: #202124; }
QLabel#dashboardCardHint { color: #5f6368; }
QLabel[role="emptyState"] { color: #5f6368; font-size: 10pt; padding: 18px; }
QLabel[role="dialogTitle"] { font-size: 14pt; font-weight: 600; color: #202124; }
QLabel[role="dialogSubtitle"] { color: #5f6368; }
QScrollArea#dashboardScroll, QWidget#dashboardBody { background: #f4f6f8; border: none; }
QWidget#dashboardTitleBar { background: #f4f6f8; border-bottom: 1px solid #e0e3e7; }
QLabel#dashboardTitle { font-size: 12pt; font-weight: 600; color: #202124; }
QFrame[role="banner"] { border-radius: 6px; padding: 2px; }
QFrame[level="info"] { background: #e8f0fe; border: 1px solid #aecbfa; }
QFrame[level="demo"] { background: #fef7e0; border: 1px solid #f9d67a; }
QFrame[level="error"] { background: #fdecea; border: 1px solid #f5b7b1; }
QFrame[level="success"] { background: #e6f4ea; border: 1px solid #a8dab5; }
QToolBar#noticeBar { border: none; background: transparent; padding: 4px 8px 0 8px; }
QToolButton#newSequenceButton, QPushButton[role="primary"] {
    background: #1a73e8; color: white; border: none; border-radius: 4px;
    padding: 5px 12px; font-weight: 600;
}
QToolButton#newSequenceButton:hover, QPushButton[role="primary"]:hover { background: #1765cc; }
QToolButton#newSequenceButton:focus, QPushButton[role="primary"]:focus {
    border: 2px solid #0b3d91;
}
"""

# The tables TextDesk's dashboard and dialogs own; other screens keep the platform look.
STYLED_TABLES = (
    "bulkSequencesTable",
    "leadListTable",
    "leadHistoryView",
    "recentErrorsTable",
    "repliesTable",
)
_TABLES = ", ".join(f"QTableView#{name}" for name in STYLED_TABLES)
_HEADERS = ", ".join(f"#{name} QHeaderView::section" for name in STYLED_TABLES)
STYLE_SHEET = (
    _BASE_STYLE + _TABLES + " { gridline-color: #eceff1; selection-background-color: #e8f0fe;"
    " selection-color: #202124; }\n"
    + _HEADERS
    + " { background: #f8f9fa; color: #3c4043; padding: 4px 6px; border: none;"
    " border-bottom: 1px solid #dadce0; border-right: 1px solid #eceff1; font-weight: 600; }\n"
)
