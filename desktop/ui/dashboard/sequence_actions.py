"""What the user can do to one sequence: pause, resume, cancel, export, resend errors, and
for a sequence whose preparation failed, delete or retry it.

The actions work on "the current sequence" given by a callable, so the table's context menu,
the toolbar above it and a test all use the same QActions; each is enabled only where the
status rules allow it. Every change runs on the task runner; the answer comes back as a
notice and a refresh of the sequence's row. Resume and Retry give the sending service work,
so they also start it unless one runs (that waits for a process: never on the GUI thread).

A change may finish after the widget is gone (its card hidden, the window closing): its
notice still reaches the notifier (the window's, which outlives the widget, and whose busy
bar must end), and what touches the widget is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.services.core.context import Context
from desktop.services.engine.service_control import Started, ensure_service
from desktop.services.reports import exports as reports
from desktop.services.sequences import lifecycle as sequences
from desktop.services.sequences import preparation, resend
from desktop.services.sequences.builder import CreateResult
from desktop.services.sequences.lifecycle import SequenceSummary
from desktop.services.status.rules import InvalidTransition, SequenceAction, apply_action
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.formatting import plural
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.tooltips import wrapped_tooltip

# Each action's keys; the help lists them from here. Delete is the platform's Delete key.
SHORTCUTS: dict[str, str] = {
    "pause": "Ctrl+Shift+P",
    "resume": "Ctrl+Shift+R",
    "cancel": "Ctrl+Shift+X",
    "export": "Ctrl+Shift+E",
    "resend": "Ctrl+Shift+A",
    "retry": "Ctrl+Shift+T",
    "duplicate": "Ctrl+Shift+D",
}


def allowed(summary: SequenceSummary | None, action: SequenceAction) -> bool:
    """Ask the status rules rather than repeating them here."""
    if summary is None:
        return False
    try:
        apply_action(summary.status, action)
    except InvalidTransition:
        return False
    return True


def preparation_failed(summary: SequenceSummary | None) -> bool:
    return summary is not None and summary.status == SequenceStatus.PREPARATION_FAILED


def start_note(started: Started | None) -> str:
    """What the user should know about the sending service after giving it work: nothing
    when it runs (or scripts run their own worker), else why texts do not go out yet."""
    if started is None or not started.error:
        return ""
    return f" Not sending yet: {started.error.rstrip('.')}."


def with_service(ctx: Context, demo: bool, change: Callable[[], object]) -> Started | None:
    """Make the change, then start the sending service unless one runs (pool thread)."""
    change()
    return ensure_service(ctx, demo=demo)


def file_name_for(summary: SequenceSummary) -> str:
    slug = re.sub(r"[^\w-]+", "-", summary.name.casefold()).strip("-") or "sequence"
    return f"{slug[:60]}.csv"


class SequenceActions(QObject):
    changed = Signal(list)  # sequence ids whose row must be refreshed
    removed = Signal(int)  # a sequence deleted: the table reloads
    duplicateRequested = Signal(int)  # open the composer filled from this sequence

    def __init__(
        self,
        services: AppServices,
        current: Callable[[], SequenceSummary | None],
        parent: QWidget,
        *,
        notifier: Notifier,
        prompts: Prompts,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.current = current
        self.widget = parent
        self.notifier = notifier
        self.prompts = prompts
        # Shortcuts work while the focus is in the sequences widget (table or toolbar), so
        # they never fire from the Leads tab, whose Delete means something else.
        self.pause_action = self._action(
            "&Pause", "Pause", self.pause, SHORTCUTS["pause"], "Stop handing new messages to Twilio"
        )
        self.resume_action = self._action(
            "&Resume", "Resume", self.resume, SHORTCUTS["resume"], "Carry on sending"
        )
        self.cancel_action = self._action(
            "&Cancel sequence…",
            "Cancel…",
            self.cancel,
            SHORTCUTS["cancel"],
            "Cancel every message still In-queue",
        )
        self.export_action = self._action(
            "&Export to CSV…",
            "Export…",
            self.export,
            SHORTCUTS["export"],
            "One row per message, with errors explained",
        )
        self.resend_action = self._action(
            "Re&send where it can help…",
            "Resend…",
            self.resend,
            SHORTCUTS["resend"],
            "Send again the failed messages whose error a resend can cure",
        )
        self.delete_action = self._action(
            "&Delete…",
            "Delete…",
            self.delete,
            QKeySequence.StandardKey.Delete,
            "Delete this sequence: its preparation failed and none of its texts was sent",
        )
        self.retry_action = self._action(
            "Re&try preparing",
            "Retry",
            self.retry,
            SHORTCUTS["retry"],
            "Prepare this sequence's messages again, for the leads it names now",
        )
        self.duplicate_action = self._action(
            "D&uplicate…",
            "Duplicate…",
            self.duplicate,
            SHORTCUTS["duplicate"],
            "A new sequence with this one's steps, delays and leads, to change and start",
        )
        self.update_enabled()

    def _action(
        self,
        text: str,
        short: str,
        slot: Callable[[], None],
        keys: str | QKeySequence.StandardKey,
        tip: str,
    ) -> QAction:
        action = QAction(text, self)
        action.setIconText(short)  # the toolbar's label: no mnemonic, no long words
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setStatusTip(tip)
        action.setToolTip(wrapped_tooltip(f"{tip} ({shown})") or "")
        action.triggered.connect(lambda _checked=False: slot())
        return action

    @property
    def actions(self) -> list[QAction]:
        """Every action, in the order of the toolbar and the context menu."""
        return [
            self.pause_action,
            self.resume_action,
            self.cancel_action,
            self.export_action,
            self.resend_action,
            self.delete_action,
            self.retry_action,
            self.duplicate_action,
        ]

    def update_enabled(self) -> None:
        summary = self.current()
        self.pause_action.setEnabled(allowed(summary, SequenceAction.PAUSE))
        self.resume_action.setEnabled(allowed(summary, SequenceAction.RESUME))
        self.cancel_action.setEnabled(allowed(summary, SequenceAction.CANCEL))
        self.export_action.setEnabled(summary is not None)
        self.duplicate_action.setEnabled(summary is not None)
        self.resend_action.setEnabled(summary is not None and summary.counts[Bucket.ERROR] > 0)
        failed = preparation_failed(summary)
        for action in (self.delete_action, self.retry_action):
            action.setEnabled(failed)
            action.setVisible(failed)  # only such a sequence can be deleted or retried

    # -- background work ---------------------------------------------------------------

    def _run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None],
    ) -> None:
        """`work` off the GUI thread; its answer is dropped only once the notifier it
        reports to is gone (see the module's note)."""
        run_for(self.notifier, self.services.tasks, work, on_done, on_error)

    def _refresh_row(self, sequence_id: int) -> None:
        if shiboken6.isValid(self):  # the widget may have gone while the change ran
            self.changed.emit([sequence_id])

    # -- the actions -----------------------------------------------------------------

    def duplicate(self) -> None:
        summary = self.current()
        if summary is not None:
            self.duplicateRequested.emit(summary.id)

    def pause(self) -> None:
        summary = self.current()
        if summary is not None:
            self._change(summary, sequences.pause, f"Paused “{summary.name}”.")

    def resume(self) -> None:
        summary = self.current()
        if summary is None:
            return
        ctx, demo = self.services.ctx, self.services.demo

        def finished(started: Started | None) -> None:
            self.notifier.show_info(f"Resumed “{summary.name}”.{start_note(started)}")
            self.services.poke_engine()
            self._refresh_row(summary.id)

        self._run(
            lambda: with_service(ctx, demo, lambda: sequences.resume(ctx, summary.id)),
            finished,
            self.notifier.show_error,
        )

    def cancel(self) -> None:
        summary = self.current()
        if summary is None:
            return
        waiting = summary.counts[Bucket.IN_QUEUE]
        text = (
            f"Cancel “{summary.name}”?\n\n"
            f"The {plural(waiting, 'message')} still In-queue will never be sent. "
            "Messages already handed to Twilio keep being tracked.\n\nThis cannot be undone."
        )
        if self.prompts.confirm(self.widget, "Cancel sequence", text, "&Cancel sequence"):
            self._change(summary, sequences.cancel, f"Canceled “{summary.name}”.")

    def _change(
        self, summary: SequenceSummary, change: Callable[..., object], done_text: str
    ) -> None:
        ctx = self.services.ctx

        def finished(_result: object) -> None:
            self.notifier.show_info(done_text)
            self.services.poke_engine()
            self._refresh_row(summary.id)

        self._run(lambda: change(ctx, summary.id), finished, self.notifier.show_error)

    def export(self) -> None:
        summary = self.current()
        if summary is None:
            return
        path = self.prompts.save_path(self.widget, "Export sequence", file_name_for(summary))
        if path is None:
            return
        self.export_to(summary, path)

    def export_to(self, summary: SequenceSummary, path: Path) -> None:
        ctx = self.services.ctx
        token = self.notifier.begin_work(f"Exporting “{summary.name}”…")

        def finished(count: int) -> None:
            self.notifier.end_work(token)
            self.notifier.show_info(f"Exported {plural(count, 'message')} to {path}.")

        def failed(sentence: str) -> None:
            self.notifier.end_work(token)
            self.notifier.show_error(f"The export failed: {sentence}")

        self._run(lambda: reports.export_sequence(ctx, summary.id, path), finished, failed)

    def resend(self) -> None:
        summary = self.current()
        if summary is None:
            return
        ctx = self.services.ctx
        # The question needs this widget: asked only while it is there.
        run_for(
            self,
            self.services.tasks,
            lambda: resend.resendable_count(ctx, summary.id),
            lambda count: self._confirm_resend(summary, count),
            self.notifier.show_error,
        )

    def _confirm_resend(self, summary: SequenceSummary, count: int) -> None:
        if count == 0:
            self.prompts.inform(
                self.widget,
                "Nothing to resend",
                f"None of the errors in “{summary.name}” can be cured by sending again: "
                "each needs a fix first. Hover an error to see what to do.",
            )
            return
        text = (
            f"Send {plural(count, 'message')} of “{summary.name}” again?\n\n"
            "Only errors that a later attempt can cure are resent; leads who opted out or "
            "were deleted since are left alone. Each resend is charged by Twilio."
        )
        if not self.prompts.confirm(self.widget, "Resend messages", text, "&Resend"):
            return
        ctx = self.services.ctx

        def finished(resent: int) -> None:
            self.notifier.show_info(f"{plural(resent, 'message')} put back In-queue.")
            self.services.poke_engine()
            self._refresh_row(summary.id)

        self._run(
            lambda: resend.resend_where_it_helps(ctx, summary.id),
            finished,
            self.notifier.show_error,
        )

    # -- a sequence whose preparation failed -----------------------------------------------

    def delete(self) -> None:
        summary = self.current()
        if not preparation_failed(summary):
            return
        assert summary is not None
        text = (
            f"Delete “{summary.name}”?\n\n"
            "Its messages could not all be prepared, and none of its texts was sent. "
            "Deleting it removes it from the list.\n\nThis cannot be undone."
        )
        if not self.prompts.confirm(self.widget, "Delete sequence", text, "&Delete"):
            return
        ctx = self.services.ctx

        def finished(_result: object) -> None:
            self.notifier.show_info(f"Deleted “{summary.name}”.")
            if shiboken6.isValid(self):
                self.removed.emit(summary.id)

        self._run(
            lambda: preparation.delete_sequence(ctx, summary.id),
            finished,
            self.notifier.show_error,
        )

    def retry(self) -> None:
        summary = self.current()
        if not preparation_failed(summary):
            return
        assert summary is not None
        ctx, demo = self.services.ctx, self.services.demo
        token = self.notifier.begin_work(f"Preparing “{summary.name}” again…")

        def work() -> tuple[CreateResult, Started | None]:
            result = preparation.retry_preparation(ctx, summary.id)
            return result, ensure_service(ctx, demo=demo)

        def finished(outcome: tuple[CreateResult, Started | None]) -> None:
            result, started = outcome
            self.notifier.end_work(token)
            self.notifier.show_info(
                f"Prepared “{summary.name}”: {plural(result.messages, 'message')} to "
                f"{plural(result.leads, 'lead')}.{start_note(started)}"
            )
            self.services.poke_engine()
            self._refresh_row(summary.id)

        def failed(sentence: str) -> None:
            self.notifier.end_work(token)
            self.notifier.show_error(f"Preparing “{summary.name}” failed again: {sentence}")
            self._refresh_row(summary.id)

        self._run(work, finished, failed)
