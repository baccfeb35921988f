"""The tray icon: TextDesk keeps sending after its window is closed, and this says so.

Where the platform has a system tray, closing the window hides it and the icon stays, its
tooltip and badge showing the engine's state (sending, idle, problem) and a count of unread
replies; its menu offers Open,
Pause all sending and Quit (the window's own actions, so their shortcuts and enabled states
are shared). Without a tray there is no icon; the window's File menu holds the same actions
and closing the window asks what should happen to the waiting messages instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.paths import app_icon_path
from desktop.ui.kit.sending_status import Activity, SendingStatus

BADGES = {Activity.SENDING: "#34a853", Activity.IDLE: "#9aa0a6", Activity.PROBLEM: "#d93025"}
UNREAD_BADGE = "#1a73e8"  # the unread count's bubble, the colour of the list's unread counts
HIDDEN_NOTE = (
    "TextDesk keeps sending in the background. Click this icon to open it again, or choose "
    "Quit from its menu."
)


def unread_label(unread: int) -> str:
    """The count on the icon: a tray icon has room for two characters."""
    return "" if unread <= 0 else str(unread) if unread < 10 else "9+"


def badged_icon(activity: Activity, unread: int = 0, size: int = 64) -> QIcon:
    """The app icon with a dot in the corner (green sending, grey idle, red problem) and,
    with unread replies, their count in a bubble at the top right."""
    pixmap = QIcon(str(app_icon_path())).pixmap(size, size)
    if pixmap.isNull():
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    radius = size * 0.2
    center = QPointF(size - radius - 1, size - radius - 1)
    painter.setPen(QColor("white"))
    painter.setBrush(QColor(BADGES[activity]))
    painter.drawEllipse(center, radius, radius)
    label = unread_label(unread)
    if label:
        bubble = QRectF(size * 0.44, 1, size * 0.56 - 1, size * 0.42)
        painter.setBrush(QColor(UNREAD_BADGE))
        painter.drawRoundedRect(bubble, bubble.height() / 2, bubble.height() / 2)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, int(bubble.height() * 0.72)))
        painter.setFont(font)
        painter.drawText(bubble, Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return QIcon(pixmap)


class SendingTray(QObject):
    def __init__(
        self,
        open_action: QAction,
        actions: Sequence[QAction | None],
        parent: QObject | None = None,
        *,
        available: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.open_action = open_action
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        for action in actions:
            if action is None:
                self.menu.addSeparator()
            else:
                self.menu.addAction(action)
        self.menu.setDefaultAction(open_action)
        self.activity: Activity | None = None
        self.tooltip = "TextDesk"
        self.status_text = "TextDesk"
        self.note = ""  # a second line: "3 unread replies"
        self.unread = 0
        self.notified: list[tuple[str, str]] = []  # desktop notifications asked for (tests)
        self.told_hidden = False
        self.removed = False
        if available is None:
            available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon: QSystemTrayIcon | None = None
        if available:
            self.icon = QSystemTrayIcon(badged_icon(Activity.IDLE), self)
            self.icon.setToolTip(self.tooltip)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._on_activated)
            self.icon.show()

    @property
    def available(self) -> bool:
        return self.icon is not None

    def update(self, status: SendingStatus) -> None:
        self.status_text = status.tray_text()
        self._show_tooltip()
        activity = status.activity
        if self.icon is None:
            self.activity = activity
            return
        if activity != self.activity:
            self.icon.setIcon(badged_icon(activity, self.unread))
        self.activity = activity

    def set_unread(self, unread: int, note: str) -> None:
        """The unread replies: their count on the icon, `note` under the state in the
        tooltip ("" for none)."""
        changed = unread_label(unread) != unread_label(self.unread)
        self.unread = unread
        self.set_note(note)
        if changed and self.icon is not None:
            self.icon.setIcon(badged_icon(self.activity or Activity.IDLE, unread))

    def set_note(self, note: str) -> None:
        """A line under the sending state in the tooltip (unread replies); "" for none."""
        self.note = note
        self._show_tooltip()

    def _show_tooltip(self) -> None:
        self.tooltip = f"{self.status_text}\n{self.note}" if self.note else self.status_text
        if self.icon is not None:
            self.icon.setToolTip(self.tooltip)

    def notify(self, title: str, text: str) -> None:
        """A desktop notification (a new reply), where the platform has a tray."""
        if self.removed:
            return
        self.notified.append((title, text))
        if self.icon is not None:
            self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information)

    def tell_hidden(self) -> None:
        """Once per session: the window is gone but the icon stays, and sending goes on."""
        if self.icon is None or self.told_hidden:
            return
        self.told_hidden = True
        self.icon.showMessage("TextDesk", HIDDEN_NOTE, QSystemTrayIcon.MessageIcon.Information)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_action.trigger()

    def remove(self) -> None:
        """Take the icon away (the window's process is ending); safe to call twice."""
        if self.removed:
            return
        self.removed = True
        if self.icon is not None:
            self.icon.hide()
            self.icon.setContextMenu(None)  # type: ignore[arg-type]
        self.menu.deleteLater()
