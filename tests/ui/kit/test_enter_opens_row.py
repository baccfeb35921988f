"""Enter and Return open a view's current row, only where it opens something, and the key
does not reach the dialog around the view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QPushButton, QTableView, QVBoxLayout

from desktop.ui.kit.enter_opens_row import EnterOpensRow


def make_view(qtbot) -> tuple[QDialog, QTableView]:  # type: ignore[no-untyped-def]
    dialog = QDialog()
    qtbot.addWidget(dialog)
    model = QStandardItemModel(2, 2, dialog)
    for row in range(2):
        for column in range(2):
            model.setItem(row, column, QStandardItem(f"{row},{column}"))
    view = QTableView()
    view.setModel(model)
    ok = QPushButton("OK")
    ok.setDefault(True)  # what an Enter the view passes on presses
    ok.clicked.connect(dialog.accept)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    layout.addWidget(ok)
    dialog.show()
    return dialog, view


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_opens_the_current_row_and_keeps_the_dialog_open(qtbot, key: Qt.Key) -> None:
    dialog, view = make_view(qtbot)
    opened: list[str] = []
    EnterOpensRow(view, lambda index: opened.append(index.data()))
    view.setCurrentIndex(view.model().index(1, 0))
    qtbot.keyClick(view, key)
    assert opened == ["1,0"]
    assert dialog.isVisible()  # the Enter was used, not passed on to the OK button


def test_enter_elsewhere_is_left_to_the_view(qtbot) -> None:
    dialog, view = make_view(qtbot)
    opened: list[QModelIndex] = []
    EnterOpensRow(view, opened.append, opens=lambda index: index.column() == 1)
    view.setCurrentIndex(view.model().index(0, 1))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert [index.data() for index in opened] == ["0,1"] and dialog.isVisible()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert len(opened) == 1
    assert not dialog.isVisible()  # the view passed that Enter on: the OK button took it
