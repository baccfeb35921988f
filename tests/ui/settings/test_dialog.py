"""The settings dialog: a round trip that keeps the auth token out of the database, inline
errors that save nothing, and the connection test against the carrier sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.models.db import sqlite_file
from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.settings import TOKEN_KEY
from desktop.ui.kit.appstate import AppServices
from desktop.ui.settings.dialog import SettingsDialog

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "f00dfacecafe4bad1234567890abcdef"


@pytest.fixture
def sandbox() -> Iterator[CarrierSandbox]:
    with CarrierSandbox(SandboxConfig.fast()) as running:
        yield running


def open_dialog(qtbot, services: AppServices) -> SettingsDialog:
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded is not None)
    return dialog


def database_bytes(services: AppServices) -> bytes:
    file = sqlite_file(services.ctx.db.url)
    assert file is not None
    files = [file, Path(f"{file}-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


@pytest.mark.sqlite_only  # reads the SQLite file byte by byte (both: test_settings.py)
def test_round_trip_keeps_the_token_out_of_the_database(qtbot, services) -> None:
    dialog = open_dialog(qtbot, services)
    assert "readable only by you" in dialog.hints[TOKEN_KEY].text()
    values = {
        "twilio_account_sid": SID,
        TOKEN_KEY: TOKEN,
        "sender": "+14155550100",
        "rate_limit": "2.5",
        "quiet_hours": "09:00-20:00",
        "carrier_window": "36h",
        "price_per_segment": "0.0083",
        "default_region": "ca",
    }
    for key, value in values.items():
        dialog.edits[key].setText(value)
    with qtbot.waitSignal(dialog.settingsSaved, timeout=10_000):
        dialog.save_button.click()
    settings = services.ctx.settings
    config = settings.config()
    assert config.twilio_account_sid == SID and config.twilio_auth_token == TOKEN
    assert config.rate_limit == 2.5 and config.default_region == "CA"
    assert settings.display("carrier_window") == "1d12h"
    stored = database_bytes(services)
    assert TOKEN.encode() not in stored and TOKEN[-12:].encode() not in stored
    assert SID.encode() in stored  # the database really is the file we read

    again = open_dialog(qtbot, services)
    token_field = again.edits[TOKEN_KEY]
    assert token_field.text() == ""  # never shown back
    assert TOKEN not in token_field.placeholderText()
    assert token_field.placeholderText().startswith("••••••••" + TOKEN[-4:])
    assert again.edits["rate_limit"].text() == "2.5"
    again.edits["rate_limit"].setText("3")  # a change elsewhere leaves the token alone
    with qtbot.waitSignal(again.settingsSaved, timeout=10_000):
        again.save()
    assert settings.config().twilio_auth_token == TOKEN


def test_invalid_values_are_explained_and_nothing_is_saved(qtbot, services) -> None:
    dialog = open_dialog(qtbot, services)
    dialog.edits["sender"].setText("+14155550100")
    dialog.edits["rate_limit"].setText("fast")
    dialog.edits["quiet_hours"].setText("25:00-26:00")
    dialog.edits["twilio_account_sid"].setText("AC123")
    dialog.save_button.click()
    assert dialog.isVisible() and services.tasks.pending == 0
    errors = {
        key: label.text() for key, label in dialog.errors.items() if label.isVisibleTo(dialog)
    }
    assert errors == {
        "twilio_account_sid": "The Account SID must be 'AC' followed by 32 hexadecimal characters.",
        "rate_limit": "The rate limit must be a number of messages per second, not 'fast'.",
        "quiet_hours": "Quiet hours has an impossible time: '25:00-26:00'.",
    }
    assert "Nothing was saved" in dialog.status.text()
    assert services.ctx.settings.stored_keys() == []
    # Typing in a field clears its error; a valid value then saves.
    dialog.edits["rate_limit"].textEdited.emit("2")
    assert not dialog.errors["rate_limit"].isVisibleTo(dialog)


def test_the_saved_token_can_be_removed(qtbot, services) -> None:
    services.ctx.settings.set(TOKEN_KEY, TOKEN)
    dialog = open_dialog(qtbot, services)
    assert dialog.forget_token.isVisibleTo(dialog)
    dialog.forget_token.setChecked(True)
    with qtbot.waitSignal(dialog.settingsSaved, timeout=10_000):
        dialog.save()
    assert services.ctx.settings.raw(TOKEN_KEY) == ""


def test_connection_test_reports_the_account(qtbot, services, sandbox) -> None:
    dialog = open_dialog(qtbot, services)
    dialog.edits["twilio_account_sid"].setText(sandbox.account_sid)
    dialog.edits[TOKEN_KEY].setText(sandbox.auth_token)
    dialog.edits["twilio_api_url"].setText(sandbox.base_url)
    with qtbot.waitSignal(dialog.connectionTested, timeout=20_000) as tested:
        dialog.test_button.click()
    assert tested.args == [True, "Connected to account 'TextDesk carrier sandbox' (active)"]
    assert dialog.test_result.text() == tested.args[1]
    assert services.ctx.settings.stored_keys() == []  # testing saves nothing


def test_connection_test_uses_the_saved_token_when_none_is_typed(qtbot, services, sandbox):  # type: ignore[no-untyped-def]
    services.ctx.settings.set(TOKEN_KEY, sandbox.auth_token)
    dialog = open_dialog(qtbot, services)
    dialog.edits["twilio_account_sid"].setText(sandbox.account_sid)
    dialog.edits["twilio_api_url"].setText(sandbox.base_url)
    with qtbot.waitSignal(dialog.connectionTested, timeout=20_000) as tested:
        dialog.test_button.click()
    assert tested.args[0] is True


def test_connection_test_reports_a_refusal(qtbot, services, sandbox) -> None:
    dialog = open_dialog(qtbot, services)
    dialog.edits["twilio_account_sid"].setText(sandbox.account_sid)
    dialog.edits[TOKEN_KEY].setText("0" * 32)
    dialog.edits["twilio_api_url"].setText(sandbox.base_url)
    with qtbot.waitSignal(dialog.connectionTested, timeout=20_000) as tested:
        dialog.test_button.click()
    assert tested.args == [
        False,
        "Twilio refused these credentials (20003): check the Account SID and auth token",
    ]


def test_an_environment_override_is_shown_read_only(qtbot, services, monkeypatch) -> None:
    monkeypatch.setenv("TEXTDESK_FROM", "+14155550177")
    dialog = open_dialog(qtbot, services)
    sender = dialog.edits["sender"]
    assert sender.text() == "+14155550177" and not sender.isEnabled()
    assert "TEXTDESK_FROM" in dialog.hints["sender"].text()
    assert "sender" not in dialog.changes()
