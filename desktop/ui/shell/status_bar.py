"""The status bar: is the engine sending, when it next checks statuses, what waits, how fast.

Fed by EngineBridge.statusChanged once a second; long work (exports) shows a busy bar here.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QWidget

from desktop.services.engine.engine import EngineStatus
from desktop.ui.kit.formatting import Clock, format_in
from desktop.ui.kit.theme import dot_icon

RUNNING, STOPPED, TROUBLE = "#34a853", "#9aa0a6", "#d93025"


class EngineStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None, *, clock: Clock) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._clock = clock  # the services' clock: the next check is counted from its now
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
        self.engine_label = QLabel("Sending engine not started")
        self.engine_label.setObjectName("engineStateLabel")
        self.poll_label = QLabel("")
        self.poll_label.setObjectName("nextPollLabel")
        self.queue_label = QLabel("In-queue: –")
        self.queue_label.setObjectName("inQueueLabel")
        self.queue_label.setToolTip(
            "Messages waiting for their send time, quiet hours or a rate slot"
        )
        self.rate_label = QLabel("")
        self.rate_label.setObjectName("sendRateLabel")
        self.rate_label.setToolTip("Messages handed to Twilio per second, over the last 10 seconds")
        engine = QWidget()
        engine_layout = QHBoxLayout(engine)
        engine_layout.setContentsMargins(4, 0, 4, 0)
        engine_layout.setSpacing(6)
        engine_layout.addWidget(self.dot)
        engine_layout.addWidget(self.engine_label)
        self._set_dot(STOPPED)
        self.addPermanentWidget(self.busy)
        for widget in (engine, self.poll_label, self.queue_label, self.rate_label):
            self.addPermanentWidget(widget)
        self.last_status: EngineStatus | None = None

    def _set_dot(self, color: str) -> None:
        self.dot.setPixmap(dot_icon(color).pixmap(QSize(10, 10)))

    def update_status(self, status: EngineStatus) -> None:
        self.last_status = status
        running = status.state == "running"
        where = "demo sandbox" if status.demo else "Twilio"
        if status.problem:
            self._set_dot(TROUBLE)
            self.engine_label.setText(f"Sending engine: problem ({where})")
            self.engine_label.setToolTip(status.problem)
        elif running:
            self._set_dot(RUNNING)
            self.engine_label.setText(f"Sending engine running ({where})")
            self.engine_label.setToolTip("")
        else:
            self._set_dot(STOPPED)
            self.engine_label.setText("Sending engine stopped")
            self.engine_label.setToolTip("")
        if running and status.next_poll_at is not None:
            delta = status.next_poll_at - self._clock()
            self.poll_label.setText(f"Next status check {format_in(delta)}")
        else:
            self.poll_label.setText("")
        self.queue_label.setText(f"In-queue: {status.in_queue:,}")
        self.rate_label.setText(f"{status.send_rate:.1f} msg/s" if running else "")

    def set_not_started(self, text: str = "Sending engine not started") -> None:
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
