"""A table of saved things with Add, Edit and Delete (after a question): the common part of
the Auto-replies and Templates tabs. The rows are read on the task pool, and read again
after every change; a double-click or Enter edits a row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.wording import sentence
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.enter_opens_row import EnterOpensRow
from desktop.ui.kit.form_style import restyle
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.table_model import Column, ColumnTableModel

Row = TypeVar("Row")


class EditableList(QWidget, Generic[Row]):
    loaded = Signal()  # the rows were read (again)

    def __init__(
        self,
        services: AppServices,
        table_name: str,
        columns: Sequence[Column[Row]],
        read: Callable[[], list[Row]],
        intro: str,
        parent: QWidget | None = None,
        *,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.prompts = prompts or Prompts()
        self._read = read
        self.model: ColumnTableModel[Row] = ColumnTableModel(columns, self)
        self.table = QTableView()
        self.table.setObjectName(table_name)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # one Tab stop, arrows move inside
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.intro = QLabel(intro)
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete…")
        for button in (self.add_button, self.edit_button, self.delete_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.table.doubleClicked.connect(lambda index: self.edit_row(index.row()))
        EnterOpensRow(self.table, lambda index: self.edit_row(index.row()))
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_current)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        QWidget.setTabOrder(self.table, self.add_button)
        self.reload()

    # -- rows ------------------------------------------------------------------------------

    def reload(self, select: Callable[[Row], bool] | None = None) -> None:
        read = self._read
        run_for(
            self,
            self.services.tasks,
            read,
            lambda rows: self._loaded(rows, select),
            self.show_error,
        )

    def _loaded(self, rows: list[Row], select: Callable[[Row], bool] | None) -> None:
        kept = self.current()
        self.model.set_rows(rows)
        wanted = select or (lambda row: row == kept)
        found = next((i for i, row in enumerate(rows) if wanted(row)), None)
        if found is None and rows:
            found = 0
        if found is not None:
            self.table.selectRow(found)
        self._update_buttons()
        self.loaded.emit()

    def current(self) -> Row | None:
        index: QModelIndex = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen and self.can_delete(self.current()))

    # -- what each list says and does -------------------------------------------------------

    def can_delete(self, row: Row | None) -> bool:
        return row is not None

    def add(self) -> None:
        raise NotImplementedError

    def edit_row(self, row: int) -> None:
        raise NotImplementedError

    def edit_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.edit_row(index.row())

    def delete_current(self) -> None:
        raise NotImplementedError

    def run_change(self, work: Callable[[], object], done_text: str) -> None:
        """A change on the task pool; then the rows are read again and `done_text` shown."""

        def finished(_result: object) -> None:
            self.say(done_text)
            self.reload()

        run_for(self, self.services.tasks, work, finished, self.show_error)

    def say(self, text: str) -> None:
        restyle(self.message, "hint")
        self.message.setText(text)

    def show_error(self, message: str) -> None:
        restyle(self.message, "fieldError")
        self.message.setText(sentence(message))
