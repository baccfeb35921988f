"""Enter or Return on a table or list opens its current row, as a click on it would.

Item views emit `activated` for Enter on some platforms only (not on macOS), and a dialog
turns an Enter the view ignores into a press of its default button. One event filter makes
the keyboard open what the mouse opens, everywhere, and keeps the key from the dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView

OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def every_row(_index: QModelIndex) -> bool:
    return True


class EnterOpensRow(QObject):
    """Calls `open_row(index)` for the view's current index when Enter is pressed on it.

    `opens(index)` says which cells open something (a link cell, say); Enter elsewhere is
    left to the view. The filter lives as long as the view (it is the view's child)."""

    def __init__(
        self,
        view: QAbstractItemView,
        open_row: Callable[[QModelIndex], object],
        opens: Callable[[QModelIndex], bool] = every_row,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._open_row = open_row
        self._opens = opens
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in OPEN_KEYS
        ):
            index = self._view.currentIndex()
            if index.isValid() and self._opens(index):
                self._open_row(index)
                return True
        return super().eventFilter(watched, event)
