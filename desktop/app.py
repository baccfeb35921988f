"""The composition root of the desktop app: database, settings, the bridge to the sending
service, window.

`build_app` wires everything and returns a `TextDeskApp` (its `.window` and `.shutdown()`);
`run_gui` is what `textdesk` and `textdesk gui [--demo]` call.

The window sends nothing itself. After its first paint it starts the sending service for
its database (a process of its own, `textdesk service run`) unless an engine holds it
already, follows the database for changes off the GUI thread, and keeps the service running
while it is open. Closing the window never stops sending. One window per database: a second
`textdesk` on the same database raises the first and exits.

Demo mode (no Twilio credentials, or `--demo`) runs against the built-in carrier sandbox (in
the service's process) on a separate demo database, seeded on its first start; the real
database is then only used by the Settings dialog, so real credentials never land in the demo
database and simulated traffic never lands in the real one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QObject,
    QThreadPool,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.models.db import resolve_db_url
from desktop.paths import app_icon_path
from desktop.services.core.context import Context
from desktop.ui.kit.appstate import AppServices, ServiceConnection
from desktop.ui.kit.bridge import EngineBridge
from desktop.ui.kit.login_start import LoginStart
from desktop.ui.kit.service_keeper import ServiceKeeper
from desktop.ui.kit.tasks import TaskRunner, describe_failure
from desktop.ui.kit.watcher import ChangeWatcher
from desktop.ui.shell.gc_schedule import GarbageCollector
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.single_instance import WindowServer, ask_running_window

if TYPE_CHECKING:
    from desktop.sandbox import SandboxConfig

log = logging.getLogger(__name__)

EXIT_AFTER_PAINT_ENV = "TEXTDESK_EXIT_AFTER_PAINT"
FIRST_PAINT_MARK = "TEXTDESK_FIRST_PAINT"
POOL_THREADS = 4  # refreshes, exports and the service's start never queue behind each other


@dataclass
class TextDeskApp:
    window: MainWindow
    services: AppServices
    settings_ctx: Context | None = None  # the real database, open beside the demo one
    collector: GarbageCollector = field(default_factory=GarbageCollector)
    _closed: bool = field(default=False, repr=False)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def demo(self) -> bool:
        return self.services.demo

    def shutdown(self) -> None:
        """Stop following the database, finish background work, close the databases. The
        sending service is not stopped: closing the window never stops sending."""
        if self._closed:
            return
        self._closed = True
        services = self.services
        self.window.background.quitting = True  # this close closes: no tray, no question
        self.window.hide()
        self.window.stop()
        self.collector.stop()
        services.bridge.detach()
        _drain(services.tasks)  # a start of the service under way included
        self.window.close()
        _drain(services.tasks)
        self.window.deleteLater()
        if self.settings_ctx is not None and self.settings_ctx is not services.ctx:
            self.settings_ctx.close()
        services.ctx.close()


def _drain(tasks: TaskRunner, rounds: int = 5) -> None:
    """Wait for background work and deliver its results while the widgets still exist; a
    delivered result may start one last piece of work, hence the few rounds."""
    for _ in range(rounds):
        tasks.wait(30_000)
        QCoreApplication.processEvents()
        if not tasks.pending:
            return


def _close_contexts(contexts: tuple[Context, Context, bool]) -> None:
    ctx, settings_ctx, _demo = contexts
    for context in {id(ctx): ctx, id(settings_ctx): settings_ctx}.values():
        context.close()


def open_contexts(db_url: str | None, demo: bool) -> tuple[Context, Context, bool]:
    """(working context, settings context, demo?): demo without credentials or on request."""
    real = Context.open(db_url)
    if not demo and real.settings.config().has_credentials:
        return real, real, False
    return Context.open(db_url, demo=True), real, True


def build_app(
    db_url: str | None = None,
    *,
    demo: bool = False,
    start_services: bool = True,
    sandbox_config: SandboxConfig | None = None,
    contexts: tuple[Context, Context, bool] | None = None,
    tray: bool | None = None,
) -> TextDeskApp:
    """Wire the app. With `start_services` (the default), after the first paint the window
    follows the database and starts the sending service (demo: seeds the demo database
    first); `start_services=False` builds the window alone (tests, the self-check).
    `contexts` are open_contexts' result when the caller opened them already; `tray` forces
    the tray icon on or off (None: wherever the platform has a tray).

    `sandbox_config` is accepted for older scripts and ignored: the demo's sandbox runs in
    the sending service's process, with the demo's own timings."""
    if QApplication.instance() is None:
        QApplication([sys.argv[0] if sys.argv else "textdesk"])
    if sandbox_config is not None:
        log.warning("build_app(sandbox_config=...) is ignored: the service runs the sandbox")
    ctx, settings_ctx, demo = contexts or open_contexts(db_url, demo)
    pool = QThreadPool()
    pool.setMaxThreadCount(POOL_THREADS)
    tasks = TaskRunner(pool=pool)
    watcher: ChangeWatcher | None = None
    keeper: ServiceKeeper | None = None
    if start_services:
        # The login entry belongs to the real database: the demo never writes one.
        login = None if demo else LoginStart(settings_ctx, resolve_db_url(None))
        watcher = ChangeWatcher(ctx, login=login)
        keeper = ServiceKeeper(ctx, tasks, watcher, demo=demo, login=login)
    bridge = EngineBridge(watcher, keeper)
    # In demo mode a sequence with no sender goes out from the service's sandbox number.
    connection = ServiceConnection(demo=True) if demo else None
    services = AppServices(ctx=ctx, tasks=tasks, bridge=bridge, connection=connection, demo=demo)
    settings_services = replace(services, ctx=settings_ctx) if settings_ctx is not ctx else None
    window = MainWindow(services, settings_services=settings_services, tray=tray)
    app = TextDeskApp(window=window, services=services, settings_ctx=settings_ctx)
    if not start_services:
        window.status.set_not_started()
    else:
        window.status.set_not_started("Sending service: checking…")

    def after_first_paint() -> None:
        if app.closed:
            return  # closed before it ever painted
        app.collector.start()
        bridge.start()  # off the GUI thread: the watcher's thread, the service's start

    _WhenShown(window, after_first_paint)
    return app


class _WhenShown(QObject):
    """Runs `action` once the window has painted (or after `fallback_ms` if it never does):
    seeding and the service's start then do not compete with the first paint."""

    def __init__(self, window: QWidget, action: Callable[[], None], fallback_ms: int = 1000):
        super().__init__(window)
        self._action: Callable[[], None] | None = action
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._action is not None:
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        action, self._action = self._action, None
        window = self.parent()
        if window is not None:  # once is enough: no Python call for each of its events
            window.removeEventFilter(self)
        if action is not None:
            action()


