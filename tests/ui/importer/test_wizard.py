"""The import wizard: column mapping preview, the import with a progress dialog that can
stop it, and the row-by-row report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop.services.leads import store as leads
from desktop.services.leads.csv_reader import preview_csv
from desktop.services.leads.import_report import ImportReport
from desktop.ui.importer.pages import FilePage, ReportPage
from desktop.ui.importer.session import ImportSession
from desktop.ui.importer.table_models import ImportReportModel, MappingPreviewModel
from desktop.ui.importer.wizard import ImportWizard
from desktop.ui.kit.appstate import AppServices

BAD_CSV = """Name,Mobile,Email,Tags
Ana Lima,+1 415 555 0101,ana@example.com,vip
Bo Berg,12,bo@example.com,
Cy Doe,(415) 555-0103,not-an-email,
Ana Again,+14155550101,,
,,,
Di Eko,,di@example.com,
"""


def write(tmp_path: Path, text: str, name: str = "leads.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def open_wizard(qtbot, services: AppServices, path: Path) -> ImportWizard:
    wizard = ImportWizard(services, None, str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.preview is not None or bool(wizard.preview_error))
    return wizard


def run_import(qtbot, wizard: ImportWizard) -> ImportReport:
    assert wizard.file_page.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page and wizard.mapping_page.isComplete()
    with qtbot.waitSignal(wizard.imported, timeout=20_000) as done:
        wizard.next()
    assert wizard.progress_dialog is None  # closed when the import ended
    return done.args[0]


def test_a_bad_file_shows_the_report(qtbot, services, tmp_path) -> None:
    wizard = open_wizard(qtbot, services, write(tmp_path, BAD_CSV))
    assert "About 6 rows and 4 columns" in wizard.file_page.status.text()
    report = run_import(qtbot, wizard)
    page = wizard.report_page
    assert page.summary.text() == (
        "5 rows: 2 created, 1 invalid number, 1 duplicate in file, 1 without a number "
        "(1 with a warning)."
    )
    shown = [
        [page.model.data(page.model.index(row, col)) for col in range(4)]
        for row in range(page.model.rowCount())
    ]
    assert [(line, result) for line, result, _, _ in shown] == [
        ("3", "Invalid number"),
        ("4", "Added (see note)"),
        ("5", "Duplicate"),
        ("7", "No number"),
    ]
    assert "“12” is not a valid phone number (numbers without a + country code" in shown[0][3]
    assert "line 2 already has this number" in shown[2][3]
    page.attention_only.setChecked(False)
    assert page.model.rowCount() == report.total == 5
    assert leads.count_leads(services.ctx) == 2
    assert wizard.currentPage() is page and page.isComplete()


def test_the_mapping_page_lets_the_owner_choose_columns(qtbot, services, tmp_path) -> None:
    text = "x,+14155550111,Ana\ny,+14155550112,Bo\n"  # no header; phone in column B
    wizard = open_wizard(qtbot, services, write(tmp_path, text))
    wizard.next()
    mapping_page = wizard.mapping_page
    assert not mapping_page.header_check.isChecked()
    assert mapping_page.mapping() == {"phone": 1}
    model = mapping_page.model
    assert model.headerData(1, model_horizontal()) == "Column B\n→ Phone number"
    first_name = mapping_page.combos["first_name"]
    first_name.setCurrentIndex(first_name.findData(2))
    assert mapping_page.mapping() == {"phone": 1, "first_name": 2}
    assert model.headerData(2, model_horizontal()) == "Column C\n→ First name"
    phone = mapping_page.combos["phone"]
    phone.setCurrentIndex(0)  # "(not in the file)"
    assert not mapping_page.isComplete()
    assert "phone numbers" in mapping_page.problem.text()
    phone.setCurrentIndex(phone.findData(1))
    with qtbot.waitSignal(wizard.imported, timeout=20_000):
        wizard.next()
    assert [lead.first_name for lead in leads.list_leads(services.ctx)] == ["Ana", "Bo"]


def model_horizontal() -> Qt.Orientation:
    return Qt.Orientation.Horizontal


def test_the_tag_is_given_to_imported_leads(qtbot, services, tmp_path) -> None:
    wizard = open_wizard(qtbot, services, write(tmp_path, "phone\n+14155550121\n"))
    wizard.set_tag("Spring  Fair")
    assert wizard.tag() == "spring fair"
    run_import(qtbot, wizard)
    assert leads.all_tags(services.ctx) == [("spring fair", 1)]


def test_stop_keeps_what_was_stored(qtbot, services, tmp_path) -> None:
    rows = "\n".join(f"Lead {i},+1415556{i:04d}" for i in range(5000))
    wizard = open_wizard(qtbot, services, write(tmp_path, "name,phone\n" + rows + "\n"))
    wizard.batch_size = 250
    # Stop from the import's own thread right after its first batch, so the test does not
    # race the import; the Stop button below does the same from the GUI thread.
    wizard.importProgress.connect(
        lambda *_: wizard.request_cancel(), Qt.ConnectionType.DirectConnection
    )
    wizard.next()
    with qtbot.waitSignal(wizard.importFinished, timeout=20_000):
        wizard.next()  # starts the import and shows the progress dialog
        dialog = wizard.progress_dialog
        assert dialog is not None and dialog.isVisible()
        stop = dialog.findChild(QPushButton)
        assert stop.text() == "&Stop import"
        stop.click()
        assert wizard.cancel_requested
    report = wizard.report
    assert report is not None and report.canceled
    assert report.total == 250 and leads.count_leads(services.ctx) == 250
    assert "canceled before the end of the file" in wizard.report_page.summary.text()


def test_progress_reaches_the_dialog(qtbot, services, tmp_path) -> None:
    rows = "\n".join(f"+1415557{i:04d}" for i in range(1200))
    wizard = open_wizard(qtbot, services, write(tmp_path, "phone\n" + rows + "\n"))
    wizard.batch_size = 200
    seen: list[tuple[int, int]] = []
    wizard.importProgress.connect(lambda done, total: seen.append((done, total)))
    run_import(qtbot, wizard)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] == (1200, 1200))
    assert [done for done, _ in seen][:2] == [200, 400]


def test_an_unreadable_file_says_why(qtbot, services, tmp_path) -> None:
    wizard = open_wizard(qtbot, services, tmp_path / "missing.csv")
    assert "does not exist" in wizard.file_page.status.text()
    assert not wizard.file_page.isComplete()


def test_the_report_can_be_saved(qtbot, services, tmp_path) -> None:
    wizard = open_wizard(qtbot, services, write(tmp_path, BAD_CSV))
    run_import(qtbot, wizard)
    target = tmp_path / "report.csv"
    wizard.ask_save_path = lambda suggested: str(target)
    wizard.report_page.export_button.click()
    qtbot.waitUntil(lambda: wizard.report_page.export_status.text().startswith("Saved 5 rows"))
    with target.open(encoding="utf-8-sig") as handle:
        saved = list(csv.reader(handle))
    assert saved[0][:2] == ["line", "result"]
    assert [row[1] for row in saved[1:]] == [
        "Added",
        "Invalid number",
        "Added",
        "Duplicate",
        "No number",
    ]


def test_the_pages_read_the_session_not_the_wizard(qtbot, tmp_path) -> None:
    session = ImportSession()
    file_page, report_page = FilePage(session), ReportPage(session)
    qtbot.addWidget(file_page)
    qtbot.addWidget(report_page)
    assert not file_page.isComplete() and not report_page.isComplete()
    session.preview = preview_csv(write(tmp_path, "phone\n+14155550121\n"))
    file_page.show_status()
    assert file_page.isComplete() and "1 columns" in file_page.status.text()
    file_page.path_edit.setText("another.csv")  # a new file: the old preview is forgotten
    assert session.preview is None and not file_page.isComplete()
    session.finished = True
    assert report_page.isComplete()


@pytest.mark.parametrize("model_class", [MappingPreviewModel, ImportReportModel])
def test_models_pass_the_qt_model_tester(qtbot, qtmodeltester, services, tmp_path, model_class):  # type: ignore[no-untyped-def]
    wizard = open_wizard(qtbot, services, write(tmp_path, BAD_CSV))
    if model_class is MappingPreviewModel:
        wizard.next()
        model = wizard.mapping_page.model
    else:
        run_import(qtbot, wizard)
        wizard.report_page.attention_only.setChecked(False)
        model = wizard.report_page.model
    assert model.rowCount() > 0
    qtmodeltester.check(model)
