"""The questions screens ask the user: confirmations, file names, notes.

Kept behind one small class so tests can answer them (a subclass with canned answers) instead
of patching QMessageBox or QFileDialog: the edge of the world is faked, nothing else.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


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

    def save_path(self, parent: QWidget | None, title: str, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, suggested, "CSV files (*.csv)")
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(".csv")

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)
