"""One settings field as the dialog shows it: its input (a line, a hidden secret, a switch or
a list of choices), its problem in red right under it, and a grey hint.

A field only reads and shows values; the dialog decides when to load, check and save. Each
input is reached by its label's Alt+letter and by Tab.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services.settings_form import FIELDS, Field
from desktop.ui.kit.tooltips import wrapped_tooltip


def _label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    return label


class SettingField(QWidget):
    """The input of setting `key` with its error and hint beneath."""

    edited = Signal()  # the user changed the value (clears the field's error)

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.field: Field = FIELDS[key]
        self.input: QWidget = self._make_input()
        self.input.setObjectName(f"setting_{key}")
        self.input.setEnabled(False)  # until loaded
        self.error = _label("fieldError")
        self.error.hide()
        self.hint = _label("hint")
        self.hint.setText(self.field.hint)
        self.hint.setVisible(bool(self.field.hint))
        self.stack = QVBoxLayout(self)
        self.stack.setContentsMargins(0, 0, 0, 0)
        self.stack.setSpacing(2)
        self.stack.addWidget(self.input)
        self.stack.addWidget(self.error)
        self.stack.addWidget(self.hint)

    def _make_input(self) -> QWidget:
        field = self.field
        if field.kind == "switch":
            box = QCheckBox(field.label)
            box.toggled.connect(lambda _on: self.edited.emit())
            return box
        if field.kind == "choice":
            combo = QComboBox()
            for value, shown in field.choices:
                combo.addItem(shown, value)
            combo.currentIndexChanged.connect(lambda _index: self.edited.emit())
            return combo
        edit = QLineEdit()
        edit.setPlaceholderText(field.placeholder)
        if field.kind == "secret":
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.textEdited.connect(lambda _text: self.edited.emit())
        return edit

    def add_to(self, form: QFormLayout) -> None:
        """A row of `form`: the label (its mnemonic reaches the input), or the switch alone,
        whose own text carries the mnemonic."""
        if self.field.kind == "switch":
            form.addRow("", self)
            return
        label = QLabel(self.field.label)
        label.setBuddy(self.input)
        form.addRow(label, self)

    # -- the value ---------------------------------------------------------------------------

    @property
    def edit(self) -> QLineEdit | None:
        return self.input if isinstance(self.input, QLineEdit) else None

    def text(self) -> str:
        """The value as the settings store it: typed text, "on"/"off", or the choice."""
        if isinstance(self.input, QCheckBox):
            on, off = self.field.choices[0][0], self.field.choices[1][0]
            return on if self.input.isChecked() else off
        if isinstance(self.input, QComboBox):
            return str(self.input.currentData())
        assert isinstance(self.input, QLineEdit)
        return self.input.text()

    def show_value(self, value: str) -> None:
        """Show a loaded value (a secret is never shown back: the dialog sets its hint)."""
        if isinstance(self.input, QCheckBox):
            self.input.setChecked(value == self.field.choices[0][0])
        elif isinstance(self.input, QComboBox):
            self.input.setCurrentIndex(max(self.input.findData(value), 0))
        elif self.field.kind != "secret":
            assert isinstance(self.input, QLineEdit)
            self.input.setText(value)

    def show_error(self, problem: str) -> None:
        self.error.setText(problem)
        self.error.setVisible(bool(problem))

    def set_from_env(self, variable: str) -> None:
        self.input.setEnabled(False)
        tip = wrapped_tooltip(f"Set by the environment variable {variable}; change it there.")
        self.input.setToolTip(tip or "")
        self.hint.setText(f"Set by the environment variable {variable}.")
        self.hint.show()
