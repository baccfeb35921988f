"""Sending in the background, from the window: the close question's three answers with a
real sending service, the tray's menu, start at login, one window per database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from desktop.app import TextDeskApp
from desktop.services.sequences import lifecycle
from desktop.services.status.vocabulary import SequenceStatus
from desktop.ui.kit.prompts import QuitChoice
from desktop.ui.kit.sending_status import Activity, Phase, SendingStatus
from desktop.ui.shell.single_instance import WindowServer
from tests.ui.shell.service_helpers import Sending, open_window
from tests.ui.ui_helpers import FakePrompts

pytest_plugins = ("tests.ui.shell.service_fixtures",)

ROOT = Path(__file__).resolve().parents[3]


class QuitPrompts(FakePrompts):
    """Answers the close question with the given choices, in turn."""

    def __init__(self, *answers: QuitChoice) -> None:
        super().__init__(confirm=True)
        self.answers = list(answers)
        self.quit_asked: list[str] = []

    def ask_quit(self, parent, waiting: str) -> QuitChoice:  # type: ignore[no-untyped-def]
        self.quit_asked.append(waiting)
        return self.answers.pop(0)


def login_entries(sending: Sending) -> list[Path]:
    return sorted((sending.folder / "config" / "autostart").glob("textdesk-service*.desktop"))


def wait_running(qtbot, app: TextDeskApp, scheduled: int = 0) -> SendingStatus:  # type: ignore[no-untyped-def]
    bridge = app.services.bridge
    qtbot.waitUntil(
        lambda: bridge.status.running and bridge.status.scheduled == scheduled, timeout=30_000
    )
    return bridge.status


def test_quitting_asks_keep_stop_or_cancel(qtbot, sending: Sending, windows) -> None:  # type: ignore[no-untyped-def]
    sending.create(3, name="Next week", start_in_days=7)
    app = open_window(windows, sending.url, tray=False)  # closing is quitting without a tray
    window = app.window
    prompts = QuitPrompts(QuitChoice.CANCEL, QuitChoice.KEEP_SENDING)
    window.background.prompts = prompts
    status = wait_running(qtbot, app, scheduled=1)
    pid = sending.service_pid()
    assert pid is not None and status.holder is not None and status.holder.pid == pid
    # Auto: a sequence is scheduled, so the service starts at the next login too.
    qtbot.waitUntil(lambda: len(login_entries(sending)) == 1, timeout=10_000)
    assert window.background.login_action.isChecked()

    window.close()  # no tray here: closing is quitting, and messages wait
    assert prompts.quit_asked == ["3 messages waiting to be sent and 1 sequence scheduled"]
    assert window.isVisible()  # Cancel: nothing happened
    with qtbot.waitSignal(window.background.quitRequested, timeout=5000):
        window.quit_action.trigger()  # Ctrl+Q: Keep sending in the background
    assert not window.isVisible()
    app.shutdown()  # what run_gui does once the event loop ends
    assert sending.service_pid() == pid  # the service goes on without the window

    again = open_window(windows, sending.url, tray=False)
    again.window.background.prompts = QuitPrompts(QuitChoice.STOP_SENDING)
    wait_running(qtbot, again, scheduled=1)
    assert sending.service_pid() == pid  # it found the service running and started none
    with qtbot.waitSignal(again.window.background.quitRequested, timeout=20_000):
        again.window.quit_action.trigger()  # Stop sending until TextDesk is opened again
    assert sending.service_pid() is None
    assert login_entries(sending) == []  # nor at the next login


def test_quitting_with_nothing_waiting_asks_nothing(qtbot, sending: Sending, windows) -> None:  # type: ignore[no-untyped-def]
    app = open_window(windows, sending.url, tray=False)
    prompts = QuitPrompts()
    app.window.background.prompts = prompts
    wait_running(qtbot, app)
    with qtbot.waitSignal(app.window.background.quitRequested, timeout=5000):
        app.window.close()
    assert prompts.quit_asked == []


def test_the_tray_menu_opens_pauses_and_quits(  # type: ignore[no-untyped-def]
    qtbot, sending: Sending, windows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEXTDESK_SERVICE", "off")  # the menu's work needs no service
    running = sending.create(2, name="Now")
    later = sending.create(1, name="Later", start_in_days=3)
    app = open_window(windows, sending.url)
    window = app.window
    prompts = QuitPrompts(QuitChoice.CANCEL)
    window.background.prompts = prompts
    menu = window.background.tray.menu
    actions = {a.text(): a for a in menu.actions() if not a.isSeparator()}
    assert list(actions) == ["&Open TextDesk", "&Pause all sending…", "&Quit TextDesk"]
    assert menu.defaultAction() is actions["&Open TextDesk"]
    # The same actions are in the File menu, with Ctrl+Q: keyboard access without a tray.
    assert actions["&Quit TextDesk"] is window.quit_action
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"

    window.hide()
    actions["&Open TextDesk"].trigger()
    assert window.isVisible()

    actions["&Pause all sending…"].trigger()
    assert prompts.asked and prompts.asked[-1][0] == "Pause all sending"
    ctx = sending.ctx
    qtbot.waitUntil(
        lambda: (
            {lifecycle.get_summary(ctx, s).status for s in (running, later)}
            == {SequenceStatus.PAUSED}
        ),
        timeout=10_000,
    )

    # Paused, nothing waits any more: Quit asks nothing.
    qtbot.waitUntil(lambda: app.services.bridge.status.phase == Phase.STOPPED, timeout=10_000)
    qtbot.waitUntil(lambda: not app.services.bridge.status.has_waiting, timeout=10_000)
    with qtbot.waitSignal(window.background.quitRequested, timeout=5000):
        actions["&Quit TextDesk"].trigger()
    assert prompts.quit_asked == []


def test_the_tray_icon_shows_the_state(qtbot, sending: Sending, windows) -> None:  # type: ignore[no-untyped-def]
    if not QSystemTrayIcon.isSystemTrayAvailable():  # asked once Qt runs, not at import
        pytest.skip(
            "no system tray on this display (offscreen, or Xvfb without a tray host): the "
            "icon itself cannot be shown; its menu's actions and words are tested above"
        )
    app = open_window(windows, sending.url)
    tray = app.window.background.tray
    assert tray.icon is not None and tray.icon.isVisible()
    wait_running(qtbot, app)
    assert tray.icon.toolTip().startswith("TextDesk: ")
    app.window.close()  # with a tray: hidden, not quit
    assert not app.window.isVisible() and not app.window.background.quitting


def test_the_tray_follows_the_state(qtbot, sending: Sending, windows) -> None:  # type: ignore[no-untyped-def]
    """The words and badge the tray icon gets (here without showing an icon)."""
    app = open_window(windows, sending.url, start_services=False)
    tray = app.window.background.tray
    tray.update(SendingStatus(Phase.RUNNING, waiting=4, send_rate=2.0))
    assert tray.activity == Activity.SENDING and "sending, 4 messages" in tray.tooltip
    tray.update(SendingStatus(Phase.RUNNING, problem="Twilio refused the credentials"))
    assert tray.activity == Activity.PROBLEM and "refused" in tray.tooltip
    tray.update(SendingStatus(Phase.RUNNING))
    assert tray.activity == Activity.IDLE


def test_start_at_login_follows_the_setting(  # type: ignore[no-untyped-def]
    qtbot, sending: Sending, windows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEXTDESK_SERVICE", "off")  # the entry is the window's business alone
    app = open_window(windows, sending.url)
    login = app.window.background.login_action
    status = app.services.bridge
    qtbot.waitUntil(lambda: status.status.phase == Phase.STOPPED, timeout=10_000)
    assert "TEXTDESK_SERVICE=off" in status.status.note
    assert login_entries(sending) == [] and not login.isChecked()  # auto, nothing to send
    sending.create(1, name="Tomorrow", start_in_days=1)
    qtbot.waitUntil(lambda: len(login_entries(sending)) == 1, timeout=10_000)
    qtbot.waitUntil(login.isChecked, timeout=5000)
    entry = login_entries(sending)[0].read_text()
    assert "service start" in entry and sending.url in entry

    login.trigger()  # File > Start sending at login: off
    qtbot.waitUntil(lambda: login_entries(sending) == [], timeout=10_000)
    assert sending.ctx.settings.raw("start_at_login") == "off"
    login.trigger()  # and on again
    qtbot.waitUntil(lambda: len(login_entries(sending)) == 1, timeout=10_000)
    assert sending.ctx.settings.raw("start_at_login") == "on"


def test_a_second_textdesk_on_the_same_database_raises_the_first(  # type: ignore[no-untyped-def]
    qtbot, sending: Sending, windows
) -> None:
    app = open_window(windows, sending.url, start_services=False)
    server = WindowServer(app.services.ctx.db.url)
    assert server.listen()
    server.raiseRequested.connect(app.window.bring_forward)
    app.window.hide()
    try:
        env = {**sending.env, "TEXTDESK_SERVICE": "off"}
        second = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--db", sending.url],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # The event loop runs while the second start asks: the first answers.
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
        out, err = second.communicate()
        assert second.returncode == 0, err
        assert "already open" in out
        assert server.requests == 1
        assert app.window.isVisible()  # brought forward
    finally:
        server.close()


def test_another_database_gets_its_own_window(tmp_path: Path) -> None:
    from desktop.ui.shell.single_instance import ask_running_window, server_name

    assert server_name("sqlite:///a.db") != server_name("sqlite:///b.db")
    assert len(server_name("sqlite:///" + "x" * 500)) < 40  # Unix socket paths are short
    assert not ask_running_window(f"sqlite:///{tmp_path / 'nobody.db'}")


def test_leaving_demo_mode_stops_the_demos_sending(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, windows, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TEXTDESK_FROM", "TEXTDESK_DB"):
        monkeypatch.delenv(name, raising=False)
    app = open_window(windows, f"sqlite:///{tmp_path / 'real.db'}", start_services=False)
    window = app.window
    assert app.demo
    with qtbot.waitSignal(window.background.quitRequested, timeout=5000):
        window.request_restart()  # "Restart now", after credentials were saved
    assert window.restart_requested and not window.isVisible()
