"""The pages of the import wizard: choose the file, match its columns, read the report.

The pages draw and read the ImportSession; ImportWizard (wizard.py) owns the session, runs
the work and connects the pages' buttons and signals to it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from desktop.services.core.errors import UserError
from desktop.services.core.wording import sentence
from desktop.services.leads.columns import FIELDS, custom_columns
from desktop.services.leads.store import normalize_tag
from desktop.services.sequences.forecast import group_digits
from desktop.ui.importer.session import ImportSession
from desktop.ui.importer.table_models import (
    FIELD_LABELS,
    ImportReportModel,
    MappingPreviewModel,
    column_name,
)
from desktop.ui.kit.form_style import restyle
from desktop.ui.kit.tooltips import wrapped_tooltip

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def _label(object_name: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label


class FilePage(QWizardPage):
    previewWanted = Signal()  # read the file now (a pause in typing, or a chosen file)

    def __init__(self, session: ImportSession) -> None:
        super().__init__()
        self.session = session
        self.setTitle("Choose a CSV file")
        self.setSubTitle(
            "Save your contacts from a spreadsheet or CRM as a CSV file. TextDesk finds the "
            "phone column by itself; you can correct it on the next page."
        )
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText("Choose a file or paste its path")
        self.browse_button = QPushButton("&Browse…")
        self.sample_button = QPushButton("Save a &sample CSV…")
        self.sample_button.setToolTip(
            wrapped_tooltip(
                "A small CSV file with the columns TextDesk recognises, to fill in with your "
                "spreadsheet program"
            )
            or ""
        )
        self.tag_edit = QLineEdit()
        self.tag_edit.setObjectName("importTag")
        self.tag_edit.setPlaceholderText("e.g. spring fair (optional)")
        self.tag_error = _label("fieldError")
        self.status = _label("hint")
        file_label = QLabel("&File")
        file_label.setBuddy(self.path_edit)
        tag_label = QLabel("&Tag these leads")
        tag_label.setBuddy(self.tag_edit)

        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        sample_row = QHBoxLayout()
        self.sample_status = _label("hint")
        sample_row.addWidget(self.sample_button)
        sample_row.addWidget(self.sample_status, 1)
        form = self.form = QFormLayout(self)
        form.addRow(file_label, row)
        form.addRow("", self.status)
        form.addRow("", sample_row)
        form.addRow(tag_label, self.tag_edit)
        form.addRow("", self.tag_error)
        form.setRowVisible(self.tag_error, False)
        hint = _label("hint")
        hint.setText(
            "A tag lets you send to exactly these leads later (choose “Leads tagged” in the "
            "composer). Numbers already in TextDesk are not duplicated: on the next page you "
            "choose whether the file may change what you already have."
        )
        form.addRow("", hint)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)  # read the file when the typing pauses
        self._timer.timeout.connect(self.previewWanted)
        self.path_edit.textChanged.connect(self._path_edited)
        self.tag_edit.textChanged.connect(self._check_tag)

    def load_now(self) -> None:
        """Read the file at once rather than after the typing pause."""
        self._timer.stop()
        self.previewWanted.emit()

    def _path_edited(self) -> None:
        self.session.forget_preview()
        self.status.setText("")
        self._timer.start()
        self.completeChanged.emit()

    def _check_tag(self) -> None:
        text = self.tag_edit.text()
        problem = ""
        if text.strip():
            try:
                normalize_tag(text)
            except UserError as exc:
                problem = sentence(str(exc))
        self.tag_error.setText(problem)
        self.form.setRowVisible(self.tag_error, bool(problem))
        self.completeChanged.emit()

    def show_status(self) -> None:
        preview = self.session.preview
        if self.session.preview_error:
            restyle(self.status, "fieldError")
            self.status.setText(self.session.preview_error)
        elif preview is not None:
            restyle(self.status, "hint")
            rows = group_digits(preview.total_rows_estimate)
            self.status.setText(
                f"About {rows} rows and {preview.column_count} columns "
                f"({preview.encoding.upper()}, "
                f"{DELIMITER_NAMES.get(preview.delimiter, preview.delimiter)}-separated)."
            )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.session.preview is not None and not self.tag_error.text()


class MappingPage(QWizardPage):
    def __init__(self, session: ImportSession) -> None:
        super().__init__()
        self.session = session
        self.setTitle("Match the columns")
        self.setSubTitle("Tell TextDesk which column holds what. Only the phone number is needed.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.header_check = QCheckBox("The &first row holds column names")
        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        for i, name in enumerate(FIELDS):
            combo = QComboBox()
            combo.setObjectName(f"map_{name}")
            self.combos[name] = combo
            text = FIELD_LABELS[name] + (" (required)" if name == "phone" else "")
            label = QLabel(("&" if name == "phone" else "") + text)
            label.setBuddy(combo)
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(combo, i // 2, (i % 2) * 2 + 1)
            combo.currentIndexChanged.connect(self._mapping_changed)
        self.model = MappingPreviewModel(self)
        self.table = QTableView()
        self.table.setObjectName("mappingPreview")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.table.horizontalHeader().setMinimumHeight(40)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.problem = _label("fieldError")
        self.region_hint = _label("hint")  # said only when the file has such numbers
        self.custom_check = QCheckBox("Keep the other &columns as custom fields for your texts")
        self.custom_check.setChecked(True)
        self.custom_check.toggled.connect(self._mapping_changed)
        self.custom_hint = _label("hint")
        self.keep_radio = QRadioButton("&Keep what you have; fill in only their empty fields")
        self.overwrite_radio = QRadioButton("Let the file &overwrite their names, emails, …")
        self.overwrite_radio.setToolTip(
            wrapped_tooltip(
                "Names, emails, time zones and custom fields from the file replace the stored "
                "ones; an empty cell never erases anything"
            )
            or ""
        )
        self.keep_radio.setChecked(True)
        existing = QButtonGroup(self)
        existing.addButton(self.keep_radio)
        existing.addButton(self.overwrite_radio)
        existing_row = QHBoxLayout()
        existing_row.addWidget(QLabel("Leads you already have:"))
        existing_row.addWidget(self.keep_radio)
        existing_row.addWidget(self.overwrite_radio)
        existing_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header_check)
        layout.addLayout(grid)
        layout.addWidget(self.problem)
        layout.addWidget(self.region_hint)
        layout.addWidget(self.custom_check)
        layout.addWidget(self.custom_hint)
        layout.addLayout(existing_row)
        preview_label = QLabel("First rows of the file:")
        layout.addWidget(preview_label)
        layout.addWidget(self.table, 1)

    def fill(self) -> None:
        """Rebuild the choices from the session's current preview."""
        preview = self.session.preview
        if preview is None:
            return
        self.header_check.blockSignals(True)
        self.header_check.setChecked(preview.has_header)
        self.header_check.blockSignals(False)
        first = preview.rows[0] if preview.rows else []
        for name, combo in self.combos.items():
            combo.blockSignals(True)  # filling is not a choice by the user
            combo.clear()
            combo.addItem("(not in the file)", -1)
            for column in range(preview.column_count):
                title = preview.header[column] if column < len(preview.header) else ""
                sample = first[column].strip() if column < len(first) else ""
                text = f"{column_name(column)}: {title or 'column ' + column_name(column)}"
                if sample:
                    text += f" — e.g. {sample[:30]}"
                combo.addItem(text, column)
            combo.setCurrentIndex(max(0, combo.findData(preview.mapping.get(name, -1))))
            combo.blockSignals(False)
        self.model.set_preview(
            preview.header, preview.rows, preview.column_count, self.session.region
        )
        self._mapping_changed()
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(preview.column_count):  # a long cell must not hide the others
            header.resizeSection(column, min(max(header.sectionSize(column), 110), 240))

    def mapping(self) -> dict[str, int]:
        chosen = {name: combo.currentData() for name, combo in self.combos.items()}
        return {name: int(col) for name, col in chosen.items() if col is not None and col >= 0}

    def custom_mapping(self) -> dict[str, int]:
        """The other named columns, as custom fields (none when the owner says no)."""
        preview = self.session.preview
        if preview is None or not self.custom_check.isChecked():
            return {}
        return custom_columns(preview.header, self.mapping())

    def overwrite(self) -> bool:
        return self.overwrite_radio.isChecked()

    def _mapping_changed(self) -> None:
        mapping = self.mapping()
        preview = self.session.preview
        available = custom_columns(preview.header, mapping) if preview is not None else {}
        custom = self.custom_mapping()
        self.model.set_mapping(mapping, custom)
        self.problem.setText(
            "" if "phone" in mapping else "Choose the column that holds the phone numbers."
        )
        self.custom_check.setVisible(bool(available))
        self.custom_hint.setVisible(bool(available))
        fields = ", ".join("{" + name + "}" for name in available)
        self.custom_hint.setText(
            f"Use them in a text as {fields}." if custom else f"Not imported: {fields}."
        )
        national = self._national_numbers(mapping.get("phone"))
        self.region_hint.setText(
            f"Numbers without a + country code are read as {self.session.region} numbers."
            if national
            else ""
        )
        self.region_hint.setVisible(national)
        self.completeChanged.emit()

    def _national_numbers(self, column: int | None) -> bool:
        """Whether the phone column shows numbers written without their country code."""
        preview = self.session.preview
        if preview is None or column is None:
            return False
        cells = (row[column].strip() for row in preview.rows if column < len(row))
        return any(cell and not cell.startswith(("+", "00")) for cell in cells)

    def isComplete(self) -> bool:
        return self.session.preview is not None and "phone" in self.mapping()


