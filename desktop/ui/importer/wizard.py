"""Import leads from a CSV file: choose the file, match its columns, import with a progress
dialog that can stop, and read the row-by-row report.

Reading the preview, importing and saving the report all run on the task pool. The import's
progress callback runs on that pool thread: it only emits a signal, which Qt queues to the
GUI thread; Stop sets an Event that the import's cancel callback reads between batches.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget, QWizard

from desktop.services.core.wording import sentence
from desktop.services.leads.csv_reader import CsvPreview, preview_csv
from desktop.services.leads.import_report import ImportReport
from desktop.services.leads.importer import DEFAULT_BATCH_SIZE, import_leads
from desktop.services.leads.sample_csv import write_sample_csv
from desktop.services.sequences.forecast import group_digits
from desktop.ui.importer.pages import FilePage, MappingPage, ReportPage
from desktop.ui.importer.session import ImportSession
from desktop.ui.importer.table_models import RESULT_LABELS
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.prompts import Prompts

PREVIEW_ROWS = 20


def write_report_csv(report: ImportReport, path: str) -> int:
    """Every row of the report as a CSV a spreadsheet opens with its accents intact."""
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "result", "phone as written", "phone as stored", "message"])
        for row in report.rows:
            result = RESULT_LABELS.get(row.status, str(row.status))
            writer.writerow([row.line, result, row.phone, row.e164 or "", row.message])
    return len(report.rows)


class ImportWizard(QWizard):
    imported = Signal(object)  # the ImportReport, also after Stop (what was stored stays)
    importProgress = Signal(int, int)  # rows read, estimated total; emitted on the pool
    previewChanged = Signal()
    importFinished = Signal()

    def __init__(
        self, services: AppServices, parent: QWidget | None = None, path: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Import leads")
        self.setStyleSheet(FORM_STYLE)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)  # it is stored
        self.resize(860, 620)
        self.services = services
        self.session = ImportSession()
        self.importing = False
        self.batch_size = DEFAULT_BATCH_SIZE
        self.progress_dialog: QProgressDialog | None = None
        # Hooks so tests (and other callers) can answer the file dialogs.
        self.ask_open_path: Callable[[], str | None] = self._ask_open_path
        self.ask_save_path: Callable[[str], str | None] = self._ask_save_path
        self.ask_sample_path: Callable[[], str | None] = self._ask_sample_path
        self._cancel = threading.Event()

        self.file_page = FilePage(self.session)
        self.mapping_page = MappingPage(self.session)
        self.report_page = ReportPage(self.session)
        for page in (self.file_page, self.mapping_page, self.report_page):
            self.addPage(page)
        self.file_page.previewWanted.connect(self.load_preview)
        self.file_page.browse_button.clicked.connect(self.browse)
        self.file_page.sample_button.clicked.connect(self.save_sample)
        self.mapping_page.header_check.toggled.connect(self.set_has_header)
        self.report_page.importRequested.connect(self.start_import)
        self.report_page.export_button.clicked.connect(self.export_report)
        self.importProgress.connect(self._on_progress)
        if path:
            self.set_path(path)
            self.file_page.load_now()

    # -- what the session knows so far ---------------------------------------------------

    @property
    def preview(self) -> CsvPreview | None:
        return self.session.preview

    @property
    def preview_error(self) -> str:
        return self.session.preview_error

    @property
    def report(self) -> ImportReport | None:
        return self.session.report

    # -- file and preview ----------------------------------------------------------------

    def path(self) -> str:
        return self.file_page.path_edit.text().strip()

    def set_path(self, path: str) -> None:
        self.file_page.path_edit.setText(path)

    def tag(self) -> str:
        return " ".join(self.file_page.tag_edit.text().split()).lower()

    def set_tag(self, tag: str) -> None:
        self.file_page.tag_edit.setText(tag)

    def browse(self) -> None:
        chosen = self.ask_open_path()
        if chosen:
            self.set_path(chosen)
            self.file_page.load_now()  # a chosen file needs no typing pause

    def _ask_open_path(self) -> str | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Choose a CSV file", str(Path.home()), "CSV files (*.csv *.txt);;All files (*)"
        )
        return chosen or None

    def load_preview(self, has_header: bool | None = None) -> None:
        path = self.path()
        request = self.session.forget_preview()  # an answer still on its way is for another file
        if not path:
            return
        ctx = self.services.ctx

        def work() -> tuple[CsvPreview, str]:
            preview = preview_csv(path, max_rows=PREVIEW_ROWS, has_header=has_header)
            return preview, str(ctx.settings.get("default_region"))

        run_for(
            self,
            self.services.tasks,
            work,
            lambda result: self._preview_loaded(request, result),
            lambda message: self._preview_failed(request, message),
        )

    def set_has_header(self, has_header: bool) -> None:
        self.load_preview(has_header=has_header)

    def _preview_loaded(self, request: int, result: tuple[CsvPreview, str]) -> None:
        if request != self.session.preview_request:
            return
        self.session.preview, self.session.region = result
        self.file_page.show_status()
        self.mapping_page.fill()
        self.previewChanged.emit()

    def _preview_failed(self, request: int, message: str) -> None:
        if request != self.session.preview_request:
            return
        self.session.preview_error = sentence(message)
        self.file_page.show_status()
        self.previewChanged.emit()

    # -- importing -------------------------------------------------------------------------

    def start_import(self) -> None:
        preview = self.session.preview
        assert preview is not None
        mapping = self.mapping_page.mapping()
        custom = self.mapping_page.custom_mapping()
        overwrite = self.mapping_page.overwrite()
        tag = self.tag() or None
        session = self.session
        session.report, session.import_error, session.finished = None, "", False
        self.importing = True
        self._cancel.clear()
        dialog = QProgressDialog(
            f"Importing leads from {preview.path.name}…",
            "&Stop import",
            0,
            max(1, preview.total_rows_estimate),
            self,
        )
        dialog.setObjectName("importProgress")
        dialog.setWindowTitle("Importing leads")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.request_cancel)
        dialog.show()
        self.progress_dialog = dialog
        ctx, batch, cancel = self.services.ctx, self.batch_size, self._cancel
        emit = self.importProgress.emit  # queued to the GUI thread: safe from the pool

        def work() -> ImportReport:
            return import_leads(
                ctx,
                preview.path,
                mapping=mapping,
                tag=tag,
                progress=emit,
                cancel=cancel.is_set,
                batch_size=batch,
                encoding=preview.encoding,
                delimiter=preview.delimiter,
                has_header=preview.has_header,
                custom=custom,
                overwrite=overwrite,
            )

        run_for(self, self.services.tasks, work, self._import_done, self._import_failed)

    def request_cancel(self) -> None:
        """Stop after the batch being written; callable from any thread."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def _on_progress(self, done: int, total: int) -> None:
        dialog = self.progress_dialog
        if dialog is None or not self.importing:
            return
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        if not self._cancel.is_set():
            dialog.setLabelText(
                f"Imported {group_digits(done)} of about {group_digits(total)} rows…"
            )

    def _close_progress(self) -> None:
        self.importing = False
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.request_cancel)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _import_done(self, report: ImportReport) -> None:
        self._close_progress()
        self.session.report = report
        self.session.finished = True
        self.report_page.show_outcome()
        self.imported.emit(report)
        self.importFinished.emit()

    def _import_failed(self, message: str) -> None:
        self._close_progress()
        self.session.import_error = message
        self.session.finished = True
        self.report_page.show_outcome()
        self.importFinished.emit()

    def reject(self) -> None:
        if self.importing:
            self.request_cancel()  # closes itself once the current batch is stored
            return
        super().reject()

    # -- the report as CSV ---------------------------------------------------------------------

    def _ask_save_path(self, suggested: str) -> str | None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the import report", suggested, "CSV files (*.csv)"
        )
        return chosen or None

    def _ask_sample_path(self) -> str | None:
        path = Prompts().save_path(self, "Save a sample CSV", "textdesk-leads-sample.csv")
        return str(path) if path is not None else None

    def save_sample(self) -> None:
        """A sample file to fill in; the path field then points at it, ready to import."""
        target = self.ask_sample_path()
        if not target:
            return
        status = self.file_page.sample_status
        status.setText("Saving…")

        def saved(path: Path) -> None:
            status.setText(f"Saved {path.name}: open it in your spreadsheet, fill it in, save.")
            if not self.path():
                self.set_path(str(path))

        run_for(
            self,
            self.services.tasks,
            lambda: write_sample_csv(target),
            saved,
            lambda message: status.setText(f"Could not save the sample: {message}"),
        )

    def export_report(self) -> None:
        report = self.session.report
        if report is None:
            return
        suggested = str(report.path.with_name(report.path.stem + " - import report.csv"))
        target = self.ask_save_path(suggested)
        if not target:
            return
        status = self.report_page.export_status
        status.setText("Saving…")
        run_for(
            self,
            self.services.tasks,
            lambda: write_report_csv(report, target),
            lambda rows: status.setText(f"Saved {group_digits(rows)} rows to {target}."),
            lambda message: status.setText(f"Could not save the report: {message}"),
        )
