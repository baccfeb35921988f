"""Auto-replies and templates: the inbox's settings, in a dialog of their own (opened from
Settings and from the Conversations page) so the Settings form keeps fitting 1024x700."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from desktop.ui.inbox.rules_tab import AutoRepliesTab
from desktop.ui.inbox.templates_tab import TemplatesTab
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE
from desktop.ui.kit.prompts import Prompts

TITLE = "Auto-replies and templates"


class InboxSettingsDialog(QDialog):
    def __init__(
        self,
        services: AppServices,
        parent: QWidget | None = None,
        *,
        prompts: Prompts | None = None,
        show_templates: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inboxSettingsDialog")
        self.setWindowTitle(TITLE)
        self.setStyleSheet(FORM_STYLE)
        self.auto_replies = AutoRepliesTab(services, prompts=prompts)
        self.templates = TemplatesTab(services, prompts=prompts)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.auto_replies, "Auto-&replies")
        self.tabs.addTab(self.templates, "&Templates")
        if show_templates:
            self.tabs.setCurrentWidget(self.templates)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(760, 480)
