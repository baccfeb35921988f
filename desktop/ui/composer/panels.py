"""The composer's panels: who gets it, from and when (with the user's time zone), and the
per-lead preview. "Before you start" is in check_panel.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
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
from desktop.services.sequences.builder import LeadSelection, StepSpec
from desktop.services.sequences.forecast import group_digits
from desktop.services.sequences.recipients import Recipient
from desktop.services.settings_form import SENDER_PROBLEM
from desktop.services.text.segments import analyze
from desktop.services.text.template import render
from desktop.ui.composer.text_counter import parts
from desktop.ui.composer.wording import Recipients
from desktop.ui.kit.formatting import Clock
from desktop.ui.kit.tooltips import wrapped_tooltip

SENDER_FORMAT_TIP = "Phone numbers in E.164 form: + then the country code and the number."


def zone_text(moment: datetime) -> str:
    """The zone the start time is typed in: "Your time zone: Europe/Paris (UTC+01:00)"."""
    zone = bytes(QTimeZone.systemTimeZoneId().data()).decode(errors="replace") or "local time"
    offset = moment.astimezone().strftime("%z")
    shown = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"Your time zone: {zone} ({shown})"


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
        # Only for a copy of a sequence sent to chosen leads (an import): the same leads.
        self.ids_radio = QRadioButton()
        self.ids_radio.setObjectName("sameLeadsRadio")
        self.ids_radio.hide()
        self._ids: tuple[int, ...] = ()
        group = QButtonGroup(self)
        group.addButton(self.all_radio)
        group.addButton(self.tag_radio)
        group.addButton(self.ids_radio)
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
        layout.addWidget(self.ids_radio)
        layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)

        self.tag_radio.toggled.connect(self.tag_combo.setEnabled)
        self.tag_radio.toggled.connect(lambda _: self.changed.emit())
        self.ids_radio.toggled.connect(lambda _: self.changed.emit())
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

    def select_ids(self, ids: tuple[int, ...]) -> None:
        """The same chosen leads as the sequence this draft copies (an imported list)."""
        self._ids = tuple(ids)
        self.ids_radio.setText(f"The same {group_digits(len(self._ids))} chosen leads")
        self.ids_radio.setToolTip("The leads the copied sequence was sent to (an import)")
        self.ids_radio.show()
        self.ids_radio.setChecked(True)
        self.changed.emit()

    def show_recipients(self, who: Recipients) -> None:
        """The same sentence as "Before you start" says (one computation, one wording)."""
        self.summary.setText(who.sentence() + ".")
        self.summary.setToolTip(wrapped_tooltip(who.tooltip()) or "")

    def selection(self) -> LeadSelection:
        if self.ids_radio.isChecked():
            return LeadSelection(ids=self._ids)
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
        self.zone_label = _label("hint")
        self.zone_label.setToolTip(
            wrapped_tooltip(
                "The start time is in this computer's time zone. Quiet hours are kept in each "
                "lead's own time zone."
            )
            or ""
        )
        group = QButtonGroup(self)
        group.addButton(self.now_radio)
        group.addButton(self.later_radio)

        # Each choice on its own line, the date under "Send later": nothing is squeezed at
        # 1024 pixels ("Send no", "Fri 27 No" were cut when they shared one line).
        later_row = QHBoxLayout()
        later_row.addWidget(self.later_radio)
        later_row.addWidget(self.when_edit, 1)
        when = QVBoxLayout()
        when.setSpacing(4)
        when.addWidget(self.now_radio)
        when.addLayout(later_row)
        when.addWidget(self.zone_label)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        sender_label = QLabel("Se&nder")
        sender_label.setBuddy(self.sender_edit)
        form.addRow(sender_label, self.sender_edit)
        form.addRow("", self.sender_error)
        form.addRow("When", when)

        self.later_radio.toggled.connect(self.when_edit.setEnabled)
        self.later_radio.toggled.connect(lambda _: self.changed.emit())
        self.when_edit.dateTimeChanged.connect(lambda _: self.changed.emit())
        self.when_edit.dateTimeChanged.connect(lambda _: self._show_zone())
        self.sender_edit.textChanged.connect(self._check_sender)
        self._show_zone()

    def _show_zone(self) -> None:
        local = self.when_edit.dateTime().toPython()
        assert isinstance(local, datetime)
        self.zone_label.setText(zone_text(local.astimezone()))

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
        except UserError:
            return SENDER_PROBLEM  # the parser's sentence says "+E.164": no jargon here
        return ""

    def _check_sender(self) -> None:
        problem = self.sender_problem()
        self.sender_error.setText(problem)
        tip = wrapped_tooltip(SENDER_FORMAT_TIP) if problem else None
        self.sender_error.setToolTip(tip or "")
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
            widget.hide()  # deleted later: until then it would still be drawn where it was
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
            special = " · special characters" if stats.ucs2_chars else ""
            media = f" · {len(step.media_urls)} media" if step.media_urls else ""
            caption = _label("bubbleCaption")
            caption.setText(f"Step {number} · {parts(stats.segments)}{special}{media}")
            caption.setToolTip(f"{stats.segments} segment(s), {stats.encoding} encoding")
            bubble = _label("bubble")
            bubble.setText(text)
            bubble.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            for widget in (caption, bubble):
                self.bubbles.addWidget(widget)
                self._bubble_widgets.append(widget)
