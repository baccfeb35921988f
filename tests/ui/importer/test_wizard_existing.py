"""The import wizard over leads the owner already has: keep or overwrite, the report shows
what happened to them by default; custom fields; the + rule only where it applies; the
sample CSV; where save dialogs open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt

from desktop.services.leads import store as leads
from desktop.services.leads.import_report import ImportReport, RowStatus
from desktop.ui.importer.wizard import ImportWizard
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.prompts import Prompts

OLIVIA = "Name,Mobile,Email\nOlivia Park,+14155550142,olivia@example.com\n"
DUPLICATE = (
    "Name,Mobile,Email,Company\n"
    "Olivia Duplicate,+1 415 555 0142,dup@example.com,Acme\n"
    "Cy Doe,+14155550143,cy@example.com,Cy Shop\n"
)


def write(tmp_path: Path, text: str, name: str = "leads.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def open_wizard(qtbot, services: AppServices, path: Path | None) -> ImportWizard:
    wizard = ImportWizard(services, None, str(path) if path else None)
    qtbot.addWidget(wizard)
    wizard.show()
    if path is not None:
        qtbot.waitUntil(lambda: wizard.preview is not None or bool(wizard.preview_error))
    return wizard


def finish(qtbot, wizard: ImportWizard) -> ImportReport:
    with qtbot.waitSignal(wizard.imported, timeout=20_000) as done:
        wizard.next()
    return done.args[0]


def olivia(services: AppServices) -> leads.LeadRow:
    return next(lead for lead in leads.list_leads(services.ctx) if lead.phone == "+14155550142")


def import_file(qtbot, services: AppServices, path: Path, *, overwrite: bool = False):  # type: ignore[no-untyped-def]
    wizard = open_wizard(qtbot, services, path)
    wizard.next()
    page = wizard.mapping_page
    assert page.keep_radio.isChecked() and not page.overwrite()  # keeping is the default
    if overwrite:
        page.overwrite_radio.click()
    return wizard, finish(qtbot, wizard)


def test_an_existing_customer_is_kept_and_shown_in_the_report(qtbot, services, tmp_path) -> None:
    import_file(qtbot, services, write(tmp_path, OLIVIA))
    wizard, report = import_file(qtbot, services, write(tmp_path, DUPLICATE, "dup.csv"))
    lead = olivia(services)
    assert (lead.first_name, lead.last_name, lead.email) == ("Olivia", "Park", "olivia@example.com")
    assert lead.custom_fields == (("company", "Acme"),)  # an empty field is filled in
    page = wizard.report_page
    assert page.attention_only.isChecked()
    shown = [page.model.data(page.model.index(row, 1)) for row in range(page.model.rowCount())]
    assert shown == ["Updated"]  # by default: the lead she already was; not the new one
    note = page.model.data(page.model.index(0, 3))
    assert "kept the stored last name, email" in note
    assert report.counts[RowStatus.CREATED] == 1
    page.attention_only.setChecked(False)
    assert page.model.rowCount() == 2


def test_overwrite_replaces_what_is_stored(qtbot, services, tmp_path) -> None:
    import_file(qtbot, services, write(tmp_path, OLIVIA))
    import_file(qtbot, services, write(tmp_path, DUPLICATE, "dup.csv"), overwrite=True)
    lead = olivia(services)
    assert (lead.last_name, lead.email) == ("Duplicate", "dup@example.com")


def test_other_columns_as_custom_fields_can_be_refused(qtbot, services, tmp_path) -> None:
    wizard = open_wizard(qtbot, services, write(tmp_path, DUPLICATE))
    wizard.next()
    page = wizard.mapping_page
    assert page.custom_check.isVisible() and page.custom_check.isChecked()
    assert page.custom_mapping() == {"company": 3}
    assert page.model.headerData(3, Qt.Orientation.Horizontal) == "D: Company\n→ {company}"
    assert page.custom_hint.text() == "Use them in a text as {company}."
    page.custom_check.setChecked(False)
    assert page.custom_mapping() == {}
    assert page.model.headerData(3, Qt.Orientation.Horizontal) == "D: Company\n(not imported)"
    finish(qtbot, wizard)
    assert all(lead.custom_fields == () for lead in leads.list_leads(services.ctx))


def test_the_plus_rule_is_said_only_for_numbers_without_one(qtbot, services, tmp_path) -> None:
    wizard = open_wizard(
        qtbot, services, write(tmp_path, "phone\n+44 7700 900123\n+1 415 555 0100\n")
    )
    wizard.next()
    hint = wizard.mapping_page.region_hint
    assert not hint.isVisible() and "+ country code" not in wizard.mapping_page.subTitle()
    report = finish(qtbot, wizard)
    assert "without a + country code" not in report.rows[0].message

    other = open_wizard(qtbot, services, write(tmp_path, "phone\n(415) 555-0100\n", "us.csv"))
    other.next()
    hint = other.mapping_page.region_hint
    assert hint.isVisible()
    assert hint.text() == "Numbers without a + country code are read as US numbers."


def test_a_sample_csv_is_saved_and_imports(qtbot, services, tmp_path) -> None:
    wizard = open_wizard(qtbot, services, None)
    target = tmp_path / "sample.csv"
    wizard.ask_sample_path = lambda: str(target)
    wizard.file_page.sample_button.click()
    status = wizard.file_page.sample_status
    qtbot.waitUntil(lambda: status.text().startswith("Saved sample.csv"))
    assert wizard.path() == str(target)  # ready to import once filled in
    qtbot.waitUntil(lambda: wizard.preview is not None)
    wizard.next()
    report = finish(qtbot, wizard)
    assert report.counts[RowStatus.CREATED] == 3 and report.warnings == 0


def test_save_dialogs_open_in_documents_or_the_last_folder(tmp_path, qapp) -> None:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    Prompts.last_folder = None
    start = Prompts.save_start("report.csv")
    assert start.name == "report.csv"
    assert start.parent == (Path(documents) if Path(documents).is_dir() else Path.home())
    Prompts.last_folder = tmp_path
    assert Prompts.save_start("report.csv") == tmp_path / "report.csv"
    assert Prompts.save_start(str(tmp_path / "x" / "a.csv")) == tmp_path / "x" / "a.csv"
    Prompts.last_folder = tmp_path / "gone"
    assert Prompts.save_start("r.csv") == Path.home() / "r.csv"
    Prompts.last_folder = None
