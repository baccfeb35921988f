"""The small form that adds or edits an auto-reply (keyword and answer) or a template (name
and text): the text with the composer's live counter, the service's refusal in red under
the form (an opt-out keyword, an empty text, a name in use), nothing saved until it is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.wording import sentence
from desktop.services.text.segments import analyze
from desktop.ui.composer.text_counter import counter_line, counter_tooltip
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE
from desktop.ui.kit.lifetime import run_for

Save = Callable[[str, str], Any]  # (key, text) -> what was stored; runs on the task pool


class EntryDialog(QDialog):
    saved = Signal(object)  # what `save` returned

    def __init__(
        self,
        services: AppServices,
        title: str,
        labels: tuple[str, str],
        save: Save,
        parent: QWidget | None = None,
        *,
        key: str = "",
        text: str = "",
        hint: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inboxEntryDialog")
        self.setWindowTitle(title)
        self.setStyleSheet(FORM_STYLE)
        self.services = services
        self._save = save
        self.saving = False

        self.key_edit = QLineEdit(key)
        self.key_edit.setObjectName("entryKey")
        self.text_edit = QPlainTextEdit(text)
        self.text_edit.setObjectName("entryText")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(90)
        self.counter = QLabel()
        self.counter.setObjectName("stepCounter")
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        key_label, text_label = QLabel(labels[0]), QLabel(labels[1])
        key_label.setBuddy(self.key_edit)
        text_label.setBuddy(self.text_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(key_label, self.key_edit)
        form.addRow(text_label, self.text_edit)
        form.addRow("", self.counter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.text_edit.textChanged.connect(self._count)
        QWidget.setTabOrder(self.key_edit, self.text_edit)
        QWidget.setTabOrder(self.text_edit, self.save_button)
        self._count()
        self.resize(520, 300)
        (self.text_edit if key else self.key_edit).setFocus()

    def _count(self) -> None:
        stats = analyze(self.text_edit.toPlainText())
        self.counter.setText(counter_line(stats))
        self.counter.setToolTip(counter_tooltip(stats))

    def save(self) -> None:
        if self.saving:
            return
        key, text = self.key_edit.text(), self.text_edit.toPlainText()
        self.saving = True
        self.save_button.setEnabled(False)
        self.error.hide()
        save = self._save
        run_for(self, self.services.tasks, lambda: save(key, text), self._saved, self._refused)

    def _saved(self, result: object) -> None:
        self.saving = False
        self.saved.emit(result)
        self.accept()

    def _refused(self, message: str) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.error.setText(sentence(message))
        self.error.show()
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
