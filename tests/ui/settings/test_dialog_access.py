"""The settings a newcomer could not find (API key and secret, numbers that cannot take
texts, start at login), the connection test that signs with the API key and leaves the focus
on its button, a layout errors cannot shift, and an Alt+letter for every field."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QLabel

from desktop.sandbox import CarrierSandbox, SandboxConfig
from desktop.services.core.settings import API_KEY_KEY, API_SECRET_KEY, SPECS, TOKEN_KEY
from desktop.services.settings_form import FIELDS, SENDER_PROBLEM
from desktop.ui.kit.appstate import AppServices
from desktop.ui.settings.dialog import APPLY_NOTE, HALF_KEY, SettingsDialog
from tests.ui.settings.test_dialog import database_bytes

SID = "AC" + "0123456789abcdef" * 2
KEY = "SK" + "fedcba9876543210" * 2
SECRET = "Secr3t" * 5 + "Ok"  # 32 letters and digits


@pytest.fixture
def sandbox() -> Iterator[CarrierSandbox]:
    with CarrierSandbox(SandboxConfig.fast()) as running:
        yield running


def open_dialog(qtbot, services: AppServices) -> SettingsDialog:
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.resize(980, 640)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded is not None)
    return dialog


def test_every_setting_has_a_field_reached_by_its_own_letter(qtbot, services) -> None:
    dialog = open_dialog(qtbot, services)
    assert set(dialog.fields) == set(SPECS)
    mnemonics: dict[str, str] = {}
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    texts += [
        button.text() for button in dialog.findChildren(QAbstractButton) if button.isVisible()
    ]
    for text in texts:
        found = re.search(r"&(\w)", text)
        if found is None:
            continue
        letter = found.group(1).lower()
        assert letter not in mnemonics, f"{text!r} and {mnemonics[letter]!r} share Alt+{letter}"
        mnemonics[letter] = text
    for key, field in dialog.fields.items():  # each input is named by a mnemonic
        label = next((lb for lb in dialog.findChildren(QLabel) if lb.buddy() is field.input), None)
        own = field.input.text() if isinstance(field.input, QCheckBox) else None
        shown = label.text() if label is not None else own
        assert shown is not None and "&" in shown, key


@pytest.mark.sqlite_only  # reads the SQLite file byte by byte (both: test_settings.py)
@pytest.mark.sqlite_only  # reads the SQLite file byte by byte for the secret
def test_the_new_settings_round_trip(qtbot, services) -> None:
    dialog = open_dialog(qtbot, services)
    dead = dialog.fields["suppress_dead_numbers"].input
    login = dialog.fields["start_at_login"].input
    assert isinstance(dead, QCheckBox) and isinstance(login, QComboBox)
    assert dead.text().replace("&", "") == "Skip numbers that cannot take texts"
    assert dead.isChecked()  # on by default
    assert [login.itemData(i) for i in range(login.count())] == ["auto", "on", "off"]
    assert login.currentData() == "auto"
    dialog.edits["twilio_account_sid"].setText(SID)
    dialog.edits[API_KEY_KEY].setText(KEY)
    dialog.edits[API_SECRET_KEY].setText(SECRET)
    dead.setChecked(False)
    login.setCurrentIndex(login.findData("off"))
    assert dialog.changes() == {
        "twilio_account_sid": SID,
        API_KEY_KEY: KEY,
        API_SECRET_KEY: SECRET,
        "suppress_dead_numbers": "off",
        "start_at_login": "off",
    }
    with qtbot.waitSignal(dialog.settingsSaved, timeout=10_000):
        dialog.save()
    config = services.ctx.settings.config()
    assert (config.twilio_api_key, config.twilio_api_secret) == (KEY, SECRET)
    assert config.credential_kind == "api_key"
    assert config.suppress_dead_numbers is False and config.start_at_login is False
    assert SECRET.encode() not in database_bytes(services)

    again = open_dialog(qtbot, services)
    secret = again.edits[API_SECRET_KEY]
    assert secret.text() == "" and SECRET not in secret.placeholderText()
    assert "saved" in secret.placeholderText()
    assert again.forget[API_SECRET_KEY].isVisibleTo(again)
    assert not again.fields["suppress_dead_numbers"].input.isChecked()  # type: ignore[attr-defined]
    assert again.changes() == {}  # nothing typed: the saved secret stays
    again.forget[API_SECRET_KEY].setChecked(True)
    again.edits[API_KEY_KEY].clear()
    with qtbot.waitSignal(again.settingsSaved, timeout=10_000):
        again.save()
    assert services.ctx.settings.config().credential_kind is None


def test_half_an_api_key_is_not_saved(qtbot, services) -> None:
    dialog = open_dialog(qtbot, services)
    dialog.edits[API_KEY_KEY].setText(KEY)
    dialog.save()
    assert dialog.isVisible() and services.ctx.settings.stored_keys() == []
    assert dialog.errors[API_SECRET_KEY].text() == HALF_KEY


def test_connection_test_signs_with_the_api_key_and_keeps_the_focus(
    qtbot, services, sandbox
) -> None:
    dialog = open_dialog(qtbot, services)
    dialog.edits["twilio_account_sid"].setText(sandbox.account_sid)
    dialog.edits["twilio_api_url"].setText(sandbox.base_url)
    dialog.edits[API_KEY_KEY].setText(sandbox.api_key_sid)
    dialog.edits[API_SECRET_KEY].setText("0" * 32)  # a wrong secret: refused
    button = dialog.test_button
    button.setFocus()
    with qtbot.waitSignal(dialog.connectionTested, timeout=20_000) as tested:
        button.click()
    assert tested.args[0] is False and "API key SID and its secret" in tested.args[1]
    assert dialog.focusWidget() is button and button.isEnabled()

    dialog.edits[API_SECRET_KEY].setText(sandbox.api_key_secret)
    dialog.edits[TOKEN_KEY].setText("0" * 32)  # the key wins, as in the sending service
    with qtbot.waitSignal(dialog.connectionTested, timeout=20_000) as tested:
        button.click()
    assert tested.args == [True, "Connected to account 'TextDesk carrier sandbox' (active)"]
    assert dialog.focusWidget() is button


def test_inline_errors_do_not_move_the_test_button(qtbot, services) -> None:
    dialog = open_dialog(qtbot, services)
    button = dialog.test_button
    before = button.mapTo(dialog, button.rect().topLeft())
    for key, bad in (
        ("twilio_account_sid", "AC123"),
        ("twilio_api_url", "ftp:"),
        (API_KEY_KEY, "x"),
    ):
        dialog.edits[key].setText(bad)
        assert dialog._validate(key)
    dialog.save_button.click()  # and the status line under the fields
    qtbot.wait(50)
    assert dialog.errors["twilio_account_sid"].isVisibleTo(dialog)
    assert button.mapTo(dialog, button.rect().topLeft()) == before
    focus = dialog.focusWidget()
    button.setFocus()
    button.click()  # the Account SID is wrong: said under it, the focus stays here
    assert dialog.focusWidget() is button and focus is not button
    assert button.mapTo(dialog, button.rect().topLeft()) == before


def test_credentials_apply_without_a_restart(qtbot, services) -> None:
    dialog = open_dialog(qtbot, services)
    assert dialog.apply_note.isVisibleTo(dialog) and dialog.apply_note.text() == APPLY_NOTE
    words = " ".join(label.text() for label in dialog.findChildren(QLabel) if label.isVisible())
    assert "restart" not in words.lower()
    demo = AppServices(ctx=services.ctx, tasks=services.tasks, bridge=services.bridge, demo=True)
    in_demo = open_dialog(qtbot, demo)  # leaving demo mode for real data does need one
    assert "restart TextDesk" in in_demo.intro.text() and not in_demo.apply_note.isVisible()
    assert set(FIELDS) == set(in_demo.fields)


def test_a_wrong_sender_is_said_in_plain_words(qtbot, services) -> None:
    dialog = open_dialog(qtbot, services)
    dialog.edits["sender"].setText("my number")
    assert dialog._validate("sender") == SENDER_PROBLEM
    assert "E.164" not in dialog.errors["sender"].text()
