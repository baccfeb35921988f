"""The composer ("New sequence"): from leads, steps and a schedule to a started sequence.

Everything that reads the database (the preflight over all selected leads, the forecast)
runs on the task pool after the user pauses typing; creating the sequence (which enqueues
one message per lead and step) runs there too, with a busy bar.

Esc, Cancel or the window's close button with a typed draft ask "Discard this draft?"
(draft_guard.py).
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from desktop.services.sequences import builder
from desktop.services.sequences.draft_check import (
    Basics,
    Draft,
    DraftCheck,
    check_draft,
    load_basics,
)
from desktop.services.sequences.duplicate import DraftCopy, copy_of
from desktop.services.sequences.forecast import describe_moment, group_digits
from desktop.ui.composer.check_panel import CheckPanel
from desktop.ui.composer.draft_guard import DraftGuard
from desktop.ui.composer.footer import Footer, fit_to_screen
from desktop.ui.composer.panels import PreviewPanel, RecipientsBox, ScheduleBox
from desktop.ui.composer.prefill import fill_from_copy
from desktop.ui.composer.send_to_me import SendToMe
from desktop.ui.composer.step_editor import StepEditor
from desktop.ui.composer.step_list import StepList
from desktop.ui.composer.template_menu import TemplateMenu, template_button
from desktop.ui.composer.wording import Recipients
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE, restyle
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.tooltips import wrapped_tooltip

CHECK_DELAY_MS = 400  # wait for a pause in typing before reading every selected lead
SIDE_WIDTH = (320, 420)  # the preview and "Before you start": narrower on a small screen


class ComposerDialog(QDialog):
    sequenceCreated = Signal(int)
    checkFinished = Signal()  # a check of the current draft arrived (tests, status bars)
    copyLoaded = Signal()  # the draft was filled from a sequence (Duplicate)
    reported = Signal(str)  # a note shown at the bottom (a template saved, a test sent)

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerDialog")
        self.setWindowTitle("New sequence")  # as the command that opens it
        self.setStyleSheet(FORM_STYLE)
        self.services = services
        self.basics: Basics | None = None
        self.last_check: DraftCheck | None = None
        self.check_error = ""
        self._checking = False
        self._creating = False
        self.created: builder.CreateResult | None = None
        self.import_wizard: QWizard | None = None
        self.stop_on_reply = True  # a copy keeps its original's choice
        self.template_menus: list[TemplateMenu] = []  # one per step, in creation order

        # Local time of the services' clock, as everything the user sees.
        opened = services.ctx.now().astimezone()
        self.name_edit = QLineEdit(f"Sequence of {describe_moment(opened)}")
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setMaxLength(200)
        name_label = QLabel("&Name")
        name_label.setBuddy(self.name_edit)
        self.recipients_box = RecipientsBox()
        self.schedule_box = ScheduleBox(clock=services.ctx.now)
        self.preview = PreviewPanel()
        self.check_panel = CheckPanel()

        self.step_list = StepList()
        self.step_list.stepAdded.connect(self._add_templates)
        self.add_step_button = self.step_list.add_button
        self.send_to_me = SendToMe(
            services,
            lambda: [step.body for step in self.draft().steps],
            self._preview_lead_id,
            self,
        )
        self.send_test_button = self.send_to_me.button
        self.send_to_me.reported.connect(self.report)

        self.footer = Footer()
        self.error_label = self.footer.error_label
        self.busy_label, self.busy = self.footer.busy_label, self.footer.busy
        self.cancel_button, self.start_button = self.footer.cancel_button, self.footer.start_button

        name_row = QHBoxLayout()
        name_row.addWidget(name_label)
        name_row.addWidget(self.name_edit, 1)
        boxes = QHBoxLayout()
        boxes.addWidget(self.recipients_box, 1)
        boxes.addWidget(self.schedule_box, 1)
        left = QVBoxLayout()
        left.addLayout(name_row)
        left.addLayout(boxes)
        left.addWidget(self.step_list, 1)
        preview_scroll = QScrollArea()
        preview_scroll.setWidgetResizable(True)
        preview_scroll.setWidget(self.preview)
        preview_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        right_widget = QWidget()
        right_widget.setMinimumWidth(SIDE_WIDTH[0])
        right_widget.setMaximumWidth(SIDE_WIDTH[1])
        right = QVBoxLayout(right_widget)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(preview_scroll, 1)
        right.addWidget(self.send_test_button)
        right.addWidget(self.check_panel)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addWidget(right_widget, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.footer)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._run_check)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.start)
        self.step_list.changed.connect(self._draft_changed)
        self.step_list.structureChanged.connect(self._fix_tab_order)
        self.guard = DraftGuard(self, self.has_draft, lambda: self._creating, self.cancel)
        self.cancel_button.clicked.connect(self.cancel)
        self.start_button.clicked.connect(self.start)
        self.recipients_box.changed.connect(self._draft_changed)
        self.recipients_box.importRequested.connect(self.import_csv)
        self.schedule_box.changed.connect(self._draft_changed)
        self.name_edit.textChanged.connect(self._update_start)
        self.check_panel.tickChanged.connect(self._update_start)
        self.preview.leadChanged.connect(self._preview_lead_changed)

        self.add_step()
        self.steps[0].body_edit.setFocus()
        fit_to_screen(self)
        self.reload_basics()

    # -- steps -------------------------------------------------------------------------

    @property
    def steps(self) -> list[StepEditor]:
        return self.step_list.editors

    def add_step(self, focus: bool = False) -> StepEditor:
        return self.step_list.add_step(focus)

    def _fix_tab_order(self) -> None:
        """Tab walks the dialog top to bottom, left to right, also after steps move."""
        who, when = self.recipients_box, self.schedule_box
        chain: list[QWidget] = [
            self.name_edit,
            who.all_radio,
            who.tag_radio,
            who.tag_combo,
            who.ids_radio,
            who.import_button,
            when.sender_edit,
            when.now_radio,
            when.later_radio,
            when.when_edit,
        ]
        chain.extend(self.step_list.tab_chain())
        chain.extend(
            [
                self.preview.lead_combo,
                self.send_test_button,
                self.check_panel.accept_box,
                self.cancel_button,
                self.start_button,
            ]
        )
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _add_templates(self, editor: StepEditor) -> None:
        """Each step's "Templates" menu: insert a saved message, or save the step's text."""
        menu = TemplateMenu(self.services, editor.body, editor.insert_field, self.report, editor)
        editor.add_tool(template_button(menu, "Tem&plates"))
        self.template_menus.append(menu)

    def report(self, text: str, error: bool = False) -> None:
        """A note in the bottom line: red for a problem, grey for news."""
        restyle(self.error_label, "fieldError" if error else "hint")
        self.error_label.setText(text)
        self.reported.emit(text)

    def _preview_lead_id(self) -> int | None:
        lead = self.preview.current()
        return lead.id if lead is not None else None

    def load_copy(self, sequence_id: int) -> None:
        """Fill the draft from sequence `sequence_id` (read on the task pool): Duplicate."""
        ctx = self.services.ctx

        def loaded(copy: DraftCopy) -> None:
            fill_from_copy(self, copy)
            self.copyLoaded.emit()

        run_for(
            self, self.services.tasks, lambda: copy_of(ctx, sequence_id), loaded, self._show_error
        )

    def draft(self) -> Draft:
        return Draft(
            steps=self.step_list.specs(),
            selection=self.recipients_box.selection(),
            start_at=self.schedule_box.start_at(),
        )

    # -- background checks -------------------------------------------------------------

    def reload_basics(self) -> None:
        ctx = self.services.ctx
        run_for(
            self,
            self.services.tasks,
            lambda: load_basics(ctx),
            self._basics_loaded,
            self._show_error,
        )

    def _basics_loaded(self, basics: Basics) -> None:
        self.basics = basics
        self.recipients_box.set_total(basics.total_leads)
        self.recipients_box.set_tags(basics.tags)
        connection = self.services.connection
        fallback = connection.default_sender if connection is not None else ""
        self.schedule_box.set_default_sender(basics.config.sender, fallback)
        if basics.total_leads == 0:
            self.recipients_box.summary.setText(
                "You have no leads yet: import a CSV file with a phone column to begin."
            )
        self._draft_changed()

    def _draft_changed(self) -> None:
        self.preview.set_steps(list(self.step_list.specs()))
        self._check_timer.start()
        self._update_start()

    def _run_check(self) -> None:
        if self._checking:
            return  # the running check re-runs itself if the draft moved on
        self._checking = True
        self.check_panel.show_pending()
        draft = self.draft()
        ctx = self.services.ctx
        run_for(
            self,
            self.services.tasks,
            lambda: check_draft(ctx, draft),
            self._check_done,
            self._check_failed,
        )

    def _check_done(self, check: DraftCheck) -> None:
        self._checking = False
        if check.draft != self.draft():
            # The user kept typing: this answer is stale. A pending timer re-checks anyway.
            if not self._check_timer.isActive():
                self._run_check()
            return
        self.last_check = check
        self.check_error = ""
        self.preview.set_samples(check.samples)
        self._show_check()
        self.checkFinished.emit()

    def _check_failed(self, message: str) -> None:
        self._checking = False
        self.check_error = message
        self.check_panel.show_failure(message)
        self._update_start()
        self.checkFinished.emit()

    def _show_check(self) -> None:
        check = self.last_check
        if check is None:
            return
        self.check_panel.show_check(check, self._form_problems())
        pre = check.preflight
        if self.basics is not None and self.basics.total_leads == 0 and not check.recipients:
            self._update_start()
            return  # keep the sentence that says how to get leads
        self.recipients_box.show_recipients(Recipients.of(pre))
        self._update_start()

    def is_checking(self) -> bool:
        return self._checking or self._check_timer.isActive()

    def _preview_lead_changed(self) -> None:
        lead = self.preview.current()
        values = lead.merge_values() if lead is not None else {}
        name = (values.get("full_name") or lead.phone) if lead is not None else ""
        self.step_list.set_preview_values(values, name)

    # -- starting ------------------------------------------------------------------------

    def _form_problems(self) -> list[str]:
        problems = []
        if not self.name_edit.text().strip():
            problems.append("Give this sequence a name (only you see it).")
        connection = self.services.connection
        fallback = connection.default_sender if connection is not None else ""
        if self.basics is not None and not (self.schedule_box.sender_text() or fallback):
            problems.append("Enter the Twilio number to send from (or set it once in Settings).")
        for problem in (self.schedule_box.sender_problem(), self.schedule_box.schedule_problem()):
            if problem:
                problems.append(problem)
        return problems

    def blocking_reason(self) -> str:
        """Why Start is disabled, "" when it is enabled."""
        if self._creating:
            return "Preparing the messages…"
        check = self.last_check
        if check is None or check.draft != self.draft() or self._checking:
            return self.check_error or "Checking the draft…"
        problems = self._form_problems() + check.preflight.problems
        if problems:
            return problems[0]
        if not self.check_panel.warnings_accepted():
            return "Read the warnings and tick the box to send anyway."
        return ""

    def _update_start(self) -> None:
        later = self.schedule_box.start_at() is not None
        self.start_button.setText("&Schedule" if later else "&Start sending")
        reason = self.blocking_reason()
        self.start_button.setEnabled(not reason)
        self.start_button.setToolTip(wrapped_tooltip(reason) or "Start (Ctrl+Enter)")
        if self.last_check is not None and self.last_check.draft == self.draft():
            self.check_panel.show_check(self.last_check, self._form_problems())

    def start(self) -> None:
        if self.blocking_reason():
            return
        check = self.last_check
        assert check is not None
        draft = check.draft
        name = self.name_edit.text()
        sender = self.schedule_box.sender_text()
        accept = self.check_panel.warnings_accepted()
        stop_on_reply = self.stop_on_reply
        ctx = self.services.ctx
        self._set_creating(True, f"Preparing {group_digits(check.messages)} messages…")

        def create() -> builder.CreateResult:
            return builder.create_sequence(
                ctx,
                name,
                list(draft.steps),
                draft.selection,
                sender=sender or None,
                start_at=draft.start_at,
                stop_on_reply=stop_on_reply,
                accept_warnings=accept,
            )

        run_for(self, self.services.tasks, create, self._created, self._create_failed)

    def _set_creating(self, creating: bool, message: str = "") -> None:
        self._creating = creating
        self.busy.setVisible(creating)
        self.busy_label.setText(message)
        self.error_label.clear()
        for widget in (
            self.recipients_box,
            self.schedule_box,
            self.name_edit,
            self.step_list,
            self.cancel_button,
        ):
            widget.setEnabled(not creating)
        self._update_start()

    def _created(self, result: builder.CreateResult) -> None:
        self._set_creating(False)
        self.created = result
        self.sequenceCreated.emit(result.sequence_id)
        self.services.poke_engine()
        self.accept()

    def _create_failed(self, message: str) -> None:
        self._set_creating(False)
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.report(message, True)

    def reject(self) -> None:
        if self._creating:
            return  # the messages are being stored; closing now would hide the outcome
        super().reject()

    def has_draft(self) -> bool:
        """Whether leaving would lose typed work: a text or a media link in any step."""
        return any(step.body.strip() or step.media_urls for step in self.draft().steps)

    def cancel(self) -> None:
        """Cancel or Esc: leave, after asking when a draft would be lost."""
        if self.guard.may_leave():
            self.reject()

    # -- import on the spot ----------------------------------------------------------------

    def import_csv(self) -> None:
        from desktop.ui.importer.wizard import ImportWizard  # only loaded when used

        wizard = ImportWizard(self.services, self)
        wizard.set_tag(f"import {self.services.ctx.now().astimezone():%Y-%m-%d %H:%M}")
        wizard.imported.connect(lambda _report: self._imported(wizard.tag()))
        wizard.open()
        self.import_wizard = wizard

    def _imported(self, tag: str) -> None:
        if tag:
            self.recipients_box.select_tag(tag)
        self.reload_basics()
