"""The dashboard dock: the registry's widgets laid out as cards, chosen and ordered by the user.

The registry (registry.py) says what exists; the user's choice (which, in what order) is
stored in the database through desktop.services.core.ui_prefs, so it survives a restart.
Hidden widgets are not built at all: a widget nobody sees costs no query.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core import ui_prefs
from desktop.services.core.ui_prefs import DashboardEntry
from desktop.ui.dashboard.registry import DashboardHost, DashboardWidgetSpec, default_registry
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.live import LiveWidget
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.theme import gear_icon, help_icon
from desktop.ui.kit.tooltips import wrapped_tooltip


class DashboardCard(QFrame):
    """A titled white card around one dashboard widget."""

    def __init__(self, spec: DashboardWidgetSpec, content: QWidget) -> None:
        super().__init__()
        # Every card follows the database and must stop with the window: say so at once,
        # rather than leave a widget refreshing behind a closed window.
        if not isinstance(content, LiveWidget):
            raise TypeError(f"dashboard widget {spec.key!r} has no refresh() and stop()")
        self.setObjectName("dashboardCard")
        self.spec = spec
        self.content = content
        self.live: LiveWidget = content
        title = QLabel(spec.title)
        title.setObjectName("dashboardCardTitle")
        title.setToolTip(wrapped_tooltip(spec.description) or "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(content, 1)


class DashboardDock(QDockWidget):
    layoutApplied = Signal(list)  # [DashboardEntry], after the cards were rearranged
    layoutSaved = Signal()  # the choice is in the database
    cardCreated = Signal(str, QWidget)  # key, content widget

    def __init__(
        self,
        services: AppServices,
        parent: QWidget | None = None,
        *,
        notifier: Notifier | None = None,
        prompts: Prompts | None = None,
        registry: list[DashboardWidgetSpec] | None = None,
    ) -> None:
        super().__init__("Dashboard", parent)
        self.setObjectName("dashboardDock")
        self.services = services
        self.notifier = notifier or Notifier(self)
        self.prompts = prompts or Prompts()
        self.registry = registry if registry is not None else default_registry()
        self.specs = {spec.key: spec for spec in self.registry}
        self.cards: dict[str, DashboardCard] = {}
        self.entries: list[DashboardEntry] = []
        # A tab of the window: never floated by a double-click or dragged away.
        self.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        self.setTitleBarWidget(self._title_bar())

        self.body = QWidget()
        self.body.setObjectName("dashboardBody")
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(10, 10, 10, 10)
        self.grid.setSpacing(10)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("dashboardScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.body)
        self.setWidget(self.scroll_area)
        self.nothing_label = QLabel(
            "The dashboard is empty. Click the gear button above to choose widgets."
        )
        self.nothing_label.setProperty("role", "emptyState")
        self.nothing_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.nothing_label.hide()
        self.grid.addWidget(self.nothing_label, 0, 0, 1, 2)
        self._help_dialog: QWidget | None = None
        self.customize_dialog: QWidget | None = None

        # One small read at start-up; the writes go through the task runner.
        self.apply_layout(
            ui_prefs.load_dashboard_layout(services.ctx, list(self.specs)), save=False
        )

    def _title_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("dashboardTitleBar")
        title = QLabel("Dashboard")
        title.setObjectName("dashboardTitle")
        self.settings_button = QToolButton()
        self.settings_button.setObjectName("dashboardSettingsButton")
        self.settings_button.setIcon(gear_icon())
        self.settings_button.setIconSize(QSize(18, 18))
        self.settings_button.setAutoRaise(True)
        self.settings_button.setToolTip(
            "Choose which widgets the dashboard shows, and in what order"
        )
        self.settings_button.setAccessibleName("Customize dashboard")
        self.settings_button.clicked.connect(self.open_customize)
        self.help_button = QToolButton()
        self.help_button.setObjectName("dashboardHelpButton")
        self.help_button.setIcon(help_icon())
        self.help_button.setIconSize(QSize(18, 18))
        self.help_button.setAutoRaise(True)
        self.help_button.setToolTip("What the dashboard shows and what every status means (F1)")
        self.help_button.setAccessibleName("Dashboard help")
        self.help_button.clicked.connect(self.open_help)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(14, 2, 8, 2)
        layout.addWidget(title)
        layout.addStretch(1)
        layout.addWidget(self.settings_button)
        layout.addWidget(self.help_button)
        return bar

    # -- layout ------------------------------------------------------------------------

    def widget_for(self, key: str) -> QWidget | None:
        card = self.cards.get(key)
        return card.content if card is not None else None

    def visible_keys(self) -> list[str]:
        return [e.key for e in self.entries if e.visible]

    def apply_layout(self, entries: list[DashboardEntry], *, save: bool = True) -> None:
        """Show the visible widgets in this order; build the new ones, drop the hidden ones."""
        self.entries = [e for e in entries if e.key in self.specs]
        visible = self.visible_keys()
        for key in [k for k in self.cards if k not in visible]:
            card = self.cards.pop(key)
            card.live.stop()
            self.grid.removeWidget(card)
            card.deleteLater()
        for card in self.cards.values():
            self.grid.removeWidget(card)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        row, column = 0, 0
        host = DashboardHost(self.services, self.notifier, self.prompts)
        for key in visible:
            spec = self.specs[key]
            existing = self.cards.get(key)
            if existing is None:
                content = spec.create(host)
                card = DashboardCard(spec, content)
                self.cards[key] = card
                self.cardCreated.emit(key, content)
            else:
                card = existing
            if spec.wide:
                if column == 1:  # a narrow card waits alone on the row above
                    row, column = row + 1, 0
                self.grid.addWidget(card, row, 0, 1, 2)
            else:
                self.grid.addWidget(card, row, column)
            self.grid.setRowStretch(row, max(self.grid.rowStretch(row), spec.stretch))
            card.show()
            if spec.wide or column == 1:
                row, column = row + 1, 0
            else:
                column = 1
        self.nothing_label.setVisible(not visible)
        self.layoutApplied.emit(list(self.entries))
        if save:
            self._save()

    def _save(self) -> None:
        ctx, entries = self.services.ctx, list(self.entries)
        run_for(  # the window may close before the write ends: nothing to tell then
            self,
            self.services.tasks,
            lambda: ui_prefs.save_dashboard_layout(ctx, entries),
            lambda _result: self.layoutSaved.emit(),
            lambda sentence: self.notifier.show_error(
                f"The dashboard choice was not saved: {sentence}"
            ),
        )

    def refresh_all(self) -> None:
        for card in self.cards.values():
            card.live.refresh()

    def stop(self) -> None:
        for card in self.cards.values():
            card.live.stop()

    # -- gear and help -------------------------------------------------------------------

    def open_customize(self) -> QWidget:
        from desktop.ui.dashboard.customize import DashboardCustomizeDialog

        dialog = DashboardCustomizeDialog(self.entries, self.registry, self)
        dialog.accepted.connect(lambda: self.apply_layout(dialog.chosen_entries()))
        self.customize_dialog = dialog
        dialog.open()
        return dialog

    def open_help(self) -> QWidget:
        from desktop.ui.dashboard.help import DashboardHelpDialog

        if self._help_dialog is None:
            self._help_dialog = DashboardHelpDialog(self.registry, self)
        self._help_dialog.show()
        self._help_dialog.raise_()
        self._help_dialog.activateWindow()
        return self._help_dialog
