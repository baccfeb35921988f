"""Settings -> Templates (`templatesTable`): saved messages with a name, for composer steps
and answers. Renaming one keeps its text under the new name."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.services.core.context import Context
from desktop.services.inbox import templates
from desktop.services.inbox.templates import SavedMessage
from desktop.ui.inbox.editable_list import EditableList
from desktop.ui.inbox.entry_dialog import EntryDialog, Save
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.table_model import Column
from desktop.ui.kit.tooltips import wrapped_tooltip

INTRO = (
    "Saved messages: insert one in a sequence's step or in an answer from its Templates menu. "
    "Merge fields such as {first_name} are filled in for each lead."
)
COLUMNS: tuple[Column[SavedMessage], ...] = (
    Column("Name", lambda t: t.name),
    Column("Text", lambda t: " ".join(t.body.split()), tooltip=lambda t: wrapped_tooltip(t.body)),
)


def save_edited(ctx: Context, old_name: str, name: str, body: str) -> SavedMessage:
    """Save an edited template; a new name replaces the old one (never another template)."""
    renamed = " ".join(name.split()) != old_name
    saved = templates.add_template(ctx, name, body, replace=not renamed)
    if renamed:
        templates.delete_template(ctx, old_name)
    return saved


class TemplatesTab(EditableList[SavedMessage]):
    def __init__(
        self,
        services: AppServices,
        parent: QWidget | None = None,
        *,
        prompts: Prompts | None = None,
    ) -> None:
        ctx = services.ctx
        super().__init__(
            services,
            "templatesTable",
            COLUMNS,
            lambda: templates.list_templates(ctx),
            INTRO,
            parent,
            prompts=prompts,
        )
        self.form: EntryDialog | None = None

    def add(self) -> None:
        ctx = self.services.ctx
        self._open_form(
            "New template", "", "", lambda name, body: templates.add_template(ctx, name, body)
        )

    def edit_row(self, row: int) -> None:
        saved, ctx = self.model.row_at(row), self.services.ctx
        self._open_form(
            f"Template “{saved.name}”",
            saved.name,
            saved.body,
            lambda name, body: save_edited(ctx, saved.name, name, body),
        )

    def _open_form(self, title: str, name: str, body: str, save: Save) -> EntryDialog:
        labels = ("&Name", "&Text")
        form = EntryDialog(self.services, title, labels, save, self, key=name, text=body)
        form.saved.connect(self._saved)
        form.open()
        self.form = form
        return form

    def _saved(self, saved: SavedMessage) -> None:
        self.say(f"Saved the template “{saved.name}”.")
        self.reload(select=lambda row: row.name == saved.name)

    def delete_current(self) -> None:
        saved = self.current()
        if saved is None:
            return
        question = f"Delete the template “{saved.name}”?\n\nThis cannot be undone."
        if not self.prompts.confirm(self, "Delete template", question, "&Delete"):
            return
        ctx, name = self.services.ctx, saved.name
        self.run_change(
            lambda: templates.delete_template(ctx, name), f"Deleted the template “{name}”."
        )
