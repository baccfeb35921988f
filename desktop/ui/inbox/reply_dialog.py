"""Answering a lead where no Conversations page is at hand (a history dialog on its own): the
reply box in a small dialog, closed once the answer is queued."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.ui.inbox.reply_box import ReplyBox
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE


class ReplyDialog(QDialog):
    def __init__(
        self,
        services: AppServices,
        lead_id: int,
        parent: QWidget | None = None,
        *,
        name: str = "",
        phone: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("replyDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setStyleSheet(FORM_STYLE)
        who = f"{name} · {phone}" if name and name != phone else (phone or f"lead {lead_id}")
        self.setWindowTitle(f"Answer {name or phone or 'the lead'}")
        self.title = QLabel(who)
        self.title.setProperty("role", "dialogTitle")
        self.reply_box = ReplyBox(services)
        self.reply_box.set_lead(lead_id, name, phone)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.reply_box, 1)
        layout.addWidget(buttons)
        self.reply_box.answered.connect(lambda _lead, _answer: self.accept())
        self.resize(560, 260)
        self.reply_box.edit.setFocus()
