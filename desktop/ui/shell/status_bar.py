"""The status bar: what the sending service does, what waits, how fast it goes, and that
sending continues when the window is closed.

Fed by EngineBridge.statusChanged every couple of seconds (read off the GUI thread); long
work (exports) shows a busy bar here.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QWidget

from desktop.ui.kit.sending_status import (
    BACKGROUND_NOTE,
    Activity,
    Phase,
    SendingStatus,
    status_checks_text,
)
from desktop.ui.kit.theme import dot_icon
from desktop.ui.kit.tooltips import wrapped_tooltip

RUNNING, STOPPED, TROUBLE = "#34a853", "#9aa0a6", "#d93025"
OUTBOX_TIP = "Awaiting response from destination carrier"


class EngineStatusBar(QStatusBar):
    unreadClicked = Signal()  # the unread replies' link: open Conversations

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.setSizeGripEnabled(True)
        self._work: dict[int, str] = {}

        self.busy_label = QLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # indeterminate: the work does not say how far it is
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(14)
        self.busy_bar.setTextVisible(False)
        self.busy = QWidget()
        busy_layout = QHBoxLayout(self.busy)
        busy_layout.setContentsMargins(0, 0, 8, 0)
        busy_layout.addWidget(self.busy_label)
        busy_layout.addWidget(self.busy_bar)
        self.busy.hide()

        self.dot = QLabel()
        self.engine_label = QLabel("Sending service not started")
        self.engine_label.setObjectName("engineStateLabel")
        self.background_label = QLabel(BACKGROUND_NOTE)
        self.background_label.setObjectName("backgroundLabel")
        self.background_label.setToolTip(
            wrapped_tooltip(
                "The sending service is a program of its own: it sends, follows replies and "
                "delivery, and stops by itself when nothing is left. Quit from the File menu "
                "or the tray icon to choose whether it keeps going."
            )
            or ""
        )
        self.background_label.hide()
        self.queue_label = QLabel("In-queue: –")
        self.queue_label.setObjectName("inQueueLabel")
        self.queue_label.setToolTip(
            "Messages waiting for their send time, quiet hours or a rate slot"
        )
        self.outbox_label = QLabel("")
        self.outbox_label.setObjectName("outboxLabel")
        self.outbox_label.setToolTip(OUTBOX_TIP)
        self.rate_label = QLabel("")
        self.rate_label.setObjectName("sendRateLabel")
        self.rate_label.setToolTip("Messages handed to Twilio per second, over the last 10 seconds")
        self.unread_label = QLabel()
        self.unread_label.setObjectName("unreadLabel")
        self.unread_label.setToolTip("Replies you have not read yet: open Conversations (Ctrl+3)")
        self.unread_label.linkActivated.connect(lambda _link: self.unreadClicked.emit())
        self.unread_label.hide()
        engine = QWidget()
        engine_layout = QHBoxLayout(engine)
        engine_layout.setContentsMargins(4, 0, 4, 0)
        engine_layout.setSpacing(6)
        engine_layout.addWidget(self.dot)
        engine_layout.addWidget(self.engine_label)
        self._set_dot(STOPPED)
        self.addPermanentWidget(self.busy)
        for widget in (
            self.unread_label,
            engine,
            self.background_label,
            self.queue_label,
            self.outbox_label,
            self.rate_label,
        ):
            self.addPermanentWidget(widget)
        self.last_status: SendingStatus | None = None
        self.checks_text = ""  # when statuses are read: set from the poll_interval setting

    def _set_dot(self, color: str) -> None:
        self.dot.setPixmap(dot_icon(color).pixmap(QSize(10, 10)))

    def update_status(self, status: SendingStatus) -> None:
        self.last_status = status
        activity = status.activity
        if activity == Activity.PROBLEM:
            self._set_dot(TROUBLE)
        elif status.phase in (Phase.RUNNING, Phase.ELSEWHERE):
            self._set_dot(RUNNING)
        else:
            self._set_dot(STOPPED)
        self.engine_label.setText(status.headline())
        self._engine_tip()
        self.background_label.setVisible(status.phase == Phase.RUNNING)
        known = status.phase != Phase.UNKNOWN
        self.queue_label.setText(f"In-queue: {status.in_queue:,}" if known else "In-queue: –")
        self.outbox_label.setText(f"Outbox: {status.outbox:,}" if status.outbox else "")
        sending = status.phase in (Phase.RUNNING, Phase.ELSEWHERE) and status.send_rate > 0
        self.rate_label.setText(f"{status.send_rate:.1f} msg/s" if sending else "")

    def set_poll_interval(self, interval: timedelta, *, demo: bool = False) -> None:
        """Say when statuses are checked, as the setting and the engine's schedule have it
        (no countdown: the service's next check is not the window's to know)."""
        self.checks_text = status_checks_text(interval, demo=demo)
        self.outbox_label.setToolTip(wrapped_tooltip(f"{OUTBOX_TIP}.", self.checks_text) or "")
        self._engine_tip()

    def _engine_tip(self) -> None:
        details = self.last_status.details() if self.last_status is not None else ""
        self.engine_label.setToolTip(wrapped_tooltip(details, self.checks_text) or "")

    def set_unread(self, text: str) -> None:
        """ "3 unread replies" as a link to the conversations; hidden when "" (all read)."""
        self.unread_label.setText(f'<a href="#conversations">{text}</a>' if text else "")
        self.unread_label.setVisible(bool(text))

    def set_not_started(self, text: str = "Sending service not started") -> None:
        self._set_dot(STOPPED)
        self.engine_label.setText(text)

    def begin_work(self, token: int, text: str) -> None:
        self._work[token] = text
        self._show_work()

    def end_work(self, token: int) -> None:
        self._work.pop(token, None)
        self._show_work()

    def _show_work(self) -> None:
        if self._work:
            self.busy_label.setText(list(self._work.values())[-1])
            self.busy.show()
        else:
            self.busy.hide()
