"""The composer's "Messages" box: the list of steps, with add, remove and reorder."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QPushButton, QScrollArea, QVBoxLayout, QWidget

from desktop.services.sequences.builder import MAX_STEPS, StepSpec
from desktop.ui.composer.step_editor import StepEditor


class StepList(QGroupBox):
    changed = Signal()  # a text, a delay, or the list itself changed
    structureChanged = Signal()  # a step was added, removed or moved
    stepAdded = Signal(object)  # the new StepEditor, before the list says it changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("3. Messages", parent)
        self.editors: list[StepEditor] = []
        self._values: Mapping[str, str] = {}
        self._values_for = ""
        self._layout = QVBoxLayout()
        self._layout.setSpacing(10)
        self.add_button = QPushButton("A&dd a step")
        self.add_button.setToolTip("Send another message later to the same leads")
        inner_widget = QWidget()
        inner = QVBoxLayout(inner_widget)
        inner.addLayout(self._layout)
        inner.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        QVBoxLayout(self).addWidget(scroll)
        self.add_button.clicked.connect(lambda: self.add_step(focus=True))

    def add_step(self, focus: bool = False) -> StepEditor:
        editor = StepEditor()
        editor.set_preview_values(self._values, self._values_for)
        editor.changed.connect(self.changed)
        editor.moveUpRequested.connect(lambda: self.move_step(editor, -1))
        editor.moveDownRequested.connect(lambda: self.move_step(editor, +1))
        editor.removeRequested.connect(lambda: self.remove_step(editor))
        self.editors.append(editor)
        self.stepAdded.emit(editor)
        self._layout.addWidget(editor)
        editor.show()  # a child added to a shown dialog is otherwise shown only later
        self._renumber()
        if focus:
            editor.body_edit.setFocus()
        return editor

    def remove_step(self, editor: StepEditor) -> None:
        if len(self.editors) <= 1:
            return  # a sequence has at least one step
        self.editors.remove(editor)
        self._layout.removeWidget(editor)
        editor.deleteLater()
        self._renumber()

    def move_step(self, editor: StepEditor, offset: int) -> None:
        index = self.editors.index(editor)
        target = index + offset
        if not 0 <= target < len(self.editors):
            return
        self.editors.insert(target, self.editors.pop(index))
        self._layout.removeWidget(editor)
        self._layout.insertWidget(target, editor)
        self._renumber()
        editor.body_edit.setFocus()

    def _renumber(self) -> None:
        for number, editor in enumerate(self.editors, start=1):
            editor.set_number(number, len(self.editors))
        self.add_button.setEnabled(self.isEnabled() and len(self.editors) < MAX_STEPS)
        self.structureChanged.emit()
        self.changed.emit()

    def specs(self) -> tuple[StepSpec, ...]:
        return tuple(editor.spec() for editor in self.editors)

    def set_preview_values(self, values: Mapping[str, str], name: str) -> None:
        self._values, self._values_for = values, name
        for editor in self.editors:
            editor.set_preview_values(values, name)

    def tab_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        for editor in self.editors:
            chain.extend(editor.tab_chain())
        return [*chain, self.add_button]
