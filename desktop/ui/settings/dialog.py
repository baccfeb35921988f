"""Settings: Twilio account (auth token or API key) and sender, sending pace, quiet hours,
numbers that cannot take texts, durations, price, start at login, the business.

Values are read and saved on the task pool (a secret may go through the OS keyring, which
can be slow). Each field shows its problem in plain words right under it; nothing is saved
while any field is wrong. Secrets (the auth token, the API key's secret) are never shown
back: the field stays empty with a masked hint, and the stored secret is replaced only when
a new one is typed.

The fields scroll inside the dialog and Test connection sits on the bottom row beside Save,
so an error appearing under a field never moves the button under the pointer; the test
leaves the focus on the button. Saved credentials apply at once: the sending service reads
them again by itself within seconds (only leaving demo mode needs a restart).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.settings import API_KEY_KEY, API_SECRET_KEY, TOKEN_KEY
from desktop.services.settings_form import (
    FIELDS,
    SECRET_KEYS,
    Credentials,
    Loaded,
    check_connection,
    field_error,
    load_settings,
)
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE, restyle
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.tooltips import wrapped_tooltip
from desktop.ui.settings.fields import SettingField
from desktop.ui.settings.team_database import TeamDatabaseBox

ACCOUNT = "Twilio account"
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        ACCOUNT,
        ("twilio_account_sid", TOKEN_KEY, API_KEY_KEY, API_SECRET_KEY, "sender", "twilio_api_url"),
    ),
    (
        "Sending",
        ("rate_limit", "quiet_hours", "suppress_dead_numbers", "price_per_segment"),
    ),
    ("Timing", ("carrier_window", "delivery_unknown_after", "poll_interval")),
    ("You and this computer", ("default_region", "owner_phone", "business_name", "start_at_login")),
)
FORGET_TEXT = {TOKEN_KEY: "&Forget the saved token", API_SECRET_KEY: "For&get the saved secret"}
APPLY_NOTE = (
    "Saved changes apply within a few seconds: the sending service picks them up by itself."
)
HALF_KEY = "An API key needs its SID and its secret; clear both to use the auth token."


def _label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    return label


def grouped_keys() -> list[tuple[str, tuple[str, ...]]]:
    """GROUPS, plus any setting no group names (a new one still shows, under More)."""
    named = {key for _title, keys in GROUPS for key in keys}
    rest = tuple(key for key in FIELDS if key not in named)
    return [*GROUPS, ("More", rest)] if rest else list(GROUPS)


class SettingsDialog(QDialog):
    settingsSaved = Signal()
    connectionTested = Signal(bool, str)
    teamDatabaseChanged = Signal()  # kept for the next start: the window offers a restart

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
        self.fields: dict[str, SettingField] = {}
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.hints: dict[str, QLabel] = {}
        self.forget: dict[str, QCheckBox] = {}
        self.saving = False
        self.testing = False
        # Auto-replies and templates belong with the messages: the window's database (the
        # demo's in demo mode), which the main window hands in; else this dialog's.
        self.inbox_services: AppServices | None = None
        self.inbox_dialog: QDialog | None = None

        self.intro = _label("infoBox")
        self.intro.setText(
            "Demo mode: texts are simulated. What you save here is for sending for real and is "
            "kept apart from the demo data; restart TextDesk afterwards to use it."
        )
        self.intro.setVisible(services.demo)
        self.test_result = _label("hint")
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.hide()
        self.apply_note = _label("hint")
        self.apply_note.setText(APPLY_NOTE)
        self.apply_note.setVisible(not services.demo)

        self.status = _label("fieldError")
        self.test_button = QPushButton("Test c&onnection")
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.setAutoDefault(False)  # Enter in a field saves, it does not test
        self.test_button.setEnabled(False)  # until the current values are shown
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save")
        self.save_button.setEnabled(False)  # until the current values are shown
        self.inbox_button = QPushButton("Auto-replies an&d templates…")
        self.inbox_button.setObjectName("inboxSettingsButton")
        self.inbox_button.setToolTip(
            wrapped_tooltip("Keywords answered by themselves (HELP, HOURS…) and saved messages")
            or ""
        )
        self.inbox_button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.test_button)
        bottom.addWidget(self.inbox_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self._scrolling_fields(), 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self.test_connection)
        self.inbox_button.clicked.connect(self.open_inbox_settings)
        self.resize(980, 640)
        self._load()

    def open_inbox_settings(self) -> QDialog:
        from desktop.ui.inbox.settings_dialog import InboxSettingsDialog  # when first used

        dialog = InboxSettingsDialog(self.inbox_services or self.services, self)
        dialog.open()
        self.inbox_dialog = dialog
        return dialog

    # -- building ----------------------------------------------------------------------

    def _scrolling_fields(self) -> QScrollArea:
        """The groups in two columns, in a scroll area: growing errors scroll, the bottom
        row (Test connection, Save) stays where it is."""
        content = QWidget()
        columns = QHBoxLayout(content)
        left, right = QVBoxLayout(), QVBoxLayout()
        for title, keys in grouped_keys():
            group = QGroupBox(title)
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for key in keys:
                self._add_field(form, key)
            if title == ACCOUNT:
                form.addRow("", self.test_result)
                form.addRow("", self.apply_note)
            (left if title == ACCOUNT else right).addWidget(group)
        self.team_database = TeamDatabaseBox(self.services)
        right.addWidget(self.team_database)
        left.addStretch(1)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        scroll = QScrollArea()
        scroll.setObjectName("settingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        return scroll

    def _add_field(self, form: QFormLayout, key: str) -> None:
        field = SettingField(key)
        field.add_to(form)
        self.fields[key] = field
        self.errors[key], self.hints[key] = field.error, field.hint
        field.edited.connect(lambda k=key: self.fields[k].show_error(""))
        edit = field.edit
        if edit is not None:
            self.edits[key] = edit
            edit.editingFinished.connect(lambda k=key: self._validate(k))
        if key in SECRET_KEYS:
            assert edit is not None
            forget = QCheckBox(FORGET_TEXT.get(key, "Forget the saved secret"))
            forget.hide()
            forget.toggled.connect(lambda on, e=edit: e.setEnabled(not on))
            field.stack.addWidget(forget)
            self.forget[key] = forget

    @property
    def forget_token(self) -> QCheckBox:
        return self.forget[TOKEN_KEY]

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
        for key, field in self.fields.items():
            field.show_value(loaded.values[key])
            field.input.setEnabled(True)
            env = loaded.from_env.get(key)
            if env:
                field.set_from_env(env)
        for key in SECRET_KEYS:
            self._show_secret(key, loaded)
        self.save_button.setEnabled(True)
        self.test_button.setEnabled(True)

    def _show_secret(self, key: str, loaded: Loaded) -> None:
        edit = self.edits[key]
        name = "token" if key == TOKEN_KEY else "secret"
        if key in loaded.saved_secrets:
            edit.setPlaceholderText(f"{loaded.values[key]} (saved; type a new one to replace it)")
            self.forget[key].setVisible(key not in loaded.from_env)
        elif key == TOKEN_KEY:
            edit.setPlaceholderText("Paste the auth token from the Twilio Console")
        else:
            edit.setPlaceholderText(f"The {name} shown once when the API key was created")
        self.hints[key].setText(f"Kept in {loaded.token_store}, never in the database.")
        self.hints[key].show()

    def _load_failed(self, message: str) -> None:
        self.status.setText(f"Could not read the settings: {message}")

    # -- validation and saving ---------------------------------------------------------------

    def _validate(self, key: str) -> str:
        field = self.fields[key]
        text = field.text()
        if field.field.kind in ("switch", "choice") or (key in SECRET_KEYS and not text):
            problem = ""  # a value from the list; a secret left empty keeps the saved one
        else:
            problem = field_error(key, text)
        field.show_error(problem)
        return problem

    def _secret_after_save(self, key: str, changes: dict[str, str]) -> bool:
        """Whether secret `key` has a value once `changes` are saved."""
        if key in changes:
            return bool(changes[key])
        loaded = self.loaded
        return loaded is not None and (key in loaded.saved_secrets or key in loaded.from_env)

    def _half_key(self, changes: dict[str, str]) -> str:
        """Which field to mark when an API key would be saved without its secret (or the
        reverse): the sending service would refuse to start with half a key."""
        key_sid = changes.get(API_KEY_KEY, self.fields[API_KEY_KEY].text()).strip()
        has_secret = self._secret_after_save(API_SECRET_KEY, changes)
        if key_sid and not has_secret:
            return API_SECRET_KEY
        if has_secret and not key_sid and API_SECRET_KEY in changes:
            return API_KEY_KEY
        return ""

    def changes(self) -> dict[str, str]:
        """The settings the user changed; a secret only when a new one was typed (or the
        saved one is to be forgotten)."""
        if self.loaded is None:
            return {}
        changed: dict[str, str] = {}
        for key, field in self.fields.items():
            if not field.input.isEnabled() and key not in self.forget:
                continue
            text = field.text().strip()
            if key in SECRET_KEYS:
                if self.forget[key].isChecked():
                    changed[key] = ""  # Settings.set deletes the secret for an empty value
                elif text:
                    changed[key] = text
            elif text != self.loaded.values[key].strip():
                changed[key] = field.text()
        return changed

    def save(self) -> None:
        if self.saving or self.loaded is None:
            return
        changes = self.changes()
        wrong = [key for key in changes if key not in SECRET_KEYS or changes[key]]
        problems = [key for key in wrong if self._validate(key)]
        half = self._half_key(changes)
        if half and half not in problems:
            self.fields[half].show_error(HALF_KEY)
            problems.append(half)
        if problems:
            self.fields[problems[0]].input.setFocus()
            self.status.setText("Nothing was saved: please correct the fields marked in red.")
            return
        team_problem = self.team_database.problem()
        if team_problem:
            self.team_database.edit.setFocus()
            self.status.setText(f"Nothing was saved: {team_problem}")
            return
        if self.team_database.save():
            self.teamDatabaseChanged.emit()
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

    def typed_credentials(self) -> Credentials:
        def text(key: str) -> str:
            return self.fields[key].text().strip()

        return Credentials(
            account_sid=text("twilio_account_sid"),
            token=text(TOKEN_KEY),
            api_key=text(API_KEY_KEY),
            api_secret=text(API_SECRET_KEY),
            api_url=text("twilio_api_url").rstrip("/"),
        )

    def test_connection(self) -> None:
        # The button stays enabled while the test runs: disabling it would push the focus
        # to the next field (and select its text). A second click is simply ignored.
        if self.testing:
            return
        keys = ("twilio_account_sid", "twilio_api_url", TOKEN_KEY, API_KEY_KEY, API_SECRET_KEY)
        for key in keys:
            if self.fields[key].text() and self._validate(key):
                return
        typed, settings = self.typed_credentials(), self.settings
        self.testing = True
        restyle(self.test_result, "hint")
        self.test_result.setText("Asking Twilio…")
        self.test_result.show()
        run_for(
            self,
            self.services.tasks,
            lambda: check_connection(settings, typed),
            self._tested,
            lambda message: self._tested((False, message)),
        )

    def _tested(self, outcome: tuple[bool, str]) -> None:
        worked, message = outcome
        self.testing = False
        restyle(self.test_result, "successBox" if worked else "checkProblems")
        self.test_result.setText(message)
        self.connectionTested.emit(worked, message)
