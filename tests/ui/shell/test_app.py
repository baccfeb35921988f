"""The composition root and the main window: demo or real mode, the separate demo database,
keyboard access, the sending service's state and problems, errors shown as sentences.
(The window with a real sending service: test_service_window.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QTableView

import desktop.app as app_module
from desktop.app import FIRST_PAINT_MARK, TextDeskApp, build_app, run_gui
from desktop.ui.dashboard.bulk_sequences import BulkSequencesWidget
from desktop.ui.kit.sending_status import Phase, SendingStatus
from tests.ui.shell.test_status_bar import HOLDER

ROOT = Path(__file__).resolve().parents[3]
SID = "AC" + "1" * 32
TOKEN = "a" * 32


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TEXTDESK_FROM", "TEXTDESK_DB"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def apps(qtbot, no_credentials) -> Iterator[list[TextDeskApp]]:
    built: list[TextDeskApp] = []
    yield built
    for app in built:
        app.shutdown()


def build(apps: list[TextDeskApp], *args, **kwargs) -> TextDeskApp:
    kwargs.setdefault("start_services", False)
    app = build_app(*args, **kwargs)
    apps.append(app)
    app.window.show()
    return app


def test_without_credentials_the_app_is_a_demo_on_its_own_database(
    qtbot, apps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop.paths.default_data_dir", lambda: tmp_path)
    app = build(apps)  # no --db: the user data folder
    window = app.window
    assert app.demo and window.objectName() == "mainWindow"
    assert app.services.ctx.db.url.endswith("textdesk-demo.db")
    # Settings edit the real database: credentials never land in the demo one.
    assert window.settings_services.ctx.db.url.endswith("/textdesk.db")
    assert "simulated" in window.notices.texts()["demo"]
    assert "Demo" in window.windowTitle()
    for name in ("dashboardDock", "bulkSequencesWidget", "leadsDock"):
        assert window.findChild(object, name) is not None, name
    assert window.findChild(QTableView, "bulkSequencesTable") is not None
    assert window.status.engine_label.text() == "Sending service not started"


def test_with_credentials_the_app_sends_for_real(
    qtbot, apps, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    real = build(apps, db_url)
    assert not real.demo and "demo" not in real.window.notices.texts()
    assert real.window.windowTitle() == "TextDesk"
    asked = build(apps, db_url, demo=True)
    assert asked.demo  # --demo wins over credentials


def test_keyboard_opens_the_composer_and_refreshes(qtbot, apps, db_url: str) -> None:
    window = build(apps, db_url).window
    assert window.new_sequence_action.shortcut() == QKeySequence("Ctrl+N")
    assert window.refresh_action.shortcut() == QKeySequence("F5")
    window.activateWindow()
    with qtbot.waitSignal(window.dialogOpened, timeout=3000) as opened:
        window.new_sequence_action.trigger()
    composer = opened.args[0]
    assert composer.objectName() == "composerDialog"
    composer.reject()
    bulk: BulkSequencesWidget = window.bulk_sequences
    qtbot.waitUntil(lambda: bulk.refresher.completed >= 1, timeout=5000)
    before = bulk.refresher.completed
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: bulk.refresher.completed > before, timeout=5000)
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&View", "&Help"]  # mnemonics on every menu


def test_engine_problems_show_as_a_notice_that_clears(qtbot, apps, db_url: str) -> None:
    window = build(apps, db_url).window

    def status(problem: str | None, phase: Phase = Phase.RUNNING, note: str = "") -> SendingStatus:
        return SendingStatus(
            phase,
            True,
            HOLDER,
            12,
            12,
            0,
            0,
            2.5,
            problem if phase == Phase.RUNNING else None,
            note,
        )

    window.on_engine_status(status("sending: the database is busy in another program"))
    text = window.notices.texts()["engine"]
    assert "database is busy" in text and "Traceback" not in text
    assert window.status.queue_label.text() == "In-queue: 12"
    assert window.status.rate_label.text() == "2.5 msg/s"
    window.on_engine_status(status(None))
    assert "engine" not in window.notices.texts()
    assert window.status.engine_label.text() == "Sending to demo sandbox in the background"
    # Gone without being asked: the notice says it is being started again.
    window.on_engine_status(status(None, Phase.RESTARTING))
    assert "starting it again" in window.notices.texts()["engine"]
    # A start that failed: the sentence, and a way to try again now.
    window.on_engine_status(status(None, Phase.STOPPED, "The sending service could not start."))
    banner = window.notices.banner("engine")
    assert banner is not None and banner.action_button is not None
    assert banner.text == "The sending service could not start."
    assert banner.action_button.text() == "&Try again"
    window.on_engine_status(status(None))
    assert "engine" not in window.notices.texts()


def test_an_unexpected_exception_becomes_a_sentence(
    qtbot, apps, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = build(apps, db_url).window
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    app_module._install_excepthook(window)
    try:
        raise ValueError("boom")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    text = window.notices.texts()["error"]
    assert text.startswith("Something went wrong (ValueError: boom)")
    assert "Traceback" not in text and "line " not in text


def test_a_damaged_database_stops_the_start_with_a_sentence(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_credentials
) -> None:
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: shown.append(text))
    )
    assert run_gui(f"sqlite:///{bad}") == 1
    assert shown and "damaged" in shown[0] and "Traceback" not in shown[0]


def test_textdesk_gui_paints_its_window(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TEXTDESK_EXIT_AFTER_PAINT": "1",
        "TEXTDESK_KEYRING": "off",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(tmp_path / "d.db"), "gui", "--demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert FIRST_PAINT_MARK in done.stdout
    assert "Traceback" not in done.stderr


def test_settings_in_demo_mode_edit_the_real_database(
    qtbot, apps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop.paths.default_data_dir", lambda: tmp_path)
    window = build(apps).window
    with qtbot.waitSignal(window.dialogOpened, timeout=3000) as opened:
        window.settings_action.trigger()
    dialog = opened.args[0]
    assert dialog.objectName() == "settingsDialog"
    assert dialog.services.ctx.db.url.endswith("/textdesk.db")
    dialog.reject()
    real = window.settings_services.ctx.settings
    real.set("twilio_account_sid", SID)
    real.set("twilio_auth_token", TOKEN)
    window.on_settings_saved()
    qtbot.waitUntil(lambda: "restart" in window.notices.texts(), timeout=5000)
    assert "Restart TextDesk to leave demo mode" in window.notices.texts()["restart"]
    assert not window.services.ctx.settings.config().has_credentials  # demo db untouched