# -- running the window ----------------------------------------------------------------------


class _FirstPaint(QObject):
    """With TEXTDESK_EXIT_AFTER_PAINT=1: print when the window first painted, then quit.

    The start-up benchmark runs `python -m desktop gui --demo` with it and reads the mark.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self.done
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            self.done = True
            # After this paint has been handled and flushed, not before.
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        print(f"{FIRST_PAINT_MARK} {time.time():.6f}", flush=True)
        QApplication.quit()


def _qt_messages_to_log() -> Any:
    """Qt's own warnings go to the log file like everything else, not to a console that a
    desktop app does not have."""
    logger = logging.getLogger("qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        logger.log(levels.get(kind, logging.WARNING), "%s", message)

    return qInstallMessageHandler(handler)  # the previous handler, put back on exit


def _install_excepthook(window: MainWindow) -> None:
    """An exception escaping a slot becomes a notice in the window, never a traceback."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        with contextlib.suppress(RuntimeError):  # the window is gone: the log has it
            window.show_error(describe_failure(exc))

    sys.excepthook = hook


def identify_application(qt_app: QApplication) -> None:
    """The name, icon and desktop entry the platform shows for the window."""
    qt_app.setWindowIcon(QIcon(str(app_icon_path())))
    qt_app.setDesktopFileName("textdesk")
    qt_app.setApplicationName("TextDesk")
    qt_app.setOrganizationName("TextDesk")
    # No application display name: Qt would append it to every window title, and the main
    # window's title already starts with the name (main_window.window_title).


def run_gui(db_url: str | None = None, demo: bool = False) -> int:
    """Open the window and run until it closes; returns the exit code."""
    qt_app = QApplication.instance() or QApplication(sys.argv[:1] or ["textdesk"])
    assert isinstance(qt_app, QApplication)
    identify_application(qt_app)
    previous_qt_handler = _qt_messages_to_log()
    exit_after_paint = os.environ.get(EXIT_AFTER_PAINT_ENV) == "1"
    previous_hook = sys.excepthook
    code = 0
    try:
        while True:
            try:
                contexts = open_contexts(db_url, demo)
            except Exception as exc:
                QMessageBox.critical(None, "TextDesk cannot start", describe_failure(exc))
                return 1
            working_url = contexts[0].db.url
            if ask_running_window(working_url):
                # One window per database: the open one came forward instead.
                _close_contexts(contexts)
                print("TextDesk is already open on this database: brought it forward.")
                return 0
            server = WindowServer(working_url)
            server.listen()
            try:
                # The start-up measure paints and quits: it leaves no service behind.
                app = build_app(
                    db_url, demo=demo, contexts=contexts, start_services=not exit_after_paint
                )
            except Exception as exc:
                server.close()
                _close_contexts(contexts)
                QMessageBox.critical(None, "TextDesk cannot start", describe_failure(exc))
                return 1
            server.raiseRequested.connect(app.window.bring_forward)
            background = app.window.background
            background.quitRequested.connect(qt_app.quit)
            # With a tray the hidden window keeps the app alive; Quit ends it.
            qt_app.setQuitOnLastWindowClosed(not background.tray.available)
            _install_excepthook(app.window)
            if exit_after_paint:
                qt_app.installEventFilter(_FirstPaint(app.window))
            app.window.show()
            try:
                code = qt_app.exec()
            finally:
                restart = app.window.restart_requested
                app.shutdown()
                server.close()
            if not restart:
                return code
            demo = False  # a restart after adding credentials leaves demo mode
    finally:
        sys.excepthook = previous_hook
        qInstallMessageHandler(previous_qt_handler)
