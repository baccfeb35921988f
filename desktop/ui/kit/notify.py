"""How screens tell the user what happened, without knowing where it is shown.

Widgets and dialogs report through a Notifier; the main window shows errors as a dismissable
banner and short news and long-running work in the status bar. A widget used on its own (in a
test) gets a Notifier nobody listens to, and the test can listen instead.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QObject, Signal


class Notifier(QObject):
    error = Signal(str)  # a sentence: what went wrong and, if possible, what to do
    info = Signal(str)  # short news for the status bar ("Exported 120 rows to …")
    workStarted = Signal(int, str)  # token, what is being done ("Exporting …")
    workFinished = Signal(int)  # token

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tokens = itertools.count(1)
        self.last_error: str | None = None

    def show_error(self, sentence: str) -> None:
        self.last_error = sentence
        self.error.emit(sentence)

    def show_info(self, sentence: str) -> None:
        self.info.emit(sentence)

    def begin_work(self, description: str) -> int:
        token = next(self._tokens)
        self.workStarted.emit(token, description)
        return token

    def end_work(self, token: int) -> None:
        self.workFinished.emit(token)
