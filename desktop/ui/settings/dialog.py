"""Settings: Twilio account and sender, sending pace, quiet hours, durations, price.

Values are read and saved on the task pool (the token may go through the OS keyring, which
can be slow). Each field shows its problem in plain words right under it; nothing is saved
while any field is wrong. The auth token is never shown back: the field stays empty with a
masked hint, and the stored token is replaced only when a new one is typed.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.settings import TOKEN_KEY
from desktop.services.settings_form import (
    FIELDS,
    Loaded,
    check_connection,
    field_error,
    load_settings,
)
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE, restyle
from desktop.ui.kit.lifetime import run_for

GROUPS = (
    ("Twilio account", ("twilio_account_sid", TOKEN_KEY, "sender", "twilio_api_url")),
    ("Sending", ("rate_limit", "quiet_hours", "price_per_segment", "default_region")),
    ("Timing", ("carrier_window", "delivery_unknown_after", "poll_interval")),
)


def _label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    return label


class SettingsDialog(QDialog):
    settingsSaved = Signal()
    connectionTested = Signal(bool, str)

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        """Edits `services.ctx.settings`. In demo mode the main window hands in services whose
        context is the real database, so credentials never land in the demo data."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setStyleSheet(FORM_STYLE)
        self.services = services
        self.settings = services.ctx.settings
        self.loaded: Loaded | None = None
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.hints: dict[str, QLabel] = {}
        self.stacks: dict[str, QVBoxLayout] = {}
        self.saving = False
        self.testing = False

        self.intro = _label("infoBox")
        self.intro.setText(
            "Demo mode: texts are simulated. What you save here is for sending for real and is "
            "kept apart from the demo data; restart TextDesk afterwards to use it."
        )
        self.intro.setVisible(services.demo)
        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        for index, (title, keys) in enumerate(GROUPS):
            group = QGroupBox(title)
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for key in keys:
                self._add_field(form, key)
            if title == "Twilio account":
                self._add_account_extras(form)
            (left if index == 0 else right).addWidget(group)
        left.addStretch(1)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.status = _label("fieldError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)  # until the current values are shown
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(columns, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.resize(980, 640)
        self._load()

    # -- building ----------------------------------------------------------------------

    def _add_field(self, form: QFormLayout, key: str) -> None:
        spec = FIELDS[key]
        edit = QLineEdit()
        edit.setObjectName(f"setting_{key}")
        edit.setPlaceholderText(spec.placeholder)
        edit.setEnabled(False)  # until loaded
        error = _label("fieldError")
        error.hide()
        hint = _label("hint")
        hint.setText(spec.hint)
        hint.setVisible(bool(spec.hint))
        box = QWidget()
        stack = QVBoxLayout(box)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(2)
        stack.addWidget(edit)
        stack.addWidget(error)
        stack.addWidget(hint)
        label = QLabel(spec.label)
        label.setBuddy(edit)
        form.addRow(label, box)
        self.edits[key], self.errors[key], self.hints[key] = edit, error, hint
        self.stacks[key] = stack
        edit.editingFinished.connect(lambda k=key: self._validate(k))
        edit.textEdited.connect(lambda _text, k=key: self._clear_error(k))

    def _add_account_extras(self, form: QFormLayout) -> None:
        token = self.edits[TOKEN_KEY]
        token.setEchoMode(QLineEdit.EchoMode.Password)
        self.forget_token = QCheckBox("Remove the saved token")
        self.forget_token.hide()
        self.forget_token.toggled.connect(lambda on: token.setEnabled(not on))
        self.stacks[TOKEN_KEY].addWidget(self.forget_token)
        self.test_button = QPushButton("Test &connection")
        self.test_button.setEnabled(False)
        self.test_result = _label("hint")
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QWidget()
        line = QVBoxLayout(row)
        line.setContentsMargins(0, 6, 0, 0)
        line.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        line.addWidget(self.test_result)
        form.addRow("", row)
        self.test_button.clicked.connect(self.test_connection)

    # -- loading -----------------------------------------------------------------------

    def _load(self) -> None:
        settings, environ = self.settings, dict(os.environ)
        run_for(
            self,
            self.services.tasks,
            lambda: load_settings(settings, environ),
            self._loaded,
            self._load_failed,
        )

    def _loaded(self, loaded: Loaded) -> None:
        self.loaded = loaded
        for key, edit in self.edits.items():
            env = loaded.from_env.get(key)
            if key != TOKEN_KEY:
                edit.setText(loaded.values[key])
            edit.setEnabled(not env)
            if env:
                edit.setToolTip(f"Set by the environment variable {env}; change it there.")
                self.hints[key].setText(f"Set by the environment variable {env}.")
                self.hints[key].show()
        token_hint = f"Kept in {loaded.token_store}, never in the database."
        if loaded.token_saved:
            self.edits[TOKEN_KEY].setPlaceholderText(
                f"{loaded.values[TOKEN_KEY]} (saved; type a new one to replace it)"
            )
            self.forget_token.setVisible(TOKEN_KEY not in loaded.from_env)
        else:
            self.edits[TOKEN_KEY].setPlaceholderText("Paste the auth token from the Twilio Console")
        self.hints[TOKEN_KEY].setText(token_hint)
        self.hints[TOKEN_KEY].show()
        self.save_button.setEnabled(True)
        self.test_button.setEnabled(True)

    def _load_failed(self, message: str) -> None:
        self.status.setText(f"Could not read the settings: {message}")

    # -- validation and saving ---------------------------------------------------------------

    def _clear_error(self, key: str) -> None:
        self.errors[key].hide()

    def _validate(self, key: str) -> str:
        edit = self.edits[key]
        text = edit.text()
        problem = "" if key == TOKEN_KEY and not text else field_error(key, text)
        self.errors[key].setText(problem)
        self.errors[key].setVisible(bool(problem))
        return problem

    def changes(self) -> dict[str, str]:
        """The settings the user changed, as typed; the token only when a new one was typed."""
        if self.loaded is None:
            return {}
        changed: dict[str, str] = {}
        for key, edit in self.edits.items():
            if not edit.isEnabled():
                continue
            if key == TOKEN_KEY:
                if edit.text().strip():
                    changed[key] = edit.text().strip()
            elif edit.text().strip() != self.loaded.values[key].strip():
                changed[key] = edit.text()
        if self.forget_token.isChecked():
            changed[TOKEN_KEY] = ""  # Settings.set deletes the secret for an empty value
        return changed

    def save(self) -> None:
        if self.saving or self.loaded is None:
            return
        changes = self.changes()
        wrong = [key for key in changes if key != TOKEN_KEY or changes[key]]
        problems = [key for key in wrong if self._validate(key)]
        if problems:
            self.edits[problems[0]].setFocus()
            self.status.setText("Nothing was saved: please correct the fields marked in red.")
            return
        if not changes:
            self.accept()
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.status.setText("")
        settings = self.settings
        run_for(
            self,
            self.services.tasks,
            lambda: settings.set_many(changes),
            self._saved,
            self._save_failed,
        )

    def _saved(self, _result: object) -> None:
        self.saving = False
        self.settingsSaved.emit()
        self.accept()

    def _save_failed(self, message: str) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.status.setText(f"Nothing was saved: {message}")

    # -- connection test -------------------------------------------------------------------

    def test_connection(self) -> None:
        if self.testing:
            return
        for key in ("twilio_account_sid", "twilio_api_url", TOKEN_KEY):
            if self.edits[key].text() and self._validate(key):
                return
        sid = self.edits["twilio_account_sid"].text().strip()
        token = self.edits[TOKEN_KEY].text().strip()
        url = self.edits["twilio_api_url"].text().strip().rstrip("/")
        settings = self.settings
        self.testing = True
        self.test_button.setEnabled(False)
        restyle(self.test_result, "hint")
        self.test_result.setText("Asking Twilio…")
        run_for(
            self,
            self.services.tasks,
            lambda: check_connection(settings, sid, token, url),
            self._tested,
            lambda message: self._tested((False, message)),
        )

    def _tested(self, outcome: tuple[bool, str]) -> None:
        worked, message = outcome
        self.testing = False
        self.test_button.setEnabled(True)
        restyle(self.test_result, "successBox" if worked else "checkProblems")
        self.test_result.setText(message)
        self.connectionTested.emit(worked, message)
