"""Shared look of TextDesk's forms: hints in grey, errors in red next to their field,
warnings and tips in soft boxes. Set on a dialog so it never leaks into other screens."""

from PySide6.QtWidgets import QWidget

FORM_STYLE = """
QLabel#hint, QLabel#bubbleCaption { color: #5f6368; }
QLabel#fieldError, QLabel#stepProblems { color: #b3261e; }
QLabel#stepHint { color: #8a3b00; }
QLabel#stepCounter { font-family: monospace; font-weight: bold; }
QLabel#checkProblems {
    background: #fdecea; border: 1px solid #f1a9a0; border-radius: 6px; padding: 6px;
    color: #8c1d18;
}
QLabel#checkWarnings {
    background: #fff4e0; border: 1px solid #f2b66d; border-radius: 6px; padding: 6px;
    color: #5c3b00;
}
QLabel#checkReminders, QLabel#infoBox {
    background: #e8f0fe; border-radius: 6px; padding: 6px; color: #174ea6;
}
QLabel#successBox {
    background: #e6f4ea; border-radius: 6px; padding: 6px; color: #0d652d;
}
QLabel#checkForecast, QLabel#reportSummary { font-weight: bold; }
QLabel#bubble {
    background: #e9e9eb; color: #1f1f1f; border-radius: 12px; padding: 8px 10px;
}
QFrame#stepEditor { border: 1px solid #c9c9c9; border-radius: 6px; }
QPushButton#startButton { font-weight: bold; padding: 6px 18px; }
QLabel#emptyState { color: #5f6368; font-size: 14px; padding: 24px; }
"""


def restyle(widget: QWidget, object_name: str) -> None:
    """Give a widget another style role (e.g. hint -> fieldError) and redraw it so."""
    widget.setObjectName(object_name)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
