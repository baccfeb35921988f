"""Notices across the top of the window: the demo notice, errors, "restart to apply".

A notice is a sentence, never a traceback. Each has a key, so a repeated error replaces the
previous one instead of stacking, and the engine's problem clears itself when it is solved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.kit.theme import error_icon, info_icon

LEVELS = ("info", "demo", "error", "success")
MIN_WIDTH = 300  # the notices' least width: a wrapped sentence, its button and ✕


class Banner(QFrame):
    dismissed = Signal(str)

    def __init__(
        self,
        key: str,
        text: str,
        level: str = "info",
        *,
        action_text: str | None = None,
        action: Callable[[], object] | None = None,
        dismissable: bool = True,
    ) -> None:
        super().__init__()
        if level not in LEVELS:
            raise ValueError(f"unknown notice level {level!r}")
        self.key = key
        self.setObjectName(f"banner_{key}")
        self.setProperty("role", "banner")
        self.setProperty("level", level)
        icon = QLabel()
        icon.setPixmap((error_icon() if level == "error" else info_icon()).pixmap(QSize(16, 16)))
        self.label = QLabel(text)
        self.label.setObjectName("bannerText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(10)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        self.action_button: QPushButton | None = None
        if action_text and action is not None:
            self.action_button = QPushButton(action_text)
            self.action_button.clicked.connect(action)
            layout.addWidget(self.action_button)
        self.close_button: QToolButton | None = None
        if dismissable:
            self.close_button = QToolButton()
            self.close_button.setObjectName("bannerClose")
            self.close_button.setText("✕")
            self.close_button.setAutoRaise(True)
            self.close_button.setToolTip("Dismiss")
            self.close_button.setAccessibleName("Dismiss notice")
            self.close_button.clicked.connect(lambda: self.dismissed.emit(self.key))
            layout.addWidget(self.close_button)

    @property
    def text(self) -> str:
        return self.label.text()


class NoticeArea(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeArea")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._banners: dict[str, Banner] = {}

    def show_notice(
        self,
        key: str,
        text: str,
        level: str = "info",
        *,
        action_text: str | None = None,
        action: Callable[[], object] | None = None,
        dismissable: bool = True,
    ) -> Banner:
        existing = self._banners.get(key)
        if existing is not None and existing.text == text:
            return existing
        self.clear(key)
        banner = Banner(
            key, text, level, action_text=action_text, action=action, dismissable=dismissable
        )
        banner.dismissed.connect(self.clear)
        self._banners[key] = banner
        self._layout.addWidget(banner)
        self.changed.emit()
        return banner

    def clear(self, key: str) -> None:
        banner = self._banners.pop(key, None)
        if banner is not None:
            self._layout.removeWidget(banner)
            banner.hide()
            banner.deleteLater()
            self.changed.emit()

    def sizeHint(self) -> QSize:
        # A toolbar ignores height-for-width, and a wrapped label's own hint guesses a narrow,
        # tall shape: size the notices for the width they will really get.
        width = max(self.window().width() - 40, MIN_WIDTH)
        height = self._layout.heightForWidth(width) if self._banners else 0
        return QSize(width, max(height, 0))

    def minimumSizeHint(self) -> QSize:
        # The height follows the width the notices have now; the width must not: taken from
        # the window, it kept the window from being narrowed again (1256 px once at 1280).
        hint = self.sizeHint()
        least = self._layout.minimumSize().width() if self._banners else 0
        return QSize(min(max(least, MIN_WIDTH), hint.width()), hint.height())

    def banner(self, key: str) -> Banner | None:
        return self._banners.get(key)

    def texts(self) -> dict[str, str]:
        return {key: banner.text for key, banner in self._banners.items()}

    def is_empty(self) -> bool:
        return not self._banners
