"""The composer's "Before you start" summary: who gets it, the cost, when it ends, and
what the checks found (problems that block, warnings to accept, reminders)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from desktop.services.core.wording import sentence
from desktop.services.sequences.draft_check import DraftCheck, format_money
from desktop.services.sequences.forecast import describe_moment, group_digits
from desktop.ui.composer.wording import Recipients
from desktop.ui.kit.tooltips import wrapped_tooltip


def _label(object_name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setObjectName(object_name)
    return label


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
        who = Recipients.of(pre)
        steps = len(check.draft.steps)
        self.recipients.setText(
            f"{who.sentence()}: {group_digits(check.messages)} "
            f"message{'s' if check.messages != 1 else ''} in {steps} "
            f"step{'s' if steps != 1 else ''}."
        )
        self.recipients.setToolTip(wrapped_tooltip(who.tooltip()) or "")
        parts = "text part" if check.segments == 1 else "text parts"
        units = [f"{group_digits(check.segments)} {parts}"] if check.segments else []
        if check.mms:
            units.append(f"{group_digits(check.mms)} MMS")
        text = (
            f"Estimated cost: {format_money(check.cost)} "
            f"({' and '.join(units) or 'nothing to send'} at {format_money(check.price)} each)."
        )
        if check.mms:
            text += " MMS usually costs more; see your Twilio price list."
        self.cost.setText(text)
        self.cost.setToolTip(
            wrapped_tooltip(
                "Twilio bills SMS per segment: a text part of up to 160 characters (70 with "
                "special characters such as emoji)."
            )
            or ""
        )
        start = check.draft.start_at
        # The forecast's duration counts from the start; say when that is if not now.
        begins = f"Starts on {describe_moment(start.astimezone())} (your time). " if start else ""
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
