"""The composer's bottom line: the last error, the busy bar while messages are prepared, and
Cancel / Start; and the dialog's size on the user's screen."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

DEFAULT_SIZE = (1180, 800)
MIN_SIZE = (640, 480)


class Footer(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error_label = QLabel()
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        self.busy_label = QLabel()
        self.busy_label.setObjectName("hint")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # preparing has no measurable steps: a busy bar
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.cancel_button = QPushButton("Cancel")
        self.start_button = QPushButton("&Start sending")
        self.start_button.setObjectName("startButton")
        self.start_button.setAutoDefault(False)  # Enter in a field must not start sending
        self.cancel_button.setAutoDefault(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.error_label, 1)
        row.addWidget(self.busy_label)
        row.addWidget(self.busy)
        row.addWidget(self.cancel_button)
        row.addWidget(self.start_button)


def fit_to_screen(dialog: QWidget) -> None:
    """The default size, or the screen's room when it is smaller (1024x700 and up)."""
    width, height = DEFAULT_SIZE
    screen = dialog.screen()
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() - 16), min(height, room.height() - 40)
    dialog.resize(max(width, MIN_SIZE[0]), max(height, MIN_SIZE[1]))
