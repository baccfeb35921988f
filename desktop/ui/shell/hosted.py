"""Screens built in their own modules (composer, leads, settings, import), loaded on demand.

Loading them lazily keeps start-up quick; loading them defensively keeps the window usable if
one of them fails to import (a broken build shows a sentence, not a crash).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

log = logging.getLogger(__name__)


def load(loader: Callable[[], Any]) -> Any | None:
    """What `loader` imports (a class), or None, logged, if it cannot be imported.

    Loaders import by name (`from desktop.ui.composer.dialog import ComposerDialog`), so a freezer
    such as PyInstaller sees the dependency."""
    try:
        return loader()
    except ImportError:
        log.exception("a screen is not available")
        return None


def leads_page() -> Any:
    from desktop.ui.leads.page import LeadsPage

    return LeadsPage


def composer() -> Any:
    from desktop.ui.composer.dialog import ComposerDialog

    return ComposerDialog


def settings_dialog() -> Any:
    from desktop.ui.settings.dialog import SettingsDialog

    return SettingsDialog


def import_wizard() -> Any:
    from desktop.ui.importer.wizard import ImportWizard

    return ImportWizard


def placeholder(text: str) -> QWidget:
    widget = QWidget()
    label = QLabel(text)
    label.setProperty("role", "emptyState")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout = QVBoxLayout(widget)
    layout.addWidget(label)
    return widget
