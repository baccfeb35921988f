"""The main window: dashboard, leads and conversations as docked tabs, the commands, notices,
status bar.

It hosts screens built elsewhere (composer, leads page, settings, import wizard); the dialogs
are imported when first opened, to keep start-up quick. Every error any screen reports
arrives here through the Notifier and is shown as a dismissable notice: a sentence, never a
traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QWidget,
)

from desktop import __version__
from desktop.services.inbox.conversations import ConversationRow
from desktop.services.reports import exports as reports
from desktop.ui.dashboard.bulk_sequences import BulkSequencesWidget
from desktop.ui.dashboard.dock import DashboardDock
from desktop.ui.dashboard.registry import DashboardWidgetSpec
from desktop.ui.inbox.dock import ConversationsDock
from desktop.ui.inbox.unread import notification, unread_text
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.formatting import plural
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.sending_status import Phase, SendingStatus
from desktop.ui.kit.theme import STYLE_SHEET
from desktop.ui.leads.page import LeadsPage
from desktop.ui.shell.background import BackgroundControls
from desktop.ui.shell.banner import NoticeArea
from desktop.ui.shell.placement import WindowPlacement
from desktop.ui.shell.status_bar import EngineStatusBar

if TYPE_CHECKING:
    from desktop.ui.composer.dialog import ComposerDialog
    from desktop.ui.settings.dialog import SettingsDialog

log = logging.getLogger(__name__)

DEMO_NOTICE = (
    "Demo mode: messages are simulated by the built-in carrier sandbox and no real text is "
    "sent. Sample data lives in its own demo database."
)


def window_title(demo: bool) -> str:
    """The app's name once: the application display name is left unset, since Qt would
    append it to this title on X11 and Windows ("TextDesk — Demo mode — TextDesk")."""
    return "TextDesk — Demo mode" if demo else "TextDesk"


def keep_docked(dock: QDockWidget) -> None:
    """A tab never tears off into a window of its own, by a double-click on its title or a
    drag of its tab: no dock feature at all (floating, moving, closing)."""
    dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
    dock.setAllowedAreas(Qt.DockWidgetArea.TopDockWidgetArea)


def _title_bar(text: str) -> QWidget:
    bar = QWidget()
    bar.setObjectName("dashboardTitleBar")  # the same look as the dashboard's title bar
    title = QLabel(text)
    title.setObjectName("dashboardTitle")
    layout = QHBoxLayout(bar)
    layout.setContentsMargins(14, 6, 8, 6)
    layout.addWidget(title)
    layout.addStretch(1)
    return bar


class MainWindow(QMainWindow):
    dialogOpened = Signal(object)  # composer, settings, import wizard (tests)

    def __init__(
        self,
        services: AppServices,
        *,
        settings_services: AppServices | None = None,
        prompts: Prompts | None = None,
        registry: list[DashboardWidgetSpec] | None = None,
        tray: bool | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.services = services
        # In demo mode Settings edit the real database, never the demo one.
        self.settings_services = settings_services or services
        self.prompts = prompts or Prompts()
        self.notifier = Notifier(self)
        self.restart_requested = False
        self.stopped = False  # set at shutdown: no new background work from here on
        self.setWindowTitle(window_title(services.demo))
        self.setStyleSheet(STYLE_SHEET)
        self.resize(1280, 800)
        # Where the user left it, fitted to this screen (a window of a bigger monitor fits).
        self.placement = WindowPlacement(self, services.ctx, services.tasks)
        self.placement.restore()
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)

        self.status = EngineStatusBar(self)
        self.setStatusBar(self.status)
        # The tray, Pause all sending, start at login, and what closing and quitting do.
        self.background = BackgroundControls(
            self, services, self.settings_services, self.prompts, self.notifier, tray=tray
        )
        self.notices = NoticeArea()
        self.notice_bar = QToolBar("Notices")
        self.notice_bar.setObjectName("noticeBar")
        self.notice_bar.setMovable(False)
        self.notice_bar.setFloatable(False)
        self.notice_bar.toggleViewAction().setVisible(False)
        self.notice_bar.addWidget(self.notices)
        self.notices.changed.connect(self._update_notice_bar)

        self.dashboard = DashboardDock(
            services, self, notifier=self.notifier, prompts=self.prompts, registry=registry
        )
        self.leads_dock = QDockWidget("Leads", self)
        self.leads_dock.setObjectName("leadsDock")
        self.leads_page = LeadsPage(services, self)
        self.leads_dock.setWidget(self.leads_page)
        self.leads_dock.setTitleBarWidget(_title_bar("Leads"))  # as the dashboard's
        # No central widget: the docks fill the window, as the sequences table needs the width.
        self.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, self.dashboard)
        self.tabifyDockWidget(self.dashboard, self.leads_dock)
        self.conversations_dock = ConversationsDock(services, self, notifier=self.notifier)
        self.conversations_page = self.conversations_dock.page
        self.tabifyDockWidget(self.leads_dock, self.conversations_dock)
        for dock in self.findChildren(QDockWidget):
            keep_docked(dock)
        self.dashboard.raise_()

        self._make_actions()
        self._make_menus_and_toolbar()
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.notice_bar)
        self._update_notice_bar()

        self.notifier.error.connect(lambda text: self.notices.show_notice("error", text, "error"))
        self.notifier.info.connect(lambda text: self.status.showMessage(text, 8000))
        self.notifier.workStarted.connect(self.status.begin_work)
        self.notifier.workFinished.connect(self.status.end_work)
        services.bridge.statusChanged.connect(self.on_engine_status)
        services.bridge.announced.connect(lambda text: self.status.showMessage(text, 8000))
        if services.demo:
            self.notices.show_notice(
                "demo",
                DEMO_NOTICE,
                "demo",
                action_text="Open &Settings…",
                action=self.open_settings,
                dismissable=True,
            )
        self._connect_bulk()
        self._connect_conversations()
        self._read_status_checks()

    # -- building ------------------------------------------------------------------------

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _make_actions(self) -> None:
        self.new_sequence_action = self._action(
            "&New sequence…",
            self.open_composer,
            "Ctrl+N",
            "Write and send a new sequence (Ctrl+N)",
        )
        self.new_sequence_action.setObjectName("newSequenceAction")
        self.import_action = self._action(
            "&Import leads…", self.open_import, "Ctrl+I", "Add leads from a CSV file (Ctrl+I)"
        )
        self.export_summary_action = self._action(
            "&Export summary…", self.export_summary, "Ctrl+E", "All sequences and counts as CSV"
        )
        self.settings_action = self._action(
            "&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences,
            "Twilio account, sending rate, quiet hours (Ctrl+,)",
        )  # fmt: skip
        self.settings_action.setShortcuts([QKeySequence("Ctrl+,"), QKeySequence("Ctrl+Shift+S")])
        self.quit_action = self.background.quit_action
        self.refresh_action = self._action(
            "&Refresh", self.refresh_all, QKeySequence.StandardKey.Refresh, "Reload everything (F5)"
        )
        self.refresh_action.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+R")])
        self.show_dashboard_action = self._action(
            "&Dashboard", lambda: self._raise_dock(self.dashboard), "Ctrl+1"
        )
        self.show_leads_action = self._action(
            "&Leads", lambda: self._raise_dock(self.leads_dock), "Ctrl+2"
        )
        self.show_conversations_action = self._action(
            "&Conversations", lambda: self._raise_dock(self.conversations_dock), "Ctrl+3"
        )
        self.customize_action = self._action("&Customize dashboard…", self.dashboard.open_customize)
        self.help_action = self._action(
            "Dashboard and &statuses",
            self.dashboard.open_help,
            QKeySequence.StandardKey.HelpContents,
        )
        self.about_action = self._action("&About TextDesk", self.show_about)

    def _make_menus_and_toolbar(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.new_sequence_action, self.import_action])
        file_menu.addAction(self.export_summary_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addActions([self.background.pause_action, self.background.login_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = menu.addMenu("&View")
        view_menu.addActions(
            [self.show_dashboard_action, self.show_leads_action, self.show_conversations_action]
        )
        view_menu.addSeparator()
        view_menu.addActions([self.customize_action, self.refresh_action])
        help_menu = menu.addMenu("&Help")
        help_menu.addActions([self.help_action, self.about_action])

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.new_sequence_action)
        new_button = toolbar.widgetForAction(self.new_sequence_action)
        new_button.setObjectName("newSequenceButton")
        toolbar.addSeparator()
        toolbar.addActions([self.import_action, self.refresh_action, self.settings_action])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.main_toolbar = toolbar

    def _connect_bulk(self) -> None:
        self.dashboard.cardCreated.connect(self._on_card)
        bulk = self.bulk_sequences
        if bulk is not None:
            self._on_card("bulk_sequences", bulk)

    def _on_card(self, key: str, widget: QWidget) -> None:
        if isinstance(widget, BulkSequencesWidget):
            widget.newSequenceRequested.connect(self.open_composer)
            widget.duplicateRequested.connect(self.open_composer)

    def _connect_conversations(self) -> None:
        page = self.conversations_page
        page.unreadChanged.connect(self._show_unread)
        page.newReplies.connect(self._notify_replies)
        page.raiseRequested.connect(lambda: self._raise_dock(self.conversations_dock))
        self.status.unreadClicked.connect(self.show_conversations_action.trigger)

    def _read_status_checks(self) -> None:
        """The poll_interval setting, for the status bar's words on status checks."""
        settings, demo = self.services.ctx.settings, self.services.demo
        run_for(
            self,
            self.services.tasks,
            lambda: settings.get("poll_interval"),
            lambda interval: self.status.set_poll_interval(interval, demo=demo),
            lambda sentence: log.warning("status check interval not read: %s", sentence),
        )

    def _show_unread(self, unread: int) -> None:
        self.status.set_unread(unread_text(unread))
        self.background.tray.set_unread(unread, unread_text(unread))

    def _notify_replies(self, rows: list[ConversationRow]) -> None:
        self.background.tray.notify(*notification(rows))

    def _update_notice_bar(self) -> None:
        self.notice_bar.setVisible(not self.notices.is_empty())

    def _raise_dock(self, dock: QDockWidget) -> None:
        dock.show()
        dock.raise_()
        bulk = self.bulk_sequences
        if dock is self.dashboard and bulk is not None:
            bulk.table.setFocus()
        else:
            dock.widget().setFocus()

    @property
    def bulk_sequences(self) -> BulkSequencesWidget | None:
        widget = self.dashboard.widget_for("bulk_sequences")
        return widget if isinstance(widget, BulkSequencesWidget) else None

    # -- commands ------------------------------------------------------------------------

    def refresh_all(self) -> None:
        if self.stopped:
            return
        self.dashboard.refresh_all()
        self.leads_page.refresh()
        self.conversations_page.refresh()
        self._read_status_checks()
        self.services.poke_engine()

    def open_composer(self, copy_of: int | None = None) -> ComposerDialog:
        """A new sequence; with `copy_of`, filled from that sequence (Duplicate)."""
        from desktop.ui.composer.dialog import ComposerDialog

        dialog = ComposerDialog(self.services, self)
        if copy_of is not None:
            dialog.load_copy(copy_of)
        dialog.sequenceCreated.connect(self.on_sequence_created)
        dialog.open()
        self.dialogOpened.emit(dialog)
        return dialog

    def on_sequence_created(self, sequence_id: int) -> None:
        self.services.poke_engine()
        self._raise_dock(self.dashboard)
        bulk = self.bulk_sequences
        if bulk is not None:
            bulk.show_new_sequence(sequence_id)
        self.notifier.show_info("Sequence created: its messages are being sent.")

    def open_settings(self) -> SettingsDialog:
        from desktop.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.settings_services, self)
        dialog.inbox_services = self.services  # the messages' database (the demo's in demo)
        dialog.settingsSaved.connect(self.on_settings_saved)
        dialog.teamDatabaseChanged.connect(self.on_team_database_changed)
        dialog.open()
        self.dialogOpened.emit(dialog)
        return dialog

    def on_team_database_changed(self) -> None:
        self.notices.show_notice(
            "restart",
            "The team database is set. Restart TextDesk to open it.",
            "success",
            action_text="&Restart now",
            action=self.request_restart,
        )

    def on_settings_saved(self) -> None:
        self.services.poke_engine()
        self._read_status_checks()
        if not self.services.demo:
            self.notifier.show_info("Settings saved.")
            return
        settings = self.settings_services.ctx.settings

        def decide(has_credentials: bool) -> None:
            if has_credentials:
                self.notices.show_notice(
                    "restart",
                    "Your Twilio account is set up. Restart TextDesk to leave demo mode and "
                    "send real messages.",
                    "success",
                    action_text="&Restart now",
                    action=self.request_restart,
                )

        self.services.tasks.run(
            lambda: settings.config().has_credentials, decide, self.notifier.show_error
        )

    def request_restart(self) -> None:
        """Leave demo mode: the demo's service stops (its sandbox sends nothing real), and
        the window opens again on the real database."""
        self.restart_requested = True
        if self.services.demo:
            self.background.stop_then_quit()
        else:
            self.background.quit_now()

    def bring_forward(self) -> None:
        """Show and raise this window (a second `textdesk` on the same database asked)."""
        self.background.open_window()

    def open_import(self) -> QWidget | None:
        """The import wizard, opened by the Leads page so the page reloads after it."""
        self._raise_dock(self.leads_dock)
        self.leads_page.open_import()
        return self.leads_page.import_wizard

    def export_summary(self) -> None:
        path = self.prompts.save_path(self, "Export summary", "textdesk-summary.csv")
        if path is not None:
            self.export_summary_to(path)

    def export_summary_to(self, path: Path) -> None:
        ctx = self.services.ctx
        token = self.notifier.begin_work("Exporting the summary…")

        def finished(count: int) -> None:
            self.notifier.end_work(token)
            self.notifier.show_info(f"Exported {plural(count, 'sequence')} to {path}.")

        def failed(sentence: str) -> None:
            self.notifier.end_work(token)
            self.notifier.show_error(f"The export failed: {sentence}")

        self.services.tasks.run(lambda: reports.export_summary(ctx, path), finished, failed)

    def show_about(self) -> None:
        where = "the built-in carrier sandbox (demo)" if self.services.demo else "Twilio"
        QMessageBox.about(
            self,
            "About TextDesk",
            f"<b>TextDesk {__version__}</b><p>Bulk text sequences through Twilio, with every "
            f"message's delivery tracked.</p><p>Sending through {where}.</p>",
        )

    # -- engine ----------------------------------------------------------------------------

    def on_engine_status(self, status: SendingStatus) -> None:
        self.status.update_status(status)
        if status.problem:
            self.notices.show_notice(
                "engine",
                f"Sending is having trouble: {status.problem}. TextDesk keeps trying; nothing "
                "is lost.",
                "error",
            )
        elif status.phase == Phase.RESTARTING:
            self.notices.show_notice(
                "engine",
                "The sending service stopped unexpectedly. TextDesk is starting it again; "
                "no message is sent twice.",
                "info",
            )
        elif status.phase == Phase.STOPPED and status.note:
            meant = status.stopped_on_request  # `textdesk service stop`: no failure
            self.notices.show_notice(
                "engine",
                status.note,
                "info" if meant else "error",
                action_text="&Start sending" if meant else "&Try again",
                action=self.services.poke_engine,
            )
        else:
            self.notices.clear("engine")

    def show_error(self, sentence: str) -> None:
        self.notifier.show_error(sentence)

    def stop(self) -> None:
        """Stop every refresh before the services close (the window may outlive them)."""
        self.stopped = True
        self.placement.remember()
        self.dashboard.stop()
        self.leads_page.stop()
        self.conversations_page.stop()
        self.background.tray.remove()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.notices.updateGeometry()  # wrapped notices need the new width

    def closeEvent(self, event: QCloseEvent) -> None:
        self.placement.remember()  # closing, or hiding to the tray
        if not self.background.handle_close(event):
            return  # hidden to the tray, or the user is asked first
        self.stop()
        super().closeEvent(event)
