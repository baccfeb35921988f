"""What the user can do to one sequence: pause, resume, cancel, export, resend errors.

The actions work on "the current sequence" given by a callable, so the table's context menu,
a toolbar and a test all use the same QActions. Every change runs on the task runner; the
answer comes back as a notice and a refresh of the sequence's row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.services.reports import exports as reports
from desktop.services.sequences import lifecycle as sequences
from desktop.services.sequences import resend
from desktop.services.sequences.lifecycle import SequenceSummary
from desktop.services.status.rules import InvalidTransition, SequenceAction, apply_action
from desktop.services.status.vocabulary import Bucket
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.formatting import plural
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.prompts import Prompts


def allowed(summary: SequenceSummary | None, action: SequenceAction) -> bool:
    """Ask the status rules rather than repeating them here."""
    if summary is None:
        return False
    try:
        apply_action(summary.status, action)
    except InvalidTransition:
        return False
    return True


def file_name_for(summary: SequenceSummary) -> str:
    slug = re.sub(r"[^\w-]+", "-", summary.name.casefold()).strip("-") or "sequence"
    return f"{slug[:60]}.csv"


class SequenceActions(QObject):
    changed = Signal(list)  # sequence ids whose row must be refreshed

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
        self.pause_action = self._action(
            "&Pause", self.pause, "Stop handing new messages to Twilio"
        )
        self.resume_action = self._action("&Resume", self.resume, "Carry on sending")
        self.cancel_action = self._action(
            "&Cancel sequence…", self.cancel, "Cancel every message still In-queue"
        )
        self.export_action = self._action(
            "&Export to CSV…", self.export, "One row per message, with errors explained"
        )
        self.export_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.resend_action = self._action(
            "Re&send where it can help…",
            self.resend,
            "Send again the failed messages whose error a resend can cure",
        )
        self.update_enabled()

    def _action(self, text: str, slot: Callable[[], None], tip: str) -> QAction:
        action = QAction(text, self)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    @property
    def actions(self) -> list[QAction]:
        return [
            self.pause_action,
            self.resume_action,
            self.cancel_action,
            self.export_action,
            self.resend_action,
        ]

    def update_enabled(self) -> None:
        summary = self.current()
        self.pause_action.setEnabled(allowed(summary, SequenceAction.PAUSE))
        self.resume_action.setEnabled(allowed(summary, SequenceAction.RESUME))
        self.cancel_action.setEnabled(allowed(summary, SequenceAction.CANCEL))
        self.export_action.setEnabled(summary is not None)
        self.resend_action.setEnabled(summary is not None and summary.counts[Bucket.ERROR] > 0)

    # -- the actions -----------------------------------------------------------------

    def pause(self) -> None:
        summary = self.current()
        if summary is not None:
            self._change(summary, sequences.pause, f"Paused “{summary.name}”.")

    def resume(self) -> None:
        summary = self.current()
        if summary is not None:
            self._change(summary, sequences.resume, f"Resumed “{summary.name}”.")

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
            self.changed.emit([summary.id])

        self.services.tasks.run(lambda: change(ctx, summary.id), finished, self.notifier.show_error)

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

        self.services.tasks.run(
            lambda: reports.export_sequence(ctx, summary.id, path), finished, failed
        )

    def resend(self) -> None:
        summary = self.current()
        if summary is None:
            return
        ctx = self.services.ctx
        self.services.tasks.run(
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
            self.changed.emit([summary.id])

        self.services.tasks.run(
            lambda: resend.resend_where_it_helps(ctx, summary.id),
            finished,
            self.notifier.show_error,
        )
