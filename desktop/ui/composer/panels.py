"""The composer's side panels: who gets it, from and when, the per-lead preview, and the
"before you start" summary (recipients, cost, forecast, compliance)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.errors import UserError
from desktop.services.core.settings import SPECS
from desktop.services.core.wording import sentence
from desktop.services.sequences.builder import LeadSelection, Recipient, StepSpec
from desktop.services.sequences.draft_check import DraftCheck, format_money
from desktop.services.sequences.forecast import describe_moment, group_digits
from desktop.services.text.segments import analyze
from desktop.services.text.template import render
from desktop.ui.kit.formatting import Clock


def _label(object_name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if object_name:
        label.setObjectName(object_name)
    return label


class RecipientsBox(QGroupBox):
    changed = Signal()
    importRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("1. Who gets it", parent)
        self.all_radio = QRadioButton("&All leads")
        self.all_radio.setChecked(True)
        self.tag_radio = QRadioButton("Leads &tagged")
        self.tag_combo = QComboBox()
        self.tag_combo.setObjectName("tagCombo")
        self.tag_combo.setEnabled(False)
        self.tag_combo.setMinimumContentsLength(14)
        group = QButtonGroup(self)
        group.addButton(self.all_radio)
        group.addButton(self.tag_radio)
        self.import_button = QPushButton("&Import a CSV file…")
        self.import_button.setToolTip("Add leads from a spreadsheet and send to exactly them")
        self.summary = _label("hint")
        self.summary.setText("Counting leads…")

        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tag_radio)
        tag_row.addWidget(self.tag_combo, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.all_radio)
        layout.addLayout(tag_row)
        layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)

        self.tag_radio.toggled.connect(self.tag_combo.setEnabled)
        self.tag_radio.toggled.connect(lambda _: self.changed.emit())
        self.tag_combo.currentIndexChanged.connect(self._tag_changed)
        self.import_button.clicked.connect(self.importRequested)

    def _tag_changed(self) -> None:
        if self.tag_radio.isChecked():
            self.changed.emit()

    def set_total(self, total: int) -> None:
        self.all_radio.setText(f"&All leads ({group_digits(total)})")

    def set_tags(self, tags: list[tuple[str, int]]) -> None:
        current = self.tag_combo.currentData()
        self.tag_combo.blockSignals(True)  # refilling is not a choice by the user
        self.tag_combo.clear()
        for tag, count in tags:
            self.tag_combo.addItem(f"{tag} ({group_digits(count)})", tag)
        found = self.tag_combo.findData(current)
        self.tag_combo.setCurrentIndex(max(found, 0))
        self.tag_combo.blockSignals(False)
        self.tag_radio.setEnabled(bool(tags))
        self.tag_radio.setToolTip("" if tags else "No lead has a tag yet")

    def select_tag(self, tag: str) -> None:
        found = self.tag_combo.findData(tag)
        if found < 0:
            self.tag_combo.addItem(tag, tag)
            found = self.tag_combo.count() - 1
        self.tag_radio.setEnabled(True)
        self.tag_combo.setCurrentIndex(found)
        self.tag_radio.setChecked(True)
        self.changed.emit()

    def selection(self) -> LeadSelection:
        tag = self.tag_combo.currentData()
        if self.tag_radio.isChecked() and tag:
            return LeadSelection(tag=str(tag))
        return LeadSelection(all=True)


class ScheduleBox(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, clock: Clock) -> None:
        super().__init__("2. From and when", parent)
        self._clock = clock  # the services' clock: the default start and "in the past"
        self.sender_edit = QLineEdit()
        self.sender_edit.setObjectName("senderEdit")
        self.sender_edit.setPlaceholderText("Your Twilio number, e.g. +15551234567")
        self.sender_error = _label("fieldError")
        self.sender_error.hide()
        self.now_radio = QRadioButton("Send &now")
        self.now_radio.setChecked(True)
        self.later_radio = QRadioButton("Send &later:")
        self.when_edit = QDateTimeEdit()
        self.when_edit.setObjectName("startAtEdit")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        in_an_hour = clock() + timedelta(hours=1)
        self.when_edit.setDateTime(
            QDateTime.fromMSecsSinceEpoch(int(in_an_hour.timestamp() * 1000))
        )
        self.when_edit.setEnabled(False)
        group = QButtonGroup(self)
        group.addButton(self.now_radio)
        group.addButton(self.later_radio)

        when_row = QHBoxLayout()
        when_row.addWidget(self.now_radio)
        when_row.addWidget(self.later_radio)
        when_row.addWidget(self.when_edit, 1)
        form = QFormLayout(self)
        sender_label = QLabel("Se&nder")
        sender_label.setBuddy(self.sender_edit)
        form.addRow(sender_label, self.sender_edit)
        form.addRow("", self.sender_error)
        form.addRow("When", when_row)

        self.later_radio.toggled.connect(self.when_edit.setEnabled)
        self.later_radio.toggled.connect(lambda _: self.changed.emit())
        self.when_edit.dateTimeChanged.connect(lambda _: self.changed.emit())
        self.sender_edit.textChanged.connect(self._check_sender)

    def set_default_sender(self, sender: str, fallback: str) -> None:
        if not self.sender_edit.text():
            self.sender_edit.setText(sender)
        if fallback:
            self.sender_edit.setPlaceholderText(f"Empty: use {fallback}")

    def sender_text(self) -> str:
        return self.sender_edit.text().strip()

    def sender_problem(self) -> str:
        try:
            SPECS["sender"].parse(self.sender_text())
        except UserError as exc:
            return "The sender " + str(exc).removeprefix("sender ") + "."
        return ""

    def _check_sender(self) -> None:
        problem = self.sender_problem()
        self.sender_error.setText(problem)
        self.sender_error.setVisible(bool(problem))
        self.changed.emit()

    def start_at(self) -> datetime | None:
        if not self.later_radio.isChecked():
            return None
        local = self.when_edit.dateTime().toPython()
        assert isinstance(local, datetime)
        return local.astimezone().astimezone(UTC)  # naive local time -> aware UTC

    def schedule_problem(self) -> str:
        start = self.start_at()
        if start is not None and start <= self._clock():
            return "The start time is in the past; choose a later time or Send now."
        return ""


class PreviewPanel(QGroupBox):
    leadChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Preview", parent)
        self.lead_combo = QComboBox()
        self.lead_combo.setObjectName("previewLeadCombo")
        self.lead_combo.setEditable(True)  # type to find a lead among those listed
        self.lead_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.lead_combo.model(), self.lead_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "smith" finds "Ana Smith · +1…"
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.lead_combo.setCompleter(completer)
        edit = self.lead_combo.lineEdit()
        assert edit is not None  # the combo is editable
        edit.setPlaceholderText("No leads to preview yet")
        lead_label = QLabel("Preview &for")
        lead_label.setBuddy(self.lead_combo)
        self._samples: tuple[Recipient, ...] = ()
        self._steps: list[StepSpec] = []
        self.bubbles = QVBoxLayout()
        self._bubble_widgets: list[QLabel] = []
        self.bubbles.setSpacing(6)
        self.empty = _label("hint")
        self.empty.setText("Write a message to see it here as each lead will read it.")

        row = QHBoxLayout()
        row.addWidget(lead_label)
        row.addWidget(self.lead_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.empty)
        layout.addLayout(self.bubbles)
        layout.addStretch(1)
        self.lead_combo.currentIndexChanged.connect(self._lead_changed)

    def _lead_changed(self) -> None:
        self._render()
        self.leadChanged.emit()

    def set_samples(self, samples: tuple[Recipient, ...]) -> None:
        current = self.current()
        self._samples = samples
        self.lead_combo.blockSignals(True)
        self.lead_combo.clear()
        for recipient in samples:
            name = recipient.merge_values()["full_name"] or "(no name)"
            self.lead_combo.addItem(f"{name} · {recipient.phone}", recipient.id)
        keep = self.lead_combo.findData(current.id) if current is not None else -1
        self.lead_combo.setCurrentIndex(max(keep, 0) if samples else -1)
        self.lead_combo.blockSignals(False)
        self._lead_changed()

    def current(self) -> Recipient | None:
        index = self.lead_combo.currentIndex()
        return self._samples[index] if 0 <= index < len(self._samples) else None

    def set_steps(self, steps: list[StepSpec]) -> None:
        self._steps = steps
        self._render()

    def bubble_texts(self) -> list[str]:
        return [w.text() for w in self._bubble_widgets if w.objectName() == "bubble"]

    def _render(self) -> None:
        for widget in self._bubble_widgets:
            self.bubbles.removeWidget(widget)
            widget.deleteLater()
        self._bubble_widgets = []
        lead = self.current()
        values = lead.merge_values() if lead is not None else {}
        shown = [s for s in self._steps if s.body.strip() or s.media_urls]
        self.empty.setVisible(not shown)
        for number, step in enumerate(self._steps, start=1):
            if not (step.body.strip() or step.media_urls):
                continue
            text = render(step.body, values)
            stats = analyze(text)
            noun = "segment" if stats.segments == 1 else "segments"
            media = f" · {len(step.media_urls)} media" if step.media_urls else ""
            caption = _label("bubbleCaption")
            caption.setText(f"Step {number} · {stats.segments} {noun} · {stats.encoding}{media}")
            bubble = _label("bubble")
            bubble.setText(text)
            bubble.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            for widget in (caption, bubble):
                self.bubbles.addWidget(widget)
                self._bubble_widgets.append(widget)


class CheckPanel(QGroupBox):
    tickChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Before you start", parent)
        self.status = _label("hint")
        self.recipients = _label("checkRecipients")
        self.cost = _label("checkCost")
        self.forecast = _label("checkForecast")
        self.problems = _label("checkProblems")
        self.warnings = _label("checkWarnings")
        self.accept_box = QCheckBox("I have read the warnings and want to send an&yway")
        self.accept_box.setObjectName("acceptWarnings")
        self.reminders = _label("checkReminders")
        layout = QVBoxLayout(self)
        for widget in (
            self.status,
            self.recipients,
            self.cost,
            self.forecast,
            self.problems,
            self.warnings,
            self.accept_box,
            self.reminders,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._warnings: tuple[str, ...] = ()
        self.accept_box.toggled.connect(lambda _: self.tickChanged.emit())
        self.show_pending()

    def show_pending(self) -> None:
        self.status.setText("Checking your leads and messages…")
        self.status.show()

    def show_failure(self, message: str) -> None:
        self.status.setText(f"Could not check this draft: {message}")
        self.status.show()

    def show_check(self, check: DraftCheck, extra_problems: list[str]) -> None:
        pre = check.preflight
        self.status.hide()
        left_out = []
        if pre.excluded_opted_out:
            left_out.append(f"{group_digits(pre.excluded_opted_out)} opted out")
        if pre.excluded_deleted:
            left_out.append(f"{group_digits(pre.excluded_deleted)} deleted")
        noun = "lead" if check.recipients == 1 else "leads"
        text = f"{group_digits(check.recipients)} {noun} will get it"
        if left_out:
            text += f" ({' and '.join(left_out)} left out)"
        steps = len(check.draft.steps)
        self.recipients.setText(
            f"{text}: {group_digits(check.messages)} message{'s' if check.messages != 1 else ''}"
            f" in {steps} step{'s' if steps != 1 else ''}."
        )
        units = [f"{group_digits(check.segments)} segments"] if check.segments else []
        if check.mms:
            units.append(f"{group_digits(check.mms)} MMS")
        text = (
            f"Estimated cost: {format_money(check.cost)} "
            f"({' and '.join(units) or 'nothing to send'} at {format_money(check.price)} each)."
        )
        if check.mms:
            text += " MMS usually costs more; see your Twilio price list."
        self.cost.setText(text)
        start = check.draft.start_at
        # The forecast's duration counts from the start; say when that is if not now.
        begins = f"Starts on {describe_moment(start.astimezone())}. " if start else ""
        self.forecast.setText(begins + check.forecast.sentence)
        problems = [sentence(p) for p in [*extra_problems, *pre.problems]]
        self.problems.setText(
            "Can't start yet:\n" + "\n".join(f"• {p}" for p in problems) if problems else ""
        )
        self.problems.setVisible(bool(problems))
        warnings = tuple(pre.warnings)
        if warnings != self._warnings:
            self.accept_box.setChecked(False)  # new wording needs a new, informed tick
        self._warnings = warnings
        self.warnings.setText("Please read:\n" + "\n".join(f"• {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))
        self.accept_box.setVisible(bool(warnings))
        reminders = pre.reminders
        self.reminders.setText("\n".join(f"Tip: {r}" for r in reminders))
        self.reminders.setVisible(bool(reminders))

    def warnings_accepted(self) -> bool:
        return not self._warnings or self.accept_box.isChecked()
