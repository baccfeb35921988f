"""Add or edit one lead by hand: name, phone, email, tags, time zone and custom fields.

The services check every field (lead_form); a problem is shown in red under its field and
nothing is stored until none is left. Saving runs on the task pool like every other change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.wording import sentence
from desktop.services.leads.lead_form import LeadFormError, LeadInput, Saved, save_lead
from desktop.services.leads.store import LeadRow
from desktop.services.leads.time_zones import zone_choices
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE
from desktop.ui.kit.lifetime import run_for

FROM_THE_NUMBER = "From the phone number"


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


class LeadDialog(QDialog):
    saved = Signal(object)  # the services' Saved: the lead as stored

    def __init__(
        self,
        services: AppServices,
        lead: LeadRow | None = None,
        parent: QWidget | None = None,
        *,
        field_names: list[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("leadDialog")
        self.setWindowTitle(f"Edit {lead.full_name or lead.phone}" if lead else "New lead")
        self.setStyleSheet(FORM_STYLE)
        self.services = services
        self.lead = lead
        self.saving = False
        self.field_names = field_names or []

        self.phone = QLineEdit(lead.phone if lead else "")
        self.phone.setObjectName("leadPhone")
        self.phone.setPlaceholderText("+1 415 555 0100, or (415) 555-0100 in your own country")
        self.first_name = QLineEdit(lead.first_name if lead else "")
        self.last_name = QLineEdit(lead.last_name if lead else "")
        self.email = QLineEdit(lead.email if lead else "")
        self.email.setPlaceholderText("name@example.com")
        self.tags = QLineEdit(", ".join(lead.tags) if lead else "")
        self.tags.setPlaceholderText("vip, spring fair")
        self.timezone = QComboBox()
        self.timezone.setObjectName("leadTimezone")
        self.timezone.setEditable(True)
        self.timezone.addItems(["", *zone_choices()])
        zone_edit = self.timezone.lineEdit()
        assert zone_edit is not None  # an editable combo box has one
        zone_edit.setPlaceholderText(FROM_THE_NUMBER)
        self.timezone.setCurrentText(lead.timezone if lead else "")
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(list(zone_choices()), self.timezone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "york" finds America/New_York
        self.timezone.setCompleter(completer)
        self.fields = QTableWidget(0, 2)
        self.fields.setObjectName("leadCustomFields")
        self.fields.setHorizontalHeaderLabels(["Field", "Value"])
        self.fields.verticalHeader().hide()
        self.fields.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.fields.horizontalHeader().resizeSection(0, 150)
        self.fields.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.fields.setMinimumHeight(110)
        for name, value in lead.custom_fields if lead else ():
            self.add_field(name, value)
        self.add_field_button = QPushButton("Add a &field")
        self.remove_field_button = QPushButton("Remove field")
        self.add_field_button.clicked.connect(lambda: self.add_field("", "", edit=True))
        self.remove_field_button.clicked.connect(self._remove_field)
        fields_hint = QLabel(
            "Your own fields, such as company or store. Use them in a text as {company}."
            + (f" Fields other leads have: {', '.join(self.field_names)}." if field_names else "")
        )
        fields_hint.setObjectName("hint")
        fields_hint.setWordWrap(True)

        self.errors = {
            name: _error_label()
            for name in (
                "phone",
                "first_name",
                "last_name",
                "email",
                "tags",
                "timezone",
                "custom_fields",
            )
        }
        form = QFormLayout()
        rows: tuple[tuple[str, str, QWidget], ...] = (
            ("&Phone number", "phone", self.phone),
            ("&First name", "first_name", self.first_name),
            ("&Last name", "last_name", self.last_name),
            ("&Email", "email", self.email),
            ("&Tags", "tags", self.tags),
            ("Time &zone", "timezone", self.timezone),
        )
        for text, key, widget in rows:
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
            form.addRow("", self.errors[key])
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.add_field_button)
        buttons_row.addWidget(self.remove_field_button)
        buttons_row.addStretch(1)
        custom = QVBoxLayout()
        custom.addWidget(self.fields)
        custom.addLayout(buttons_row)
        custom.addWidget(fields_hint)
        custom.addWidget(self.errors["custom_fields"])
        form.addRow("Custom fields", custom)

        self.problem = _error_label()  # what is not about one field (the database, ...)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if lead is None:
            self.save_button.setText("&Add lead")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(520, 560)

    # -- custom fields -------------------------------------------------------------------

    def add_field(self, name: str, value: str, *, edit: bool = False) -> None:
        row = self.fields.rowCount()
        self.fields.insertRow(row)
        name_item = QTableWidgetItem(name)
        self.fields.setItem(row, 0, name_item)
        self.fields.setItem(row, 1, QTableWidgetItem(value))
        if edit:
            self.fields.setCurrentCell(row, 0)
            self.fields.editItem(name_item)

    def _remove_field(self) -> None:
        rows = sorted({index.row() for index in self.fields.selectedIndexes()}, reverse=True)
        for row in rows or ([self.fields.rowCount() - 1] if self.fields.rowCount() else []):
            self.fields.removeRow(row)

    def custom_fields(self) -> tuple[tuple[str, str], ...]:
        pairs = []
        for row in range(self.fields.rowCount()):
            name, value = (self.fields.item(row, col) for col in (0, 1))
            texts = (name.text() if name else "", value.text() if value else "")
            if any(t.strip() for t in texts):  # an empty row is no field
                pairs.append(texts)
        return tuple(pairs)

    # -- saving ----------------------------------------------------------------------------

    def entered(self) -> LeadInput:
        return LeadInput(
            phone=self.phone.text(),
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            email=self.email.text(),
            tags=self.tags.text(),
            timezone=self.timezone.currentText(),
            custom_fields=self.custom_fields(),
        )

    def save(self) -> None:
        if self.saving:
            return
        self.fields.setCurrentCell(-1, -1)  # commits a cell still being typed in
        data, ctx = self.entered(), self.services.ctx
        lead_id = self.lead.id if self.lead else None

        def work() -> Saved | dict[str, str]:
            try:
                return save_lead(ctx, data, lead_id)
            except LeadFormError as exc:
                return exc.problems  # shown under their fields, not as one sentence

        self.saving = True
        self.save_button.setEnabled(False)
        self.show_problems({})
        run_for(self, self.services.tasks, work, self._done, self._failed)

    def _done(self, result: Saved | dict[str, str]) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(result, dict):
            self.show_problems(result)
            return
        self.saved.emit(result)
        self.accept()

    def _failed(self, message: str) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.problem.setText(sentence(message))
        self.problem.show()

    def show_problems(self, problems: dict[str, str]) -> None:
        for name, label in self.errors.items():
            text = problems.get(name, "")
            label.setText(sentence(text) if text else "")
            label.setVisible(bool(text))
        self.problem.hide()
        first = next(iter(problems), None)
        widget = {"phone": self.phone, "email": self.email, "timezone": self.timezone}.get(
            first or ""
        )
        if widget is not None:
            widget.setFocus()
