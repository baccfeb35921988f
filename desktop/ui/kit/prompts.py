"""The questions screens ask the user: confirmations, file names, notes.

Kept behind one small class so tests can answer them (a subclass with canned answers) instead
of patching QMessageBox or QFileDialog: the edge of the world is faked, nothing else.
"""

from __future__ import annotations

import enum
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class QuitChoice(enum.Enum):
    """What happens to the messages still waiting when TextDesk closes."""

    KEEP_SENDING = "keep"  # the service goes on in the background (the default)
    STOP_SENDING = "stop"  # the service stops until TextDesk is opened again
    CANCEL = "cancel"  # TextDesk stays open


KEEP_TEXT = "&Keep sending in the background"
STOP_TEXT = "&Stop sending until TextDesk is opened again"


class Prompts:
    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        """Ask before something that cannot be undone; `action` names the button that does it."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        box.setText(text)
        do = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep as it is", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter must never destroy by accident
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is do

    # The folder of the last file saved, for this run: the next save opens there.
    last_folder: Path | None = None

    @staticmethod
    def save_start(suggested: str) -> Path:
        """Where a save dialog opens: a bare file name goes in the last folder used, else in
        the user's Documents folder (not wherever the program happened to start)."""
        start = Path(suggested)
        if start.is_absolute():
            return start
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        folder = Prompts.last_folder or Path(documents or Path.home())
        return (folder if folder.is_dir() else Path.home()) / suggested

    def save_path(self, parent: QWidget | None, title: str, suggested: str) -> Path | None:
        start = str(self.save_start(suggested))
        name, _ = QFileDialog.getSaveFileName(parent, title, start, "CSV files (*.csv)")
        if not name:
            return None
        path = Path(name)
        Prompts.last_folder = path.parent
        return path if path.suffix else path.with_suffix(".csv")

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def ask_quit(self, parent: QWidget | None, waiting: str) -> QuitChoice:
        """Closing TextDesk with messages still to go out (`waiting`, in words): keep
        sending in the background (default, Enter), stop sending, or stay (Esc)."""
        box = QMessageBox(parent)
        box.setObjectName("quitQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Close TextDesk")
        box.setText(f"There are {waiting}.")
        box.setInformativeText(
            "TextDesk can keep sending them in the background while its window is closed, "
            "and you can open it again at any time to follow them."
        )
        keep = box.addButton(KEEP_TEXT, QMessageBox.ButtonRole.AcceptRole)
        stop = box.addButton(STOP_TEXT, QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is keep:
            return QuitChoice.KEEP_SENDING
        if clicked is stop:
            return QuitChoice.STOP_SENDING
        return QuitChoice.CANCEL
