"""Sending in the background: the tray, Pause all sending, start at login, and what closing
the window or quitting does.

Closing the window never stops sending: the sending service is a process of its own. With a
system tray, closing hides the window and the tray icon stays; Quit (File menu, Ctrl+Q, the
tray's menu) ends the window's process. Without a tray, closing the window is quitting.
Quitting while messages wait (In-queue in a sequence that will send, or a sequence
Scheduled) asks: keep sending in the background (the default), stop sending until TextDesk
is opened again (the service is stopped, and the login entry removed), or cancel.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.services.core.errors import UserError
from desktop.services.sequences import lifecycle
from desktop.services.status.vocabulary import SequenceStatus
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.formatting import plural
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.prompts import Prompts, QuitChoice
from desktop.ui.kit.sending_status import Phase, SendingStatus
from desktop.ui.kit.tooltips import wrapped_tooltip
from desktop.ui.shell.tray import SendingTray

log = logging.getLogger(__name__)

PAUSABLE = (SequenceStatus.SCHEDULED, SequenceStatus.IN_PROGRESS)
PAUSE_QUESTION = (
    "Pause every scheduled and running sequence? Nothing more is handed to Twilio until you "
    "resume them (select a sequence, then Resume). Messages already sent are still followed."
)


def pause_all(services: AppServices) -> int:
    """Pause every Scheduled or In progress sequence (lifecycle.pause, as one would by hand);
    returns how many. One that finished or was paused meanwhile is left as it is."""
    ctx = services.ctx
    paused = 0
    for summary in lifecycle.list_sequences(ctx):
        if summary.status not in PAUSABLE:
            continue
        try:
            lifecycle.pause(ctx, summary.id)
        except UserError as exc:
            log.info("sequence %s not paused: %s", summary.id, exc)
            continue
        paused += 1
    return paused


class BackgroundControls(QObject):
    quitRequested = Signal()  # the window's process should end (run_gui quits the app)

    def __init__(
        self,
        window: QWidget,
        services: AppServices,
        settings_services: AppServices,
        prompts: Prompts,
        notifier: Notifier,
        *,
        tray: bool | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.settings_services = settings_services
        self.prompts = prompts
        self.notifier = notifier
        self.quitting = False  # decided: the next close really closes
        self.stopping = False  # stopping the service before quitting

        self.open_action = self._action("&Open TextDesk", self.open_window)
        self.pause_action = self._action(
            "&Pause all sending…", self.ask_pause_all, tip="Pause every scheduled and running "
            "sequence; resume them one by one later",
        )  # fmt: skip
        self.pause_action.setObjectName("pauseAllAction")
        self.quit_action = self._action("&Quit TextDesk", self.request_quit)
        # The platform's Quit keys where it has them (none on Windows), else Ctrl+Q.
        quit_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
        self.quit_action.setShortcuts(quit_keys or [QKeySequence("Ctrl+Q")])
        self.quit_action.setObjectName("quitAction")
        self.login_action = self._action(
            "Start sending at &login", self._toggle_login, tip="Start the sending service when "
            "you log in, so scheduled texts go out without opening TextDesk",
        )  # fmt: skip
        self.login_action.setObjectName("startAtLoginAction")
        self.login_action.setCheckable(True)
        if services.demo:
            self.login_action.setEnabled(False)
            self.login_action.setStatusTip("Demo mode sends nothing at login")
        self.tray = SendingTray(
            self.open_action,
            [self.open_action, None, self.pause_action, None, self.quit_action],
            self,
            available=tray,
        )
        services.bridge.statusChanged.connect(self.on_status)
        services.bridge.loginEntryChanged.connect(self._on_login_entry)

    def _action(self, text: str, slot: object, *, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if tip:
            action.setStatusTip(tip)  # the status bar's one line stays plain
            action.setToolTip(wrapped_tooltip(tip) or "")
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return action

    # -- state ------------------------------------------------------------------------------

    def on_status(self, status: SendingStatus) -> None:
        self.tray.update(status)

    def _on_login_entry(self, present: object) -> None:
        self.login_action.setChecked(bool(present))

    # -- commands ---------------------------------------------------------------------------

    def open_window(self) -> None:
        window = self.window
        if window.isMinimized():
            window.showNormal()
        else:
            window.show()
        window.raise_()
        window.activateWindow()

    def ask_pause_all(self) -> None:
        if not self.prompts.confirm(
            self.window, "Pause all sending", PAUSE_QUESTION, "&Pause all sequences"
        ):
            return
        services = self.services
        token = self.notifier.begin_work("Pausing every sequence…")

        def done(count: int) -> None:
            self.notifier.end_work(token)
            self.notifier.show_info(
                f"Paused {plural(count, 'sequence')}." if count else "Nothing was sending."
            )

        def failed(sentence: str) -> None:
            self.notifier.end_work(token)
            self.notifier.show_error(f"Pausing failed: {sentence}")

        services.tasks.run(lambda: pause_all(services), done, failed)

    def _toggle_login(self) -> None:
        value = "on" if self.login_action.isChecked() else "off"
        settings = self.settings_services.ctx.settings
        bridge = self.services.bridge

        def saved(_result: object) -> None:
            if bridge.watcher is not None:
                bridge.watcher.status_now()  # applies it at once

        self.services.tasks.run(
            lambda: settings.set("start_at_login", value), saved, self.notifier.show_error
        )

    # -- closing and quitting ---------------------------------------------------------------

    def handle_close(self, event: QCloseEvent) -> bool:
        """The window's closeEvent: True if the window may close now."""
        if self.quitting:
            return True
        event.ignore()
        if self.tray.available:
            self.window.hide()
            self.tray.tell_hidden()
        else:
            self.request_quit()
        return False

    def request_quit(self) -> None:
        if self.stopping:
            return
        status = self.services.bridge.status
        # Only a service this window started or follows can go on or be stopped: with none
        # (not running, or a `textdesk worker` sending) there is nothing to choose.
        ours = status.phase in (Phase.RUNNING, Phase.STARTING, Phase.RESTARTING)
        if not (ours and status.has_waiting):
            self.quit_now()
            return
        self.open_window()  # the question needs the window it is about
        choice = self.prompts.ask_quit(self.window, status.waiting_sentence())
        if choice == QuitChoice.KEEP_SENDING:
            self.quit_now()
        elif choice == QuitChoice.STOP_SENDING:
            self.stop_then_quit()

    def stop_then_quit(self) -> None:
        self.stopping = True
        token = self.notifier.begin_work("Stopping the sending service…")

        def done(stopped: bool, sentence: str) -> None:
            self.notifier.end_work(token)
            self.stopping = False
            if stopped:
                self.quit_now()
                return
            self.open_window()
            self.notifier.show_error(f"Sending could not be stopped: {sentence}")

        self.services.bridge.stop_sending(done)

    def quit_now(self) -> None:
        self.quitting = True
        self.tray.remove()
        self.quitRequested.emit()
        self.window.close()
