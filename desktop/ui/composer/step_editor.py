"""One step of the composer: its text, merge-field menu, live counter, media links and the
wait after the previous step."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.sequences.builder import StepSpec
from desktop.services.text.media import validate_media_urls
from desktop.services.text.segments import MAX_BODY_CHARS, analyze
from desktop.services.text.template import parse_template
from desktop.ui.composer.text_counter import (
    UCS2_HINT_TOOLTIP,
    Ucs2Highlighter,
    counter_line,
    counter_tooltip,
    ucs2_hint,
)
from desktop.ui.kit.tooltips import wrapped_tooltip

# (menu label, text inserted). A fallback keeps "Hi {first_name|there}" readable for a
# lead without a first name.
MERGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("&First name (or “there”)", "{first_name|there}"),
    ("&Last name", "{last_name}"),
    ("F&ull name (or “there”)", "{full_name|there}"),
    ("&Email", "{email}"),
    ("&Phone number", "{phone}"),
)
DELAY_UNITS: tuple[tuple[str, int], ...] = (("minutes", 60), ("hours", 3600), ("days", 86400))
DEFAULT_DELAY = timedelta(days=1)


def split_media(text: str) -> tuple[str, ...]:
    """Links typed in one box, separated by spaces, commas or new lines."""
    return tuple(part for part in re.split(r"[\s,]+", text.strip()) if part)


class StepEditor(QFrame):
    changed = Signal()
    moveUpRequested = Signal()
    moveDownRequested = Signal()
    removeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._values: Mapping[str, str] = {}
        self._values_for = ""

        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.delay_value = QSpinBox()
        self.delay_value.setRange(0, 999)
        self.delay_unit = QComboBox()
        for label, _ in DELAY_UNITS:
            self.delay_unit.addItem(label)
        self.delay_label = QLabel("&Wait")
        self.delay_label.setBuddy(self.delay_value)
        self.delay_after = QLabel()
        self.delay_row = QWidget()
        delay_layout = QHBoxLayout(self.delay_row)
        delay_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.delay_label, self.delay_value, self.delay_unit, self.delay_after):
            delay_layout.addWidget(widget)
        self.set_delay(DEFAULT_DELAY)

        self.up_button = self._tool("↑", "Move this step up")
        self.down_button = self._tool("↓", "Move this step down")
        self.remove_button = self._tool("✕", "Remove this step")
        self.up_button.clicked.connect(self.moveUpRequested)
        self.down_button.clicked.connect(self.moveDownRequested)
        self.remove_button.clicked.connect(self.removeRequested)

        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("stepBody")
        self.body_edit.setPlaceholderText("Hi {first_name|there}, … Reply STOP to opt out.")
        self.body_edit.setTabChangesFocus(True)  # Tab leaves the box: keyboard users need it
        self.body_edit.setMinimumHeight(80)
        self.body_edit.setMaximumHeight(130)  # several steps stay in view together
        self.highlighter = Ucs2Highlighter(self.body_edit.document())

        self.field_button = QToolButton()
        self.field_button.setText("Insert &field")
        self.field_button.setToolTip("Insert a merge field at the cursor")
        self.field_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.field_button)
        for label, token in MERGE_FIELDS:
            action = menu.addAction(label)
            action.setData(token)
            action.triggered.connect(lambda _=False, t=token: self.insert_field(t))
        self.field_button.setMenu(menu)

        self.counter = QLabel()
        self.counter.setObjectName("stepCounter")
        self.counter.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counter_note = QLabel()
        self.counter_note.setObjectName("hint")
        self.counter_note.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.counter_note.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setObjectName("stepHint")
        self.hint.setWordWrap(True)
        self.hint.setToolTip(wrapped_tooltip(UCS2_HINT_TOOLTIP) or "")
        self.problems = QLabel()
        self.problems.setObjectName("stepProblems")
        self.problems.setWordWrap(True)

        self.media_edit = QLineEdit()
        self.media_edit.setObjectName("stepMedia")
        self.media_edit.setPlaceholderText(
            "Optional: https://… link to a picture (separate several with spaces)"
        )
        media_label = QLabel("&Media")
        media_label.setBuddy(self.media_edit)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.delay_row)
        head.addStretch(1)
        for button in (self.up_button, self.down_button, self.remove_button):
            head.addWidget(button)
        self.tools = QHBoxLayout()
        self.tools.addWidget(self.field_button)
        self.extra_tools: list[QWidget] = []  # beside the field menu (templates)
        self.tools.addStretch(1)
        self.tools.addWidget(self.counter)
        media = QHBoxLayout()
        media.addWidget(media_label)
        media.addWidget(self.media_edit, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.body_edit)
        layout.addLayout(self.tools)
        layout.addWidget(self.counter_note)  # its own line: the window may be 1024 wide
        layout.addWidget(self.hint)
        layout.addLayout(media)
        layout.addWidget(self.problems)

        self.body_edit.textChanged.connect(self._on_edit)
        self.media_edit.textChanged.connect(self._on_edit)
        self.delay_value.valueChanged.connect(self.changed)
        self.delay_unit.currentIndexChanged.connect(self.changed)
        self._refresh()

    def _tool(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        return button

    # -- values ------------------------------------------------------------------------

    def body(self) -> str:
        return self.body_edit.toPlainText()

    def set_body(self, text: str) -> None:
        self.body_edit.setPlainText(text)

    def media_urls(self) -> tuple[str, ...]:
        return split_media(self.media_edit.text())

    def delay(self) -> timedelta:
        seconds = DELAY_UNITS[self.delay_unit.currentIndex()][1]
        return timedelta(seconds=self.delay_value.value() * seconds)

    def set_delay(self, delay: timedelta) -> None:
        total = int(delay.total_seconds())
        # The largest unit that expresses the delay exactly: 2 days, not 48 hours.
        for index in range(len(DELAY_UNITS) - 1, -1, -1):
            size = DELAY_UNITS[index][1]
            if total % size == 0 or index == 0:
                self.delay_unit.setCurrentIndex(index)
                self.delay_value.setValue(min(999, round(total / size)))
                return

    def spec(self) -> StepSpec:
        return StepSpec(body=self.body(), media_urls=self.media_urls(), delay=self.delay())

    def tab_chain(self) -> list[QWidget]:
        """This step's widgets in the order Tab should visit them."""
        return [
            self.delay_value,
            self.delay_unit,
            self.body_edit,
            self.field_button,
            *self.extra_tools,
            self.media_edit,
            self.up_button,
            self.down_button,
            self.remove_button,
        ]

    def set_number(self, number: int, count: int) -> None:
        """Shown as step `number` of `count`: the first step has no wait, ends can't move."""
        self.title.setText(f"<b>Step {number}</b>")
        self.delay_row.setVisible(number > 1)
        self.delay_after.setText(f"after step {number - 1}")
        self.up_button.setEnabled(number > 1)
        self.down_button.setEnabled(number < count)
        self.remove_button.setEnabled(count > 1)

    def set_preview_values(self, values: Mapping[str, str], name: str) -> None:
        """Merge values of the lead being previewed: the counter measures the real text."""
        self._values = values
        self._values_for = name
        self._refresh()

    def add_tool(self, widget: QWidget) -> None:
        """Another tool beside "Insert field", in the Tab order after it."""
        self.extra_tools.append(widget)
        self.tools.insertWidget(len(self.extra_tools), widget)

    def insert_field(self, token: str) -> None:
        self.body_edit.insertPlainText(token)
        self.body_edit.setFocus()

    # -- live feedback -----------------------------------------------------------------

    def counter_text(self) -> str:
        return self.counter.text()

    def _on_edit(self) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        body = self.body()
        template = parse_template(body)
        rendered = template.render(self._values) if template.fields else body
        stats = analyze(rendered)
        self.counter.setText(counter_line(stats))
        self.counter.setToolTip(counter_tooltip(stats))
        if template.fields:
            who = self._values_for or "a lead without values (fallbacks used)"
            self.counter_note.setText(f"Counted with the merge fields filled in for {who}.")
        else:
            self.counter_note.setText("")
        self.counter_note.setVisible(bool(template.fields))
        self.hint.setText(ucs2_hint(stats))
        self.hint.setVisible(bool(stats.ucs2_chars))
        problems = list(template.problems)
        if stats.too_long:
            problems.append(
                f"This text is {stats.chars} characters long; Twilio accepts at most "
                f"{MAX_BODY_CHARS}."
            )
        problems.extend(validate_media_urls(self.media_urls()))
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
