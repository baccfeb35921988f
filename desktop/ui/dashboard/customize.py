"""The gear dialog: tick the dashboard widgets to show, and put them in order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.ui_prefs import DashboardEntry
from desktop.ui.dashboard.registry import DashboardWidgetSpec
from desktop.ui.kit.tooltips import wrapped_tooltip

KEY_ROLE = Qt.ItemDataRole.UserRole


class DashboardCustomizeDialog(QDialog):
    def __init__(
        self,
        entries: list[DashboardEntry],
        registry: list[DashboardWidgetSpec],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardCustomizeDialog")
        self.setWindowTitle("Customize dashboard")
        self.resize(460, 380)
        self.registry = registry
        specs = {spec.key: spec for spec in registry}

        intro = QLabel(
            "Tick the widgets to show. Drag them, or use Move up and Move down, to change "
            "their order. Your choice is remembered."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("dashboardWidgetList")
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setSpacing(2)
        for entry in entries:
            spec = specs.get(entry.key)
            if spec is not None:
                self._add_item(spec, entry.visible)
        self.list.setCurrentRow(0)

        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move &down")
        self.defaults_button = QPushButton("&Restore defaults")
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(+1))
        self.defaults_button.clicked.connect(self.restore_defaults)
        side = QVBoxLayout()
        side.addWidget(self.up_button)
        side.addWidget(self.down_button)
        side.addStretch(1)
        side.addWidget(self.defaults_button)
        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addLayout(side)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(intro)
        layout.addLayout(middle, 1)
        layout.addWidget(buttons)

    def _add_item(self, spec: DashboardWidgetSpec, visible: bool) -> None:
        item = QListWidgetItem(spec.title)
        item.setData(KEY_ROLE, spec.key)
        item.setToolTip(wrapped_tooltip(spec.description) or "")
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsDragEnabled
        )
        item.setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)
        self.list.addItem(item)

    def item_for(self, key: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(KEY_ROLE) == key:
                return item
        return None

    def set_visible(self, key: str, visible: bool) -> None:
        item = self.item_for(key)
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def restore_defaults(self) -> None:
        self.list.clear()
        for spec in self.registry:
            self._add_item(spec, True)
        self.list.setCurrentRow(0)

    def chosen_entries(self) -> list[DashboardEntry]:
        return [
            DashboardEntry(
                str(self.list.item(row).data(KEY_ROLE)),
                self.list.item(row).checkState() == Qt.CheckState.Checked,
            )
            for row in range(self.list.count())
        ]
