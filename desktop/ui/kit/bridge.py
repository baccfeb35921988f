"""Engine callbacks (called on APScheduler threads) turned into Qt signals.

The bridge lives on the GUI thread; emitting from another thread makes Qt queue the call,
so slots always run on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.services.engine.engine import Engine, EngineStatus


class EngineBridge(QObject):
    sequencesChanged = Signal(list)  # sequence ids
    statusChanged = Signal(object)  # EngineStatus

    def __init__(self, engine: Engine | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        if engine is not None:
            engine.subscribe(self._on_change)
        # Engine status (rate, next poll) is cheap: one counter query, refreshed each second.
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._emit_status)
        if engine is not None:
            self._timer.start()

    def _on_change(self, sequence_ids: set[int]) -> None:
        self.sequencesChanged.emit(sorted(sequence_ids))

    def _emit_status(self) -> None:
        if self.engine is None:
            return
        try:
            status: EngineStatus = self.engine.status()
        except Exception:  # a locked or busy database must not stop the timer
            return
        self.statusChanged.emit(status)

    def detach(self) -> None:
        self._timer.stop()
        if self.engine is not None:
            self.engine.unsubscribe(self._on_change)