class ReportPage(QWizardPage):
    importRequested = Signal()  # the page is shown: the import starts

    def __init__(self, session: ImportSession) -> None:
        super().__init__()
        self.session = session
        self.setTitle("Import report")
        self.setSubTitle("What happened to each row of the file.")
        self.summary = _label("reportSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.notes = _label("infoBox")
        self.notes.hide()
        self.attention_only = QCheckBox(
            "Show only problems and the leads you &already had (hide the new leads)"
        )
        self.attention_only.setChecked(True)
        self.model = ImportReportModel(self)
        self.table = QTableView()
        self.table.setObjectName("importReportTable")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = _label("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        self.export_button = QPushButton("&Save report as CSV…")
        self.export_button.setEnabled(False)
        self.export_status = _label("hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.attention_only)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        row = QHBoxLayout()
        row.addWidget(self.export_status, 1)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self.attention_only.toggled.connect(self._refill)

    def initializePage(self) -> None:
        self.summary.setText("Importing…")
        self.importRequested.emit()

    def show_outcome(self) -> None:
        report = self.session.report
        if report is None:
            restyle(self.summary, "fieldError")
            self.summary.setText(f"Nothing was imported: {self.session.import_error}")
            self.table.hide()
            self.attention_only.hide()
        else:
            self.summary.setText(sentence(report.summary()))
            notes = list(report.notes)
            if report.total > report.stored:
                notes.append(
                    "Skipped rows were not imported. Correct them in the spreadsheet and import "
                    "the file again: the leads already imported are only updated, not doubled."
                )
            self.notes.setText("\n".join(notes))
            self.notes.setVisible(bool(notes))
            self.export_button.setEnabled(True)
            self._refill()
            self.table.resizeColumnToContents(2)
        self.completeChanged.emit()

    def _refill(self) -> None:
        report = self.session.report
        self.model.set_report(report, self.attention_only.isChecked())
        nothing = self.model.rowCount() == 0
        self.empty.setText(
            "Every row was a new lead, added without a problem."
            if self.attention_only.isChecked()
            else "The file had no rows."
        )
        self.empty.setVisible(nothing)
        self.table.setVisible(not nothing)

    def isComplete(self) -> bool:
        return self.session.finished
