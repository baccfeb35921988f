"""Typed work is not lost by accident: Esc, Cancel or the title bar's close button with a
draft ask "Discard this draft?", and Keep editing is the default (Enter and Esc keep it).

Asking was chosen over keeping the draft for the next Ctrl+N: a question at the moment of
leaving is easier to trust than a draft kept out of sight. A close by the program (the
window quitting, a test tearing down) never asks: nothing may block on a question there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

DISCARD_TITLE = "Discard this draft?"


class DiscardQuestion(QMessageBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("discardDraftQuestion")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(DISCARD_TITLE)
        self.setText(DISCARD_TITLE)
        self.setInformativeText("The messages you wrote for this sequence will be lost.")
        self.discard_button = self.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        self.keep_button = self.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)

    def discarded(self) -> bool:
        return self.clickedButton() is self.discard_button


class DraftGuard(QObject):
    """Watches a dialog's Esc and close events; `cancel` is what Esc does (it asks)."""

    def __init__(
        self,
        dialog: QDialog,
        has_draft: Callable[[], bool],
        busy: Callable[[], bool],
        cancel: Callable[[], None],
    ) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.has_draft = has_draft
        self.busy = busy
        self.cancel = cancel
        self.question: DiscardQuestion | None = None  # while it is asked (tests answer it)
        dialog.installEventFilter(self)

    def may_leave(self) -> bool:
        """True when nothing typed would be lost, or the user chose to discard it."""
        if self.busy() or not self.has_draft():
            return True
        self.question = DiscardQuestion(self.dialog)
        try:
            self.question.exec()
            return self.question.discarded()
        finally:
            self.question.deleteLater()
            self.question = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.dialog:
            return False
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
            and not event.modifiers()
        ):
            self.cancel()  # instead of QDialog's reject, which would not ask
            return True
        if isinstance(event, QCloseEvent) and event.spontaneous() and not self.may_leave():
            event.ignore()
            return True
        return False
