"""Settings -> Team database: the PostgreSQL database the desktops of a team share, with a
Test button that says what TextDesk would find there before anything is kept."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from desktop.services.core import team_database
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import restyle
from desktop.ui.kit.lifetime import run_for

HINT = (
    "Leave empty to keep your data on this computer. For several desktops on one database: "
    "postgresql://USER:PASSWORD@HOST/NAME (the README's Team mode). TextDesk switches when "
    "it next starts."
)


class TeamDatabaseBox(QGroupBox):
    tested = Signal(bool, str)

    def __init__(self, services: AppServices) -> None:
        super().__init__(team_database.FIELD)
        self.services = services
        self.testing = False
        self.kept = team_database.current()
        self.edit = QLineEdit(team_database.shown(self.kept) if self.kept else "")
        self.edit.setObjectName("teamDatabaseEdit")
        self.edit.setPlaceholderText("postgresql://USER:PASSWORD@HOST/NAME")
        self.edit.setClearButtonEnabled(True)
        self.edit.setToolTip("The same URL on every desktop of the team")
        label = QLabel("S&hared database")
        label.setBuddy(self.edit)
        self.test_button = QPushButton("Try connectin&g")
        self.test_button.setObjectName("teamDatabaseTestButton")
        self.test_button.setAutoDefault(False)
        self.result = QLabel()
        self.result.setObjectName("hint")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        hint = QLabel(HINT)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.edit, 1)
        row.addWidget(self.test_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addWidget(hint)
        self.test_button.clicked.connect(self.test)

    def typed(self) -> str:
        return self.edit.text().strip()

    def changed(self) -> bool:
        shown = team_database.shown(self.kept) if self.kept else ""
        return self.typed() != shown

    def test(self) -> None:
        if self.testing:  # the button keeps the focus: a second click is ignored
            return
        typed = self.typed()
        if not typed:
            self._show(True, "Your data stays on this computer (no team database).")
            return
        url = team_database.with_kept_password(typed)
        self.testing = True
        self._show(None, "Connecting…")
        run_for(
            self,
            self.services.tasks,
            lambda: team_database.try_database(url),
            lambda tried: self._tested(tried.ok, tried.sentence),
            lambda message: self._tested(False, message),
        )

    def problem(self) -> str | None:
        """Why the typed URL cannot be kept (checked before saving), else None."""
        typed = self.typed()
        if not typed or not self.changed():
            return None
        try:
            team_database.checked(typed)
        except Exception as exc:
            return str(exc)
        return None

    def save(self) -> bool:
        """Keep the typed URL (on the caller's thread: a small file); True when it changed."""
        if not self.changed():
            return False
        team_database.choose(self.typed() or None)
        self.kept = team_database.current()
        return True

    def _tested(self, ok: bool, sentence: str) -> None:
        self.testing = False
        self._show(ok, sentence)
        self.tested.emit(ok, sentence)

    def _show(self, ok: bool | None, sentence: str) -> None:
        style = "hint" if ok is None else ("successBox" if ok else "checkProblems")
        restyle(self.result, style)
        self.result.setText(sentence)
        self.result.show()
