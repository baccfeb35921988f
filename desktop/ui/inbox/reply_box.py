"""The reply box under a thread: the answer (`replyEdit`) with the composer's live counter,
merge fields and templates, and `replySendButton` (or Ctrl+Enter).

An answer goes out through the sending service like any text (answers.answer, on the task
pool): a refusal (the lead opted out, no text, too long) is said under the box in the
service's words and the typed text stays; once queued, the box empties and the thread shows
the answer at once, In-queue. Each conversation keeps its own unsent draft.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.wording import sentence
from desktop.services.inbox import answers
from desktop.services.inbox.answers import Answer
from desktop.services.text.segments import MAX_BODY_CHARS, analyze
from desktop.services.text.template import parse_template
from desktop.ui.composer.step_editor import MERGE_FIELDS
from desktop.ui.composer.template_menu import TemplateMenu, template_button
from desktop.ui.composer.text_counter import counter_line, counter_tooltip
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import restyle
from desktop.ui.kit.lifetime import run_for

SEND_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
PLACEHOLDER = "Write an answer…  (Ctrl+Enter sends)"
QUEUED = "Sending your answer: it shows In-queue above, then Sent."
QUEUED_QUIET = (
    "Your answer waits for the end of quiet hours: this lead has not written in the last 24 hours."
)


def values_for(name: str, phone: str) -> dict[str, str]:
    """Merge values for the counter, from what the thread knows of the lead."""
    first, _, last = name.partition(" ") if name != phone else ("", "", "")
    full = "" if name == phone else name
    return {"first_name": first, "last_name": last, "full_name": full, "phone": phone}


class ReplyBox(QWidget):
    answered = Signal(int, object)  # lead id, Answer: queued
    refused = Signal(str)  # the sentence shown

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replyBox")
        self.services = services
        self.lead_id: int | None = None
        self.sending = False
        self._drafts: dict[int, str] = {}
        self._values: dict[str, str] = {}
        self._said_too_long = False

        self.edit = QPlainTextEdit()
        self.edit.setObjectName("replyEdit")
        self.edit.setPlaceholderText(PLACEHOLDER)
        self.edit.setTabChangesFocus(True)
        self.edit.setAccessibleName("Answer")
        self.edit.setMinimumHeight(56)
        self.edit.setMaximumHeight(96)  # the thread keeps the room at 1024x700
        self.edit.installEventFilter(self)

        self.field_button = QToolButton()
        self.field_button.setText("&Merge field")
        self.field_button.setToolTip("Insert a merge field (the lead's name, …) at the cursor")
        self.field_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        fields = QMenu(self.field_button)
        for label, token in MERGE_FIELDS:
            fields.addAction(label).triggered.connect(
                lambda _checked=False, t=token: self.insert(t)
            )
        self.field_button.setMenu(fields)
        self.templates = TemplateMenu(services, self.text, self.insert, self.say, self)
        self.templates_button = template_button(self.templates)

        self.counter = QLabel()
        self.counter.setObjectName("stepCounter")
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.send_button = QPushButton("&Send")
        self.send_button.setObjectName("replySendButton")
        self.send_button.setProperty("role", "primary")
        self.send_button.setToolTip("Send this answer (Ctrl+Enter)")
        self.send_button.setAutoDefault(False)

        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.field_button)
        tools.addWidget(self.templates_button)
        tools.addWidget(self.counter, 1)
        tools.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit)
        layout.addLayout(tools)
        layout.addWidget(self.message)
        self.message.hide()

        self.edit.textChanged.connect(self._update)
        self.send_button.clicked.connect(self.send)
        QWidget.setTabOrder(self.edit, self.field_button)
        QWidget.setTabOrder(self.field_button, self.templates_button)
        QWidget.setTabOrder(self.templates_button, self.send_button)
        self.set_lead(None)

    # -- the lead ----------------------------------------------------------------------

    def set_lead(self, lead_id: int | None, name: str = "", phone: str = "") -> None:
        """Answer `lead_id` from now on; the previous lead's unsent text is kept for later."""
        if lead_id != self.lead_id:
            if self.lead_id is not None:
                self._drafts[self.lead_id] = self.text()
            self.lead_id = lead_id
            self.edit.setPlainText(self._drafts.pop(lead_id, "") if lead_id is not None else "")
            self.say("")
        self._values = values_for(name, phone) if lead_id is not None else {}
        self.setEnabled(lead_id is not None)
        self._update()

    # -- text ------------------------------------------------------------------------------

    def text(self) -> str:
        return self.edit.toPlainText()

    def insert(self, text: str) -> None:
        self.edit.insertPlainText(text)
        self.edit.setFocus()

    def _update(self) -> None:
        body = self.text()
        template = parse_template(body)
        stats = analyze(template.render(self._values) if template.fields else body)
        self.counter.setText(counter_line(stats) if body else "")
        self.counter.setToolTip(counter_tooltip(stats))
        self.send_button.setEnabled(
            bool(body.strip()) and not self.sending and self.lead_id is not None
        )
        too_long = stats.chars > MAX_BODY_CHARS
        if too_long:
            long = f"This answer is {stats.chars} characters long; a text can have at most"
            self.say(f"{long} {MAX_BODY_CHARS}.", error=True)
        elif self._said_too_long:
            self.say("")
        self._said_too_long = too_long

    def say(self, text: str, error: bool = False) -> None:
        restyle(self.message, "fieldError" if error else "hint")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- sending ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in SEND_KEYS
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.send()
            return True
        return super().eventFilter(watched, event)

    def send(self) -> None:
        lead_id, text = self.lead_id, self.text()
        if self.sending or lead_id is None:
            return
        if not text.strip():
            self.say("Write your answer first.", error=True)
            return
        ctx = self.services.ctx
        self._set_sending(True)
        run_for(
            self,
            self.services.tasks,
            lambda: answers.answer(ctx, lead_id, text),
            lambda queued: self._sent(lead_id, text, queued),
            self._refused,
        )

    def _set_sending(self, sending: bool) -> None:
        self.sending = sending
        self.send_button.setText("Sending…" if sending else "&Send")
        self.edit.setReadOnly(sending)
        self._update()

    def _sent(self, lead_id: int, text: str, queued: Answer) -> None:
        self._set_sending(False)
        if self.lead_id == lead_id and self.text() == text:
            self.edit.clear()
        else:
            self._drafts.pop(lead_id, None)
        self.say(QUEUED if queued.skip_quiet_hours else QUEUED_QUIET)
        self.services.poke_engine()
        self.answered.emit(lead_id, queued)

    def _refused(self, message: str) -> None:
        self._set_sending(False)
        said = sentence(message)
        self.say(said, error=True)  # the typed text stays, to fix or keep
        self.refused.emit(said)
