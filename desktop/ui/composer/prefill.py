"""A composer filled from an existing sequence ("Duplicate"): its steps with their texts,
media and delays, its leads (all, a tag, or the same chosen leads), its sender, and the name
the copy gets. Nothing is stored until the owner starts the copy."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QLineEdit

from desktop.services.sequences.duplicate import DraftCopy
from desktop.ui.composer.panels import RecipientsBox, ScheduleBox
from desktop.ui.composer.step_editor import StepEditor
from desktop.ui.composer.step_list import StepList


class Composer(Protocol):
    """What of the composer a copy fills in (the dialog, without importing it)."""

    name_edit: QLineEdit
    step_list: StepList
    recipients_box: RecipientsBox
    schedule_box: ScheduleBox
    stop_on_reply: bool

    @property
    def steps(self) -> list[StepEditor]: ...

    def add_step(self, focus: bool = False) -> StepEditor: ...


def fill_from_copy(dialog: Composer, copy: DraftCopy) -> None:
    dialog.name_edit.setText(copy.name)
    dialog.stop_on_reply = copy.stop_on_reply
    while len(dialog.steps) < len(copy.steps):
        dialog.add_step()
    while len(dialog.steps) > max(len(copy.steps), 1):
        dialog.step_list.remove_step(dialog.steps[-1])
    for editor, step in zip(dialog.steps, copy.steps, strict=False):
        editor.set_body(step.body)
        editor.media_edit.setText(" ".join(step.media_urls))
        editor.set_delay(step.delay)
    who, selection = dialog.recipients_box, copy.selection
    if selection.ids is not None:
        who.select_ids(selection.ids)
    elif selection.tag:
        who.select_tag(selection.tag)
    else:
        who.all_radio.setChecked(True)
    if copy.sender:
        dialog.schedule_box.sender_edit.setText(copy.sender)
    if dialog.steps:
        dialog.steps[0].body_edit.setFocus()
