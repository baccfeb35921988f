"""Long tooltips outside Conversations and the composer wrap at about 60 characters too
(issue 11, item 11): the status bar, the Leads page, Settings, the import wizard, the
dashboard and the auto-replies' State header are rich text in a table ~60 characters of the
tooltip font wide (desktop/ui/kit/tooltips.py), saying the same sentence. Short ones stay plain."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop.services.core.ui_prefs import DashboardEntry
from desktop.ui.dashboard.customize import DashboardCustomizeDialog
from desktop.ui.dashboard.recent_errors import RecentErrorsWidget
from desktop.ui.dashboard.registry import default_registry
from desktop.ui.importer.wizard import ImportWizard
from desktop.ui.inbox.settings_dialog import InboxSettingsDialog
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.sending_status import Phase, SendingStatus
from desktop.ui.leads.page import LeadsPage
from desktop.ui.settings.dialog import SettingsDialog
from desktop.ui.shell.status_bar import EngineStatusBar
from tests.ui.inbox.test_tooltips_wrap import assert_wrapped
from tests.ui.ui_helpers import FakePrompts

TIP = Qt.ItemDataRole.ToolTipRole


def test_the_status_bars_background_note_wraps(qtbot) -> None:
    bar = EngineStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    assert_wrapped(
        bar.background_label.toolTip(),
        "The sending service is a program of its own: it sends, follows replies and "
        "delivery, and stops by itself when nothing is left. Quit from the File menu "
        "or the tray icon to choose whether it keeps going.",
    )
    # Before the poll interval is known the service's details are shown alone: wrapped too.
    note = "The sending service could not start: no sender. TextDesk tries again in 5 s."
    bar.update_status(SendingStatus(Phase.STOPPED, demo=True, note=note))
    assert bar.checks_text == ""
    assert_wrapped(bar.engine_label.toolTip(), note)
    assert bar.queue_label.toolTip() == (  # short: stays plain
        "Messages waiting for their send time, quiet hours or a rate slot"
    )


def test_the_leads_pages_reachable_button_wraps(qtbot, services: AppServices) -> None:
    page = LeadsPage(services)
    qtbot.addWidget(page)
    page.show()
    assert_wrapped(
        page.reachable_button.toolTip(),
        "The number works again (or you corrected it): include these leads in new sequences",
    )
    assert page.delete_button.toolTip() == "Delete the selected leads (Del)"  # short: plain


def test_a_settings_field_set_by_the_environment_says_so_wrapped(
    qtbot, services: AppServices, monkeypatch
) -> None:
    monkeypatch.setenv("TEXTDESK_FROM", "+14155550177")
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded is not None)
    sender = dialog.edits["sender"]
    assert not sender.isEnabled()
    assert_wrapped(
        sender.toolTip(), "Set by the environment variable TEXTDESK_FROM; change it there."
    )
    assert_wrapped(
        dialog.inbox_button.toolTip(),
        "Keywords answered by themselves (HELP, HOURS…) and saved messages",
    )


def test_the_import_wizards_long_tips_wrap(qtbot, services: AppServices, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("Name,Mobile\nOlivia Park,+14155550142\nNo Number,12\n", encoding="utf-8")
    wizard = ImportWizard(services, None, str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.preview is not None or bool(wizard.preview_error))
    assert not wizard.preview_error
    assert_wrapped(
        wizard.file_page.sample_button.toolTip(),
        "A small CSV file with the columns TextDesk recognises, to fill in with your "
        "spreadsheet program",
    )
    wizard.next()
    page = wizard.mapping_page
    assert_wrapped(
        page.overwrite_radio.toolTip(),
        "Names, emails, time zones and custom fields from the file replace the stored ones; "
        "an empty cell never erases anything",
    )
    model = page.model
    phone = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        and "Phone number" in model.headerData(c, Qt.Orientation.Horizontal)
    )
    assert model.index(0, phone).data(TIP) is None  # a good number has nothing to say
    assert_wrapped(
        model.index(1, phone).data(TIP),
        "Probably not a valid phone number: this row would likely be skipped.",
    )


def test_the_dashboards_descriptions_and_error_table_tip_wrap(qtbot, services: AppServices) -> None:
    registry = default_registry()
    dialog = DashboardCustomizeDialog([DashboardEntry(s.key) for s in registry], registry)
    qtbot.addWidget(dialog)
    for spec in registry:
        item = dialog.item_for(spec.key)
        assert item is not None
        assert_wrapped(item.toolTip(), spec.description)

    errors = RecentErrorsWidget(services)
    qtbot.addWidget(errors)
    errors.show()
    assert_wrapped(
        errors.table.toolTip(), "Hover an error to see why it failed; click it for the history."
    )
    errors.stop()


def test_the_auto_replies_state_header_tip_wraps(qtbot, services: AppServices) -> None:
    dialog = InboxSettingsDialog(services, prompts=FakePrompts())
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.auto_replies.model
    assert model.headerData(2, Qt.Orientation.Horizontal) == "State"
    assert_wrapped(
        model.headerData(2, Qt.Orientation.Horizontal, TIP),
        "Off: the keyword gets no answer (HELP and INFO stay listed, off)",
    )
